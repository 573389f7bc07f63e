//===- TosaBuilder.cpp - Layer-level construction of TOSA + nr ------------===//

#include "netrewrite/Support/TosaBuilder.h"
#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace netrewrite;

void TosaBuilder::setLayer(StringRef name) {
  currentLayer = name.str();
  currentLoc = NameLoc::get(b.getStringAttr(name));
}

RankedTensorType TosaBuilder::f32(ArrayRef<int64_t> shape, MLIRContext *ctx) {
  return RankedTensorType::get(shape, Float32Type::get(ctx));
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

Value TosaBuilder::weight(StringRef what, ArrayRef<int64_t> shape,
                          ArrayRef<float> data) {
  auto type = f32(shape);
  std::string blobName =
      currentLayer.empty() ? what.str() : currentLayer + "/" + what.str();
  // The blob manager makes the key unique if two layers share a name.
  auto attr = DenseResourceElementsAttr::get(
      type, blobName, HeapAsmResourceBlob::allocateAndCopyInferAlign(data));
  return tosa::ConstOp::create(b, currentLoc, type, attr);
}

Value TosaBuilder::splat(float value, ArrayRef<int64_t> shape) {
  auto type = f32(shape);
  return tosa::ConstOp::create(b, currentLoc, type,
                               DenseElementsAttr::get(type, value));
}

Value TosaBuilder::scalar(float value, int64_t rank) {
  return splat(value, SmallVector<int64_t>(rank, 1));
}

Value TosaBuilder::dense(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  auto type = f32(shape);
  return tosa::ConstOp::create(b, currentLoc, type,
                               DenseElementsAttr::get(type, data));
}

Value TosaBuilder::zeroPoint() { return splat(0.0f, {1}); }

Value TosaBuilder::shift() {
  auto type = RankedTensorType::get({1}, b.getI8Type());
  return tosa::ConstOp::create(
      b, currentLoc, type, DenseElementsAttr::get(type, b.getI8IntegerAttr(0)));
}

Value TosaBuilder::constShape(ArrayRef<int64_t> shape) {
  ImplicitLocOpBuilder ib(currentLoc, b);
  return tosa::getTosaConstShape(ib, shape);
}

//===----------------------------------------------------------------------===//
// Convolutions and dense
//===----------------------------------------------------------------------===//

/// Output size of a strided, dilated, padded window along one axis.
static int64_t windowOut(int64_t in, int64_t k, int64_t stride,
                         int64_t dilation, int64_t padBefore,
                         int64_t padAfter) {
  return (in + padBefore + padAfter - (k - 1) * dilation - 1) / stride + 1;
}

RankedTensorType TosaBuilder::windowResultType(Value x, HW kernel,
                                               int64_t channels,
                                               ArrayRef<int64_t> pad,
                                               ArrayRef<int64_t> stride,
                                               ArrayRef<int64_t> dilation) {
  ArrayRef<int64_t> in = shapeOf(x);
  return f32(
      {in[0],
       windowOut(in[1], kernel[0], stride[0], dilation[0], pad[0], pad[1]),
       windowOut(in[2], kernel[1], stride[1], dilation[1], pad[2], pad[3]),
       channels});
}

template <typename OpTy>
Value TosaBuilder::convolution(Value x, Value w, Value bias, HW kernel,
                               int64_t channels, ArrayRef<int64_t> pad,
                               ArrayRef<int64_t> stride,
                               ArrayRef<int64_t> dilation) {
  if (!bias)
    bias = splat(0.0f, {channels});
  Value zp = zeroPoint();
  return OpTy::create(
      b, currentLoc,
      TypeRange{windowResultType(x, kernel, channels, pad, stride, dilation)},
      ValueRange{x, w, bias, zp, zp},
      {b.getNamedAttr("pad", b.getDenseI64ArrayAttr(pad)),
       b.getNamedAttr("stride", b.getDenseI64ArrayAttr(stride)),
       b.getNamedAttr("dilation", b.getDenseI64ArrayAttr(dilation)),
       b.getNamedAttr("acc_type", TypeAttr::get(b.getF32Type()))});
}

Value TosaBuilder::conv2d(Value x, Value w, Value bias, ArrayRef<int64_t> pad,
                          ArrayRef<int64_t> stride,
                          ArrayRef<int64_t> dilation) {
  ArrayRef<int64_t> ws = shapeOf(w); // OHWI
  return convolution<tosa::Conv2DOp>(x, w, bias, {ws[1], ws[2]}, ws[0], pad,
                                     stride, dilation);
}

Value TosaBuilder::depthwiseConv2d(Value x, Value w, Value bias,
                                   ArrayRef<int64_t> pad,
                                   ArrayRef<int64_t> stride,
                                   ArrayRef<int64_t> dilation) {
  ArrayRef<int64_t> ws = shapeOf(w); // HWCM
  return convolution<tosa::DepthwiseConv2DOp>(
      x, w, bias, {ws[0], ws[1]}, ws[2] * ws[3], pad, stride, dilation);
}

Value TosaBuilder::transposeConv2d(Value x, Value w, Value bias, Pad4 outPad,
                                   HW stride) {
  ArrayRef<int64_t> in = shapeOf(x), ws = shapeOf(w);
  if (!bias)
    bias = splat(0.0f, {ws[0]});
  // TOSA: out = (in - 1) * stride + out_pad_before + out_pad_after + k.
  SmallVector<int64_t> out = {
      in[0], (in[1] - 1) * stride[0] + outPad[0] + outPad[1] + ws[1],
      (in[2] - 1) * stride[1] + outPad[2] + outPad[3] + ws[2], ws[0]};
  Value zp = zeroPoint();
  return tosa::TransposeConv2DOp::create(
      b, currentLoc, TypeRange{f32(out)}, ValueRange{x, w, bias, zp, zp},
      {b.getNamedAttr("out_pad", b.getDenseI64ArrayAttr(outPad)),
       b.getNamedAttr("stride", b.getDenseI64ArrayAttr(stride)),
       b.getNamedAttr("acc_type", TypeAttr::get(b.getF32Type()))});
}

Value TosaBuilder::matmul(Value a, Value bm) {
  ArrayRef<int64_t> as = shapeOf(a), bs = shapeOf(bm);
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  SmallVector<int64_t> batchA(as.begin(), as.end() - 2),
      batchB(bs.begin(), bs.end() - 2);
  // Broadcast batch dimensions numpy-style.
  size_t rank = std::max(batchA.size(), batchB.size());
  batchA.insert(batchA.begin(), rank - batchA.size(), 1);
  batchB.insert(batchB.begin(), rank - batchB.size(), 1);
  SmallVector<int64_t> batch = *broadcastShape(batchA, batchB);
  int64_t flat = 1;
  for (int64_t d : batch)
    flat *= d;
  auto to3d = [&](Value v, ArrayRef<int64_t> vb, int64_t r, int64_t c) {
    SmallVector<int64_t> full(vb.begin(), vb.end());
    full.push_back(r);
    full.push_back(c);
    Value t = reshape(v, full);
    if (vb != ArrayRef<int64_t>(batch)) {
      SmallVector<int64_t> mult;
      for (auto [have, want] : llvm::zip(vb, batch))
        mult.push_back(want / have);
      mult.append({1, 1});
      t = tile(t, mult);
    }
    return reshape(t, {flat, r, c});
  };
  Value prod = matmul3d(to3d(a, batchA, m, k), to3d(bm, batchB, k, n));
  SmallVector<int64_t> out = batch;
  if (as.size() > 1 || bs.size() > 1)
    out.append({m, n});
  return reshape(prod, out);
}

Value TosaBuilder::matmul3d(Value a, Value bm) {
  ArrayRef<int64_t> as = shapeOf(a), bs = shapeOf(bm);
  Value zp = zeroPoint();
  return tosa::MatMulOp::create(
      b, currentLoc, TypeRange{f32({as[0], as[1], bs[2]})},
      ValueRange{a, bm, zp, zp}, ArrayRef<NamedAttribute>{});
}

Value TosaBuilder::dense(Value x, Value w, Value bias) {
  Value y = matmul(x, w);
  return bias ? add(y, bias) : y;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
TosaBuilder::broadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return failure();
  SmallVector<int64_t> out;
  for (auto [x, y] : llvm::zip(a, b)) {
    if (x != y && x != 1 && y != 1)
      return failure();
    out.push_back(x == 1 ? y : x);
  }
  return out;
}

std::pair<Value, Value> TosaBuilder::broadcastRanks(Value a, Value bv) {
  auto lift = [&](Value v, size_t rank) {
    ArrayRef<int64_t> s = shapeOf(v);
    if (s.size() >= rank)
      return v;
    SmallVector<int64_t> shape(rank - s.size(), 1);
    shape.append(s.begin(), s.end());
    return reshape(v, shape);
  };
  size_t rank = std::max(shapeOf(a).size(), shapeOf(bv).size());
  return {lift(a, rank), lift(bv, rank)};
}

template <typename OpTy>
Value TosaBuilder::binary(Value a, Value bv, Type element) {
  auto [x, y] = broadcastRanks(a, bv);
  auto shape = broadcastShape(shapeOf(x), shapeOf(y));
  assert(succeeded(shape) && "callers must check broadcast compatibility");
  auto type = RankedTensorType::get(*shape, element ? element : b.getF32Type());
  if constexpr (std::is_same_v<OpTy, tosa::MulOp>)
    return tosa::MulOp::create(b, currentLoc, type, x, y, shift());
  else
    return OpTy::create(b, currentLoc, type, x, y);
}

template <typename OpTy> Value TosaBuilder::unary(Value x) {
  return OpTy::create(b, currentLoc, x.getType(), x);
}

Value TosaBuilder::add(Value a, Value bv) { return binary<tosa::AddOp>(a, bv); }
Value TosaBuilder::sub(Value a, Value bv) { return binary<tosa::SubOp>(a, bv); }
Value TosaBuilder::mul(Value a, Value bv) { return binary<tosa::MulOp>(a, bv); }
Value TosaBuilder::div(Value a, Value bv) { return mul(a, reciprocal(bv)); }
Value TosaBuilder::maximum(Value a, Value bv) {
  return binary<tosa::MaximumOp>(a, bv);
}
Value TosaBuilder::minimum(Value a, Value bv) {
  return binary<tosa::MinimumOp>(a, bv);
}
Value TosaBuilder::pow(Value a, Value bv) { return binary<tosa::PowOp>(a, bv); }

Value TosaBuilder::clamp(Value x, float lo, float hi) {
  return tosa::ClampOp::create(
      b, currentLoc, TypeRange{x.getType()}, ValueRange{x},
      {b.getNamedAttr("min_val", b.getF32FloatAttr(lo)),
       b.getNamedAttr("max_val", b.getF32FloatAttr(hi))});
}

Value TosaBuilder::relu(Value x) {
  return clamp(x, 0.0f, std::numeric_limits<float>::max());
}
Value TosaBuilder::sigmoid(Value x) { return unary<tosa::SigmoidOp>(x); }
Value TosaBuilder::tanh(Value x) { return unary<tosa::TanhOp>(x); }
Value TosaBuilder::exp(Value x) { return unary<tosa::ExpOp>(x); }
Value TosaBuilder::log(Value x) { return unary<tosa::LogOp>(x); }
Value TosaBuilder::abs(Value x) { return unary<tosa::AbsOp>(x); }
Value TosaBuilder::reciprocal(Value x) { return unary<tosa::ReciprocalOp>(x); }
Value TosaBuilder::rsqrt(Value x) { return unary<tosa::RsqrtOp>(x); }
Value TosaBuilder::erf(Value x) { return unary<tosa::ErfOp>(x); }
Value TosaBuilder::sqrt(Value x) { return reciprocal(rsqrt(x)); }
Value TosaBuilder::neg(Value x) {
  Value zp = zeroPoint();
  return tosa::NegateOp::create(b, currentLoc, TypeRange{x.getType()},
                                ValueRange{x, zp, zp},
                                ArrayRef<NamedAttribute>{});
}

Value TosaBuilder::scale(Value x, float factor) {
  return mul(x, scalar(factor, rank(x)));
}

Value TosaBuilder::leakyRelu(Value x, float alpha) {
  return maximum(x, scale(x, alpha));
}

Value TosaBuilder::hardSigmoid(Value x, float alpha, float beta) {
  return clamp(add(scale(x, alpha), scalar(beta, rank(x))), 0.0f, 1.0f);
}

Value TosaBuilder::hardSwish(Value x) {
  Value gate = clamp(add(x, scalar(3.0f, rank(x))), 0.0f, 6.0f);
  return mul(x, scale(gate, 1.0f / 6.0f));
}

//===----------------------------------------------------------------------===//
// Comparisons and selection
//===----------------------------------------------------------------------===//

Value TosaBuilder::greater(Value a, Value bv) {
  return binary<tosa::GreaterOp>(a, bv, b.getI1Type());
}
Value TosaBuilder::greaterEqual(Value a, Value bv) {
  return binary<tosa::GreaterEqualOp>(a, bv, b.getI1Type());
}
Value TosaBuilder::equal(Value a, Value bv) {
  return binary<tosa::EqualOp>(a, bv, b.getI1Type());
}
Value TosaBuilder::logicalAnd(Value a, Value bv) {
  return binary<tosa::LogicalAndOp>(a, bv, b.getI1Type());
}

Value TosaBuilder::select(Value cond, Value a, Value bv) {
  auto shape =
      broadcastShape(*broadcastShape(shapeOf(cond), shapeOf(a)), shapeOf(bv));
  assert(succeeded(shape) && "callers must check broadcast compatibility");
  return tosa::SelectOp::create(b, currentLoc, f32(*shape), cond, a, bv);
}

Value TosaBuilder::maskOf(Value cond) {
  int64_t r = rank(cond);
  return select(cond, scalar(1.0f, r), scalar(0.0f, r));
}

//===----------------------------------------------------------------------===//
// Pooling and reductions
//===----------------------------------------------------------------------===//

Value TosaBuilder::maxPool2d(Value x, HW kernel, HW stride, Pad4 pad) {
  return tosa::MaxPool2dOp::create(
      b, currentLoc,
      TypeRange{
          windowResultType(x, kernel, shapeOf(x)[3], pad, stride, {1, 1})},
      ValueRange{x},
      {b.getNamedAttr("kernel", b.getDenseI64ArrayAttr(kernel)),
       b.getNamedAttr("stride", b.getDenseI64ArrayAttr(stride)),
       b.getNamedAttr("pad", b.getDenseI64ArrayAttr(pad))});
}

Value TosaBuilder::avgPool2d(Value x, HW kernel, HW stride, Pad4 pad,
                             bool countIncludePad) {
  if (countIncludePad && (pad[0] || pad[1] || pad[2] || pad[3])) {
    x = this->pad(x, {0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0}, 0.0f);
    pad = {0, 0, 0, 0};
  }
  Value zp = zeroPoint();
  return tosa::AvgPool2dOp::create(
      b, currentLoc,
      TypeRange{
          windowResultType(x, kernel, shapeOf(x)[3], pad, stride, {1, 1})},
      ValueRange{x, zp, zp},
      {b.getNamedAttr("kernel", b.getDenseI64ArrayAttr(kernel)),
       b.getNamedAttr("stride", b.getDenseI64ArrayAttr(stride)),
       b.getNamedAttr("pad", b.getDenseI64ArrayAttr(pad)),
       b.getNamedAttr("acc_type", TypeAttr::get(b.getF32Type()))});
}

Value TosaBuilder::globalAvgPool(Value x, bool keepDims) {
  ArrayRef<int64_t> in = shapeOf(x);
  Value pooled = avgPool2d(x, {in[1], in[2]}, {1, 1}, {0, 0, 0, 0});
  return keepDims ? pooled : reshape(pooled, {in[0], in[3]});
}

template <typename OpTy> Value TosaBuilder::reduce(Value x, int64_t axis) {
  SmallVector<int64_t> shape(shapeOf(x));
  shape[axis] = 1;
  return OpTy::create(b, currentLoc, TypeRange{f32(shape)}, ValueRange{x},
                      {b.getNamedAttr("axis", b.getI32IntegerAttr(axis))});
}

Value TosaBuilder::reduceSum(Value x, int64_t axis) {
  return reduce<tosa::ReduceSumOp>(x, axis);
}
Value TosaBuilder::reduceMax(Value x, int64_t axis) {
  return reduce<tosa::ReduceMaxOp>(x, axis);
}
Value TosaBuilder::reduceMean(Value x, int64_t axis) {
  return scale(reduceSum(x, axis), 1.0f / float(shapeOf(x)[axis]));
}

Value TosaBuilder::softmax(Value x, int64_t axis) {
  Value shifted = sub(x, reduceMax(x, axis));
  Value e = exp(shifted);
  return div(e, reduceSum(e, axis));
}

Value TosaBuilder::sumToShape(Value x, ArrayRef<int64_t> shape) {
  for (auto [axis, d] : llvm::enumerate(shape))
    if (d == 1 && shapeOf(x)[axis] != 1)
      x = reduceSum(x, axis);
  return x;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

Value TosaBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  if (shapeOf(x) == shape)
    return x;
  return tosa::ReshapeOp::create(b, currentLoc, f32(shape), x,
                                 constShape(shape));
}

Value TosaBuilder::transpose(Value x, ArrayRef<int32_t> perms) {
  ArrayRef<int64_t> in = shapeOf(x);
  SmallVector<int64_t> out;
  for (int32_t p : perms)
    out.push_back(in[p]);
  return tosa::TransposeOp::create(
      b, currentLoc, TypeRange{f32(out)}, ValueRange{x},
      {b.getNamedAttr("perms", b.getDenseI32ArrayAttr(perms))});
}

Value TosaBuilder::concat(ArrayRef<Value> inputs, int64_t axis) {
  if (inputs.size() == 1)
    return inputs[0];
  SmallVector<int64_t> out(shapeOf(inputs[0]));
  out[axis] = 0;
  for (Value v : inputs)
    out[axis] += shapeOf(v)[axis];
  return tosa::ConcatOp::create(
      b, currentLoc, TypeRange{f32(out)}, ValueRange(inputs),
      {b.getNamedAttr("axis", b.getI32IntegerAttr(axis))});
}

Value TosaBuilder::pad(Value x, ArrayRef<int64_t> padding, float value) {
  ArrayRef<int64_t> in = shapeOf(x);
  SmallVector<int64_t> out;
  for (size_t i = 0; i < in.size(); ++i)
    out.push_back(in[i] + padding[2 * i] + padding[2 * i + 1]);
  return tosa::PadOp::create(
      b, currentLoc, TypeRange{f32(out)},
      ValueRange{x, constShape(padding), splat(value, {1})},
      ArrayRef<NamedAttribute>{});
}

Value TosaBuilder::padEnds(Value x, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                           float value) {
  auto isZero = [](int64_t v) { return v == 0; };
  if (llvm::all_of(lo, isZero) && llvm::all_of(hi, isZero))
    return x;
  SmallVector<int64_t> padding;
  for (auto [l, h] : llvm::zip(lo, hi))
    padding.append({l, h});
  return pad(x, padding, value);
}

Value TosaBuilder::padOrCrop(Value x, ArrayRef<int64_t> lo,
                             ArrayRef<int64_t> hi, float value) {
  SmallVector<int64_t> start, size, padLo, padHi;
  for (auto [d, l, h] : llvm::zip(shapeOf(x), lo, hi)) {
    int64_t cropLo = l < 0 ? -l : 0, cropHi = h < 0 ? -h : 0;
    start.push_back(cropLo);
    size.push_back(d - cropLo - cropHi);
    padLo.push_back(l > 0 ? l : 0);
    padHi.push_back(h > 0 ? h : 0);
  }
  return padEnds(slice(x, start, size), padLo, padHi, value);
}

Value TosaBuilder::slice(Value x, ArrayRef<int64_t> start,
                         ArrayRef<int64_t> size) {
  if (llvm::all_of(start, [](int64_t s) { return s == 0; }) &&
      shapeOf(x) == size)
    return x;
  return tosa::SliceOp::create(
      b, currentLoc, TypeRange{f32(size)},
      ValueRange{x, constShape(start), constShape(size)},
      ArrayRef<NamedAttribute>{});
}

Value TosaBuilder::tile(Value x, ArrayRef<int64_t> multiples) {
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return x;
  ArrayRef<int64_t> in = shapeOf(x);
  SmallVector<int64_t> out;
  for (auto [d, m] : llvm::zip(in, multiples))
    out.push_back(d * m);
  return tosa::TileOp::create(b, currentLoc, TypeRange{f32(out)},
                              ValueRange{x, constShape(multiples)},
                              ArrayRef<NamedAttribute>{});
}

Value TosaBuilder::broadcastTo(Value x, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> multiples;
  for (auto [have, want] : llvm::zip(shapeOf(x), shape))
    multiples.push_back(have == want ? 1 : want);
  return tile(x, multiples);
}

Value TosaBuilder::reverse(Value x, int32_t axis) {
  if (shapeOf(x)[axis] == 1)
    return x;
  return tosa::ReverseOp::create(b, currentLoc, typeOf(x), x,
                                 b.getI32IntegerAttr(axis));
}

Value TosaBuilder::dilateSpatial(Value x, int64_t sh, int64_t sw) {
  if (sh == 1 && sw == 1)
    return x;
  auto s = shapeOf(x);
  int64_t n = s[0], h = s[1], w = s[2], c = s[3];
  // [N,H,1,W,1,C] padded to [N,H,sh,W,sw,C] puts the zeros after each
  // element; cropping the trailing zeros leaves (H-1)*sh+1 rows.
  Value v = reshape(x, {n, h, 1, w, 1, c});
  v = padEnds(v, {0, 0, 0, 0, 0, 0}, {0, 0, sh - 1, 0, sw - 1, 0});
  v = reshape(v, {n, h * sh, w * sw, c});
  return slice(v, {0, 0, 0, 0}, {n, (h - 1) * sh + 1, (w - 1) * sw + 1, c});
}

Value TosaBuilder::nchwToNhwc(Value x) { return transpose(x, {0, 2, 3, 1}); }
Value TosaBuilder::nhwcToNchw(Value x) { return transpose(x, {0, 3, 1, 2}); }

//===----------------------------------------------------------------------===//
// nr layers
//===----------------------------------------------------------------------===//

Value TosaBuilder::batchNorm(Value x, Value gamma, Value beta, Value mean,
                             Value var, float epsilon, float momentum) {
  return netrewrite::nr::BatchNormOp::create(
      b, currentLoc, x.getType(), x, gamma, beta, mean, var,
      b.getF32FloatAttr(epsilon), b.getF32FloatAttr(momentum));
}

Value TosaBuilder::dropout(Value x, float rate, int64_t seed) {
  return netrewrite::nr::DropoutOp::create(b, currentLoc, x.getType(), x,
                                           b.getF32FloatAttr(rate),
                                           b.getI64IntegerAttr(seed));
}

//===----------------------------------------------------------------------===//
// Gather and resize
//===----------------------------------------------------------------------===//

Value TosaBuilder::gather(Value x, int64_t axis, ArrayRef<int64_t> indices) {
  ArrayRef<int64_t> in = shapeOf(x);
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k)
    outer *= in[k];
  for (size_t k = axis + 1; k < in.size(); ++k)
    inner *= in[k];
  int64_t count = indices.size();
  // tosa.gather: values [N, K, C], indices [N, W] -> [N, W, C].
  Value values = reshape(x, {outer, in[axis], inner});
  SmallVector<int32_t> idx;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : indices)
      idx.push_back(int32_t(i));
  auto idxType = RankedTensorType::get({outer, count}, b.getI32Type());
  Value idxConst = tosa::ConstOp::create(
      b, currentLoc, idxType, DenseElementsAttr::get(idxType, ArrayRef(idx)));
  Value picked = tosa::GatherOp::create(
      b, currentLoc, f32({outer, count, inner}), values, idxConst);
  SmallVector<int64_t> out(in);
  out[axis] = count;
  return reshape(picked, out);
}

static bool isIdentity(ArrayRef<float> m, int64_t in, int64_t out) {
  if (in != out)
    return false;
  for (int64_t i = 0; i < out; ++i)
    for (int64_t j = 0; j < in; ++j)
      if (m[i * in + j] != (i == j ? 1.0f : 0.0f))
        return false;
  return true;
}

Value TosaBuilder::resize2d(Value x, int64_t outH, int64_t outW,
                            ArrayRef<float> rows, ArrayRef<float> cols) {
  ArrayRef<int64_t> s = shapeOf(x);
  int64_t n = s[0], h = s[1], w = s[2], c = s[3];
  // Replicates a matrix over the batch (tosa.matmul has no broadcasting).
  auto batched = [&](StringRef what, ArrayRef<float> m, int64_t r, int64_t k) {
    std::vector<float> data;
    for (int64_t i = 0; i < n; ++i)
      data.insert(data.end(), m.begin(), m.end());
    return weight(what, {n, r, k}, data);
  };
  Value y = x;
  if (!isIdentity(rows, h, outH)) {
    // [N, H, W*C] -> rows x that.
    Value flat = reshape(y, {n, h, w * c});
    Value prod = matmul3d(batched("resize_rows", rows, outH, h), flat);
    y = reshape(prod, {n, outH, w, c});
  }
  if (!isIdentity(cols, w, outW)) {
    int64_t hh = shapeOf(y)[1];
    // Bring W next to the batch: [N, W, H', C] -> [N, W, H'*C].
    Value t = transpose(y, {0, 2, 1, 3});
    Value flat = reshape(t, {n, w, hh * c});
    Value prod = matmul3d(batched("resize_cols", cols, outW, w), flat);
    y = transpose(reshape(prod, {n, outW, hh, c}), {0, 2, 1, 3});
  }
  return y;
}

std::vector<float> TosaBuilder::interpolationMatrix(
    int64_t in, int64_t out, double scale, ResizeMode mode, CoordMode coord,
    NearestMode nearest, double cubicA, bool excludeOutside) {
  std::vector<double> m(out * in, 0.0);
  auto source = [&](int64_t o) -> double {
    switch (coord) {
    case CoordMode::HalfPixel:
      return (o + 0.5) / scale - 0.5;
    case CoordMode::PytorchHalfPixel:
      return out > 1 ? (o + 0.5) / scale - 0.5 : 0.0;
    case CoordMode::AlignCorners: {
      // ONNX measures the resized length as in * scale, unrounded.
      double len = double(in) * scale;
      return out == 1 || len <= 1.0 ? 0.0 : double(o) * (in - 1) / (len - 1);
    }
    case CoordMode::Asymmetric:
      return o / scale;
    case CoordMode::TFHalfPixelForNN:
      return (o + 0.5) / scale;
    }
    return 0.0;
  };
  auto clampIdx = [&](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
  for (int64_t o = 0; o < out; ++o) {
    double x = source(o);
    double *row = &m[o * in];
    if (mode == ResizeMode::Nearest) {
      int64_t i;
      switch (nearest) {
      case NearestMode::RoundPreferFloor:
        i = (x - std::floor(x) == 0.5) ? int64_t(std::floor(x))
                                       : int64_t(std::round(x));
        break;
      case NearestMode::RoundPreferCeil:
        i = int64_t(std::round(x)); // round() rounds halves away from 0
        if (x < 0 && x - std::floor(x) == 0.5)
          i = int64_t(std::ceil(x));
        break;
      case NearestMode::Floor:
        i = int64_t(std::floor(x));
        break;
      case NearestMode::Ceil:
        i = int64_t(std::ceil(x));
        break;
      case NearestMode::Simple:
        i = scale < 1.0 ? int64_t(std::ceil(x)) : int64_t(x);
        break;
      }
      row[clampIdx(i)] = 1.0;
    } else if (mode == ResizeMode::Linear) {
      x = std::clamp(x, 0.0, double(in - 1));
      int64_t i0 = int64_t(std::floor(x));
      double f = x - i0;
      row[clampIdx(i0)] += 1.0 - f;
      row[clampIdx(i0 + 1)] += f;
    } else {
      int64_t i0 = int64_t(std::floor(x));
      double t = x - i0;
      double a = cubicA;
      auto kernel = [a](double d) {
        d = std::abs(d);
        if (d <= 1)
          return ((a + 2) * d - (a + 3)) * d * d + 1;
        if (d < 2)
          return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        return 0.0;
      };
      double weights[4], sum = 0;
      for (int k = 0; k < 4; ++k) {
        int64_t idx = i0 - 1 + k;
        weights[k] = kernel(t + 1 - k);
        if (excludeOutside && (idx < 0 || idx >= in))
          weights[k] = 0;
        sum += weights[k];
      }
      for (int k = 0; k < 4; ++k) {
        int64_t idx = i0 - 1 + k;
        if (excludeOutside && (idx < 0 || idx >= in))
          continue;
        row[clampIdx(idx)] += excludeOutside ? weights[k] / sum : weights[k];
      }
    }
  }
  return std::vector<float>(m.begin(), m.end());
}
