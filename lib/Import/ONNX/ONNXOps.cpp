//===- ONNXOps.cpp - One converter per ONNX operator -----------------------===//
//
// Each converter reads the current node through ONNXImporter (inputs in the
// layout it wants, attributes with their ONNX defaults) and defines the
// node's outputs. Window ops (Conv, pools, BatchNorm, Resize) live in
// ONNXWindowOps.cpp and work in NHWC; elementwise ops here keep whatever
// layout their inputs have; ops whose meaning depends on the memory order
// (Flatten, Reshape, Softmax, ...) work on the logical ONNX layout. The
// table at the end is the one registration list.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::onnximport;

namespace {

/// Physical NHWC axis of a logical NCHW axis.
int64_t nhwcAxis(int64_t axis) {
  static const int64_t map[4] = {0, 3, 1, 2};
  return map[axis];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Applies `fn` in whatever layout input 0 already has.
template <typename Fn> LogicalResult unaryOp(ONNXImporter &im, Fn fn) {
  if (im.preferNHWC(0))
    return im.setNHWC(0, fn(im.nhwc(0)));
  return im.setLogical(0, fn(im.logical(0)));
}

/// Operand k lifted to rank 4 (leading 1s) in NHWC.
Value nhwcOperand(ONNXImporter &im, size_t k) {
  ArrayRef<int64_t> s = im.inputShape(k);
  if (s.size() == 4)
    return im.nhwc(k);
  SmallVector<int64_t> lifted(4 - s.size(), 1);
  lifted.append(s.begin(), s.end());
  if (const HostTensor *t = im.inputConst(k)) {
    HostTensor h = *t;
    h.shape = lifted;
    return im.materialize(permute(h, {0, 2, 3, 1}), im.node().input(k));
  }
  return im.tb().nchwToNhwc(im.tb().reshape(im.logical(k), lifted));
}

template <typename Fn>
LogicalResult binaryOp(ONNXImporter &im, Fn fn) {
  // Opset < 7 aligned operands by `axis`; only numpy broadcasting is handled.
  if (im.attr("axis"))
    return im.nodeError() << "unsupported attribute 'axis' (legacy "
                             "broadcasting before opset 7)";
  ArrayRef<int64_t> a = im.inputShape(0), b = im.inputShape(1);
  size_t rank = std::max(a.size(), b.size());
  for (size_t k = 0; k < rank; ++k) {
    int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      auto diag = im.nodeError() << "shape mismatch: operand shapes [";
      llvm::interleave(a, [&](int64_t d) { diag << d; }, [&] { diag << ","; });
      diag << "] and [";
      llvm::interleave(b, [&](int64_t d) { diag << d; }, [&] { diag << ","; });
      return diag << "] do not broadcast";
    }
  }
  if (rank == 4 && (im.preferNHWC(0) || im.preferNHWC(1)))
    return im.setNHWC(0, fn(nhwcOperand(im, 0), nhwcOperand(im, 1)));
  return im.setLogical(0, fn(im.logical(0), im.logical(1)));
}

LogicalResult convertClip(ONNXImporter &im) {
  float lo = -FLT_MAX, hi = FLT_MAX;
  if (im.opset() < 11) {
    lo = im.attrFloat("min", lo);
    hi = im.attrFloat("max", hi);
  } else {
    for (size_t k = 1; k < 3; ++k) {
      if (!im.hasInput(k))
        continue;
      FailureOr<const HostTensor *> t =
          im.requireConst(k, k == 1 ? "min" : "max");
      if (failed(t))
        return failure();
      if ((*t)->numElements() != 1)
        return im.nodeError() << "shape mismatch: min/max must be scalars";
      (k == 1 ? lo : hi) = float((*t)->at(0));
    }
  }
  // Clip with min > max yields max everywhere (ONNX: min(max(x, lo), hi)).
  TosaBuilder &tb = im.tb();
  if (lo > hi)
    return unaryOp(im, [&](Value x) {
      return tb.minimum(tb.maximum(x, tb.splat(lo, SmallVector<int64_t>(
                                                        TosaBuilder::shapeOf(x).size(), 1))),
                        tb.splat(hi, SmallVector<int64_t>(
                                         TosaBuilder::shapeOf(x).size(), 1)));
    });
  return unaryOp(im, [&](Value x) { return tb.clamp(x, lo, hi); });
}

LogicalResult convertLeakyRelu(ONNXImporter &im) {
  float alpha = im.attrFloat("alpha", 0.01f);
  TosaBuilder &tb = im.tb();
  return unaryOp(im, [&](Value x) -> Value {
    if (alpha >= 0.0f && alpha <= 1.0f)
      return tb.leakyRelu(x, alpha);
    // max(x, 0) + alpha * min(x, 0) holds for any alpha.
    return tb.add(tb.relu(x), tb.scale(tb.clamp(x, -FLT_MAX, 0.0f), alpha));
  });
}

LogicalResult convertReduce(ONNXImporter &im) {
  if (failed(im.checkAttrs({"axes", "keepdims", "noop_with_empty_axes"})))
    return failure();
  StringRef op = im.node().op_type();
  ArrayRef<int64_t> xs = im.inputShape(0);
  bool present;
  FailureOr<SmallVector<int64_t>> axes =
      axesOf(im, op == "ReduceSum" ? 13 : 18, xs.size(), present);
  if (failed(axes))
    return failure();
  if (!present || axes->empty()) {
    if (im.attrInt("noop_with_empty_axes", 0))
      return im.setLogical(0, im.logical(0));
    for (size_t a = 0; a < xs.size(); ++a)
      axes->push_back(a);
  }
  bool keep = im.attrInt("keepdims", 1) != 0;
  TosaBuilder &tb = im.tb();
  int64_t count = 1;
  for (int64_t a : *axes)
    count *= xs[a];
  auto reduce = [&](Value x, int64_t axis) {
    return op == "ReduceMax" ? tb.reduceMax(x, axis) : tb.reduceSum(x, axis);
  };
  auto finish = [&](Value x) {
    return op == "ReduceMean" ? tb.scale(x, 1.0f / float(count)) : x;
  };
  if (keep && xs.size() == 4 && im.preferNHWC(0)) {
    Value x = im.nhwc(0);
    for (int64_t a : *axes)
      x = reduce(x, nhwcAxis(a));
    return im.setNHWC(0, finish(x));
  }
  Value x = im.logical(0);
  for (int64_t a : *axes)
    x = reduce(x, a);
  x = finish(x);
  if (!keep)
    x = tb.reshape(x, squeezeShape(TosaBuilder::shapeOf(x), *axes));
  return im.setLogical(0, x);
}

LogicalResult convertSoftmax(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  int64_t axis = normAxis(im.attrInt("axis", im.opset() < 13 ? 1 : -1), rank);
  if (axis < 0)
    return im.nodeError() << "axis out of range";
  TosaBuilder &tb = im.tb();
  Value x = im.logical(0);
  if (im.opset() >= 13)
    return im.setLogical(0, tb.softmax(x, axis));
  // Before opset 13 the input is coerced to 2-D at `axis`.
  Value flat = tb.reshape(x, {product(xs.take_front(axis)),
                              product(xs.drop_front(axis))});
  return im.setLogical(0, tb.reshape(tb.softmax(flat, 1), xs));
}

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

LogicalResult convertGemm(ONNXImporter &im) {
  if (failed(im.checkAttrs({"alpha", "beta", "transA", "transB", "broadcast"})))
    return failure();
  float alpha = im.attrFloat("alpha", 1.0f), beta = im.attrFloat("beta", 1.0f);
  bool ta = im.attrInt("transA", 0), tbFlag = im.attrInt("transB", 0);
  ArrayRef<int64_t> as = im.inputShape(0), bs = im.inputShape(1);
  if (as.size() != 2 || bs.size() != 2)
    return im.nodeError() << "shape mismatch: Gemm needs 2-D A and B";
  int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
  int64_t kb = tbFlag ? bs[1] : bs[0], n = tbFlag ? bs[0] : bs[1];
  if (k != kb)
    return im.nodeError() << "shape mismatch: A is " << m << "x" << k
                          << " but B is " << kb << "x" << n;
  TosaBuilder &tb = im.tb();
  Value a = im.logical(0);
  if (ta)
    a = tb.transpose(a, {1, 0});
  Value b;
  if (const HostTensor *bc = im.inputConst(1)) {
    // Store B as [K, N] with alpha folded in.
    HostTensor h = tbFlag ? permute(*bc, {1, 0}) : *bc;
    if (alpha != 1.0f) {
      for (float &v : h.f)
        v *= alpha;
      if (h.source)
        h.source->scale(alpha);
    }
    b = im.materialize(h, im.node().input(1));
    alpha = 1.0f;
  } else {
    b = im.logical(1);
    if (tbFlag)
      b = tb.transpose(b, {1, 0});
  }
  Value y = tb.matmul(a, b);
  if (alpha != 1.0f)
    y = tb.scale(y, alpha);
  if (im.hasInput(2) && beta != 0.0f) {
    ArrayRef<int64_t> cs = im.inputShape(2);
    if (cs.size() > 2 ||
        (cs.size() >= 1 && cs.back() != n && cs.back() != 1) ||
        (cs.size() == 2 && cs[0] != m && cs[0] != 1))
      return im.nodeError() << "shape mismatch: C does not broadcast to "
                            << m << "x" << n;
    Value c;
    if (const HostTensor *cc = im.inputConst(2)) {
      HostTensor h = *cc;
      for (float &v : h.f)
        v *= beta;
      if (h.source)
        h.source->scale(beta);
      c = im.materialize(h, im.node().input(2));
    } else {
      c = im.logical(2);
      if (beta != 1.0f)
        c = tb.scale(c, beta);
    }
    y = tb.add(y, c);
  }
  return im.setLogical(0, y);
}

LogicalResult convertMatMul(ONNXImporter &im) {
  ArrayRef<int64_t> as = im.inputShape(0), bs = im.inputShape(1);
  if (as.empty() || bs.empty())
    return im.nodeError() << "shape mismatch: MatMul of a scalar";
  TosaBuilder &tb = im.tb();
  Value a = im.logical(0), b = im.logical(1);
  if (as.size() == 1)
    a = tb.reshape(a, {1, as[0]});
  if (bs.size() == 1)
    b = tb.reshape(b, {bs[0], 1});
  ArrayRef<int64_t> a2 = TosaBuilder::shapeOf(a), b2 = TosaBuilder::shapeOf(b);
  if (a2.back() != b2[b2.size() - 2])
    return im.nodeError() << "shape mismatch: contracting dimensions "
                          << a2.back() << " and " << b2[b2.size() - 2];
  SmallVector<int64_t> ba(a2.drop_back(2)), bb(b2.drop_back(2));
  size_t r = std::max(ba.size(), bb.size());
  ba.insert(ba.begin(), r - ba.size(), 1);
  bb.insert(bb.begin(), r - bb.size(), 1);
  FailureOr<SmallVector<int64_t>> batch = TosaBuilder::broadcastShape(ba, bb);
  if (failed(batch))
    return im.nodeError() << "shape mismatch: batch dimensions do not "
                             "broadcast";
  Value y = tb.matmul(a, b);
  SmallVector<int64_t> out = *batch;
  if (as.size() > 1)
    out.push_back(a2[a2.size() - 2]);
  if (bs.size() > 1)
    out.push_back(b2.back());
  return im.setLogical(0, tb.reshape(y, out));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult convertFlatten(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  int64_t axis = im.attrInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return im.nodeError() << "axis out of range";
  return im.setLogical(0, im.tb().reshape(im.logical(0),
                                          {product(xs.take_front(axis)),
                                           product(xs.drop_front(axis))}));
}

LogicalResult convertReshape(ONNXImporter &im) {
  SmallVector<int64_t> shapeAttr;
  FailureOr<SmallVector<int64_t>> target = failure();
  if (im.opset() < 5 || !im.hasInput(1)) {
    SmallVector<int64_t> s = im.attrInts("shape");
    HostTensor t = HostTensor::ints({int64_t(s.size())}, {s.begin(), s.end()});
    target = reshapeTarget(im, im.inputShape(0), t);
  } else {
    FailureOr<const HostTensor *> t = im.requireConst(1, "target shape");
    if (failed(t))
      return failure();
    target = reshapeTarget(im, im.inputShape(0), **t);
  }
  if (failed(target))
    return failure();
  return im.setLogical(0, im.tb().reshape(im.logical(0), *target));
}

LogicalResult convertTranspose(ONNXImporter &im) {
  int64_t rank = im.inputShape(0).size();
  SmallVector<int64_t> perm = im.attrInts("perm");
  if (perm.empty())
    for (int64_t k = rank - 1; k >= 0; --k)
      perm.push_back(k);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  for (int64_t k = 0; k < rank; ++k)
    if (int64_t(sorted.size()) != rank || sorted[k] != k)
      return im.nodeError() << "perm is not a permutation of the " << rank
                            << " axes";
  // NCHW -> NHWC of a value held NHWC is free.
  if (rank == 4 && im.preferNHWC(0) &&
      perm == SmallVector<int64_t>{0, 2, 3, 1})
    return im.setLogical(0, im.nhwc(0));
  SmallVector<int32_t> p(perm.begin(), perm.end());
  return im.setLogical(0, im.tb().transpose(im.logical(0), p));
}

LogicalResult convertConcat(ONNXImporter &im) {
  ArrayRef<int64_t> first = im.inputShape(0);
  int64_t rank = first.size();
  int64_t axis = normAxis(im.attrInt("axis", 0), rank);
  if (axis < 0)
    return im.nodeError() << "axis out of range";
  bool useNHWC = false;
  for (size_t k = 0; k < im.numInputs(); ++k) {
    ArrayRef<int64_t> s = im.inputShape(k);
    if (int64_t(s.size()) != rank)
      return im.nodeError() << "shape mismatch: input " << k << " has rank "
                            << s.size() << ", expected " << rank;
    for (int64_t a = 0; a < rank; ++a)
      if (a != axis && s[a] != first[a])
        return im.nodeError() << "shape mismatch: input " << k
                              << " differs in dimension " << a;
    useNHWC |= im.preferNHWC(k);
  }
  SmallVector<Value> parts;
  for (size_t k = 0; k < im.numInputs(); ++k)
    parts.push_back(useNHWC ? im.nhwc(k) : im.logical(k));
  if (useNHWC)
    return im.setNHWC(0, im.tb().concat(parts, nhwcAxis(axis)));
  return im.setLogical(0, im.tb().concat(parts, axis));
}

LogicalResult convertSqueeze(ONNXImporter &im) {
  bool unsq = im.node().op_type() == "Unsqueeze";
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  if (unsq)
    rank += im.opset() < 13 ? im.attrInts("axes").size()
                            : (im.inputConst(1) ? im.inputConst(1)->numElements()
                                                : 0);
  bool present;
  FailureOr<SmallVector<int64_t>> axes = axesOf(im, 13, rank, present);
  if (failed(axes))
    return failure();
  if (!unsq)
    for (int64_t a : *axes)
      if (xs[a] != 1)
        return im.nodeError() << "shape mismatch: cannot squeeze axis " << a
                              << " of size " << xs[a];
  SmallVector<int64_t> out =
      unsq ? unsqueezeShape(xs, *axes) : squeezeShape(xs, *axes);
  return im.setLogical(0, im.tb().reshape(im.logical(0), out));
}

LogicalResult convertSlice(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  FailureOr<SliceSpec> spec = sliceSpec(im, xs);
  if (failed(spec))
    return failure();
  if (llvm::is_contained(spec->count, 0))
    return im.nodeError() << "unsupported: the slice is empty";
  TosaBuilder &tb = im.tb();
  Value x = im.logical(0);
  SmallVector<int64_t> start(spec->start), size(spec->count);
  for (size_t a = 0; a < xs.size(); ++a)
    if (spec->step[a] != 1) {
      start[a] = 0;
      size[a] = xs[a];
    }
  x = tb.slice(x, start, size);
  for (size_t a = 0; a < xs.size(); ++a) {
    if (spec->step[a] == 1)
      continue;
    SmallVector<int64_t> idx;
    for (int64_t k = 0; k < spec->count[a]; ++k)
      idx.push_back(spec->start[a] + k * spec->step[a]);
    x = tb.gather(x, a, idx);
  }
  return im.setLogical(0, x);
}

LogicalResult convertGather(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t axis = normAxis(im.attrInt("axis", 0), xs.size());
  if (axis < 0)
    return im.nodeError() << "axis out of range";
  FailureOr<const HostTensor *> idx = im.requireConst(1, "indices");
  if (failed(idx))
    return failure();
  SmallVector<int64_t> picks;
  for (int64_t k = 0; k < (*idx)->numElements(); ++k) {
    int64_t j = (*idx)->intAt(k);
    if (j < 0)
      j += xs[axis];
    if (j < 0 || j >= xs[axis])
      return im.nodeError() << "index " << (*idx)->intAt(k)
                            << " is out of range for a dimension of "
                            << xs[axis];
    picks.push_back(j);
  }
  if (picks.empty())
    return im.nodeError() << "unsupported: empty indices";
  SmallVector<int64_t> out(xs.take_front(axis));
  out.append((*idx)->shape.begin(), (*idx)->shape.end());
  out.append(xs.begin() + axis + 1, xs.end());
  TosaBuilder &tb = im.tb();
  return im.setLogical(0, tb.reshape(tb.gather(im.logical(0), axis, picks), out));
}

LogicalResult convertPad(ONNXImporter &im) {
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return im.nodeError() << "unsupported attribute value mode='" << mode
                          << "'";
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  SmallVector<int64_t> pads;
  float value = 0.0f;
  if (im.opset() < 11) {
    pads = im.attrInts("pads");
    value = im.attrFloat("value", 0.0f);
  } else {
    FailureOr<const HostTensor *> p = im.requireConst(1, "pads");
    if (failed(p))
      return failure();
    for (int64_t k = 0; k < (*p)->numElements(); ++k)
      pads.push_back((*p)->intAt(k));
    if (im.hasInput(2)) {
      FailureOr<const HostTensor *> v = im.requireConst(2, "constant_value");
      if (failed(v))
        return failure();
      value = float((*v)->at(0));
    }
    if (im.hasInput(3))
      return im.nodeError() << "unsupported: the axes input";
  }
  if (int64_t(pads.size()) != 2 * rank)
    return im.nodeError() << "shape mismatch: pads has " << pads.size()
                          << " values for rank " << rank;
  // ONNX: all begins, then all ends. Per axis (before, after) in the
  // layout the value is held in.
  bool useNHWC = rank == 4 && im.preferNHWC(0);
  Value x = useNHWC ? im.nhwc(0) : im.logical(0);
  SmallVector<int64_t> perAxis(2 * rank);
  for (int64_t a = 0; a < rank; ++a) {
    int64_t phys = useNHWC ? nhwcAxis(a) : a;
    perAxis[2 * phys] = pads[a];
    perAxis[2 * phys + 1] = pads[a + rank];
  }
  TosaBuilder &tb = im.tb();
  ArrayRef<int64_t> shape = TosaBuilder::shapeOf(x);
  if (mode == "constant") {
    // Negative pads crop.
    SmallVector<int64_t> start(rank), size(shape);
    bool crop = false;
    for (int64_t a = 0; a < rank; ++a)
      for (int s = 0; s < 2; ++s)
        if (perAxis[2 * a + s] < 0) {
          crop = true;
          size[a] += perAxis[2 * a + s];
          if (s == 0)
            start[a] = -perAxis[2 * a];
          perAxis[2 * a + s] = 0;
        }
    if (crop)
      x = tb.slice(x, start, size);
    x = tb.pad(x, perAxis, value);
  } else {
    for (int64_t a = 0; a < rank; ++a) {
      int64_t d = shape[a], before = perAxis[2 * a], after = perAxis[2 * a + 1];
      if (!before && !after)
        continue;
      if (mode == "reflect" && (before >= d || after >= d))
        return im.nodeError() << "shape mismatch: reflect padding of " << d
                              << " elements by more than " << d - 1;
      SmallVector<int64_t> idx;
      for (int64_t k = -before; k < d + after; ++k) {
        int64_t j = k;
        if (mode == "edge")
          j = std::clamp<int64_t>(k, 0, d - 1);
        else if (k < 0)
          j = -k;
        else if (k >= d)
          j = 2 * (d - 1) - k;
        idx.push_back(j);
      }
      x = tb.gather(x, a, idx);
    }
  }
  return useNHWC ? im.setNHWC(0, x) : im.setLogical(0, x);
}

LogicalResult convertDropout(ONNXImporter &im) {
  if (im.isOutputUsed(1))
    return im.nodeError() << "unsupported: the mask output is used";
  float rate = 0.5f;
  if (im.opset() < 12) {
    rate = im.attrFloat("ratio", 0.5f);
  } else if (im.hasInput(1)) {
    FailureOr<const HostTensor *> r = im.requireConst(1, "ratio");
    if (failed(r))
      return failure();
    rate = float((*r)->at(0));
  }
  if (rate < 0.0f || rate >= 1.0f)
    return im.nodeError() << "unsupported attribute value ratio=" << rate;
  // training_mode (opset 12+) must be known, but either value imports as
  // nr.dropout: its rate applies in training (the training transform), and
  // evaluation is the identity - the same reading as BatchNormalization's.
  if (im.opset() >= 12 && im.hasInput(2) &&
      failed(im.requireConst(2, "training_mode")))
    return failure();
  int64_t seed = im.attrInt("seed", 0);
  return unaryOp(im, [&](Value x) { return im.tb().dropout(x, rate, seed); });
}

LogicalResult convertIdentity(ONNXImporter &im) {
  if (im.node().op_type() == "Cast") {
    int64_t to = im.attrInt("to", onnx::TensorProto::FLOAT);
    if (to != onnx::TensorProto::FLOAT)
      return im.nodeError() << "unsupported: Cast of a float activation to "
                               "a non-float type";
  }
  if (im.preferNHWC(0))
    return im.setNHWC(0, im.nhwc(0));
  return im.setLogical(0, im.logical(0));
}

template <Value (TosaBuilder::*Fn)(Value)>
LogicalResult unaryMember(ONNXImporter &im) {
  return unaryOp(im, [&](Value x) { return (im.tb().*Fn)(x); });
}

template <Value (TosaBuilder::*Fn)(Value, Value)>
LogicalResult binaryMember(ONNXImporter &im) {
  return binaryOp(im, [&](Value a, Value b) { return (im.tb().*Fn)(a, b); });
}

template <Converter Fn> LogicalResult windowOp(ONNXImporter &im) {
  if (im.inputShape(0).size() == 3)
    return convertAs2D(im, Fn);
  return Fn(im);
}

const llvm::StringMap<Converter> &converters() {
  static const llvm::StringMap<Converter> table = {
      {"Conv", windowOp<convertConv>},
      {"ConvTranspose", windowOp<convertConvTranspose>},
      {"BatchNormalization", convertBatchNorm},
      {"Relu", unaryMember<&TosaBuilder::relu>},
      {"Sigmoid", unaryMember<&TosaBuilder::sigmoid>},
      {"Tanh", unaryMember<&TosaBuilder::tanh>},
      {"HardSwish", unaryMember<&TosaBuilder::hardSwish>},
      {"Exp", unaryMember<&TosaBuilder::exp>},
      {"Log", unaryMember<&TosaBuilder::log>},
      {"Abs", unaryMember<&TosaBuilder::abs>},
      {"Neg", unaryMember<&TosaBuilder::neg>},
      {"Sqrt", unaryMember<&TosaBuilder::sqrt>},
      {"Reciprocal", unaryMember<&TosaBuilder::reciprocal>},
      {"Erf", unaryMember<&TosaBuilder::erf>},
      {"HardSigmoid",
       [](ONNXImporter &im) {
         float alpha = im.attrFloat("alpha", 0.2f), beta = im.attrFloat("beta", 0.5f);
         return unaryOp(im, [&](Value x) {
           return im.tb().hardSigmoid(x, alpha, beta);
         });
       }},
      {"LeakyRelu", convertLeakyRelu},
      {"Clip", convertClip},
      {"Add", binaryMember<&TosaBuilder::add>},
      {"Sub", binaryMember<&TosaBuilder::sub>},
      {"Mul", binaryMember<&TosaBuilder::mul>},
      {"Div", binaryMember<&TosaBuilder::div>},
      {"Max", binaryMember<&TosaBuilder::maximum>},
      {"Min", binaryMember<&TosaBuilder::minimum>},
      {"Pow", binaryMember<&TosaBuilder::pow>},
      {"MaxPool", windowOp<convertPool>},
      {"AveragePool", windowOp<convertPool>},
      {"GlobalAveragePool", convertGlobalPool},
      {"GlobalMaxPool", convertGlobalPool},
      {"ReduceMean", convertReduce},
      {"ReduceSum", convertReduce},
      {"ReduceMax", convertReduce},
      {"Softmax", convertSoftmax},
      {"Gemm", convertGemm},
      {"MatMul", convertMatMul},
      {"Flatten", convertFlatten},
      {"Reshape", convertReshape},
      {"Transpose", convertTranspose},
      {"Concat", convertConcat},
      {"Squeeze", convertSqueeze},
      {"Unsqueeze", convertSqueeze},
      {"Slice", convertSlice},
      {"Gather", convertGather},
      {"Pad", convertPad},
      {"Resize", convertResize},
      {"Upsample", convertResize},
      {"Dropout", convertDropout},
      {"Identity", convertIdentity},
      {"Cast", convertIdentity},
  };
  return table;
}

} // namespace

bool netrewrite::onnximport::isKnownOp(StringRef opType) {
  return converters().count(opType) ||
         llvm::is_contained({"Constant", "Shape", "Size", "ConstantOfShape"},
                            opType);
}

LogicalResult netrewrite::onnximport::checkArity(ONNXImporter &im) {
  StringRef op = im.node().op_type();
  int64_t opset = im.opset();
  size_t need = llvm::StringSwitch<size_t>(op)
                    .Cases({"Conv", "ConvTranspose", "Add", "Sub", "Mul", "Div",
                            "Pow", "Gemm", "MatMul", "Gather"},
                           2)
                    .Case("BatchNormalization", 5)
                    .Case("Reshape", opset >= 5 ? 2 : 1)
                    .Case("Pad", opset >= 11 ? 2 : 1)
                    .Case("Slice", opset >= 10 ? 3 : 1)
                    .Case("Resize", opset >= 11 ? 1 : 2)
                    .Case("Upsample", opset >= 9 ? 2 : 1)
                    .Case("Constant", 0)
                    .Default(1);
  for (size_t k = 0; k < need; ++k)
    if (!im.hasInput(k))
      return im.nodeError() << "missing input: " << op << " needs " << need
                            << " inputs, input " << k << " is absent";
  if (im.node().output_size() < 1 || im.node().output(0).empty())
    return im.nodeError() << "the node has no output";
  return success();
}

LogicalResult netrewrite::onnximport::convertOp(ONNXImporter &im) {
  const auto &table = converters();
  auto it = table.find(im.node().op_type());
  if (it == table.end())
    return im.nodeError() << "unsupported operator " << im.node().op_type();
  // Binary ops with more or fewer than two inputs (Max/Min/Sum are
  // variadic in ONNX) are not handled by the two-operand converters.
  StringRef op = im.node().op_type();
  if ((op == "Max" || op == "Min") && im.numInputs() != 2)
    return im.nodeError() << "unsupported: " << im.numInputs()
                          << " operands (only 2 are handled)";
  return it->second(im);
}
