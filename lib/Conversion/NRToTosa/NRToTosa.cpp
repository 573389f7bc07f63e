//===- NRToTosa.cpp - Lower nr layers to TOSA for evaluation --------------===//
//
// Evaluation semantics of the nr layers expressed in plain TOSA, so the rest
// of the pipeline (TOSA -> linalg -> LLVM) needs to know nothing about them.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Conversion/Passes.h"
#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace netrewrite {
#define GEN_PASS_DEF_CONVERTNRTOTOSA
#include "netrewrite/Conversion/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using namespace netrewrite;

namespace {

/// A rank-1 f32-like constant splat of `value` with one element; TOSA's
/// same-rank broadcasting applies it to every channel.
Value splatScalar(PatternRewriter &rewriter, Location loc, Type elementType,
                  double value) {
  auto type = RankedTensorType::get({1}, elementType);
  return tosa::ConstOp::create(
      rewriter, loc, type,
      DenseElementsAttr::get(type, rewriter.getFloatAttr(elementType, value)));
}

/// tosa.mul wants an i8 shift operand even for floats; it must be zero.
Value zeroShift(PatternRewriter &rewriter, Location loc) {
  auto type = RankedTensorType::get({1}, rewriter.getI8Type());
  return tosa::ConstOp::create(
      rewriter, loc, type,
      DenseElementsAttr::get(type, rewriter.getI8IntegerAttr(0)));
}

/// Reshapes a per-channel vector to [1, ..., 1, C] so that it broadcasts over
/// an NHWC (or NC) tensor of rank `rank`.
Value toBroadcastShape(PatternRewriter &rewriter, Location loc, Value vec,
                       int64_t rank) {
  auto vecType = cast<RankedTensorType>(vec.getType());
  SmallVector<int64_t> shape(rank, 1);
  shape.back() = vecType.getDimSize(0);
  auto type = RankedTensorType::get(shape, vecType.getElementType());
  return tosa::ReshapeOp::create(rewriter, loc, type, vec,
                                 tosa::getTosaConstShape(rewriter, loc, shape));
}

/// y = x * scale + shift with scale = gamma * rsqrt(var + eps) and
/// shift = beta - mean * scale, all computed per channel.
struct LowerBatchNorm : OpRewritePattern<nr::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nr::BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    if (ShapedType::isDynamic(op.getNumChannels()))
      return rewriter.notifyMatchFailure(op, "channel count must be static");
    Location loc = op.getLoc();
    auto paramType = cast<RankedTensorType>(op.getGamma().getType());
    Type elementType = paramType.getElementType();
    Value shift8 = zeroShift(rewriter, loc);

    Value eps = splatScalar(rewriter, loc, elementType,
                            op.getEpsilon().convertToDouble());
    Value varEps =
        tosa::AddOp::create(rewriter, loc, paramType, op.getVariance(), eps);
    Value invStd = tosa::RsqrtOp::create(rewriter, loc, paramType, varEps);
    Value scale = tosa::MulOp::create(rewriter, loc, paramType, op.getGamma(),
                                      invStd, shift8);
    Value meanScale = tosa::MulOp::create(rewriter, loc, paramType,
                                          op.getMean(), scale, shift8);
    Value shift = tosa::SubOp::create(rewriter, loc, paramType, op.getBeta(),
                                      meanScale);

    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = inputType.getRank();
    Value scaled = tosa::MulOp::create(
        rewriter, loc, inputType, op.getInput(),
        toBroadcastShape(rewriter, loc, scale, rank), shift8);
    rewriter.replaceOpWithNewOp<tosa::AddOp>(
        op, inputType, scaled, toBroadcastShape(rewriter, loc, shift, rank));
    return success();
  }
};

/// Inverted dropout is the identity at evaluation time.
struct LowerDropout : OpRewritePattern<nr::DropoutOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nr::DropoutOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

struct ConvertNRToTosaPass
    : netrewrite::impl::ConvertNRToTosaBase<ConvertNRToTosaPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateNRToTosaPatterns(patterns);
    // Walk-based application: every nr op is rewritten exactly once and the
    // new TOSA ops are not revisited.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);

    WalkResult left = getOperation().walk([](Operation *op) {
      if (isa<nr::NRDialect>(op->getDialect())) {
        op->emitError("could not lower '")
            << op->getName() << "' to TOSA (is its channel count static?)";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void netrewrite::populateNRToTosaPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerBatchNorm, LowerDropout>(patterns.getContext());
}
