//===- DynamicOMPSchedule.cpp - Dynamic scheduling of parallel loops ------===//
//
// `convert-scf-to-openmp` emits worksharing loops with the default static
// schedule: each thread gets a fixed share of the iterations. When a thread
// is descheduled for a while (machines shared with other jobs, noisy
// neighbours) everyone waits for its share. With a dynamic schedule the
// running threads take the iterations the late one has not started;
// iterations here are whole output rows (microseconds), so the per-chunk
// atomic is noise.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace netrewrite {
#define GEN_PASS_DEF_DYNAMICOMPSCHEDULE
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {
struct DynamicOMPSchedulePass
    : public netrewrite::impl::DynamicOMPScheduleBase<DynamicOMPSchedulePass> {
  void runOnOperation() override {
    // Loops of ops too small to share between threads (marked by
    // netrewrite-schedule-cpu) run on the calling thread: `if(false)` makes
    // the parallel region a call of its outlined body, and their static
    // schedule costs no per-iteration dispatch.
    auto marker = StringAttr::get(&getContext(), netrewrite::kSerialLoopMarker);
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
      parallel->walk([&](Operation *op) { unmark(op); });
      parallel->walk([&](omp::WsloopOp loop) {
        loop.setScheduleKindAttr(omp::ClauseScheduleKindAttr::get(
            &getContext(), omp::ClauseScheduleKind::Static));
      });
    });
    getOperation()->walk([&](Operation *op) { unmark(op); });
    getOperation()->walk([&](omp::WsloopOp loop) {
      if (!loop.getScheduleKindAttr())
        loop.setScheduleKindAttr(omp::ClauseScheduleKindAttr::get(
            &getContext(), omp::ClauseScheduleKind::Dynamic));
    });
  }
};
} // namespace
