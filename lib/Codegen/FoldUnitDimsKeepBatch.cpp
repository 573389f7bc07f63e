//===- FoldUnitDimsKeepBatch.cpp - Drop unit dimensions except the batch --===//
//
// Upstream `linalg-fold-unit-extent-dims` drops every unit dimension of a
// linalg.generic, the batch included: at batch 1 a convolution's bias
// broadcast and its element-wise consumer become 3-D ops while the
// convolution (a named op) stays 4-D, so neither could be fused into the
// convolution's loops (the schedule fuses ops over the same iteration
// space). Each then ran as a separate pass over the activation, and below
// the thread threshold on one thread. Keeping dimension 0 of 4-D and
// higher element-wise ops (NHWC values) keeps them fusable; other unit
// dimensions (the depthwise channel multiplier, unit rows of a dense
// layer) and all unit dimensions of reductions still go.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace netrewrite {
#define GEN_PASS_DEF_FOLDUNITDIMSKEEPBATCH
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// Dimensions `from`.. `rank` - 1, from 1 on when the op is at least 4-D.
SmallVector<unsigned> candidates(unsigned rank) {
  return llvm::to_vector(llvm::seq<unsigned>(rank >= 4 ? 1 : 0, rank));
}

struct FoldUnitDimsKeepBatchPass
    : public netrewrite::impl::FoldUnitDimsKeepBatchBase<
          FoldUnitDimsKeepBatchPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::ControlDropUnitDims options;
    options.controlFn = [](Operation *op) -> SmallVector<unsigned> {
      // Reductions (batch-norm statistics, gradients) keep upstream's
      // behaviour: only element-wise ops are fused into convolutions.
      if (auto generic = dyn_cast<linalg::GenericOp>(op))
        return generic.getNumReductionLoops()
                   ? llvm::to_vector(llvm::seq<unsigned>(0, generic.getNumLoops()))
                   : candidates(generic.getNumLoops());
      if (auto pad = dyn_cast<tensor::PadOp>(op))
        return candidates(pad.getSourceType().getRank());
      return {};
    };
    linalg::populateFoldUnitExtentDimsPatterns(patterns, options);
    linalg::populateMoveInitOperandsToInputPattern(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
