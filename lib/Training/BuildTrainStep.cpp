//===- BuildTrainStep.cpp - @train_step from @forward ---------------------===//
//
// One training step as one function the runtime calls in a loop: forward in
// training mode, softmax cross-entropy, reverse-mode gradients, and the
// optimizer update, all as tensor code that the CPU/GPU pipelines lower like
// any other. Hyper-parameters are a runtime tensor, so schedules (and a
// different learning rate) need no recompilation.
//
//===----------------------------------------------------------------------===//

#include "Training.h"
#include "netrewrite/Support/TosaBuilder.h"

#include "netrewrite/Training/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "llvm/ADT/StringSwitch.h"

namespace netrewrite {
#define GEN_PASS_DEF_BUILDTRAINSTEP
#include "netrewrite/Training/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::training;

namespace {

enum class Optimizer { SGD, Momentum, Nesterov, RMSProp, Adam, AdamW };

/// The optimizer's per-parameter state tensors, by name suffix.
SmallVector<StringRef> slotNames(Optimizer opt) {
  switch (opt) {
  case Optimizer::SGD:
    return {};
  case Optimizer::Momentum:
  case Optimizer::Nesterov:
    return {"momentum"};
  case Optimizer::RMSProp:
    return {"rms"};
  case Optimizer::Adam:
  case Optimizer::AdamW:
    return {"m", "v"};
  }
  llvm_unreachable("unknown optimizer");
}

struct Param {
  StringRef name, kind;
  RankedTensorType type;
};

/// Hyper-parameter i as a [1,...,1] tensor broadcasting against rank r.
class HyperValues {
public:
  HyperValues(TosaBuilder &t, Value hyper) : t(t), hyper(hyper) {}
  Value get(int64_t index, int64_t rank) {
    Value &v = cache[{index, rank}];
    if (!v)
      v = t.reshape(t.slice(hyper, {index}, {1}), SmallVector<int64_t>(rank, 1));
    return v;
  }

private:
  TosaBuilder &t;
  Value hyper;
  std::map<std::pair<int64_t, int64_t>, Value> cache;
};

/// p' (and the new slots) for one trainable parameter.
void applyOptimizer(TosaBuilder &t, HyperValues &h, Optimizer opt, Value p,
                    Value grad, ArrayRef<Value> slots,
                    SmallVectorImpl<Value> &newParams,
                    SmallVectorImpl<Value> &newSlots) {
  int64_t r = TosaBuilder::rank(p);
  Value lr = h.get(kLearningRate, r), beta1 = h.get(kBeta1, r),
        beta2 = h.get(kBeta2, r), eps = h.get(kEpsilon, r),
        wd = h.get(kWeightDecay, r), one = t.scalar(1.0, r);
  // L2 weight decay joins the gradient; AdamW decays the weight directly.
  if (opt != Optimizer::AdamW)
    grad = t.add(grad, t.mul(wd, p));
  switch (opt) {
  case Optimizer::SGD:
    newParams.push_back(t.sub(p, t.mul(lr, grad)));
    return;
  case Optimizer::Momentum:
  case Optimizer::Nesterov: {
    // Keras: v = momentum * v - lr * g; p += v (Nesterov: p += momentum * v
    // - lr * g). With a constant lr this is PyTorch's SGD(momentum) with
    // its buffer equal to -v / lr.
    Value v = t.sub(t.mul(beta1, slots[0]), t.mul(lr, grad));
    newSlots.push_back(v);
    if (opt == Optimizer::Momentum)
      newParams.push_back(t.add(p, v));
    else
      newParams.push_back(
          t.sub(t.add(p, t.mul(beta1, v)), t.mul(lr, grad)));
    return;
  }
  case Optimizer::RMSProp: {
    // Keras: ms = rho * ms + (1 - rho) * g^2; p -= lr * g / sqrt(ms + eps).
    Value ms = t.add(t.mul(beta1, slots[0]),
                     t.mul(t.sub(one, beta1), t.mul(grad, grad)));
    newSlots.push_back(ms);
    newParams.push_back(
        t.sub(p, t.mul(lr, t.mul(grad, t.rsqrt(t.add(ms, eps))))));
    return;
  }
  case Optimizer::Adam:
  case Optimizer::AdamW: {
    // Kingma & Ba with bias correction (PyTorch's form):
    // p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
    Value step = h.get(kStep, r);
    Value m = t.add(t.mul(beta1, slots[0]), t.mul(t.sub(one, beta1), grad));
    Value v = t.add(t.mul(beta2, slots[1]),
                    t.mul(t.sub(one, beta2), t.mul(grad, grad)));
    newSlots.push_back(m);
    newSlots.push_back(v);
    Value mHat = t.mul(m, t.reciprocal(t.sub(one, t.pow(beta1, step))));
    Value vHat = t.mul(v, t.reciprocal(t.sub(one, t.pow(beta2, step))));
    Value update = t.mul(
        mHat, t.reciprocal(t.add(t.pow(vHat, t.scalar(0.5, r)), eps)));
    if (opt == Optimizer::AdamW)
      update = t.add(update, t.mul(wd, p));
    newParams.push_back(t.sub(p, t.mul(lr, update)));
    return;
  }
  }
}

/// If `v` is a softmax over the last axis as the importers write it,
/// exp(z - reduce_max(z)) * reciprocal(reduce_sum(exp(...))) (the max shift
/// optional), returns z; else null. Keras classifiers end with a softmax
/// activation, and cross-entropy wants the logits in front of it.
Value logitsBeforeSoftmax(Value v) {
  auto mul = v.getDefiningOp<tosa::MulOp>();
  if (!mul)
    return nullptr;
  int64_t last = cast<RankedTensorType>(v.getType()).getRank() - 1;
  for (int k = 0; k < 2; ++k) {
    auto exp = mul->getOperand(k).getDefiningOp<tosa::ExpOp>();
    auto rec = mul->getOperand(1 - k).getDefiningOp<tosa::ReciprocalOp>();
    if (!exp || !rec)
      continue;
    auto sum = rec.getInput1().getDefiningOp<tosa::ReduceSumOp>();
    if (!sum || sum.getInput() != exp.getResult() || sum.getAxis() != last)
      continue;
    Value z = exp.getInput1();
    if (auto sub = z.getDefiningOp<tosa::SubOp>())
      if (auto max = sub.getInput2().getDefiningOp<tosa::ReduceMaxOp>())
        if (max.getInput() == sub.getInput1() && max.getAxis() == last)
          z = sub.getInput1();
    return z;
  }
  return nullptr;
}

struct BuildTrainStepPass
    : netrewrite::impl::BuildTrainStepBase<BuildTrainStepPass> {
  using BuildTrainStepBase::BuildTrainStepBase;

  void runOnOperation() override;

  /// Creates `name` with the given signature, clones @forward into it with
  /// its first arguments standing for the parameters and `x`, and lowers the
  /// nr ops to training form. Returns the function, with the builder just
  /// before an empty return whose operands the caller sets.
  func::FuncOp startFunction(OpBuilder &builder, StringRef name,
                             ArrayRef<Type> inputs, ArrayRef<Type> results,
                             unsigned xIndex, Value &logits, Value &hyper,
                             DenseMap<Value, Value> &stateUpdates,
                             BatchNormForms &batchNorms);

  func::FuncOp forward;
  SmallVector<Param> params;
};

func::FuncOp BuildTrainStepPass::startFunction(
    OpBuilder &builder, StringRef name, ArrayRef<Type> inputs,
    ArrayRef<Type> results, unsigned xIndex, Value &logits, Value &hyper,
    DenseMap<Value, Value> &stateUpdates, BatchNormForms &batchNorms) {
  builder.setInsertionPointAfter(forward);
  auto func = func::FuncOp::create(builder, forward.getLoc(), name,
                                   builder.getFunctionType(inputs, results));
  Block *body = func.addEntryBlock();
  IRMapping map;
  for (unsigned i = 0; i < params.size(); ++i)
    map.map(forward.getArgument(i), func.getArgument(i));
  map.map(forward.getArgument(params.size()), func.getArgument(xIndex));
  builder.setInsertionPointToStart(body);
  for (Operation &op : forward.getBody().front().without_terminator())
    builder.clone(op, map);
  auto fwdReturn =
      cast<func::ReturnOp>(forward.getBody().front().getTerminator());
  Value output = fwdReturn.getOperand(0);
  if (Value z = logitsBeforeSoftmax(output))
    output = z;
  logits = map.lookup(output);
  // The training form later replaces nr ops (a network may end in a
  // BatchNorm behind its classifier): hold the logits through a reshape to
  // their own shape, which survives that replacement and has a gradient.
  if (Operation *def = logits.getDefiningOp();
      def && isa<nr::NRDialect>(def->getDialect())) {
    auto type = cast<RankedTensorType>(logits.getType());
    ImplicitLocOpBuilder ib(forward.getLoc(), builder);
    logits = tosa::ReshapeOp::create(
        builder, forward.getLoc(), type, logits,
        tosa::getTosaConstShape(ib, type.getShape()));
  }
  hyper = func.getArguments().back();
  func::ReturnOp::create(builder, forward.getLoc(), ValueRange{});

  auto isFrozen = [&](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == body && arg.getArgNumber() < params.size() &&
           params[arg.getArgNumber()].kind == "frozen";
  };
  if (failed(lowerToTrainingForm(func, hyper, isFrozen, stateUpdates, batchNorms)))
    return nullptr;
  builder.setInsertionPoint(body->getTerminator());
  return func;
}

void BuildTrainStepPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto opt = llvm::StringSwitch<std::optional<Optimizer>>(optimizer)
                 .Case("sgd", Optimizer::SGD)
                 .Case("momentum", Optimizer::Momentum)
                 .Case("nesterov", Optimizer::Nesterov)
                 .Case("rmsprop", Optimizer::RMSProp)
                 .Case("adam", Optimizer::Adam)
                 .Case("adamw", Optimizer::AdamW)
                 .Default(std::nullopt);
  if (!opt) {
    emitError(module.getLoc(), "unknown optimizer '")
        << optimizer
        << "' (expected sgd, momentum, nesterov, rmsprop, adam or adamw)";
    return signalPassFailure();
  }
  forward = module.lookupSymbol<func::FuncOp>(functionName);
  if (!forward || forward.isExternal()) {
    emitError(module.getLoc(), "no function '@") << functionName << "' with a body";
    return signalPassFailure();
  }
  for (StringRef taken : {"train_step", "loss_and_grad"})
    if (module.lookupSymbol(taken)) {
      emitError(module.getLoc(), "the module already has a symbol '@") << taken << "'";
      return signalPassFailure();
    }

  // The ABI the pass expects: (params..., x) -> logits[B,K].
  unsigned numArgs = forward.getNumArguments();
  params.clear();
  for (unsigned i = 0; i < numArgs; ++i) {
    auto name = forward.getArgAttrOfType<StringAttr>(i, "nr.param");
    auto kind = forward.getArgAttrOfType<StringAttr>(i, "nr.kind");
    auto type = dyn_cast<RankedTensorType>(forward.getArgumentTypes()[i]);
    if (!name)
      break;
    if (!kind || !type || !type.hasStaticShape()) {
      emitError(forward.getLoc(), "parameter #") << i << " needs 'nr.kind' and a static "
                                       << "tensor type";
      return signalPassFailure();
    }
    params.push_back({name.getValue(), kind.getValue(), type});
  }
  if (params.empty() || params.size() + 1 != numArgs) {
    emitError(forward.getLoc(), "expected '@")
        << functionName
        << "(params..., x)' with the parameters marked 'nr.param' "
           "(run --netrewrite-extract-params first)";
    return signalPassFailure();
  }
  auto logitsType = forward.getNumResults() == 1
                        ? dyn_cast<RankedTensorType>(forward.getResultTypes()[0])
                        : nullptr;
  if (!logitsType || logitsType.getRank() != 2 ||
      !logitsType.hasStaticShape() || !logitsType.getElementType().isF32()) {
    emitError(forward.getLoc(), "'@") << functionName
                            << "' must return one tensor<BxKxf32> of logits";
    return signalPassFailure();
  }
  Type xType = forward.getArgumentTypes().back();
  OpBuilder builder(module.getContext());
  auto f32 = builder.getF32Type();
  auto hyperType = RankedTensorType::get({kNumHyper}, f32);
  auto lossType = RankedTensorType::get({}, f32);
  int64_t batch = logitsType.getDimSize(0);
  SmallVector<StringRef> slots = slotNames(*opt);

  // Loss and the gradient seed d(loss)/d(logits) = (softmax * sum(y) - y)/B.
  auto buildLoss = [&](TosaBuilder &t, Value logits, Value labels,
                       Value &loss, Value &seed) {
    Value m = t.reduceMax(logits, 1);
    Value e = t.exp(t.sub(logits, m));
    Value s = t.reduceSum(e, 1);
    Value lse = t.add(t.log(s), m);
    Value ySum = t.reduceSum(labels, 1);
    Value yz = t.reduceSum(t.mul(labels, logits), 1);
    Value perRow = t.sub(t.mul(lse, ySum), yz);
    loss = t.reshape(t.scale(t.reduceSum(perRow, 0), 1.0 / batch), {});
    Value probs = t.mul(e, t.reciprocal(s));
    seed = t.scale(t.sub(t.mul(probs, ySum), labels), 1.0 / batch);
  };
  auto strAttr = [&](StringRef key, StringRef value) {
    return builder.getDictionaryAttr(
        {builder.getNamedAttr(key, builder.getStringAttr(value))});
  };

  // @train_step(params..., slots..., x, labels, hyper)
  //   -> (params'..., slots'..., loss, logits)
  SmallVector<Type> inputs, results;
  SmallVector<unsigned> trainable;
  for (auto [i, p] : llvm::enumerate(params)) {
    inputs.push_back(p.type);
    if (p.kind == "trainable")
      trainable.push_back(i);
  }
  for (unsigned i : trainable)
    for (size_t k = 0; k < slots.size(); ++k)
      inputs.push_back(params[i].type);
  results = inputs;
  unsigned xIndex = inputs.size();
  inputs.append({xType, logitsType, hyperType});
  results.append({lossType, logitsType});

  Value logits, hyper;
  DenseMap<Value, Value> stateUpdates;
  BatchNormForms batchNorms;
  func::FuncOp step = startFunction(builder, "train_step", inputs, results,
                                    xIndex, logits, hyper, stateUpdates,
                                    batchNorms);
  if (!step)
    return signalPassFailure();
  {
    ImplicitLocOpBuilder b(forward.getLoc(), builder);
    TosaBuilder t(b, b.getLoc());
    Value labels = step.getArgument(xIndex + 1);
    Value loss, seed;
    buildLoss(t, logits, labels, loss, seed);
    SmallVector<Value> wrt;
    for (unsigned i : trainable)
      wrt.push_back(step.getArgument(i));
    auto grads = differentiate(b, step.getBody().front(), logits, seed, wrt,
                               batchNorms);
    if (failed(grads))
      return signalPassFailure();

    HyperValues h(t, hyper);
    SmallVector<Value> newParams, newSlots;
    unsigned slotArg = params.size();
    for (auto [i, p] : llvm::enumerate(params)) {
      Value arg = step.getArgument(i);
      auto it = llvm::find(trainable, i);
      if (it == trainable.end()) {
        // Frozen parameters pass through; state takes its update, if any.
        Value updated = stateUpdates.lookup(arg);
        newParams.push_back(updated ? updated : arg);
        continue;
      }
      SmallVector<Value> slotValues;
      for (size_t k = 0; k < slots.size(); ++k)
        slotValues.push_back(step.getArgument(slotArg++));
      applyOptimizer(t, h, *opt, arg, (*grads)[it - trainable.begin()],
                     slotValues, newParams, newSlots);
    }
    SmallVector<Value> returned(newParams);
    returned.append(newSlots);
    returned.append({loss, logits});
    step.getBody().front().getTerminator()->setOperands(returned);

    // Names for the runtime, on arguments and results alike.
    unsigned index = 0;
    for (auto [i, p] : llvm::enumerate(params)) {
      DictionaryAttr attrs = forward.getArgAttrDict(i);
      step.setArgAttrs(i, attrs);
      step.setResultAttrs(i, attrs);
    }
    index = params.size();
    for (unsigned i : trainable)
      for (StringRef slot : slots) {
        auto attrs = strAttr("nr.opt_state", (params[i].name + "/" + slot).str());
        step.setArgAttrs(index, attrs);
        step.setResultAttrs(index, attrs);
        ++index;
      }
    step.setArgAttrs(index, strAttr("nr.io", "x"));
    step.setArgAttrs(index + 1, strAttr("nr.io", "labels"));
    step.setArgAttrs(index + 2, strAttr("nr.io", "hyper"));
    step.setResultAttrs(index, strAttr("nr.io", "loss"));
    step.setResultAttrs(index + 1, strAttr("nr.io", "logits"));
    step->setAttr("nr.optimizer", builder.getStringAttr(optimizer));
  }

  if (!emitGrad)
    return;
  // @loss_and_grad(params..., x, labels, hyper) -> (loss, grads...)
  SmallVector<Type> gInputs, gResults{lossType};
  for (const Param &p : params)
    gInputs.push_back(p.type);
  for (unsigned i : trainable)
    gResults.push_back(params[i].type);
  unsigned gx = gInputs.size();
  gInputs.append({xType, logitsType, hyperType});
  DenseMap<Value, Value> unusedUpdates;
  BatchNormForms gradBatchNorms;
  func::FuncOp gradFn = startFunction(builder, "loss_and_grad", gInputs,
                                      gResults, gx, logits, hyper,
                                      unusedUpdates, gradBatchNorms);
  if (!gradFn)
    return signalPassFailure();
  ImplicitLocOpBuilder b(forward.getLoc(), builder);
  TosaBuilder t(b, b.getLoc());
  Value loss, seed;
  buildLoss(t, logits, gradFn.getArgument(gx + 1), loss, seed);
  SmallVector<Value> wrt;
  for (unsigned i : trainable)
    wrt.push_back(gradFn.getArgument(i));
  auto grads = differentiate(b, gradFn.getBody().front(), logits, seed, wrt,
                             gradBatchNorms);
  if (failed(grads))
    return signalPassFailure();
  SmallVector<Value> returned{loss};
  returned.append(*grads);
  gradFn.getBody().front().getTerminator()->setOperands(returned);
  for (unsigned i = 0; i < params.size(); ++i)
    gradFn.setArgAttrs(i, forward.getArgAttrDict(i));
  gradFn.setArgAttrs(gx, strAttr("nr.io", "x"));
  gradFn.setArgAttrs(gx + 1, strAttr("nr.io", "labels"));
  gradFn.setArgAttrs(gx + 2, strAttr("nr.io", "hyper"));
  gradFn.setResultAttrs(0, strAttr("nr.io", "loss"));
  for (auto [k, i] : llvm::enumerate(trainable))
    gradFn.setResultAttrs(k + 1, strAttr("nr.grad", params[i].name));
}

} // namespace
