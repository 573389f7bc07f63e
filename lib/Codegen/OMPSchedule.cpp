//===- OMPSchedule.cpp - Worksharing schedules of parallel loops ----------===//
//
// `convert-scf-to-openmp` emits worksharing loops without a schedule clause.
// This pass gives each one:
//
// * `schedule(static)`: each thread gets one contiguous share, with one call
//   into libomp per thread and loop. Until session 8 every loop had
//   `schedule(dynamic)` (chunks of one iteration, so that running threads
//   take the share of a descheduled one). Each chunk is a call to
//   `__kmpc_dispatch_next`, and Debian's libomp (built with KMP_DEBUG)
//   formats a trace string (malloc, vsnprintf, free) in every such call
//   even with tracing off: at batch 1, where a layer is a few rows of
//   microseconds each, that was 6% of nsfwjs's samples at 2 threads, and
//   the static schedule ran nsfwjs and MobileNetV2 12-21% faster. At batch
//   32 on an idle machine the two measured the same; with a busy process on
//   one of the two cores, nsfwjs ran 5-8% slower all-static in one
//   comparison and level in another, and libomp's load-balance mode (the
//   executables' default, lib/Runtime/ExecutableMain.cpp) shrinks the team
//   under load anyway (docs/codegen.md, "Threads").
// * for loops of ops too small to share (netrewrite::kSerialLoopMarker),
//   `if(false)` as well: they run on the calling thread.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace netrewrite {
#define GEN_PASS_DEF_OMPSCHEDULE
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {
struct OMPSchedulePass
    : public netrewrite::impl::OMPScheduleBase<OMPSchedulePass> {
  void runOnOperation() override {
    auto marker = StringAttr::get(&getContext(), netrewrite::kSerialLoopMarker);
    // Drops the serial marker from `op`'s location; false when it has none.
    auto unmark = [&](Operation *op) -> bool {
      auto fused = dyn_cast<FusedLoc>(op->getLoc());
      if (!fused || fused.getMetadata() != marker)
        return false;
      op->setLoc(fused.getLocations().size() == 1
                     ? fused.getLocations().front()
                     : FusedLoc::get(&getContext(), fused.getLocations()));
      return true;
    };
    getOperation()->walk([&](omp::ParallelOp parallel) {
      if (!unmark(parallel))
        return;
      OpBuilder b(parallel);
      parallel.getIfExprMutable().assign(arith::ConstantOp::create(
          b, parallel.getLoc(), b.getBoolAttr(false)));
    });
    // The markers on the loops inside those regions go too.
    getOperation()->walk([&](Operation *op) {
      unmark(op);
      auto loop = dyn_cast<omp::WsloopOp>(op);
      if (loop && !loop.getScheduleKindAttr())
        loop.setScheduleKindAttr(omp::ClauseScheduleKindAttr::get(
            &getContext(), omp::ClauseScheduleKind::Static));
    });
  }
};
} // namespace
