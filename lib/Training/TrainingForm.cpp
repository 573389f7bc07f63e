//===- TrainingForm.cpp - nr layers with their training semantics ---------===//
//
// While training, batch norm normalises with the statistics of the batch
// and moves its running statistics towards them, and dropout zeroes a
// random subset. Both are expanded into plain TOSA (plus one linalg.generic
// for the random mask) so the lowering only needs the existing CPU
// pipeline. A batch norm's output op is recorded with the values of its
// closed-form gradient (BatchNormForms), which the differentiator applies
// instead of differentiating the statistics op by op.
//
//===----------------------------------------------------------------------===//

#include "Training.h"
#include "netrewrite/Support/TosaBuilder.h"

#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::training;

namespace {

Value i32Const(OpBuilder &b, Location loc, uint32_t value) {
  return arith::ConstantOp::create(
      b, loc, b.getI32IntegerAttr(static_cast<int32_t>(value)));
}

/// MurmurHash3's 32-bit finaliser: every input bit flips about half of the
/// output bits, which is all a dropout mask needs.
Value fmix32(OpBuilder &b, Location loc, Value h) {
  auto shr = [&](Value v, uint32_t n) {
    return arith::XOrIOp::create(
        b, loc, v, arith::ShRUIOp::create(b, loc, v, i32Const(b, loc, n)));
  };
  h = shr(h, 16);
  h = arith::MulIOp::create(b, loc, h, i32Const(b, loc, 0x85EBCA6Bu));
  h = shr(h, 13);
  h = arith::MulIOp::create(b, loc, h, i32Const(b, loc, 0xC2B2AE35u));
  return shr(h, 16);
}

/// keep / (1 - rate) or 0 per element, from
///   key  = fmix32(seed * 0x85EBCA6B ^ step * 0xC2B2AE35 ^ opSeed * 0x27D4EB2F)
///   h    = fmix32(flatIndex * 0x9E3779B1 ^ key)
///   keep = (h >> 8) * 2^-24 >= rate
/// (all uint32 with wrap-around; seed and step come from `hyper`).
Value dropoutMask(ImplicitLocOpBuilder &b, RankedTensorType type, double rate,
                  int64_t opSeed, Value hyper) {
  Location loc = b.getLoc();
  auto hyperScalar = [&](int64_t index) {
    Value i = arith::ConstantIndexOp::create(b, index);
    Value f = tensor::ExtractOp::create(b, hyper, ValueRange{i});
    return arith::FPToUIOp::create(b, b.getI32Type(), f).getResult();
  };
  Value seed = hyperScalar(kDropoutSeed), step = hyperScalar(kStep);
  Value key = arith::XOrIOp::create(
      b, arith::MulIOp::create(b, seed, i32Const(b, loc, 0x85EBCA6Bu)),
      arith::MulIOp::create(b, step, i32Const(b, loc, 0xC2B2AE35u)));
  key = arith::XOrIOp::create(
      b, key,
      arith::MulIOp::create(b, i32Const(b, loc, static_cast<uint32_t>(opSeed)),
                            i32Const(b, loc, 0x27D4EB2Fu)));
  key = fmix32(b, loc, key);

  int64_t rank = type.getRank();
  Value empty = tensor::EmptyOp::create(b, type.getShape(), b.getF32Type());
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  float keepScale = rate < 1.0 ? static_cast<float>(1.0 / (1.0 - rate)) : 0.0f;
  auto generic = linalg::GenericOp::create(
      b, TypeRange{type}, ValueRange{}, ValueRange{empty}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        // Row-major flat index of the element.
        Value flat = arith::ConstantIndexOp::create(nb, nloc, 0);
        for (int64_t d = 0; d < rank; ++d) {
          Value size =
              arith::ConstantIndexOp::create(nb, nloc, type.getDimSize(d));
          flat = arith::MulIOp::create(nb, nloc, flat, size);
          flat = arith::AddIOp::create(
              nb, nloc, flat, linalg::IndexOp::create(nb, nloc, d));
        }
        Value h = arith::IndexCastUIOp::create(nb, nloc, nb.getI32Type(), flat);
        h = arith::MulIOp::create(nb, nloc, h, i32Const(nb, nloc, 0x9E3779B1u));
        h = fmix32(nb, nloc, arith::XOrIOp::create(nb, nloc, h, key));
        Value bits =
            arith::ShRUIOp::create(nb, nloc, h, i32Const(nb, nloc, 8));
        Value u = arith::MulFOp::create(
            nb, nloc, arith::UIToFPOp::create(nb, nloc, nb.getF32Type(), bits),
            arith::ConstantOp::create(nb, nloc,
                                      nb.getF32FloatAttr(1.0f / 16777216.0f)));
        Value keep = arith::CmpFOp::create(
            nb, nloc, arith::CmpFPredicate::OGE, u,
            arith::ConstantOp::create(nb, nloc,
                                      nb.getF32FloatAttr(static_cast<float>(rate))));
        Value result = arith::SelectOp::create(
            nb, nloc, keep,
            arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(keepScale)),
            arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(0.0f)));
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

LogicalResult lowerBatchNorm(nr::BatchNormOp op, Value hyper,
                             function_ref<bool(Value)> isFrozen,
                             DenseMap<Value, Value> &stateUpdates,
                             BatchNormForms &forms) {
  ImplicitLocOpBuilder b(op.getLoc(), op);
  TosaBuilder t(b, b.getLoc());
  Value x = op.getInput();
  auto xs = TosaBuilder::shapeOf(x);
  int64_t rank = xs.size(), channels = xs.back();
  if (!TosaBuilder::typeOf(x).hasStaticShape())
    return op.emitError("training needs a static shape here");
  SmallVector<int64_t> bshape(rank, 1);
  bshape.back() = channels;
  double eps = op.getEpsilon().convertToDouble();
  double momentum = op.getMomentum().convertToDouble();
  Value gamma = t.reshape(op.getGamma(), bshape);
  Value beta = t.reshape(op.getBeta(), bshape);

  Value y;
  if (isFrozen(op.getGamma()) && isFrozen(op.getBeta())) {
    // A frozen BN normalises with its running statistics, as a Keras
    // BatchNormalization with trainable=False does; they stay unchanged.
    Value invStd = t.rsqrt(t.add(t.reshape(op.getVariance(), bshape),
                                 t.scalar(eps, rank)));
    Value xc = t.sub(x, t.reshape(op.getMean(), bshape));
    y = t.add(t.mul(t.mul(xc, invStd), gamma), beta);
  } else {
    int64_t count = 1;
    for (int64_t d : xs.drop_back())
      count *= d;
    // Two passes over x for the statistics (the mean, then the squares
    // about it: no cancellation of large sums of squares), one for the
    // output; everything else is per channel. Every use of x - mean has a
    // sub of its own: linalg-fuse-elementwise-ops fuses a producer into its
    // consumer only when it has a single use (and runs before CSE), so none
    // of the passes materialises it.
    Value mean = t.scale(sumPerChannel(t, x), 1.0 / count);
    Value var = t.scale(
        sumPerChannel(t, t.mul(t.sub(x, mean), t.sub(x, mean))), 1.0 / count);
    Value invStd = t.rsqrt(t.add(var, t.scalar(eps, rank)));
    Value scale = t.mul(gamma, invStd);
    y = t.add(t.mul(t.sub(x, mean), scale), beta);
    forms[y.getDefiningOp()] = {x, gamma, beta, mean, invStd, count};

    // running = momentum * running + (1 - momentum) * batch; the variance
    // fed to the running average is the unbiased one (n / (n - 1)), as in
    // TensorFlow's fused batch norm and PyTorch.
    double bessel = count > 1 ? double(count) / double(count - 1) : 1.0;
    auto update = [&](Value running, Value batch, double factor) {
      Value newRunning =
          t.add(t.scale(running, momentum),
                t.scale(t.reshape(batch, {channels}), (1.0 - momentum) * factor));
      stateUpdates[running] = newRunning;
    };
    update(op.getMean(), mean, 1.0);
    update(op.getVariance(), var, bessel);
  }
  op.replaceAllUsesWith(y);
  op.erase();
  return success();
}

} // namespace

/// Per-channel sums of x [..., C] as [1, ..., 1, C], in two steps: per
/// leading index (image) over the rest, then over those partial sums. The
/// first, over the whole tensor, is parallel over the images (the CPU
/// schedule of reductions tiles the leading parallel dimension into
/// threads); summing over the leading axis first instead leaves a chain of
/// smaller reductions, and one reduction over all of N*H*W would have only
/// the channels to split among threads.
Value netrewrite::training::sumPerChannel(TosaBuilder &t, Value x) {
  auto xs = TosaBuilder::shapeOf(x);
  int64_t rank = xs.size(), channels = xs.back();
  if (rank < 2)
    return x;
  SmallVector<int64_t> bshape(rank, 1);
  bshape.back() = channels;
  int64_t inner = 1;
  for (int64_t d : xs.drop_front().drop_back())
    inner *= d;
  Value v = x;
  if (inner > 1)
    v = t.reduceSum(t.reshape(x, {xs[0], inner, channels}), 1);
  v = t.reduceSum(t.reshape(v, {xs[0], channels}), 0);
  return t.reshape(v, bshape);
}

LogicalResult netrewrite::training::lowerToTrainingForm(
    func::FuncOp func, Value hyper, function_ref<bool(Value)> isFrozen,
    DenseMap<Value, Value> &stateUpdates, BatchNormForms &forms) {
  SmallVector<Operation *> nrOps;
  func.walk([&](Operation *op) {
    if (isa<nr::BatchNormOp, nr::DropoutOp>(op))
      nrOps.push_back(op);
  });
  for (Operation *op : nrOps) {
    if (auto bn = dyn_cast<nr::BatchNormOp>(op)) {
      if (failed(lowerBatchNorm(bn, hyper, isFrozen, stateUpdates, forms)))
        return failure();
      continue;
    }
    auto dropout = cast<nr::DropoutOp>(op);
    ImplicitLocOpBuilder b(op->getLoc(), op);
    TosaBuilder t(b, b.getLoc());
    auto type = dropout.getInput().getType();
    if (!type.hasStaticShape())
      return op->emitError("training needs a static shape here");
    Value y = dropout.getInput();
    double rate = dropout.getRate().convertToDouble();
    if (rate > 0.0)
      y = t.mul(y, dropoutMask(b, type, rate, dropout.getSeed(), hyper));
    dropout.replaceAllUsesWith(y);
    dropout.erase();
  }
  return success();
}
