//===- TosaBuilder.cpp - Terse TOSA construction for the autodiff ---------===//

#include "TosaBuilder.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"

using namespace mlir;
using namespace netrewrite::training;

namespace {

/// Same-rank broadcasting: each axis is the larger of the two (one is 1).
SmallVector<int64_t> broadcastShape(ArrayRef<int64_t> x, ArrayRef<int64_t> y) {
  assert(x.size() == y.size() && "TOSA broadcasting needs equal ranks");
  SmallVector<int64_t> out;
  for (auto [a, c] : llvm::zip(x, y))
    out.push_back(a == 1 ? c : a);
  return out;
}

Value shapeConst(ImplicitLocOpBuilder &b, ArrayRef<int64_t> values) {
  return tosa::getTosaConstShape(b, values);
}

} // namespace

Value TosaBuilder::splat(ArrayRef<int64_t> shape, double value) {
  auto type = f32(shape);
  return tosa::ConstOp::create(
      b, type, DenseElementsAttr::get(type, b.getF32FloatAttr(value)));
}

Value TosaBuilder::scalar(double value, int64_t rank) {
  return splat(SmallVector<int64_t>(rank, 1), value);
}

Value TosaBuilder::add(Value x, Value y) {
  return tosa::AddOp::create(b, f32(broadcastShape(shapeOf(x), shapeOf(y))),
                             x, y);
}

Value TosaBuilder::sub(Value x, Value y) {
  return tosa::SubOp::create(b, f32(broadcastShape(shapeOf(x), shapeOf(y))),
                             x, y);
}

Value TosaBuilder::mul(Value x, Value y) {
  auto shiftType = RankedTensorType::get({1}, b.getI8Type());
  Value shift = tosa::ConstOp::create(
      b, shiftType, DenseElementsAttr::get(shiftType, b.getI8IntegerAttr(0)));
  return tosa::MulOp::create(b, f32(broadcastShape(shapeOf(x), shapeOf(y))),
                             x, y, shift);
}

Value TosaBuilder::reciprocal(Value x) {
  return tosa::ReciprocalOp::create(b, typeOf(x), x);
}
Value TosaBuilder::rsqrt(Value x) {
  return tosa::RsqrtOp::create(b, typeOf(x), x);
}
Value TosaBuilder::exp(Value x) { return tosa::ExpOp::create(b, typeOf(x), x); }
Value TosaBuilder::log(Value x) { return tosa::LogOp::create(b, typeOf(x), x); }
Value TosaBuilder::pow(Value x, Value y) {
  return tosa::PowOp::create(b, f32(broadcastShape(shapeOf(x), shapeOf(y))),
                             x, y);
}

static RankedTensorType boolType(ImplicitLocOpBuilder &b,
                                 ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, b.getI1Type());
}

Value TosaBuilder::greater(Value x, Value y) {
  return tosa::GreaterOp::create(
      b, boolType(b, broadcastShape(shapeOf(x), shapeOf(y))), x, y);
}
Value TosaBuilder::greaterEqual(Value x, Value y) {
  return tosa::GreaterEqualOp::create(
      b, boolType(b, broadcastShape(shapeOf(x), shapeOf(y))), x, y);
}
Value TosaBuilder::equal(Value x, Value y) {
  return tosa::EqualOp::create(
      b, boolType(b, broadcastShape(shapeOf(x), shapeOf(y))), x, y);
}
Value TosaBuilder::logicalAnd(Value x, Value y) {
  return tosa::LogicalAndOp::create(
      b, boolType(b, broadcastShape(shapeOf(x), shapeOf(y))), x, y);
}
Value TosaBuilder::select(Value cond, Value x, Value y) {
  auto shape = broadcastShape(broadcastShape(shapeOf(cond), shapeOf(x)),
                              shapeOf(y));
  return tosa::SelectOp::create(b, f32(shape), cond, x, y);
}
Value TosaBuilder::maskOf(Value cond) {
  int64_t r = rank(cond);
  return select(cond, scalar(1.0, r), scalar(0.0, r));
}

Value TosaBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  if (shapeOf(x) == shape)
    return x;
  return tosa::ReshapeOp::create(b, f32(shape), x, shapeConst(b, shape));
}

Value TosaBuilder::transpose(Value x, ArrayRef<int32_t> perms) {
  SmallVector<int64_t> shape;
  for (int32_t p : perms)
    shape.push_back(shapeOf(x)[p]);
  return tosa::TransposeOp::create(b, f32(shape), x,
                                   b.getDenseI32ArrayAttr(perms));
}

Value TosaBuilder::slice(Value x, ArrayRef<int64_t> start,
                         ArrayRef<int64_t> size) {
  if (llvm::all_of(start, [](int64_t s) { return s == 0; }) &&
      shapeOf(x) == size)
    return x;
  return tosa::SliceOp::create(b, f32(size), x, shapeConst(b, start),
                               shapeConst(b, size));
}

Value TosaBuilder::pad(Value x, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                       double value) {
  if (llvm::all_of(lo, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(hi, [](int64_t v) { return v == 0; }))
    return x;
  SmallVector<int64_t> padding, shape;
  for (auto [d, l, h] : llvm::zip(shapeOf(x), lo, hi)) {
    padding.push_back(l);
    padding.push_back(h);
    shape.push_back(d + l + h);
  }
  return tosa::PadOp::create(b, f32(shape), x, shapeConst(b, padding),
                             splat({1}, value));
}

Value TosaBuilder::padOrCrop(Value x, ArrayRef<int64_t> lo,
                             ArrayRef<int64_t> hi, double value) {
  SmallVector<int64_t> start, size, padLo, padHi;
  for (auto [d, l, h] : llvm::zip(shapeOf(x), lo, hi)) {
    int64_t cropLo = l < 0 ? -l : 0, cropHi = h < 0 ? -h : 0;
    start.push_back(cropLo);
    size.push_back(d - cropLo - cropHi);
    padLo.push_back(l > 0 ? l : 0);
    padHi.push_back(h > 0 ? h : 0);
  }
  return pad(slice(x, start, size), padLo, padHi, value);
}

Value TosaBuilder::reverse(Value x, int32_t axis) {
  if (shapeOf(x)[axis] == 1)
    return x;
  return tosa::ReverseOp::create(b, typeOf(x), x, b.getI32IntegerAttr(axis));
}

Value TosaBuilder::tile(Value x, ArrayRef<int64_t> multiples) {
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return x;
  SmallVector<int64_t> shape;
  for (auto [d, m] : llvm::zip(shapeOf(x), multiples))
    shape.push_back(d * m);
  return tosa::TileOp::create(b, f32(shape), x, shapeConst(b, multiples));
}

Value TosaBuilder::reduceSum(Value x, int32_t axis) {
  SmallVector<int64_t> shape(shapeOf(x));
  shape[axis] = 1;
  return tosa::ReduceSumOp::create(b, f32(shape), x,
                                   b.getI32IntegerAttr(axis));
}

Value TosaBuilder::reduceMax(Value x, int32_t axis) {
  SmallVector<int64_t> shape(shapeOf(x));
  shape[axis] = 1;
  return tosa::ReduceMaxOp::create(b, f32(shape), x,
                                   b.getI32IntegerAttr(axis));
}

Value TosaBuilder::sumToShape(Value x, ArrayRef<int64_t> shape) {
  for (auto [axis, d] : llvm::enumerate(shape))
    if (d == 1 && shapeOf(x)[axis] != 1)
      x = reduceSum(x, axis);
  return x;
}

Value TosaBuilder::broadcastTo(Value x, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> multiples;
  for (auto [have, want] : llvm::zip(shapeOf(x), shape))
    multiples.push_back(have == want ? 1 : want);
  return tile(x, multiples);
}

Value TosaBuilder::dilateSpatial(Value x, int64_t sh, int64_t sw) {
  if (sh == 1 && sw == 1)
    return x;
  auto s = shapeOf(x);
  int64_t n = s[0], h = s[1], w = s[2], c = s[3];
  // [N,H,1,W,1,C] padded to [N,H,sh,W,sw,C] puts the zeros after each
  // element; cropping the trailing zeros leaves (H-1)*sh+1 rows.
  Value v = reshape(x, {n, h, 1, w, 1, c});
  v = pad(v, {0, 0, 0, 0, 0, 0}, {0, 0, sh - 1, 0, sw - 1, 0});
  v = reshape(v, {n, h * sh, w * sw, c});
  return slice(v, {0, 0, 0, 0}, {n, (h - 1) * sh + 1, (w - 1) * sw + 1, c});
}

Value TosaBuilder::conv2d(Value x, Value w, ArrayRef<int64_t> pad,
                          ArrayRef<int64_t> stride,
                          ArrayRef<int64_t> dilation) {
  auto xs = shapeOf(x), ws = shapeOf(w);
  int64_t oh =
      (xs[1] - 1 + pad[0] + pad[1] - (ws[1] - 1) * dilation[0]) / stride[0] + 1;
  int64_t ow =
      (xs[2] - 1 + pad[2] + pad[3] - (ws[2] - 1) * dilation[1]) / stride[1] + 1;
  Value bias = splat({ws[0]}, 0.0);
  return tosa::Conv2DOp::create(
      b, b.getLoc(), f32({xs[0], oh, ow, ws[0]}), x, w, bias,
      b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
      b.getDenseI64ArrayAttr(dilation), TypeAttr::get(b.getF32Type()));
}

Value TosaBuilder::depthwiseConv2d(Value x, Value w, ArrayRef<int64_t> pad,
                                   ArrayRef<int64_t> stride,
                                   ArrayRef<int64_t> dilation) {
  auto xs = shapeOf(x), ws = shapeOf(w);
  int64_t oh =
      (xs[1] - 1 + pad[0] + pad[1] - (ws[0] - 1) * dilation[0]) / stride[0] + 1;
  int64_t ow =
      (xs[2] - 1 + pad[2] + pad[3] - (ws[1] - 1) * dilation[1]) / stride[1] + 1;
  int64_t oc = ws[2] * ws[3];
  Value bias = splat({oc}, 0.0);
  return tosa::DepthwiseConv2DOp::create(
      b, b.getLoc(), f32({xs[0], oh, ow, oc}), x, w, bias,
      b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
      b.getDenseI64ArrayAttr(dilation), TypeAttr::get(b.getF32Type()));
}

Value TosaBuilder::matmul(Value x, Value y) {
  auto xs = shapeOf(x), ys = shapeOf(y);
  Value zp = splat({1}, 0.0);
  return tosa::MatMulOp::create(b, f32({xs[0], xs[1], ys[2]}), x, y, zp, zp);
}
