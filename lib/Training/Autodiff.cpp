//===- Autodiff.cpp - Reverse-mode differentiation of TOSA ----------------===//
//
// One gradient rule per TOSA op, each written with TOSA ops again, so the
// backward pass lowers and schedules exactly like the forward one.
// Convolutions follow the classic identities:
//   input grad  = stride-dilated output grad, padded, convolved with the
//                 spatially flipped kernel (OHWI -> IHWO);
//   weight grad = a conv2d whose batch is the input's channels and whose
//                 kernel is the output grad (strides and dilations swap);
// depthwise ones use depthwise_conv2d with batch and channels folded
// together, max pooling routes the gradient to the first maximum of each
// window (PyTorch's tie rule), average pooling divides by the count of
// non-padding elements as tosa.avg_pool2d does.
//
//===----------------------------------------------------------------------===//

#include "Training.h"
#include "netrewrite/Support/TosaBuilder.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::training;

namespace {

bool isFloatTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && isa<FloatType>(t.getElementType());
}

class Differentiator {
public:
  Differentiator(ImplicitLocOpBuilder &b) : b(b), t(b, b.getLoc()) {}

  /// Marks the float values that depend on `wrt`.
  void markActive(Block &block, Operation *end, ArrayRef<Value> wrt) {
    for (Value v : wrt)
      active.insert(v);
    for (Operation &op : block) {
      if (&op == end)
        break;
      if (llvm::any_of(op.getOperands(),
                       [&](Value v) { return active.contains(v); }))
        for (Value r : op.getResults())
          if (isFloatTensor(r))
            active.insert(r);
    }
  }

  LogicalResult run(Block &block, Operation *end, Value output, Value seed) {
    accumulate(output, seed);
    SmallVector<Operation *> ops;
    for (Operation &op : block) {
      if (&op == end)
        break;
      ops.push_back(&op);
    }
    for (Operation *op : llvm::reverse(ops)) {
      if (op->getNumResults() != 1 || !grads.count(op->getResult(0)))
        continue;
      if (!llvm::any_of(op->getOperands(),
                        [&](Value v) { return active.contains(v); }))
        continue;
      setLoc(op->getLoc());
      if (failed(backprop(op, grads.lookup(op->getResult(0)))))
        return op->emitError("cannot differentiate '")
               << op->getName() << "' (no gradient rule for this form)";
    }
    return success();
  }

  /// Both builders stamp the ops they create with `loc`.
  void setLoc(Location loc) {
    b.setLoc(loc);
    t.setLoc(loc);
  }

  Value gradOf(Value v) {
    Value g = grads.lookup(v);
    return g ? g : t.zerosLike(v);
  }

private:
  ImplicitLocOpBuilder &b;
  TosaBuilder t;
  DenseSet<Value> active;
  DenseMap<Value, Value> grads;

  void accumulate(Value v, Value g) {
    if (!active.contains(v))
      return;
    assert(TosaBuilder::shapeOf(v) == TosaBuilder::shapeOf(g) &&
           "gradient shape mismatch");
    auto [it, inserted] = grads.try_emplace(v, g);
    if (!inserted)
      it->second = t.add(it->second, g);
  }
  /// Gradient of an operand that was broadcast to the result's shape.
  void accumulateBroadcast(Value v, Value g) {
    if (active.contains(v))
      accumulate(v, t.sumToShape(g, TosaBuilder::shapeOf(v)));
  }

  LogicalResult backprop(Operation *op, Value g);

  // Rules with more than a couple of lines.
  LogicalResult conv2d(tosa::Conv2DOp op, Value g);
  LogicalResult depthwise(tosa::DepthwiseConv2DOp op, Value g);
  LogicalResult transposeConv(tosa::TransposeConv2DOp op, Value g);
  LogicalResult avgPool(tosa::AvgPool2dOp op, Value g);
  LogicalResult maxPool(tosa::MaxPool2dOp op, Value g);
  void biasGrad(Value bias, Value g);
  Value convInputGrad(Value g, Value flippedKernel, ArrayRef<int64_t> xShape,
                      int64_t kh, int64_t kw, ArrayRef<int64_t> pad,
                      ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation,
                      bool depthwise);
  Value padForWindows(Value x, int64_t kh, int64_t kw, int64_t oh, int64_t ow,
                      ArrayRef<int64_t> pad, ArrayRef<int64_t> stride,
                      ArrayRef<int64_t> dilation, double value);
};

LogicalResult Differentiator::backprop(Operation *op, Value g) {
  auto in = [&](unsigned i) { return op->getOperand(i); };
  Value y = op->getResult(0);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<tosa::AddOp>([&](auto) {
        accumulateBroadcast(in(0), g);
        accumulateBroadcast(in(1), g);
        return success();
      })
      .Case<tosa::SubOp>([&](auto) {
        accumulateBroadcast(in(0), g);
        if (active.contains(in(1)))
          accumulateBroadcast(in(1), t.neg(g));
        return success();
      })
      .Case<tosa::MulOp>([&](auto) {
        if (active.contains(in(0)))
          accumulateBroadcast(in(0), t.mul(g, in(1)));
        if (active.contains(in(1)))
          accumulateBroadcast(in(1), t.mul(g, in(0)));
        return success();
      })
      .Case<tosa::NegateOp>([&](auto) {
        accumulate(in(0), t.neg(g));
        return success();
      })
      .Case<tosa::IdentityOp, tosa::CastOp>([&](auto) {
        accumulate(in(0), g);
        return success();
      })
      .Case<tosa::ClampOp>([&](tosa::ClampOp c) {
        // Strict inequalities: the derivative at a kink is 0, as PyTorch's
        // relu/hardtanh/relu6 take it.
        auto lo = dyn_cast<FloatAttr>(c.getMinVal());
        auto hi = dyn_cast<FloatAttr>(c.getMaxVal());
        if (!lo || !hi)
          return failure();
        int64_t r = TosaBuilder::rank(y);
        Value inside =
            t.logicalAnd(t.greater(in(0), t.scalar(lo.getValueAsDouble(), r)),
                         t.greater(t.scalar(hi.getValueAsDouble(), r), in(0)));
        accumulate(in(0), t.select(inside, g, t.scalar(0.0, r)));
        return success();
      })
      .Case<tosa::SigmoidOp>([&](auto) {
        Value one = t.scalar(1.0, TosaBuilder::rank(y));
        accumulate(in(0), t.mul(g, t.mul(y, t.sub(one, y))));
        return success();
      })
      .Case<tosa::TanhOp>([&](auto) {
        Value one = t.scalar(1.0, TosaBuilder::rank(y));
        accumulate(in(0), t.mul(g, t.sub(one, t.mul(y, y))));
        return success();
      })
      .Case<tosa::ErfOp>([&](auto) {
        // d erf(x)/dx = 2/sqrt(pi) * exp(-x^2) (GELU's building block).
        Value dx = t.scale(t.exp(t.neg(t.mul(in(0), in(0)))),
                           1.1283791670955126);
        accumulate(in(0), t.mul(g, dx));
        return success();
      })
      .Case<tosa::ExpOp>([&](auto) {
        accumulate(in(0), t.mul(g, y));
        return success();
      })
      .Case<tosa::LogOp>([&](auto) {
        accumulate(in(0), t.mul(g, t.reciprocal(in(0))));
        return success();
      })
      .Case<tosa::ReciprocalOp>([&](auto) {
        accumulate(in(0), t.neg(t.mul(g, t.mul(y, y))));
        return success();
      })
      .Case<tosa::RsqrtOp>([&](auto) {
        accumulate(in(0), t.scale(t.mul(g, t.mul(y, t.mul(y, y))), -0.5));
        return success();
      })
      .Case<tosa::PowOp>([&](auto) {
        int64_t r = TosaBuilder::rank(y);
        if (active.contains(in(0))) {
          Value dx = t.mul(in(1), t.pow(in(0), t.sub(in(1), t.scalar(1.0, r))));
          accumulateBroadcast(in(0), t.mul(g, dx));
        }
        if (active.contains(in(1)))
          accumulateBroadcast(in(1), t.mul(g, t.mul(y, t.log(in(0)))));
        return success();
      })
      .Case<tosa::AbsOp>([&](auto) {
        int64_t r = TosaBuilder::rank(y);
        Value zero = t.scalar(0.0, r);
        Value sign = t.sub(t.maskOf(t.greater(in(0), zero)),
                           t.maskOf(t.greater(zero, in(0))));
        accumulate(in(0), t.mul(g, sign));
        return success();
      })
      .Case<tosa::MaximumOp, tosa::MinimumOp>([&](Operation *m) {
        // Ties go to the first operand.
        Value first = isa<tosa::MaximumOp>(m) ? t.greaterEqual(in(0), in(1))
                                              : t.greaterEqual(in(1), in(0));
        Value zero = t.scalar(0.0, TosaBuilder::rank(y));
        accumulateBroadcast(in(0), t.select(first, g, zero));
        accumulateBroadcast(in(1), t.select(first, zero, g));
        return success();
      })
      .Case<tosa::SelectOp>([&](auto) {
        Value zero = t.scalar(0.0, TosaBuilder::rank(y));
        accumulateBroadcast(in(1), t.select(in(0), g, zero));
        accumulateBroadcast(in(2), t.select(in(0), zero, g));
        return success();
      })
      .Case<tosa::ReduceSumOp>([&](auto) {
        accumulate(in(0), t.broadcastTo(g, TosaBuilder::shapeOf(in(0))));
        return success();
      })
      .Case<tosa::ReduceMaxOp>([&](auto) {
        auto shape = TosaBuilder::shapeOf(in(0));
        Value hit = t.maskOf(t.equal(in(0), t.broadcastTo(y, shape)));
        accumulate(in(0), t.mul(t.broadcastTo(g, shape), hit));
        return success();
      })
      .Case<tosa::ReshapeOp>([&](auto) {
        accumulate(in(0), t.reshape(g, TosaBuilder::shapeOf(in(0))));
        return success();
      })
      .Case<tosa::TransposeOp>([&](tosa::TransposeOp tr) {
        SmallVector<int32_t> inverse(tr.getPerms().size());
        for (auto [i, p] : llvm::enumerate(tr.getPerms()))
          inverse[p] = i;
        accumulate(in(0), t.transpose(g, inverse));
        return success();
      })
      .Case<tosa::ReverseOp>([&](tosa::ReverseOp rev) {
        accumulate(in(0), t.reverse(g, rev.getAxis()));
        return success();
      })
      .Case<tosa::ConcatOp>([&](tosa::ConcatOp c) {
        int64_t axis = c.getAxis(), offset = 0;
        for (Value v : c.getInput1()) {
          SmallVector<int64_t> start(TosaBuilder::rank(y), 0);
          start[axis] = offset;
          auto size = TosaBuilder::shapeOf(v);
          if (active.contains(v))
            accumulate(v, t.slice(g, start, size));
          offset += size[axis];
        }
        return success();
      })
      .Case<tosa::SliceOp>([&](tosa::SliceOp s) {
        SmallVector<int64_t> start, size;
        if (!tosa::getConstShapeValues(s.getStart().getDefiningOp(), start) ||
            !tosa::getConstShapeValues(s.getSize().getDefiningOp(), size))
          return failure();
        SmallVector<int64_t> hi;
        for (auto [d, st, sz] :
             llvm::zip(TosaBuilder::shapeOf(in(0)), start, size))
          hi.push_back(d - st - sz);
        accumulate(in(0), t.padEnds(g, start, hi));
        return success();
      })
      .Case<tosa::PadOp>([&](tosa::PadOp p) {
        SmallVector<int64_t> padding;
        if (!tosa::getConstShapeValues(p.getPadding().getDefiningOp(), padding))
          return failure();
        SmallVector<int64_t> start;
        for (size_t i = 0; i < padding.size(); i += 2)
          start.push_back(padding[i]);
        accumulate(in(0), t.slice(g, start, TosaBuilder::shapeOf(in(0))));
        return success();
      })
      .Case<tosa::TileOp>([&](tosa::TileOp tile) {
        SmallVector<int64_t> multiples;
        if (!tosa::getConstShapeValues(tile.getMultiples().getDefiningOp(),
                                       multiples))
          return failure();
        auto xs = TosaBuilder::shapeOf(in(0));
        SmallVector<int64_t> split;
        for (auto [m, d] : llvm::zip(multiples, xs)) {
          split.push_back(m);
          split.push_back(d);
        }
        Value v = t.reshape(g, split);
        for (size_t axis = 0; axis < xs.size(); ++axis)
          v = t.reduceSum(v, 2 * axis);
        accumulate(in(0), t.reshape(v, xs));
        return success();
      })
      .Case<tosa::MatMulOp>([&](auto) {
        if (active.contains(in(0)))
          accumulate(in(0), t.matmul(g, t.transpose(in(1), {0, 2, 1})));
        if (active.contains(in(1)))
          accumulate(in(1), t.matmul(t.transpose(in(0), {0, 2, 1}), g));
        return success();
      })
      .Case<tosa::Conv2DOp>([&](auto c) { return conv2d(c, g); })
      .Case<tosa::DepthwiseConv2DOp>([&](auto c) { return depthwise(c, g); })
      .Case<tosa::TransposeConv2DOp>(
          [&](auto c) { return transposeConv(c, g); })
      .Case<tosa::AvgPool2dOp>([&](auto p) { return avgPool(p, g); })
      .Case<tosa::MaxPool2dOp>([&](auto p) { return maxPool(p, g); })
      .Default([&](Operation *) { return failure(); });
}

void Differentiator::biasGrad(Value bias, Value g) {
  if (!active.contains(bias))
    return;
  Value sum = t.reduceSum(t.reduceSum(t.reduceSum(g, 0), 1), 2);
  auto bs = TosaBuilder::shapeOf(bias);
  if (bs[0] == 1)
    sum = t.reduceSum(sum, 3);
  accumulate(bias, t.reshape(sum, bs));
}

/// The input gradient of a (depthwise) convolution given the kernel already
/// flipped and laid out as the convolution over the output grad wants it
/// (conv2d: [C,KH,KW,O]; depthwise: [KH,KW,C*M,1]).
Value Differentiator::convInputGrad(Value g, Value flipped,
                                    ArrayRef<int64_t> xs, int64_t kh,
                                    int64_t kw, ArrayRef<int64_t> pad,
                                    ArrayRef<int64_t> stride,
                                    ArrayRef<int64_t> dilation,
                                    bool depthwise) {
  Value gd = t.dilateSpatial(g, stride[0], stride[1]);
  auto ds = TosaBuilder::shapeOf(gd);
  int64_t top = dilation[0] * (kh - 1) - pad[0];
  int64_t left = dilation[1] * (kw - 1) - pad[2];
  int64_t bottom = xs[1] - ds[1] - top + dilation[0] * (kh - 1);
  int64_t right = xs[2] - ds[2] - left + dilation[1] * (kw - 1);
  Value gp = t.padOrCrop(gd, {0, top, left, 0}, {0, bottom, right, 0});
  if (depthwise)
    return t.depthwiseConv2d(gp, flipped, Value(), {0, 0, 0, 0}, {1, 1},
                             dilation);
  return t.conv2d(gp, flipped, Value(), {0, 0, 0, 0}, {1, 1}, dilation);
}

/// x padded (or cropped at the bottom/right) to exactly the rows and
/// columns that `oh` x `ow` windows of a `kh` x `kw` kernel touch.
Value Differentiator::padForWindows(Value x, int64_t kh, int64_t kw,
                                    int64_t oh, int64_t ow,
                                    ArrayRef<int64_t> pad,
                                    ArrayRef<int64_t> stride,
                                    ArrayRef<int64_t> dilation, double value) {
  auto xs = TosaBuilder::shapeOf(x);
  int64_t hp = dilation[0] * (kh - 1) + (oh - 1) * stride[0] + 1;
  int64_t wp = dilation[1] * (kw - 1) + (ow - 1) * stride[1] + 1;
  return t.padOrCrop(x, {0, pad[0], pad[2], 0},
                     {0, hp - xs[1] - pad[0], wp - xs[2] - pad[2], 0}, value);
}

LogicalResult Differentiator::conv2d(tosa::Conv2DOp op, Value g) {
  Value x = op.getInput(), w = op.getWeight();
  auto xs = TosaBuilder::shapeOf(x), ws = TosaBuilder::shapeOf(w),
       gs = TosaBuilder::shapeOf(g);
  auto pad = op.getPad(), stride = op.getStride(), dilation = op.getDilation();
  if (active.contains(x)) {
    Value flipped = t.transpose(t.reverse(t.reverse(w, 1), 2), {3, 1, 2, 0});
    accumulate(x, convInputGrad(g, flipped, xs, ws[1], ws[2], pad, stride,
                                dilation, /*depthwise=*/false));
  }
  if (active.contains(w)) {
    Value xp = padForWindows(x, ws[1], ws[2], gs[1], gs[2], pad, stride,
                             dilation, 0.0);
    // [C,Hp,Wp,N] * [O,OH,OW,N] -> [C,KH,KW,O]; stride and dilation swap.
    Value r =
        t.conv2d(t.transpose(xp, {3, 1, 2, 0}), t.transpose(g, {3, 1, 2, 0}),
                 Value(), {0, 0, 0, 0}, dilation, stride);
    accumulate(w, t.transpose(r, {3, 1, 2, 0}));
  }
  biasGrad(op.getBias(), g);
  return success();
}

LogicalResult Differentiator::depthwise(tosa::DepthwiseConv2DOp op, Value g) {
  Value x = op.getInput(), w = op.getWeight();
  auto xs = TosaBuilder::shapeOf(x), ws = TosaBuilder::shapeOf(w),
       gs = TosaBuilder::shapeOf(g);
  int64_t kh = ws[0], kw = ws[1], c = ws[2], m = ws[3], n = xs[0];
  auto pad = op.getPad(), stride = op.getStride(), dilation = op.getDilation();
  if (active.contains(x)) {
    Value flipped =
        t.reshape(t.reverse(t.reverse(w, 0), 1), {kh, kw, c * m, 1});
    Value gx = convInputGrad(g, flipped, xs, kh, kw, pad, stride, dilation,
                             /*depthwise=*/true);
    if (m > 1)
      gx = t.reshape(t.reduceSum(t.reshape(gx, {n, xs[1], xs[2], c, m}), 4),
                     xs);
    accumulate(x, gx);
  }
  if (active.contains(w)) {
    // Batch and channels fold into one channel axis, so the depthwise conv
    // pairs each channel only with its own output grads:
    // [1,Hp,Wp,N*C] (*) [OH,OW,N*C,M] -> [1,KH,KW,N*C*M].
    Value xp = padForWindows(x, kh, kw, gs[1], gs[2], pad, stride, dilation,
                             0.0);
    auto ps = TosaBuilder::shapeOf(xp);
    Value xf =
        t.reshape(t.transpose(xp, {1, 2, 0, 3}), {1, ps[1], ps[2], n * c});
    Value gf = t.reshape(
        t.transpose(t.reshape(g, {n, gs[1], gs[2], c, m}), {1, 2, 0, 3, 4}),
        {gs[1], gs[2], n * c, m});
    Value r =
        t.depthwiseConv2d(xf, gf, Value(), {0, 0, 0, 0}, dilation, stride);
    r = t.reduceSum(t.reshape(r, {kh, kw, n, c, m}), 2);
    accumulate(w, t.reshape(r, ws));
  }
  biasGrad(op.getBias(), g);
  return success();
}

LogicalResult Differentiator::transposeConv(tosa::TransposeConv2DOp op,
                                            Value g) {
  Value x = op.getInput(), w = op.getWeight();
  auto outPad = op.getOutPad(), stride = op.getStride();
  // out[n, iy*s + top + ky, ix*s + left + kx, oc] += x[n,iy,ix,ic] *
  // w[oc,ky,kx,ic]: undo the output padding, then both gradients are plain
  // convolutions.
  Value ga = t.padOrCrop(g, {0, -outPad[0], -outPad[2], 0},
                         {0, -outPad[1], -outPad[3], 0});
  if (active.contains(x))
    accumulate(x, t.conv2d(ga, t.transpose(w, {3, 1, 2, 0}), Value(),
                           {0, 0, 0, 0}, stride, {1, 1}));
  if (active.contains(w)) {
    // [OC,H',W',N] (*) [IC,IH,IW,N], dilation = stride -> [OC,KH,KW,IC].
    accumulate(w, t.conv2d(t.transpose(ga, {3, 1, 2, 0}),
                           t.transpose(x, {3, 1, 2, 0}), Value(), {0, 0, 0, 0},
                           {1, 1}, stride));
  }
  biasGrad(op.getBias(), g);
  return success();
}

LogicalResult Differentiator::avgPool(tosa::AvgPool2dOp op, Value g) {
  Value x = op.getInput();
  auto xs = TosaBuilder::shapeOf(x), gs = TosaBuilder::shapeOf(g);
  auto kernel = op.getKernel(), stride = op.getStride(), pad = op.getPad();
  // tosa.avg_pool2d divides by the number of non-padding elements.
  SmallVector<float> inverseCount;
  for (int64_t oy = 0; oy < gs[1]; ++oy)
    for (int64_t ox = 0; ox < gs[2]; ++ox) {
      int64_t y0 = oy * stride[0] - pad[0], x0 = ox * stride[1] - pad[2];
      int64_t rows = std::min(y0 + kernel[0], xs[1]) - std::max<int64_t>(y0, 0);
      int64_t cols = std::min(x0 + kernel[1], xs[2]) - std::max<int64_t>(x0, 0);
      inverseCount.push_back(rows * cols > 0 ? 1.0f / (rows * cols) : 0.0f);
    }
  auto countType = t.f32({1, gs[1], gs[2], 1});
  Value counts = tosa::ConstOp::create(
      b, countType, DenseElementsAttr::get(countType, ArrayRef(inverseCount)));
  Value ones = t.splat(1.0f, {kernel[0], kernel[1], xs[3], 1});
  accumulate(x, convInputGrad(t.mul(g, counts), ones, xs, kernel[0], kernel[1],
                              pad, stride, {1, 1}, /*depthwise=*/true));
  return success();
}

LogicalResult Differentiator::maxPool(tosa::MaxPool2dOp op, Value g) {
  Value x = op.getInput(), y = op.getResult();
  auto xs = TosaBuilder::shapeOf(x), gs = TosaBuilder::shapeOf(g);
  auto kernel = op.getKernel(), stride = op.getStride(), pad = op.getPad();
  int64_t n = gs[0], oh = gs[1], ow = gs[2], c = gs[3];
  int64_t sh = stride[0], sw = stride[1];
  // Rows/columns [0, K-1+O*s) of the padded input: every window offset
  // (ky,kx) reads the strided grid starting there.
  int64_t hp = kernel[0] - 1 + oh * sh, wp = kernel[1] - 1 + ow * sw;
  Value xp = t.padOrCrop(x, {0, pad[0], pad[2], 0},
                         {0, hp - xs[1] - pad[0], wp - xs[2] - pad[2], 0},
                         -3.0e38);
  Value taken = t.splat(0.0f, gs);
  Value one = t.scalar(1.0, 4);
  Value sum = t.splat(0.0f, {n, hp, wp, c});
  for (int64_t ky = 0; ky < kernel[0]; ++ky)
    for (int64_t kx = 0; kx < kernel[1]; ++kx) {
      Value grid = t.slice(xp, {0, ky, kx, 0}, {n, oh * sh, ow * sw, c});
      grid = t.slice(t.reshape(grid, {n, oh, sh, ow, sw, c}),
                     {0, 0, 0, 0, 0, 0}, {n, oh, 1, ow, 1, c});
      grid = t.reshape(grid, gs);
      // The first maximum in row-major window order takes the gradient.
      Value hit = t.mul(t.maskOf(t.equal(grid, y)), t.sub(one, taken));
      taken = t.add(taken, hit);
      Value part = t.reshape(t.mul(g, hit), {n, oh, 1, ow, 1, c});
      part = t.reshape(
          t.padEnds(part, {0, 0, 0, 0, 0, 0}, {0, 0, sh - 1, 0, sw - 1, 0}),
          {n, oh * sh, ow * sw, c});
      part = t.padEnds(part, {0, ky, kx, 0},
                       {0, hp - ky - oh * sh, wp - kx - ow * sw, 0});
      sum = t.add(sum, part);
    }
  accumulate(x, t.padOrCrop(sum, {0, -pad[0], -pad[2], 0},
                            {0, xs[1] + pad[0] - hp, xs[2] + pad[2] - wp, 0}));
  return success();
}

} // namespace

FailureOr<SmallVector<Value>> netrewrite::training::differentiate(
    ImplicitLocOpBuilder &b, Block &block, Value output, Value seed,
    ArrayRef<Value> wrt) {
  Operation *end = &*b.getInsertionPoint();
  Differentiator d(b);
  d.markActive(block, end, wrt);
  Location savedLoc = b.getLoc();
  if (failed(d.run(block, end, output, seed)))
    return failure();
  d.setLoc(savedLoc);
  SmallVector<Value> result;
  for (Value v : wrt)
    result.push_back(d.gradOf(v));
  return result;
}
