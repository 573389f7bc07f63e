//===- LayerMatch.cpp - Finding DSL layers in TOSA/nr IR ------------------===//
//
// The op patterns behind each layer of LayerVocabulary.def. They follow what
// the importers emit (docs/dsl.md, "Layer vocabulary"): a weighted layer is
// its anchor plus the activation that is the anchor's only user, so
// `conv[act=relu]` is a tosa.conv2d whose single use is a tosa.clamp(0, max).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/DSL/LayerMatch.h"
#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/xxhash.h"
#include <cmath>

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::dsl;

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

std::string netrewrite::dsl::getLayerName(Operation *op) {
  std::string name;
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

/// Whether `v` is a constant whose every element is `expected`.
static bool isConstantSplat(Value v, double expected) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) ||
      !isa<FloatType>(attr.getElementType()))
    return false;
  for (APFloat x : attr.getValues<APFloat>()) {
    double d = x.convertToDouble();
    if (std::abs(d - expected) > 1e-6 * std::max(1.0, std::abs(expected)))
      return false;
  }
  return true;
}

static bool isConstant(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>();
}

static std::optional<double> floatAttr(Attribute attr) {
  if (auto f = dyn_cast_or_null<FloatAttr>(attr))
    return f.getValueAsDouble();
  return std::nullopt;
}

/// relu: clamp(0, >= 3.4e38); relu6: clamp(0, 6).
static std::optional<Activation> clampActivation(tosa::ClampOp clamp) {
  std::optional<double> lo = floatAttr(clamp.getMinValAttr());
  std::optional<double> hi = floatAttr(clamp.getMaxValAttr());
  if (!lo || !hi || *lo != 0.0)
    return std::nullopt;
  if (*hi >= 3.4e38)
    return Activation::ReLU;
  if (*hi == 6.0)
    return Activation::ReLU6;
  return std::nullopt;
}

/// hswish(x) = x * clamp(x + 3, 0, 6) * (1/6), as four ops:
///   %a = add %x, 3 ; %c = clamp %a [0, 6] ; %m = mul %x, %c ; %y = mul %m, 1/6
/// Matched backwards from %y. Returns x and the ops in program order.
static std::optional<std::pair<Value, SmallVector<Operation *>>>
matchHSwish(Operation *op) {
  auto y = dyn_cast<tosa::MulOp>(op);
  if (!y)
    return std::nullopt;
  Value m;
  if (isConstantSplat(y.getInput2(), 1.0 / 6.0))
    m = y.getInput1();
  else if (isConstantSplat(y.getInput1(), 1.0 / 6.0))
    m = y.getInput2();
  else
    return std::nullopt;
  auto mul = m.getDefiningOp<tosa::MulOp>();
  if (!mul || !m.hasOneUse())
    return std::nullopt;
  for (int swap = 0; swap < 2; ++swap) {
    Value x = swap ? mul.getInput2() : mul.getInput1();
    Value c = swap ? mul.getInput1() : mul.getInput2();
    auto clamp = c.getDefiningOp<tosa::ClampOp>();
    if (!clamp || !c.hasOneUse() ||
        clampActivation(clamp) != Activation::ReLU6)
      continue;
    auto add = clamp.getInput().getDefiningOp<tosa::AddOp>();
    if (!add || !add->hasOneUse())
      continue;
    if (!((add.getInput1() == x && isConstantSplat(add.getInput2(), 3.0)) ||
          (add.getInput2() == x && isConstantSplat(add.getInput1(), 3.0))))
      continue;
    return std::make_pair(
        x, SmallVector<Operation *>{add, clamp, mul, y.getOperation()});
  }
  return std::nullopt;
}

/// The activation that consumes `v` and nothing else, with its ops.
static Activation matchActivationAfter(Value v,
                                       SmallVectorImpl<Operation *> &ops) {
  if (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    if (auto clamp = dyn_cast<tosa::ClampOp>(user)) {
      if (std::optional<Activation> act = clampActivation(clamp)) {
        ops.push_back(user);
        return *act;
      }
    }
    if (isa<tosa::SigmoidOp>(user)) {
      ops.push_back(user);
      return Activation::Sigmoid;
    }
    return Activation::None;
  }
  // hswish uses x twice (the add and the multiply).
  if (!llvm::hasNItems(v.getUses(), 2))
    return Activation::None;
  for (Operation *user : v.getUsers()) {
    if (!isa<tosa::AddOp>(user) || !user->hasOneUse())
      continue;
    Operation *clamp = *user->getUsers().begin();
    if (!clamp->hasOneUse())
      continue;
    Operation *mul = *clamp->getUsers().begin();
    if (!mul->hasOneUse())
      continue;
    Operation *last = *mul->getUsers().begin();
    auto hswish = matchHSwish(last);
    if (hswish && hswish->first == v &&
        llvm::all_of(v.getUsers(), [&](Operation *u) {
          return u == user || u == mul;
        })) {
      ops.append(hswish->second);
      return Activation::HSwish;
    }
  }
  return Activation::None;
}

/// Adds the activation behind `site.ops.back()` to a weighted layer.
static void addActivation(LayerSite &site) {
  site.preActivation = site.ops.back()->getResult(0);
  site.act = matchActivationAfter(site.preActivation, site.activationOps);
  site.ops.append(site.activationOps);
  site.attrs.act = site.act;
}

static int64_t dim(Value v, unsigned i) {
  return cast<ShapedType>(v.getType()).getDimSize(i);
}

//===----------------------------------------------------------------------===//
// Recognisers
//===----------------------------------------------------------------------===//

std::optional<LayerSite> netrewrite::dsl::matchLayer(LayerKind kind,
                                                     Operation *anchor) {
  LayerSite site;
  site.kind = kind;
  site.anchor = anchor;
  site.name = getLayerName(anchor);
  auto single = [&](Operation *op) {
    site.ops.push_back(op);
    site.inputOperand = &op->getOpOperand(0);
    return site;
  };

  switch (kind) {
  case LayerKind::Conv: {
    auto conv = dyn_cast<tosa::Conv2DOp>(anchor);
    if (!conv)
      return std::nullopt;
    single(conv);
    // Weight OHWI.
    site.attrs.filters = dim(conv.getWeight(), 0);
    site.attrs.kernel = Size2{dim(conv.getWeight(), 1), dim(conv.getWeight(), 2)};
    site.attrs.stride = Size2{conv.getStride()[0], conv.getStride()[1]};
    addActivation(site);
    return site;
  }
  case LayerKind::DWConv: {
    auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(anchor);
    if (!conv)
      return std::nullopt;
    single(conv);
    // Weight HWCM.
    site.attrs.kernel = Size2{dim(conv.getWeight(), 0), dim(conv.getWeight(), 1)};
    site.attrs.multiplier = dim(conv.getWeight(), 3);
    site.attrs.stride = Size2{conv.getStride()[0], conv.getStride()[1]};
    addActivation(site);
    return site;
  }
  case LayerKind::Dense: {
    auto matmul = dyn_cast<tosa::MatMulOp>(anchor);
    if (!matmul || !isConstant(matmul.getB()))
      return std::nullopt;
    // [reshape NxK -> 1xNxK] matmul [reshape 1xNxM -> NxM] [add bias] [act]
    Operation *first = matmul;
    site.inputOperand = &matmul->getOpOperand(0);
    if (auto in = matmul.getA().getDefiningOp<tosa::ReshapeOp>();
        in && in->hasOneUse()) {
      first = in;
      site.inputOperand = &in->getOpOperand(0);
    }
    if (first != matmul.getOperation())
      site.ops.push_back(first);
    site.ops.push_back(matmul);
    site.attrs.units = dim(matmul.getB(), 2);
    Value v = matmul.getResult();
    if (v.hasOneUse())
      if (auto out = dyn_cast<tosa::ReshapeOp>(*v.getUsers().begin())) {
        site.ops.push_back(out);
        v = out.getResult();
      }
    if (v.hasOneUse())
      if (auto add = dyn_cast<tosa::AddOp>(*v.getUsers().begin()))
        if (isConstant(add.getInput1()) || isConstant(add.getInput2()))
          site.ops.push_back(add);
    addActivation(site);
    return site;
  }
  case LayerKind::BN: {
    auto bn = dyn_cast<nr::BatchNormOp>(anchor);
    if (!bn)
      return std::nullopt;
    site.attrs.epsilon = bn.getEpsilon().convertToDouble();
    site.attrs.momentum = bn.getMomentum().convertToDouble();
    return single(bn);
  }
  case LayerKind::ReLU:
  case LayerKind::ReLU6: {
    auto clamp = dyn_cast<tosa::ClampOp>(anchor);
    if (!clamp || clampActivation(clamp) != layerActivation(kind))
      return std::nullopt;
    return single(clamp);
  }
  case LayerKind::Sigmoid:
    if (!isa<tosa::SigmoidOp>(anchor))
      return std::nullopt;
    return single(anchor);
  case LayerKind::HSwish: {
    auto hswish = matchHSwish(anchor);
    if (!hswish)
      return std::nullopt;
    site.ops = hswish->second;
    site.inputOperand = &site.ops.front()->getOpOperand(
        site.ops.front()->getOperand(0) == hswish->first ? 0 : 1);
    return site;
  }
  case LayerKind::MaxPool: {
    auto pool = dyn_cast<tosa::MaxPool2dOp>(anchor);
    if (!pool)
      return std::nullopt;
    site.attrs.kernel = Size2{pool.getKernel()[0], pool.getKernel()[1]};
    site.attrs.stride = Size2{pool.getStride()[0], pool.getStride()[1]};
    return single(pool);
  }
  case LayerKind::AvgPool:
  case LayerKind::GAP: {
    auto pool = dyn_cast<tosa::AvgPool2dOp>(anchor);
    if (!pool)
      return std::nullopt;
    auto type = cast<ShapedType>(pool.getInput().getType());
    bool whole = type.hasStaticShape() &&
                 pool.getKernel()[0] == type.getDimSize(1) &&
                 pool.getKernel()[1] == type.getDimSize(2) &&
                 llvm::all_of(pool.getPad(), [](int64_t p) { return p == 0; });
    if (whole != (kind == LayerKind::GAP))
      return std::nullopt;
    if (kind == LayerKind::AvgPool) {
      site.attrs.kernel = Size2{pool.getKernel()[0], pool.getKernel()[1]};
      site.attrs.stride = Size2{pool.getStride()[0], pool.getStride()[1]};
    }
    return single(pool);
  }
  case LayerKind::Add: {
    auto add = dyn_cast<tosa::AddOp>(anchor);
    if (!add || isConstant(add.getInput1()) || isConstant(add.getInput2()) ||
        add.getInput1().getType() != add.getInput2().getType())
      return std::nullopt;
    // The `x + 3` inside hswish is not a layer of its own.
    site.ops.push_back(add);
    return site;
  }
  case LayerKind::Concat: {
    auto concat = dyn_cast<tosa::ConcatOp>(anchor);
    if (!concat)
      return std::nullopt;
    site.attrs.axis = concat.getAxis();
    site.ops.push_back(concat);
    return site;
  }
  case LayerKind::Dropout: {
    auto dropout = dyn_cast<nr::DropoutOp>(anchor);
    if (!dropout)
      return std::nullopt;
    site.attrs.rate = dropout.getRate().convertToDouble();
    site.attrs.seed = dropout.getSeed();
    return single(dropout);
  }
  case LayerKind::Flatten: {
    auto reshape = dyn_cast<tosa::ReshapeOp>(anchor);
    if (!reshape)
      return std::nullopt;
    auto in = cast<ShapedType>(reshape.getInput1().getType());
    auto out = cast<ShapedType>(reshape.getType());
    if (in.getRank() != 4 || out.getRank() != 2 ||
        in.getDimSize(0) != out.getDimSize(0))
      return std::nullopt;
    return single(reshape);
  }
  case LayerKind::Softmax: {
    // mul(e, reciprocal(reduce_sum(e, last))) with e = exp(x) or
    // exp(sub(x, reduce_max(x))).
    auto mul = dyn_cast<tosa::MulOp>(anchor);
    if (!mul)
      return std::nullopt;
    for (int swap = 0; swap < 2; ++swap) {
      Value e = swap ? mul.getInput2() : mul.getInput1();
      Value r = swap ? mul.getInput1() : mul.getInput2();
      auto exp = e.getDefiningOp<tosa::ExpOp>();
      auto recip = r.getDefiningOp<tosa::ReciprocalOp>();
      if (!exp || !recip || !r.hasOneUse())
        continue;
      auto sum = recip.getInput1().getDefiningOp<tosa::ReduceSumOp>();
      if (!sum || sum.getInput() != e || !sum->hasOneUse() ||
          !llvm::hasNItems(e.getUses(), 2))
        continue;
      SmallVector<Operation *> ops;
      OpOperand *input = &exp->getOpOperand(0);
      if (auto sub = exp.getInput1().getDefiningOp<tosa::SubOp>();
          sub && sub->hasOneUse()) {
        auto max = sub.getInput2().getDefiningOp<tosa::ReduceMaxOp>();
        if (max && max.getInput() == sub.getInput1() && max->hasOneUse()) {
          ops = {max, sub};
          input = &sub->getOpOperand(0);
        }
      }
      ops.append({exp, sum, recip, mul});
      site.ops = std::move(ops);
      site.inputOperand = input;
      return site;
    }
    return std::nullopt;
  }
  }
  return std::nullopt;
}

bool netrewrite::dsl::satisfies(const LayerSite &site,
                                const LayerPattern &pattern) {
  const LayerAttrs &want = pattern.attrs, &have = site.attrs;
  if (pattern.nameGlob && !pattern.nameGlob->glob.match(site.name))
    return false;
  auto ok = [](const auto &w, const auto &h) { return !w || w == h; };
  return ok(want.act, have.act) && ok(want.kernel, have.kernel) &&
         ok(want.stride, have.stride) && ok(want.filters, have.filters) &&
         ok(want.multiplier, have.multiplier) && ok(want.units, have.units) &&
         ok(want.seed, have.seed) && ok(want.axis, have.axis) &&
         // Attributes stored as f32: compare at f32 precision.
         (!want.rate || (have.rate && static_cast<float>(*want.rate) ==
                                          static_cast<float>(*have.rate))) &&
         (!want.epsilon ||
          (have.epsilon && static_cast<float>(*want.epsilon) ==
                               static_cast<float>(*have.epsilon))) &&
         (!want.momentum ||
          (have.momentum && static_cast<float>(*want.momentum) ==
                                static_cast<float>(*have.momentum)));
}

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

/// A constant of shape [1, ..., 1] (rank of `like`) holding `value`; TOSA
/// broadcasting needs equal ranks.
static Value scalarLike(PatternRewriter &rewriter, Location loc, Value like,
                        double value,
                        SmallVectorImpl<Operation *> &created) {
  auto likeType = cast<RankedTensorType>(like.getType());
  SmallVector<int64_t> shape(likeType.getRank(), 1);
  auto type = RankedTensorType::get(shape, likeType.getElementType());
  auto op = tosa::ConstOp::create(
      rewriter, loc, type,
      DenseElementsAttr::get(
          type, rewriter.getFloatAttr(likeType.getElementType(), value)));
  created.push_back(op);
  return op;
}

static Value buildMul(PatternRewriter &rewriter, Location loc, Value a,
                      Value b, SmallVectorImpl<Operation *> &created) {
  auto shiftType = RankedTensorType::get({1}, rewriter.getI8Type());
  auto shift = tosa::ConstOp::create(
      rewriter, loc, shiftType,
      DenseElementsAttr::get(shiftType, rewriter.getI8IntegerAttr(0)));
  auto mul = tosa::MulOp::create(rewriter, loc, a.getType(), a, b, shift);
  created.append({shift, mul});
  return mul;
}

static Value buildClamp(PatternRewriter &rewriter, Location loc, Value x,
                        double hi, SmallVectorImpl<Operation *> &created) {
  Type elementType = cast<ShapedType>(x.getType()).getElementType();
  auto clamp = tosa::ClampOp::create(
      rewriter, loc, x.getType(), x, rewriter.getFloatAttr(elementType, 0.0),
      rewriter.getFloatAttr(elementType, hi),
      tosa::NanPropagationModeAttr::get(rewriter.getContext(),
                                        tosa::NanPropagationMode::PROPAGATE));
  created.push_back(clamp);
  return clamp;
}

Value netrewrite::dsl::buildLayer(PatternRewriter &rewriter, Location loc,
                                  LayerKind kind, const LayerAttrs &attrs,
                                  Value x,
                                  SmallVectorImpl<Operation *> &created) {
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !isa<FloatType>(type.getElementType()) || type.getRank() < 1)
    return nullptr;
  Type elementType = type.getElementType();
  switch (kind) {
  case LayerKind::BN: {
    int64_t channels = type.getShape().back();
    if (ShapedType::isDynamic(channels))
      return nullptr;
    // Identity in evaluation mode: gamma = 1, beta = 0, mean = 0 and
    // variance = 1 - epsilon, so that gamma / sqrt(variance + epsilon) = 1.
    double epsilon = attrs.epsilon.value_or(1e-3);
    float variance = static_cast<float>(1.0 - epsilon);
    auto paramType = RankedTensorType::get({channels}, elementType);
    auto param = [&](double value) -> Value {
      auto op = tosa::ConstOp::create(
          rewriter, loc, paramType,
          DenseElementsAttr::get(paramType,
                                 rewriter.getFloatAttr(elementType, value)));
      created.push_back(op);
      return op;
    };
    Value gamma = param(1.0), beta = param(0.0), mean = param(0.0),
          var = param(variance);
    auto bn = nr::BatchNormOp::create(
        rewriter, loc, type, x, gamma, beta, mean, var,
        rewriter.getF32FloatAttr(epsilon),
        rewriter.getF32FloatAttr(attrs.momentum.value_or(0.99)));
    created.push_back(bn);
    return bn;
  }
  case LayerKind::Dropout: {
    // Without an explicit seed, derive one from the layer's name so that
    // dropout layers draw different masks yet a model rebuilds identically.
    StringRef name;
    if (auto named = dyn_cast<NameLoc>(loc))
      name = named.getName().strref();
    int64_t seed = attrs.seed.value_or(
        static_cast<int64_t>(llvm::xxh3_64bits(name) & 0x7fffffff));
    auto dropout = nr::DropoutOp::create(
        rewriter, loc, type, x, rewriter.getF32FloatAttr(*attrs.rate),
        rewriter.getI64IntegerAttr(seed));
    created.push_back(dropout);
    return dropout;
  }
  case LayerKind::ReLU:
    return buildClamp(rewriter, loc, x,
                      APFloat::getLargest(
                          cast<FloatType>(elementType).getFloatSemantics())
                          .convertToDouble(),
                      created);
  case LayerKind::ReLU6:
    return buildClamp(rewriter, loc, x, 6.0, created);
  case LayerKind::Sigmoid: {
    auto op = tosa::SigmoidOp::create(rewriter, loc, type, x);
    created.push_back(op);
    return op;
  }
  case LayerKind::HSwish: {
    Value three = scalarLike(rewriter, loc, x, 3.0, created);
    auto add = tosa::AddOp::create(rewriter, loc, type, x, three);
    created.push_back(add);
    Value clamp = buildClamp(rewriter, loc, add, 6.0, created);
    Value m = buildMul(rewriter, loc, x, clamp, created);
    Value sixth = scalarLike(rewriter, loc, x, 1.0 / 6.0, created);
    return buildMul(rewriter, loc, m, sixth, created);
  }
  default:
    return nullptr;
  }
}

int64_t netrewrite::dsl::countNewParameters(LayerKind kind, Type inputType) {
  if (kind != LayerKind::BN)
    return 0;
  auto type = dyn_cast<ShapedType>(inputType);
  if (!type || !type.hasRank() || type.getRank() < 1 ||
      ShapedType::isDynamic(type.getShape().back()))
    return 0;
  return 4 * type.getShape().back();
}
