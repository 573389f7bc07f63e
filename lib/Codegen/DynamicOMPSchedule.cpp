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
    getOperation()->walk([&](omp::WsloopOp loop) {
      if (!loop.getScheduleKindAttr())
        loop.setScheduleKindAttr(omp::ClauseScheduleKindAttr::get(
            &getContext(), omp::ClauseScheduleKind::Dynamic));
    });
  }
};
} // namespace
