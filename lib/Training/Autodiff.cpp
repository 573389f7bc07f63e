//===- Autodiff.cpp - Reverse-mode differentiation of TOSA ----------------===//
//
// One gradient rule per TOSA op, each written with TOSA ops again, so the
// backward pass lowers and schedules exactly like the forward one.
// Convolutions follow the classic identities:
//   input grad  = stride-dilated output grad, padded, convolved with the
//                 spatially flipped kernel (OHWI -> IHWO); with a stride
//                 above 1 that convolution would multiply zeros 3 times in
//                 4 (stride 2), so it is split into its stride phases
//                 instead: each phase of input rows/columns (ih mod s) is
//                 a stride-1 convolution of the undilated output grad with
//                 the taps of the flipped kernel that reach it, and the
//                 phases interleave back (convInputGradPhases);
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

/// The location of the ops of one part of a gradient: the forward op's own
/// (its layer name) tagged with the part, so profiles and diagnostics can
/// tell a layer's input-gradient convolution from its forward one.
Location gradLoc(Location loc, StringRef part) {
  return FusedLoc::get(loc.getContext(), {loc},
                       StringAttr::get(loc.getContext(), part));
}

/// Whether a strided convolution's input gradient is built from its stride
/// phases (convInputGradPhases) rather than over the zero-dilated output
/// grad. Phases assume taps one pixel apart (no dilation).
bool usePhases(ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
  return (stride[0] > 1 || stride[1] > 1) && dilation[0] == 1 &&
         dilation[1] == 1;
}

bool isFloatTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && isa<FloatType>(t.getElementType());
}

class Differentiator {
public:
  Differentiator(ImplicitLocOpBuilder &b, const BatchNormForms &batchNorms)
      : b(b), t(b, b.getLoc()), batchNorms(batchNorms) {}

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
      setLoc(gradLoc(op->getLoc(), "grad"));
      if (auto bn = batchNorms.find(op); bn != batchNorms.end()) {
        batchNorm(bn->second, grads.lookup(op->getResult(0)));
        continue;
      }
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
  const BatchNormForms &batchNorms;
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
  LogicalResult maxPoolTiled(tosa::MaxPool2dOp op, Value g);
  void batchNorm(const BatchNormForm &bn, Value g);
  void biasGrad(Value bias, Value g);
  /// Builds the flipped sub-kernel of the taps `rows` x `cols` (indices
  /// into the kernel's spatial axes, in the order the convolution over the
  /// output grad wants them), laid out as convInputGrad's kernel.
  using SubKernelFn =
      llvm::function_ref<Value(ArrayRef<int64_t>, ArrayRef<int64_t>)>;
  Value convInputGradPhases(Value g, SubKernelFn subKernel,
                            ArrayRef<int64_t> xShape, int64_t channels,
                            int64_t kh, int64_t kw, ArrayRef<int64_t> pad,
                            ArrayRef<int64_t> stride, bool depthwise);
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
        // relu/hardtanh/relu6 take it. The mask reads the clamp's output
        // (lo < y < hi exactly where lo < x < hi, for lo < hi), which the
        // next layer keeps anyway: its input then has the clamp as its only
        // user and fuses into it (a batch norm's normalisation, a
        // convolution's epilogue) instead of being kept for the backward.
        auto lo = dyn_cast<FloatAttr>(c.getMinVal());
        auto hi = dyn_cast<FloatAttr>(c.getMaxVal());
        if (!lo || !hi)
          return failure();
        int64_t r = TosaBuilder::rank(y);
        Value probe =
            lo.getValueAsDouble() < hi.getValueAsDouble() ? y : in(0);
        Value inside =
            t.logicalAnd(t.greater(probe, t.scalar(lo.getValueAsDouble(), r)),
                         t.greater(t.scalar(hi.getValueAsDouble(), r), probe));
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

/// The closed form of a training-mode batch norm's gradient (see
/// BatchNormForm): with xhat = (x - mean) * invStd,
///   dbeta = sum(g), dgamma = sum(g * xhat),
///   dx = g * s - (x - mean) * (s * invStd * dgamma / M) - s * dbeta / M
/// where s = gamma * invStd and M = count: two reductions over g (the
/// second with xhat fused into it) and one element-wise pass for dx, every
/// other factor per channel. The statistics' ops between x and y get no
/// gradient and are skipped.
void Differentiator::batchNorm(const BatchNormForm &bn, Value g) {
  bool needX = active.contains(bn.x);
  bool needGamma = active.contains(bn.gamma);
  Value dbeta = sumPerChannel(t, g);
  accumulate(bn.beta, dbeta);
  if (!needX && !needGamma)
    return;
  Value xhat = t.mul(t.sub(bn.x, bn.mean), bn.invStd);
  Value dgamma = sumPerChannel(t, t.mul(g, xhat));
  accumulate(bn.gamma, dgamma);
  if (!needX)
    return;
  double inv = 1.0 / double(bn.count);
  Value s = t.mul(bn.gamma, bn.invStd);
  Value slope = t.scale(t.mul(t.mul(s, bn.invStd), dgamma), inv);
  Value offset = t.scale(t.mul(s, dbeta), inv);
  // x - mean again rather than reusing the sub above: each pass has its
  // own, which linalg-fuse-elementwise-ops fuses into it (it fuses only
  // single-use producers, and runs before CSE).
  Value centred = t.sub(bn.x, bn.mean);
  accumulate(bn.x, t.sub(t.sub(t.mul(g, s), t.mul(centred, slope)), offset));
}

void Differentiator::biasGrad(Value bias, Value g) {
  if (!active.contains(bias))
    return;
  Value sum = sumPerChannel(t, g);
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

namespace {
/// One stride phase along one spatial axis of a convolution's input
/// gradient: the input positions e, e + s, e + 2s, ... (`count` of them,
/// `rows` after rounding up to the same count for every phase), reached by
/// the kernel taps `taps` (flipped: the convolution over the output grad
/// visits them in this order) from the output grad padded by `before` and
/// `after` (negative: cropped).
struct Phase {
  SmallVector<int64_t> taps;
  int64_t before = 0, after = 0;
};

/// The phases e = 0..s-1 of an axis of input size `x`, output size `o`,
/// kernel `k`, stride `s`, padding `p` before, each computed for `rows`
/// = ceil(x / s) positions (the last ones of a short phase fall outside
/// the input and are cut off after interleaving).
SmallVector<Phase> phasesOf(int64_t x, int64_t o, int64_t k, int64_t s,
                            int64_t p) {
  int64_t rows = (x + s - 1) / s;
  SmallVector<Phase> phases(s);
  for (int64_t e = 0; e < s; ++e) {
    // Input position e + i*s sits at e + i*s + p in the padded input, where
    // an output position oh reaches it through tap r + j*s, r = (e+p) mod s,
    // from oh = q0 + i - j.
    int64_t r = (e + p) % s, q0 = (e + p - r) / s;
    Phase &ph = phases[e];
    for (int64_t tap = r; tap < k; tap += s)
      ph.taps.insert(ph.taps.begin(), tap);
    int64_t j = ph.taps.size();
    if (j == 0)
      continue;
    ph.before = j - 1 - q0;
    ph.after = rows + j - 1 - o - ph.before;
  }
  return phases;
}
} // namespace

/// The input gradient of a strided (depthwise) convolution as the sum of
/// its stride phases: phase (eh, ew) holds the input positions
/// (eh + i*sh, ew + j*sw), which only the kernel taps congruent to them
/// reach, so it is a stride-1 convolution of the output grad (not
/// dilated) with that flipped sub-kernel. The phases are interleaved back
/// by stacking them on two new axes: [N,Hc,sh,Wc,sw,C] -> [N,Hc*sh,Wc*sw,C]
/// then cut to [N,H,W,C]. A phase no tap reaches (1x1 kernel, stride 2) is
/// zero.
Value Differentiator::convInputGradPhases(Value g, SubKernelFn subKernel,
                                          ArrayRef<int64_t> xs,
                                          int64_t channels, int64_t kh,
                                          int64_t kw, ArrayRef<int64_t> pad,
                                          ArrayRef<int64_t> stride,
                                          bool depthwise) {
  auto gs = TosaBuilder::shapeOf(g);
  int64_t n = xs[0], sh = stride[0], sw = stride[1];
  int64_t hc = (xs[1] + sh - 1) / sh, wc = (xs[2] + sw - 1) / sw;
  SmallVector<Phase> rowPhases = phasesOf(xs[1], gs[1], kh, sh, pad[0]);
  SmallVector<Phase> colPhases = phasesOf(xs[2], gs[2], kw, sw, pad[2]);
  SmallVector<Value> rows;
  for (const Phase &ph : rowPhases) {
    SmallVector<Value> cols;
    for (const Phase &pw : colPhases) {
      Value part;
      if (ph.taps.empty() || pw.taps.empty()) {
        part = t.splat(0.0f, {n, hc, 1, wc, 1, channels});
      } else {
        Value gp = t.padOrCrop(g, {0, ph.before, pw.before, 0},
                               {0, ph.after, pw.after, 0});
        Value k = subKernel(ph.taps, pw.taps);
        part = depthwise ? t.depthwiseConv2d(gp, k, Value(), {0, 0, 0, 0},
                                             {1, 1}, {1, 1})
                         : t.conv2d(gp, k, Value(), {0, 0, 0, 0}, {1, 1},
                                    {1, 1});
        part = t.reshape(part, {n, hc, 1, wc, 1, channels});
      }
      cols.push_back(part);
    }
    rows.push_back(cols.size() == 1 ? cols[0] : t.concat(cols, 4));
  }
  Value all = rows.size() == 1 ? rows[0] : t.concat(rows, 2);
  all = t.reshape(all, {n, hc * sh, wc * sw, channels});
  return t.slice(all, {0, 0, 0, 0}, {n, xs[1], xs[2], channels});
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
  Location loc = op.getLoc();
  if (active.contains(x)) {
    setLoc(gradLoc(loc, "grad-input"));
    if (usePhases(stride, dilation)) {
      auto subKernel = [&](ArrayRef<int64_t> rows, ArrayRef<int64_t> cols) {
        return t.transpose(t.gather(t.gather(w, 1, rows), 2, cols),
                           {3, 1, 2, 0});
      };
      accumulate(x, convInputGradPhases(g, subKernel, xs, xs[3], ws[1], ws[2],
                                        pad, stride, /*depthwise=*/false));
    } else {
      Value flipped =
          t.transpose(t.reverse(t.reverse(w, 1), 2), {3, 1, 2, 0});
      accumulate(x, convInputGrad(g, flipped, xs, ws[1], ws[2], pad, stride,
                                  dilation, /*depthwise=*/false));
    }
  }
  setLoc(gradLoc(loc, "grad-weight"));
  bool pointwise = ws[1] == 1 && ws[2] == 1 && stride[0] == 1 &&
                   stride[1] == 1 && llvm::all_of(pad, [](int64_t p) {
                     return p == 0;
                   });
  if (active.contains(w) && pointwise) {
    // A 1x1 convolution is a matmul over the N*H*W positions:
    // dW[o,c] = sum_m g[m,o] x[m,c]. As a matmul only the smaller of g and
    // x needs a transpose (the convolution form transposed both into
    // [C,H,W,N] / [O,H,W,N]: MobileNetV2's largest copies).
    //
    // The positions are split into `parts` chunks (whole images), each a
    // batch of the matmul, whose partial products are summed after: the
    // CPU schedule parallelises a batched matmul over its batch, so each
    // thread streams its own chunk of g and x once. As one matmul the
    // threads split the few output rows (O or C, 16-96 here) and each read
    // all of the other operand (MobileNetV2's 16 -> 96 expansion at 64x64:
    // 50 MB twice). Only while the partial products stay small next to the
    // operands (not for 320 -> 1280 at 4x4).
    int64_t n = xs[0], m = n * xs[1] * xs[2], c = xs[3], o = ws[0];
    int64_t parts = 1;
    for (int64_t p = n; p > 1; --p)
      if (n % p == 0 && p * o * c * 8 <= m * (o + c)) {
        parts = p;
        break;
      }
    Value xf = t.reshape(x, {parts, m / parts, c});
    Value gf = t.reshape(g, {parts, m / parts, o});
    Value dw = o <= c ? t.matmul(t.transpose(gf, {0, 2, 1}), xf)
                      : t.matmul(t.transpose(xf, {0, 2, 1}), gf);
    if (parts > 1)
      dw = t.reduceSum(dw, 0);
    if (o > c)
      dw = t.transpose(dw, {0, 2, 1});
    accumulate(w, t.reshape(dw, ws));
  } else if (active.contains(w)) {
    Value xp = padForWindows(x, ws[1], ws[2], gs[1], gs[2], pad, stride,
                             dilation, 0.0);
    // [C,Hp,Wp,N] * [O,OH,OW,N] -> [C,KH,KW,O]; stride and dilation swap.
    Value r =
        t.conv2d(t.transpose(xp, {3, 1, 2, 0}), t.transpose(g, {3, 1, 2, 0}),
                 Value(), {0, 0, 0, 0}, dilation, stride);
    accumulate(w, t.transpose(r, {3, 1, 2, 0}));
  }
  setLoc(gradLoc(loc, "grad-bias"));
  biasGrad(op.getBias(), g);
  return success();
}

LogicalResult Differentiator::depthwise(tosa::DepthwiseConv2DOp op, Value g) {
  Value x = op.getInput(), w = op.getWeight();
  auto xs = TosaBuilder::shapeOf(x), ws = TosaBuilder::shapeOf(w),
       gs = TosaBuilder::shapeOf(g);
  int64_t kh = ws[0], kw = ws[1], c = ws[2], m = ws[3], n = xs[0];
  auto pad = op.getPad(), stride = op.getStride(), dilation = op.getDilation();
  Location loc = op.getLoc();
  if (active.contains(x)) {
    setLoc(gradLoc(loc, "grad-input"));
    Value gx;
    if (usePhases(stride, dilation)) {
      auto subKernel = [&](ArrayRef<int64_t> rows, ArrayRef<int64_t> cols) {
        Value k = t.gather(t.gather(w, 0, rows), 1, cols);
        return t.reshape(k, {int64_t(rows.size()), int64_t(cols.size()),
                             c * m, 1});
      };
      gx = convInputGradPhases(g, subKernel, xs, c * m, kh, kw, pad, stride,
                               /*depthwise=*/true);
    } else {
      Value flipped =
          t.reshape(t.reverse(t.reverse(w, 0), 1), {kh, kw, c * m, 1});
      gx = convInputGrad(g, flipped, xs, kh, kw, pad, stride, dilation,
                         /*depthwise=*/true);
    }
    if (m > 1)
      gx = t.reshape(t.reduceSum(t.reshape(gx, {n, xs[1], xs[2], c, m}), 4),
                     xs);
    accumulate(x, gx);
  }
  setLoc(gradLoc(loc, "grad-weight"));
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
  setLoc(gradLoc(loc, "grad-bias"));
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
  if (kernel[0] == sh && kernel[1] == sw && llvm::all_of(pad, [](int64_t p) {
        return p == 0;
      }) && xs[1] == oh * sh && xs[2] == ow * sw)
    return maxPoolTiled(op, g);
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

/// Windows that tile the input exactly (kernel == stride, no padding: VGG's
/// and most CNNs' 2x2/2 pools). The input seen as [N, OH, KH, OW, KW, C]
/// (a reshape, no copy) holds each window on axes 2 and 4, so every window
/// offset is a slice of it next to the output and the gradient, the first
/// maximum in row-major order takes the gradient (PyTorch's tie rule), and
/// the KH x KW parts are concatenated back into place: one pass over the
/// input and one write of its gradient. The general form (maxPool) pads,
/// dilates and sums a full-size tensor per window offset: twelve passes for
/// a 2x2 pool, 4.6% of VGG16@64's training step (docs/benchmarks.md,
/// "Training session 6").
LogicalResult Differentiator::maxPoolTiled(tosa::MaxPool2dOp op, Value g) {
  Value x = op.getInput(), y = op.getResult();
  auto xs = TosaBuilder::shapeOf(x), gs = TosaBuilder::shapeOf(g);
  auto kernel = op.getKernel();
  int64_t n = gs[0], oh = gs[1], ow = gs[2], c = gs[3];
  SmallVector<int64_t> window = {n, oh, kernel[0], ow, kernel[1], c};
  SmallVector<int64_t> one6 = {n, oh, 1, ow, 1, c};
  Value x6 = t.reshape(x, window), y6 = t.reshape(y, one6);
  Value g6 = t.reshape(g, one6);
  Value taken = t.splat(0.0f, one6);
  Value one = t.scalar(1.0, 6);
  SmallVector<Value> rows;
  for (int64_t ky = 0; ky < kernel[0]; ++ky) {
    SmallVector<Value> cols;
    for (int64_t kx = 0; kx < kernel[1]; ++kx) {
      Value at = t.slice(x6, {0, 0, ky, 0, kx, 0}, one6);
      Value hit = t.mul(t.maskOf(t.equal(at, y6)), t.sub(one, taken));
      taken = t.add(taken, hit);
      cols.push_back(t.mul(g6, hit));
    }
    rows.push_back(cols.size() == 1 ? cols.front() : t.concat(cols, 4));
  }
  Value dx = rows.size() == 1 ? rows.front() : t.concat(rows, 2);
  accumulate(x, t.reshape(dx, xs));
  return success();
}

} // namespace

FailureOr<SmallVector<Value>> netrewrite::training::differentiate(
    ImplicitLocOpBuilder &b, Block &block, Value output, Value seed,
    ArrayRef<Value> wrt, const BatchNormForms &batchNorms) {
  Operation *end = &*b.getInsertionPoint();
  Differentiator d(b, batchNorms);
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
