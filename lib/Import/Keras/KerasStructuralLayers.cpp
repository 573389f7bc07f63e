//===- KerasStructuralLayers.cpp - Merging/pooling/reshaping layers -------===//
//
// Keras layers without weights that combine, pool, pad or reshape tensors.
// Keras is NHWC, as is TOSA here, so these map one to one.
//
//===----------------------------------------------------------------------===//

#include "KerasLayers.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace netrewrite::keras;
using netrewrite::HW;
using netrewrite::Pad4;
using netrewrite::TosaBuilder;
using nlohmann::json;

//===----------------------------------------------------------------------===//
// Merging
//===----------------------------------------------------------------------===//

static LogicalResult checkBroadcast(LayerCall &call, ArrayRef<Value> in) {
  if (in.size() < 2) {
    call.error() << "needs at least 2 inputs, got " << in.size();
    return failure();
  }
  for (Value v : in.drop_front()) {
    ArrayRef<int64_t> a = TosaBuilder::shapeOf(in[0]), b = TosaBuilder::shapeOf(v);
    if (a.size() != b.size() || failed(TosaBuilder::broadcastShape(a, b))) {
      call.error() << "input shapes " << shapeStr(a) << " and " << shapeStr(b)
                   << " do not match";
      return failure();
    }
  }
  return success();
}

template <Value (TosaBuilder::*Fn)(Value, Value)>
static FailureOr<SmallVector<Value>> emitMerge(LayerCall &call,
                                               ArrayRef<Value> in) {
  if (failed(checkBroadcast(call, in)))
    return failure();
  Value acc = in[0];
  for (Value v : in.drop_front())
    acc = (call.tb.*Fn)(acc, v);
  return SmallVector<Value>{acc};
}

static FailureOr<SmallVector<Value>> emitSubtract(LayerCall &call,
                                                  ArrayRef<Value> in) {
  if (in.size() != 2) {
    call.error() << "needs exactly 2 inputs, got " << in.size();
    return failure();
  }
  if (failed(checkBroadcast(call, in)))
    return failure();
  return SmallVector<Value>{call.tb.sub(in[0], in[1])};
}

static FailureOr<SmallVector<Value>> emitAverage(LayerCall &call,
                                                 ArrayRef<Value> in) {
  auto sum = emitMerge<&TosaBuilder::add>(call, in);
  if (failed(sum))
    return failure();
  return SmallVector<Value>{call.tb.scale((*sum)[0], 1.0f / float(in.size()))};
}

static FailureOr<SmallVector<Value>> emitConcatenate(LayerCall &call,
                                                     ArrayRef<Value> in) {
  int64_t rank = TosaBuilder::shapeOf(in[0]).size();
  FailureOr<int64_t> parsedAxis = LayerConfig{call, call.config}.axis(rank);
  if (failed(parsedAxis))
    return failure();
  int64_t axis = *parsedAxis;
  for (Value v : in) {
    ArrayRef<int64_t> a = TosaBuilder::shapeOf(in[0]), b = TosaBuilder::shapeOf(v);
    bool ok = a.size() == b.size();
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == axis || a[d] == b[d];
    if (!ok) {
      call.error() << "cannot concatenate " << shapeStr(a) << " and "
                   << shapeStr(b) << " along axis " << axis;
      return failure();
    }
  }
  return SmallVector<Value>{call.tb.concat(in, axis)};
}

//===----------------------------------------------------------------------===//
// Pooling, padding, reshaping
//===----------------------------------------------------------------------===//

template <bool IsMax>
static FailureOr<SmallVector<Value>> emitPooling2D(LayerCall &call,
                                                   ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  if (failed(cfg.channelsLast()) || failed(expectRank(call, in[0], 4)))
    return failure();
  auto kernel = cfg.pair("pool_size", {2, 2});
  if (failed(kernel))
    return failure();
  auto stride = cfg.pair("strides", *kernel);
  if (failed(stride))
    return failure();
  if (llvm::any_of(llvm::concat<int64_t>(*kernel, *stride),
                   [](int64_t v) { return v <= 0; })) {
    call.error() << "pool_size and strides must be positive";
    return failure();
  }
  auto pad = windowPadding(call, cfg.string("padding", "valid"),
                           TosaBuilder::shapeOf(in[0]), *kernel, *stride,
                           {1, 1});
  if (failed(pad))
    return failure();
  // TF's 'same' average excludes the padding from the count, as TOSA does.
  if (IsMax)
    return SmallVector<Value>{call.tb.maxPool2d(in[0], *kernel, *stride, *pad)};
  return SmallVector<Value>{call.tb.avgPool2d(in[0], *kernel, *stride, *pad)};
}

template <bool IsMax>
static FailureOr<SmallVector<Value>> emitGlobalPooling2D(LayerCall &call,
                                                         ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  if (failed(cfg.channelsLast()) || failed(expectRank(call, in[0], 4)))
    return failure();
  bool keep = cfg.boolean("keepdims", false);
  TosaBuilder &tb = call.tb;
  if (!IsMax)
    return SmallVector<Value>{tb.globalAvgPool(in[0], keep)};
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(in[0]);
  Value y = tb.reduceMax(tb.reduceMax(in[0], 1), 2);
  return SmallVector<Value>{keep ? y : tb.reshape(y, {s[0], s[3]})};
}

static FailureOr<Pad4> readPad4(LayerCall &call, const char *key) {
  const json &p = call.config.contains(key) ? call.config[key] : json(1);
  Pad4 pad;
  auto isInt = [](const json &v) { return v.is_number_integer(); };
  if (isInt(p)) {
    int64_t v = p.get<int64_t>();
    pad = {v, v, v, v};
  } else if (p.is_array() && p.size() == 2 && isInt(p[0]) && isInt(p[1])) {
    pad = {p[0].get<int64_t>(), p[0].get<int64_t>(), p[1].get<int64_t>(),
           p[1].get<int64_t>()};
  } else if (p.is_array() && p.size() == 2 && p[0].is_array() &&
             p[1].is_array() && p[0].size() == 2 && p[1].size() == 2 &&
             isInt(p[0][0]) && isInt(p[0][1]) && isInt(p[1][0]) &&
             isInt(p[1][1])) {
    pad = {p[0][0].get<int64_t>(), p[0][1].get<int64_t>(),
           p[1][0].get<int64_t>(), p[1][1].get<int64_t>()};
  } else {
    call.error() << "cannot read " << key << " " << p.dump();
    return failure();
  }
  if (llvm::any_of(pad, [](int64_t v) { return v < 0; })) {
    call.error() << "negative " << key;
    return failure();
  }
  return pad;
}

static FailureOr<SmallVector<Value>> emitCropping2D(LayerCall &call,
                                                    ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  if (failed(cfg.channelsLast()) || failed(expectRank(call, in[0], 4)))
    return failure();
  auto crop = readPad4(call, "cropping");
  if (failed(crop))
    return failure();
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(in[0]);
  int64_t h = s[1] - (*crop)[0] - (*crop)[1], w = s[2] - (*crop)[2] - (*crop)[3];
  if (h <= 0 || w <= 0) {
    call.error() << "cropping " << call.config["cropping"].dump()
                 << " leaves nothing of the input " << shapeStr(s);
    return failure();
  }
  return SmallVector<Value>{call.tb.slice(in[0], {0, (*crop)[0], (*crop)[2], 0},
                                          {s[0], h, w, s[3]})};
}

/// Nearest-neighbour upsampling by integer factors: each pixel repeated
/// (sh, sw) times, as a reshape / tile / reshape.
static FailureOr<SmallVector<Value>> emitUpSampling2D(LayerCall &call,
                                                      ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  if (failed(cfg.channelsLast()) || failed(expectRank(call, in[0], 4)))
    return failure();
  auto size = cfg.pair("size", {2, 2});
  if (failed(size))
    return failure();
  std::string mode = cfg.string("interpolation", "nearest");
  if (mode != "nearest") {
    call.error() << "interpolation '" << mode
                 << "' is not supported (only nearest)";
    return failure();
  }
  if ((*size)[0] <= 0 || (*size)[1] <= 0) {
    call.error() << "size must be positive";
    return failure();
  }
  TosaBuilder &tb = call.tb;
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(in[0]);
  int64_t n = s[0], h = s[1], w = s[2], c = s[3];
  Value x = tb.reshape(in[0], {n, h, 1, w, 1, c});
  x = tb.tile(x, {1, 1, (*size)[0], 1, (*size)[1], 1});
  return SmallVector<Value>{
      tb.reshape(x, {n, h * (*size)[0], w * (*size)[1], c})};
}

/// Permute(dims): a transpose of the non-batch axes (dims are 1-based).
static FailureOr<SmallVector<Value>> emitPermute(LayerCall &call,
                                                 ArrayRef<Value> in) {
  int64_t rank = TosaBuilder::shapeOf(in[0]).size();
  const json &d = call.config.contains("dims") ? call.config["dims"] : json();
  SmallVector<int32_t> perms = {0};
  if (d.is_array())
    for (const json &e : d)
      if (e.is_number_integer())
        perms.push_back(int32_t(e.get<int64_t>()));
  SmallVector<int32_t> sorted(perms);
  llvm::sort(sorted);
  bool ok = int64_t(perms.size()) == rank && d.is_array() &&
            int64_t(d.size()) == rank - 1;
  for (int64_t i = 0; ok && i < rank; ++i)
    ok = sorted[i] == i;
  if (!ok) {
    call.error() << "dims " << d.dump() << " is not a permutation of 1.."
                 << rank - 1;
    return failure();
  }
  return SmallVector<Value>{call.tb.transpose(in[0], perms)};
}

static FailureOr<SmallVector<Value>> emitZeroPadding2D(LayerCall &call,
                                                       ArrayRef<Value> in) {
  LayerConfig cfg{call, call.config};
  if (failed(cfg.channelsLast()) || failed(expectRank(call, in[0], 4)))
    return failure();
  auto pad = readPad4(call, "padding");
  if (failed(pad))
    return failure();
  return SmallVector<Value>{call.tb.pad(
      in[0], {0, 0, (*pad)[0], (*pad)[1], (*pad)[2], (*pad)[3], 0, 0}, 0.0f)};
}

static FailureOr<SmallVector<Value>> emitFlatten(LayerCall &call,
                                                 ArrayRef<Value> in) {
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(in[0]);
  int64_t rest = 1;
  for (int64_t d : s.drop_front())
    rest *= d;
  return SmallVector<Value>{call.tb.reshape(in[0], {s[0], rest})};
}

static FailureOr<SmallVector<Value>> emitReshape(LayerCall &call,
                                                 ArrayRef<Value> in) {
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(in[0]);
  const json &t = call.config.contains("target_shape")
                      ? call.config["target_shape"]
                      : json();
  if (!t.is_array()) {
    call.error() << "needs a 'target_shape' list";
    return failure();
  }
  int64_t total = 1, known = s[0], unknown = -1;
  for (int64_t d : s.drop_front())
    total *= d;
  SmallVector<int64_t> out = {s[0]};
  for (const json &d : t) {
    int64_t v = d.is_number_integer() ? d.get<int64_t>() : -1;
    if (v < 0) {
      if (unknown >= 0) {
        call.error() << "target_shape has more than one unknown dimension";
        return failure();
      }
      unknown = out.size();
      v = 1;
    }
    out.push_back(v);
    known *= v;
  }
  if (unknown >= 0 && known && (s[0] * total) % known == 0)
    out[unknown] = s[0] * total / known, known *= out[unknown];
  if (known != s[0] * total) {
    call.error() << "cannot reshape " << shapeStr(s) << " to target_shape "
                 << t.dump();
    return failure();
  }
  return SmallVector<Value>{call.tb.reshape(in[0], out)};
}

static FailureOr<SmallVector<Value>> emitIdentity(LayerCall &call,
                                                  ArrayRef<Value> in) {
  return SmallVector<Value>{in[0]};
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

LayerEmitter netrewrite::keras::lookupStructuralLayerEmitter(StringRef className) {
  return llvm::StringSwitch<LayerEmitter>(className)
      .Case("Add", emitMerge<&TosaBuilder::add>)
      .Case("Multiply", emitMerge<&TosaBuilder::mul>)
      .Case("Maximum", emitMerge<&TosaBuilder::maximum>)
      .Case("Minimum", emitMerge<&TosaBuilder::minimum>)
      .Case("Subtract", emitSubtract)
      .Case("Average", emitAverage)
      .Case("Concatenate", emitConcatenate)
      .Case("MaxPooling2D", emitPooling2D<true>)
      .Case("MaxPool2D", emitPooling2D<true>)
      .Case("AveragePooling2D", emitPooling2D<false>)
      .Case("AvgPool2D", emitPooling2D<false>)
      .Case("GlobalAveragePooling2D", emitGlobalPooling2D<false>)
      .Case("GlobalAvgPool2D", emitGlobalPooling2D<false>)
      .Case("GlobalMaxPooling2D", emitGlobalPooling2D<true>)
      .Case("GlobalMaxPool2D", emitGlobalPooling2D<true>)
      .Case("ZeroPadding2D", emitZeroPadding2D)
      .Case("Flatten", emitFlatten)
      .Case("Cropping2D", emitCropping2D)
      .Case("UpSampling2D", emitUpSampling2D)
      .Case("Permute", emitPermute)
      .Case("Reshape", emitReshape)
      .Case("Identity", emitIdentity)
      .Default(nullptr);
}
