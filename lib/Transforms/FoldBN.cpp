//===- FoldBN.cpp - --fold-bn ---------------------------------------------===//
//
// Folds an evaluation-mode nr.batch_norm into the weight and bias of the
// conv / depthwise conv / dense layer in front of it, as deployment
// toolchains do. Only when the BN is that layer's only user (otherwise the
// unnormalised value is still needed) and all parameters are constants.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>

namespace netrewrite {
#define GEN_PASS_DEF_FOLDBN
#include "netrewrite/Transforms/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using namespace netrewrite;

namespace {

/// The float values of a constant (dense or dense_resource), or nullopt.
/// Looks through tosa.reshape (row-major order is unchanged), as the
/// importers reshape constant biases and weights to match ranks.
std::optional<std::vector<double>> constantValues(Value v) {
  while (auto reshape = v.getDefiningOp<tosa::ReshapeOp>())
    v = reshape.getInput1();
  Operation *def = v.getDefiningOp();
  if (!def || !def->hasTrait<OpTrait::ConstantLike>())
    return std::nullopt;
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  std::vector<double> out;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!isa<FloatType>(dense.getElementType()))
      return std::nullopt;
    for (APFloat x : dense.getValues<APFloat>())
      out.push_back(x.convertToDouble());
    return out;
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    out.assign(data->begin(), data->end());
    return out;
  }
  return std::nullopt;
}

Value makeConstant(PatternRewriter &rewriter, Location loc,
                   RankedTensorType type, ArrayRef<double> values) {
  SmallVector<APFloat> floats;
  auto elementType = cast<FloatType>(type.getElementType());
  for (double d : values) {
    APFloat f(d);
    bool lost;
    f.convert(elementType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lost);
    floats.push_back(f);
  }
  return tosa::ConstOp::create(rewriter, loc, type,
                               DenseElementsAttr::get(type, floats));
}

struct FoldBatchNorm : OpRewritePattern<nr::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nr::BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    int64_t channels = bn.getNumChannels();
    if (ShapedType::isDynamic(channels))
      return rewriter.notifyMatchFailure(bn, "dynamic channel count");
    auto gamma = constantValues(bn.getGamma());
    auto beta = constantValues(bn.getBeta());
    auto mean = constantValues(bn.getMean());
    auto var = constantValues(bn.getVariance());
    if (!gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "parameters are not constants");
    auto expand = [&](std::vector<double> &v) {
      if (v.size() == 1)
        v.assign(channels, v[0]);
      return static_cast<int64_t>(v.size()) == channels;
    };
    if (!expand(*gamma) || !expand(*beta) || !expand(*mean) || !expand(*var))
      return failure();
    double eps = bn.getEpsilon().convertToDouble();
    std::vector<double> scale(channels), shift(channels);
    for (int64_t c = 0; c < channels; ++c) {
      // Same order of operations as convert-nr-to-tosa, in f32.
      float s = static_cast<float>((*gamma)[c]) *
                (1.0f / std::sqrt(static_cast<float>((*var)[c]) +
                                  static_cast<float>(eps)));
      scale[c] = s;
      shift[c] = (*beta)[c] - (*mean)[c] * s;
    }

    Value input = bn.getInput();
    Operation *producer = input.getDefiningOp();
    if (!producer || !input.hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input has other users");

    // Scales the weight along its output-channel index and returns it.
    auto scaleWeight = [&](Value weight,
                           function_ref<int64_t(int64_t)> channelOf) -> Value {
      auto values = constantValues(weight);
      if (!values)
        return nullptr;
      for (size_t i = 0; i < values->size(); ++i)
        (*values)[i] *= scale[channelOf(i)];
      // A new constant of the operand's type (any reshape in between is
      // bypassed: it does not change the element order).
      return makeConstant(rewriter, weight.getLoc(),
                          cast<RankedTensorType>(weight.getType()), *values);
    };
    // b' = b * scale + shift (= (b - mean) * scale + beta).
    auto foldBias = [&](Value bias) -> Value {
      auto values = constantValues(bias);
      if (!values)
        return nullptr;
      if (values->size() == 1)
        values->assign(channels, (*values)[0]);
      if (static_cast<int64_t>(values->size()) != channels)
        return nullptr;
      for (int64_t c = 0; c < channels; ++c)
        (*values)[c] = (*values)[c] * scale[c] + shift[c];
      auto oldType = cast<RankedTensorType>(bias.getType());
      SmallVector<int64_t> shape(oldType.getShape());
      shape.back() = channels;
      return makeConstant(rewriter, bias.getLoc(),
                          RankedTensorType::get(shape,
                                                oldType.getElementType()),
                          *values);
    };

    // Scales the convolution's weight (channelOf: weight element -> output
    // channel) and folds its bias, then drops the BN.
    auto foldIntoConv = [&](auto conv, auto channelOf) -> LogicalResult {
      rewriter.setInsertionPoint(conv);
      Value w = scaleWeight(conv.getWeight(), channelOf);
      Value b = foldBias(conv.getBias());
      if (!w || !b)
        return rewriter.notifyMatchFailure(bn, "conv weight/bias not constant");
      rewriter.modifyOpInPlace(conv, [&] {
        conv.getWeightMutable().assign(w);
        conv.getBiasMutable().assign(b);
      });
      rewriter.replaceOp(bn, conv.getResult());
      return success();
    };

    if (auto conv = dyn_cast<tosa::Conv2DOp>(producer)) {
      // Weight OHWI: the output channel is the slowest index.
      int64_t perChannel =
          cast<ShapedType>(conv.getWeight().getType()).getNumElements() /
          channels;
      if (!isa<ShapedType>(conv.getWeight().getType()) ||
          cast<ShapedType>(conv.getWeight().getType()).getDimSize(0) !=
              channels)
        return failure();
      return foldIntoConv(conv, [&](int64_t i) { return i / perChannel; });
    }
    if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(producer)) {
      // Weight HWCM: output channel c * M + m is the fastest C*M index.
      return foldIntoConv(conv, [&](int64_t i) { return i % channels; });
    }
    if (auto add = dyn_cast<tosa::AddOp>(producer)) {
      // Dense: matmul (weight 1xKxM) [-> reshape] -> add constant bias.
      Value bias = add.getInput2(), other = add.getInput1();
      if (!constantValues(bias))
        std::swap(bias, other);
      Operation *def = other.getDefiningOp();
      if (def && isa<tosa::ReshapeOp>(def) && other.hasOneUse())
        def = def->getOperand(0).getDefiningOp();
      auto matmul = dyn_cast_or_null<tosa::MatMulOp>(def);
      if (!matmul || !matmul->hasOneUse() ||
          cast<ShapedType>(matmul.getB().getType()).getDimSize(2) != channels)
        return rewriter.notifyMatchFailure(bn, "not a dense layer");
      rewriter.setInsertionPoint(matmul);
      Value w = scaleWeight(matmul.getB(),
                            [&](int64_t i) { return i % channels; });
      rewriter.setInsertionPoint(add);
      Value b = foldBias(bias);
      if (!w || !b || b.getType() != bias.getType())
        return rewriter.notifyMatchFailure(bn, "dense weight/bias");
      rewriter.modifyOpInPlace(matmul, [&] { matmul.getBMutable().assign(w); });
      rewriter.modifyOpInPlace(add, [&] {
        add->setOperand(add.getInput1() == bias ? 0 : 1, b);
      });
      rewriter.replaceOp(bn, add.getResult());
      return success();
    }
    return rewriter.notifyMatchFailure(bn, "no conv/dense in front");
  }
};

struct FoldBNPass : netrewrite::impl::FoldBNBase<FoldBNPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNorm>(&getContext());
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.enableConstantCSE(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

} // namespace
