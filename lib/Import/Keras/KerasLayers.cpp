//===- KerasLayers.cpp - Keras compute layers -> TOSA + nr ----------------===//
//
// One emitter per Keras layer class that computes (convolutions, dense,
// normalisation, activations), registered in the table at the end of the
// file; merging, pooling and reshaping layers live in
// KerasStructuralLayers.cpp. Keras is NHWC already, so activations pass through unchanged;
// kernels are re-laid out on the host (HWIO -> OHWI) so the module holds
// them in TOSA's layout and no transpose op runs at inference time.
//
//===----------------------------------------------------------------------===//

#include "KerasLayers.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/StringSwitch.h"

#include <limits>

using namespace mlir;
using namespace netrewrite::keras;
using netrewrite::HW;
using netrewrite::Pad4;
using netrewrite::TosaBuilder;
using nlohmann::json;

InFlightDiagnostic LayerCall::error() const {
  InFlightDiagnostic diag = emitError(errorLoc());
  diag << "layer '" << name << "' (" << className << "): ";
  return diag;
}

std::string netrewrite::keras::shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

FailureOr<std::vector<const Array *>>
netrewrite::keras::takeWeights(LayerCall &call, ArrayRef<WeightSpec> specs) {
  std::vector<const Array *> out(specs.size(), nullptr);
  auto describe = [&] {
    std::string s;
    for (auto [i, spec] : llvm::enumerate(specs))
      s += (i ? ", " : "") + spec.names.str() + " " + shapeStr(spec.shape);
    return s;
  };
  if (specs.empty())
    return out;
  if (!call.weights || call.weights->empty()) {
    call.error() << "the file holds no weights for this layer; expected "
                 << describe();
    return failure();
  }
  std::vector<NamedArray> &have = *call.weights;
  // By name where the container keeps names; by position otherwise (Keras 3
  // keeps only the order, which is Keras's own weight order).
  bool byName = true;
  for (auto [i, spec] : llvm::enumerate(specs)) {
    SmallVector<StringRef> names;
    spec.names.split(names, '|');
    for (NamedArray &w : have)
      if (llvm::is_contained(names, w.name))
        out[i] = &w.array;
    if (!out[i])
      byName = false;
  }
  if (!byName) {
    if (have.size() != specs.size()) {
      std::string got;
      for (auto [i, w] : llvm::enumerate(have))
        got += (i ? ", " : "") + w.name + " " + shapeStr(w.array.shape);
      call.error() << "the file holds " << have.size() << " weight(s) (" << got
                   << "), expected " << specs.size() << " (" << describe()
                   << ")";
      return failure();
    }
    for (size_t i = 0; i < specs.size(); ++i)
      out[i] = &have[i].array;
  }
  for (auto [i, spec] : llvm::enumerate(specs)) {
    if (ArrayRef<int64_t>(out[i]->shape) != ArrayRef<int64_t>(spec.shape)) {
      call.error() << "weight '" << spec.names.split('|').first
                   << "' has shape " << shapeStr(out[i]->shape)
                   << ", expected " << shapeStr(spec.shape);
      return failure();
    }
  }
  return out;
}

/// Permutes a row-major array: out.shape[i] = in.shape[perm[i]].
static Array permute(const Array &in, ArrayRef<int64_t> perm) {
  size_t rank = in.shape.size();
  Array out;
  for (int64_t p : perm)
    out.shape.push_back(in.shape[p]);
  if (in.source) {
    out.source = in.source;
    out.source->permute(in.shape, perm);
  }
  out.data.resize(in.data.size());
  std::vector<int64_t> inStride(rank, 1);
  for (int i = int(rank) - 2; i >= 0; --i)
    inStride[i] = inStride[i + 1] * in.shape[i + 1];
  std::vector<int64_t> idx(rank, 0);
  for (size_t flat = 0; flat < out.data.size(); ++flat) {
    int64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src += idx[d] * inStride[perm[d]];
    out.data[flat] = in.data[src];
    for (int d = int(rank) - 1; d >= 0; --d) {
      if (++idx[d] < out.shape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

/// A weight constant, built once per layer even when the layer is shared.
static Value constant(LayerCall &call, StringRef what, const Array &a) {
  Value &slot = call.constants[what];
  if (!slot) {
    slot = call.tb.weight(what, a.shape, a.data);
    if (a.source && call.tb.recordsWeightSources())
      attachWeightSource(slot, *a.source);
  }
  return slot;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// x where x > t, else 0 (Keras's thresholded ReLU part).
static Value aboveThreshold(TosaBuilder &tb, Value x, float t) {
  OpBuilder &b = tb.builder();
  SmallVector<int64_t> ones(TosaBuilder::shapeOf(x).size(), 1);
  auto boolType = RankedTensorType::get(TosaBuilder::shapeOf(x), b.getI1Type());
  Value mask = tosa::GreaterOp::create(b, tb.loc(), boolType, x,
                                       tb.splat(t, ones));
  // select needs equal ranks and shapes that broadcast; a full-size zero
  // keeps it simple.
  Value zero = tb.splat(0.0f, TosaBuilder::shapeOf(x));
  return tosa::SelectOp::create(b, tb.loc(), x.getType(), mask, x, zero);
}

/// alpha * x for x < 0, x otherwise, for any alpha.
static Value leaky(TosaBuilder &tb, Value x, float alpha) {
  if (alpha >= 0.0f && alpha <= 1.0f)
    return tb.leakyRelu(x, alpha);
  return tb.sub(tb.relu(x), tb.scale(tb.relu(tb.neg(x)), alpha));
}

static FailureOr<Value> activationByName(LayerCall &call, Value x,
                                         StringRef name) {
  TosaBuilder &tb = call.tb;
  SmallVector<int64_t> ones(TosaBuilder::shapeOf(x).size(), 1);
  int64_t last = int64_t(TosaBuilder::shapeOf(x).size()) - 1;
  if (name == "linear" || name.empty())
    return x;
  if (name == "relu")
    return tb.relu(x);
  if (name == "relu6")
    return tb.clamp(x, 0.0f, 6.0f);
  if (name == "sigmoid")
    return tb.sigmoid(x);
  if (name == "tanh")
    return tb.tanh(x);
  if (name == "softmax")
    return tb.softmax(x, last);
  if (name == "swish" || name == "silu")
    return tb.mul(x, tb.sigmoid(x));
  if (name == "hard_sigmoid")
    // Keras 2 and TFJS: clip(0.2x + 0.5); Keras 3: relu6(x + 3) / 6.
    return call.keras3 ? tb.hardSigmoid(x, 1.0f / 6.0f, 0.5f)
                       : tb.hardSigmoid(x, 0.2f, 0.5f);
  if (name == "hard_swish" || name == "hard_silu")
    return tb.hardSwish(x);
  if (name == "elu")
    // relu(x) + exp(min(x, 0)) - 1: no select, and exp never overflows.
    return tb.add(tb.relu(x),
                  tb.add(tb.exp(tb.minimum(x, tb.splat(0.0f, ones))),
                         tb.splat(-1.0f, ones)));
  if (name == "softplus")
    // log(1 + exp(x)) = relu(x) + log(1 + exp(-|x|)), overflow-free.
    return tb.add(tb.relu(x),
                  tb.log(tb.add(tb.exp(tb.neg(tb.abs(x))),
                                tb.splat(1.0f, ones))));
  if (name == "leaky_relu")
    return leaky(tb, x, 0.2f);
  if (name == "exponential")
    return tb.exp(x);
  call.error() << "activation '" << name << "' is not supported";
  return failure();
}

FailureOr<Value> netrewrite::keras::applyActivation(LayerCall &call, Value x,
                                                    const json &activation) {
  if (activation.is_null())
    return x;
  if (activation.is_string())
    return activationByName(call, x, activation.get<std::string>());
  // Keras 3 may serialise an activation as {"class_name": "function",
  // "config": "relu", ...}.
  if (activation.is_object() && activation.contains("config") &&
      activation["config"].is_string())
    return activationByName(call, x, activation["config"].get<std::string>());
  call.error() << "cannot read activation " << activation.dump();
  return failure();
}

static FailureOr<Value> layerActivation(LayerCall &call, Value x) {
  if (!call.config.contains("activation"))
    return x;
  return applyActivation(call, x, call.config["activation"]);
}

//===----------------------------------------------------------------------===//
// Convolutions and dense
//===----------------------------------------------------------------------===//

/// TF's padding rule: 'same' puts the odd pixel at the bottom/right.
FailureOr<Pad4> netrewrite::keras::windowPadding(LayerCall &call,
                                                 const std::string &mode,
                                                 ArrayRef<int64_t> in, HW kernel,
                                                 HW stride, HW dilation) {
  Pad4 pad = {0, 0, 0, 0};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t size = in[1 + axis];
    int64_t effective = (kernel[axis] - 1) * dilation[axis] + 1;
    if (mode == "same") {
      int64_t out = (size + stride[axis] - 1) / stride[axis];
      int64_t total =
          std::max<int64_t>((out - 1) * stride[axis] + effective - size, 0);
      pad[2 * axis] = total / 2;
      pad[2 * axis + 1] = total - total / 2;
    } else if (mode == "valid") {
      if (effective > size) {
        InFlightDiagnostic diag = call.error();
        diag << "window " << kernel[0] << "x" << kernel[1];
        if (dilation[0] != 1 || dilation[1] != 1)
          diag << " (dilation " << dilation[0] << "x" << dilation[1] << ")";
        diag << " is larger than the input " << shapeStr(in)
             << " with 'valid' padding";
        return failure();
      }
    } else {
      call.error() << "padding '" << mode << "' is not supported";
      return failure();
    }
  }
  return pad;
}

LogicalResult netrewrite::keras::expectRank(LayerCall &call, Value x,
                                            int64_t rank) {
  if (int64_t(TosaBuilder::shapeOf(x).size()) == rank)
    return success();
  call.error() << "expects a rank-" << rank << " input, got "
               << shapeStr(TosaBuilder::shapeOf(x));
  return failure();
}

static FailureOr<SmallVector<Value>> one(FailureOr<Value> v) {
  if (failed(v))
    return failure();
  return SmallVector<Value>{*v};
}

/// The common part of Conv2D, DepthwiseConv2D and SeparableConv2D.
struct WindowParams {
  HW kernel, stride, dilation;
  Pad4 pad;
};

static FailureOr<WindowParams> windowParams(LayerCall &call, Value x,
                                            HW defaultKernel = {0, 0}) {
  LayerConfig cfg{call, call.config};
  if (failed(cfg.channelsLast()) || failed(expectRank(call, x, 4)))
    return failure();
  WindowParams p;
  auto kernel = cfg.pair("kernel_size", defaultKernel);
  auto stride = cfg.pair("strides", {1, 1});
  auto dilation = cfg.pair("dilation_rate", {1, 1});
  if (failed(kernel) || failed(stride) || failed(dilation))
    return failure();
  p.kernel = *kernel;
  p.stride = *stride;
  p.dilation = *dilation;
  if (llvm::any_of(llvm::concat<int64_t>(p.kernel, p.stride, p.dilation),
                   [](int64_t v) { return v <= 0; })) {
    call.error() << "kernel_size, strides and dilation_rate must be positive";
    return failure();
  }
  auto pad = windowPadding(call, cfg.string("padding", "valid"),
                           TosaBuilder::shapeOf(x), p.kernel, p.stride,
                           p.dilation);
  if (failed(pad))
    return failure();
  p.pad = *pad;
  return p;
}

static FailureOr<SmallVector<Value>> emitConv2D(LayerCall &call,
                                                ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  auto p = windowParams(call, in[0]);
  if (failed(p))
    return failure();
  if (cfg.number("groups", 1) != 1) {
    call.error() << "grouped convolution (groups="
                 << int64_t(cfg.number("groups", 1)) << ") is not supported";
    return failure();
  }
  int64_t cin = TosaBuilder::shapeOf(in[0])[3];
  int64_t filters = int64_t(cfg.number("filters", 0));
  bool useBias = cfg.boolean("use_bias", true);
  std::vector<WeightSpec> specs = {
      {"kernel", {p->kernel[0], p->kernel[1], cin, filters}}};
  if (useBias)
    specs.push_back({"bias", {filters}});
  auto w = takeWeights(call, specs);
  if (failed(w))
    return failure();
  Value kernel = constant(call, "kernel", permute(*(*w)[0], {3, 0, 1, 2}));
  Value bias = useBias ? constant(call, "bias", *(*w)[1]) : Value();
  Value y = call.tb.conv2d(in[0], kernel, bias, p->pad, p->stride, p->dilation);
  return one(layerActivation(call, y));
}

static FailureOr<SmallVector<Value>> emitDepthwiseConv2D(LayerCall &call,
                                                         ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  auto p = windowParams(call, in[0]);
  if (failed(p))
    return failure();
  int64_t cin = TosaBuilder::shapeOf(in[0])[3];
  int64_t mult = int64_t(cfg.number("depth_multiplier", 1));
  bool useBias = cfg.boolean("use_bias", true);
  std::vector<WeightSpec> specs = {
      {"depthwise_kernel|kernel", {p->kernel[0], p->kernel[1], cin, mult}}};
  if (useBias)
    specs.push_back({"bias", {cin * mult}});
  auto w = takeWeights(call, specs);
  if (failed(w))
    return failure();
  // Keras's [kh, kw, C, M] is TOSA's HWCM already.
  Value kernel = constant(call, "depthwise_kernel", *(*w)[0]);
  Value bias = useBias ? constant(call, "bias", *(*w)[1]) : Value();
  Value y = call.tb.depthwiseConv2d(in[0], kernel, bias, p->pad, p->stride,
                                    p->dilation);
  return one(layerActivation(call, y));
}

static FailureOr<SmallVector<Value>> emitSeparableConv2D(LayerCall &call,
                                                         ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  auto p = windowParams(call, in[0]);
  if (failed(p))
    return failure();
  int64_t cin = TosaBuilder::shapeOf(in[0])[3];
  int64_t mult = int64_t(cfg.number("depth_multiplier", 1));
  int64_t filters = int64_t(cfg.number("filters", 0));
  bool useBias = cfg.boolean("use_bias", true);
  std::vector<WeightSpec> specs = {
      {"depthwise_kernel", {p->kernel[0], p->kernel[1], cin, mult}},
      {"pointwise_kernel", {1, 1, cin * mult, filters}}};
  if (useBias)
    specs.push_back({"bias", {filters}});
  auto w = takeWeights(call, specs);
  if (failed(w))
    return failure();
  Value dk = constant(call, "depthwise_kernel", *(*w)[0]);
  Value pk = constant(call, "pointwise_kernel", permute(*(*w)[1], {3, 0, 1, 2}));
  Value bias = useBias ? constant(call, "bias", *(*w)[2]) : Value();
  Value d = call.tb.depthwiseConv2d(in[0], dk, Value(), p->pad, p->stride,
                                    p->dilation);
  Value y = call.tb.conv2d(d, pk, bias, {0, 0, 0, 0}, {1, 1}, {1, 1});
  return one(layerActivation(call, y));
}

static FailureOr<SmallVector<Value>> emitDense(LayerCall &call,
                                               ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  ArrayRef<int64_t> shape = TosaBuilder::shapeOf(in[0]);
  if (shape.size() < 2) {
    call.error() << "expects an input of rank >= 2, got " << shapeStr(shape);
    return failure();
  }
  int64_t k = shape.back(), units = int64_t(cfg.number("units", 0));
  bool useBias = cfg.boolean("use_bias", true);
  std::vector<WeightSpec> specs = {{"kernel", {k, units}}};
  if (useBias)
    specs.push_back({"bias", {units}});
  auto w = takeWeights(call, specs);
  if (failed(w))
    return failure();
  Value kernel = constant(call, "kernel", *(*w)[0]);
  Value bias = useBias ? constant(call, "bias", *(*w)[1]) : Value();
  // Dense acts on the last axis: fold the others into rows.
  int64_t rows = 1;
  for (int64_t d : shape.drop_back())
    rows *= d;
  TosaBuilder &tb = call.tb;
  Value y = tb.dense(tb.reshape(in[0], {rows, k}), kernel, bias);
  SmallVector<int64_t> outShape(shape);
  outShape.back() = units;
  return one(layerActivation(call, tb.reshape(y, outShape)));
}

//===----------------------------------------------------------------------===//
// Normalisation, activations, regularisation
//===----------------------------------------------------------------------===//

static FailureOr<SmallVector<Value>> emitBatchNormalization(LayerCall &call,
                                                            ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  ArrayRef<int64_t> shape = TosaBuilder::shapeOf(in[0]);
  int64_t rank = shape.size();
  FailureOr<int64_t> axis = cfg.axis(rank);
  if (failed(axis))
    return failure();
  if (rank < 2 || *axis != rank - 1) {
    call.error() << "normalises axis " << *axis << " of a rank-" << rank
                 << " input; only the last (channel) axis is supported";
    return failure();
  }
  int64_t c = shape.back();
  bool scale = cfg.boolean("scale", true), center = cfg.boolean("center", true);
  std::vector<WeightSpec> specs;
  if (scale)
    specs.push_back({"gamma", {c}});
  if (center)
    specs.push_back({"beta", {c}});
  specs.push_back({"moving_mean", {c}});
  specs.push_back({"moving_variance", {c}});
  auto w = takeWeights(call, specs);
  if (failed(w))
    return failure();
  TosaBuilder &tb = call.tb;
  size_t i = 0;
  // A missing gamma/beta is Keras's fixed 1/0; kept as constants so the op
  // has its usual operands.
  Value gamma = scale ? constant(call, "gamma", *(*w)[i++]) : tb.splat(1.0f, {c});
  Value beta = center ? constant(call, "beta", *(*w)[i++]) : tb.splat(0.0f, {c});
  Value mean = constant(call, "moving_mean", *(*w)[i++]);
  Value var = constant(call, "moving_variance", *(*w)[i++]);
  return one(tb.batchNorm(in[0], gamma, beta, mean, var,
                          float(cfg.number("epsilon", 1e-3)),
                          float(cfg.number("momentum", 0.99))));
}

/// Normalization (the preprocessing layer): (x - mean) / max(sqrt(var),
/// 1e-7), or with `invert` mean + x * max(sqrt(var), 1e-7); mean and variance
/// from the config or, once adapted, from the weights (mean, variance and a
/// sample count that inference ignores).
static FailureOr<SmallVector<Value>> emitNormalization(LayerCall &call,
                                                       ArrayRef<Value> in) {
  TosaBuilder &tb = call.tb;
  ArrayRef<int64_t> shape = TosaBuilder::shapeOf(in[0]);
  int64_t rank = shape.size();
  FailureOr<int64_t> axis = LayerConfig{call, call.config}.axis(rank);
  if (failed(axis))
    return failure();
  if (rank < 2 || *axis != rank - 1) {
    call.error() << "only normalisation over the last axis is supported (axis "
                 << *axis << " of a rank-" << rank << " input)";
    return failure();
  }
  int64_t c = shape.back();
  Value mean, var;
  auto fromConfig = [&](const char *key) -> FailureOr<Value> {
    const json &v = call.config[key];
    if (v.is_number())
      return tb.splat(v.get<float>(), {c});
    std::vector<float> vals;
    if (v.is_array())
      for (const json &e : v)
        if (e.is_number())
          vals.push_back(e.get<float>());
    if (int64_t(vals.size()) != c || vals.size() != v.size()) {
      call.error() << "'" << key << "' must be a number or " << c
                   << " numbers, got " << v.dump();
      return failure();
    }
    return tb.dense({c}, vals);
  };
  LayerConfig cfg{call, call.config};
  if (cfg.has("mean") && cfg.has("variance")) {
    auto m = fromConfig("mean"), v = fromConfig("variance");
    if (failed(m) || failed(v))
      return failure();
    mean = *m;
    var = *v;
  } else {
    std::vector<WeightSpec> specs = {{"mean|adapt_mean", {c}},
                                     {"variance|adapt_variance", {c}}};
    if (call.weights && call.weights->size() == 3)
      specs.push_back({"count", {}});
    auto w = takeWeights(call, specs);
    if (failed(w))
      return failure();
    mean = constant(call, "mean", *(*w)[0]);
    var = constant(call, "variance", *(*w)[1]);
  }
  // Keras: max(sqrt(variance), epsilon()) with epsilon() = 1e-7.
  Value stddev = tb.maximum(tb.sqrt(var), tb.splat(1e-7f, {1}));
  if (cfg.boolean("invert", false))
    return one(tb.add(tb.mul(in[0], stddev), mean));
  return one(tb.div(tb.sub(in[0], mean), stddev));
}

static FailureOr<SmallVector<Value>> emitActivation(LayerCall &call,
                                                    ArrayRef<Value> in) {
  return one(layerActivation(call, in[0]));
}

static FailureOr<SmallVector<Value>> emitReLU(LayerCall &call,
                                              ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  TosaBuilder &tb = call.tb;
  Value x = in[0];
  bool hasMax = cfg.has("max_value");
  float maxValue = float(cfg.number("max_value", 0));
  float slope = float(cfg.number("negative_slope", 0));
  float threshold = float(cfg.number("threshold", 0));
  if (hasMax && maxValue < 0) {
    call.error() << "max_value must be >= 0";
    return failure();
  }
  // Keras: max_value where x >= max_value, x where threshold <= x <
  // max_value, negative_slope * (x - threshold) otherwise.
  if (slope == 0 && threshold == 0)
    return one(tb.clamp(x, 0.0f,
                        hasMax ? maxValue : std::numeric_limits<float>::max()));
  SmallVector<int64_t> ones(TosaBuilder::shapeOf(x).size(), 1);
  Value pos = threshold != 0 ? aboveThreshold(tb, x, threshold) : tb.relu(x);
  if (hasMax)
    pos = tb.clamp(pos, 0.0f, maxValue);
  if (slope == 0)
    return one(pos);
  // relu(threshold - x) is the distance below the threshold.
  Value below = tb.relu(tb.sub(tb.splat(threshold, ones), x));
  return one(tb.sub(pos, tb.scale(below, slope)));
}

static FailureOr<SmallVector<Value>> emitLeakyReLU(LayerCall &call,
                                                   ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  // Keras 2 and TFJS call it alpha, Keras 3 negative_slope; both default 0.3.
  float alpha = float(cfg.number("negative_slope", cfg.number("alpha", 0.3)));
  return one(leaky(call.tb, in[0], alpha));
}

static FailureOr<SmallVector<Value>> emitSoftmax(LayerCall &call,
                                                 ArrayRef<Value> in) {
  int64_t rank = TosaBuilder::shapeOf(in[0]).size();
  FailureOr<int64_t> axis = LayerConfig{call, call.config}.axis(rank);
  if (failed(axis))
    return failure();
  return one(call.tb.softmax(in[0], *axis));
}

static FailureOr<SmallVector<Value>> emitDropout(LayerCall &call,
                                                 ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  float rate = float(cfg.number("rate", 0.5));
  if (rate < 0 || rate >= 1) {
    call.error() << "rate " << rate << " is outside [0, 1)";
    return failure();
  }
  return one(call.tb.dropout(in[0], rate, int64_t(cfg.number("seed", 0))));
}

/// Rescaling: x * scale + offset (scalars, or per-channel lists).
static FailureOr<SmallVector<Value>> emitRescaling(LayerCall &call,
                                                   ArrayRef<Value> in) {
  TosaBuilder &tb = call.tb;
  ArrayRef<int64_t> shape = TosaBuilder::shapeOf(in[0]);
  auto operand = [&](const char *key, float dflt) -> FailureOr<Value> {
    SmallVector<int64_t> ones(shape.size(), 1);
    const json &v = call.config.contains(key) ? call.config[key] : json();
    if (v.is_null())
      return tb.splat(dflt, ones);
    if (v.is_number())
      return tb.splat(v.get<float>(), ones);
    if (v.is_array() && !v.empty() && int64_t(v.size()) == shape.back()) {
      std::vector<float> vals;
      for (const json &e : v) {
        if (!e.is_number())
          break;
        vals.push_back(e.get<float>());
      }
      if (vals.size() == v.size()) {
        ones.back() = shape.back();
        return tb.dense(ones, vals);
      }
    }
    call.error() << "cannot read '" << key << "' = " << v.dump();
    return failure();
  };
  auto scale = operand("scale", 1.0f), offset = operand("offset", 0.0f);
  if (failed(scale) || failed(offset))
    return failure();
  return one(tb.add(tb.mul(in[0], *scale), *offset));
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

LayerEmitter netrewrite::keras::lookupLayerEmitter(StringRef className) {
  LayerEmitter compute = llvm::StringSwitch<LayerEmitter>(className)
      .Case("Conv2D", emitConv2D)
      .Case("Convolution2D", emitConv2D)
      .Case("DepthwiseConv2D", emitDepthwiseConv2D)
      .Case("SeparableConv2D", emitSeparableConv2D)
      .Case("SeparableConvolution2D", emitSeparableConv2D)
      .Case("Dense", emitDense)
      .Case("BatchNormalization", emitBatchNormalization)
      .Case("Activation", emitActivation)
      .Case("ReLU", emitReLU)
      .Case("LeakyReLU", emitLeakyReLU)
      .Case("Softmax", emitSoftmax)
      .Case("Dropout", emitDropout)
      .Case("Rescaling", emitRescaling)
      .Case("Normalization", emitNormalization)
      .Default(nullptr);
  return compute ? compute : lookupStructuralLayerEmitter(className);
}
