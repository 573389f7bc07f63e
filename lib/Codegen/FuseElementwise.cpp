//===- FuseElementwise.cpp - Element-wise fusion without recomputation ----===//
//
// `linalg-fuse-elementwise-ops` with one more rule: an element-wise producer
// is not fused into an op with reduction loops when the op reads the
// producer's result through a map that leaves some of its loops out, i.e.
// when the producer's body would run again for every iteration of those
// loops. Upstream fuses it anyway. At batch 1 a dense layer is a
// matrix-vector product (after netrewrite-fold-unit-dims-keep-batch), and
// the average pool's division in front of it, or the previous dense
// layer's bias and ReLU, became part of its body: one division per weight
// (327,680 for nsfwjs's 1280x256 layer instead of 1,280), and a body that is
// no longer a multiply-add, so neither netrewrite-schedule-cpu's contraction
// schedule nor the vectoriser took it. It ran as scalar loops: 9% of
// nsfwjs's time per image. Everything else fuses as upstream does (element-
// wise chains, batch norms into their epilogues, reductions of element-wise
// expressions, which read the producer at every loop).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace netrewrite {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// Whether fusing `operand`'s producer into its owner would recompute the
/// producer inside a reduction: the owner has reduction loops and reads the
/// operand through a map that is not a permutation of all its loops.
bool recomputesInReduction(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!consumer || consumer.getNumReductionLoops() == 0 ||
      !isa_and_nonnull<linalg::LinalgOp>(operand->get().getDefiningOp()))
    return false;
  return !consumer.getMatchingIndexingMap(operand).isPermutation();
}

struct FuseElementwisePass
    : public netrewrite::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Upstream's control: fuse a producer only into its single user.
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse() && !recomputesInReduction(fused);
    };
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    // Top-down, as upstream (compile time).
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);
  }
};

} // namespace
