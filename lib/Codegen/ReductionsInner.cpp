//===- ReductionsInner.cpp - Parallel loops outside reductions ------------===//
//
// For the CUDA pipeline, where a reduction loop outside a parallel one is a
// host loop of kernel launches (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace netrewrite {
#define GEN_PASS_DEF_REDUCTIONSINNER
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// The loop order with the parallel loops first, each group in its order;
/// empty when it is already so.
SmallVector<unsigned> parallelFirst(linalg::LinalgOp op) {
  if (netrewrite::codegen::leadingParallelLoops(op))
    return {};
  SmallVector<unsigned> parallel, reduction;
  for (auto [d, kind] : llvm::enumerate(op.getIteratorTypesArray()))
    (kind == utils::IteratorType::parallel ? parallel : reduction)
        .push_back(d);
  SmallVector<unsigned> order = parallel;
  order.append(reduction.begin(), reduction.end());
  return order;
}

struct ReductionsInnerPass
    : netrewrite::impl::ReductionsInnerBase<ReductionsInnerPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!parallelFirst(op).empty())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<unsigned> order = parallelFirst(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(*op);
      if (!generic) {
        FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
        if (failed(g))
          continue;
        generic = *g;
      }
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};

} // namespace
