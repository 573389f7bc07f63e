//===- SplitBatch.cpp - Run the per-image trunk one image at a time -------===//
//
// A batched forward works layer by layer: every layer runs over all images
// before the next starts, so at batch 32 each activation (MobileNetV2's
// 112x112x96: 154 MB) goes to memory and comes back for the next layer, and
// each layer's parallel region ends in a barrier. The convolutional trunk of
// a CNN never mixes images, though; only the head (a dense layer on the
// batch) does. This pass moves the trunk into a function of its own at
// batch 1 and calls it from an `scf.forall` over the images: each thread
// takes whole images through the whole trunk, whose activations then stay
// in its core's L2/L3, with no barrier until the head. Ops of that function
// run on the calling thread (`netrewrite.serial`, read by the schedule
// passes), so threads are never nested.
//
// Which ops belong to the trunk is decided on TOSA, where an op's semantics
// are in its kind and attributes: windowed ops, element-wise ops whose
// other operands do not depend on the batch, reshapes / transposes /
// slices / pads / concatenations that keep dimension 0 the batch, and
// reductions over other axes. The trunk is every such op reachable from the
// image input through such ops only; a value it produces that anything else
// uses is a result of the per-image function.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"

namespace netrewrite {
#define GEN_PASS_DEF_SPLITBATCH
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// The values of a `tosa.const_shape` operand, or nothing.
std::optional<SmallVector<int64_t>> constShape(Value v) {
  auto op = v.getDefiningOp<tosa::ConstShapeOp>();
  if (!op)
    return std::nullopt;
  return llvm::to_vector(op.getValues().getValues<int64_t>());
}

int64_t leadingDim(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getRank() > 0 && type.hasStaticShape()
             ? type.getDimSize(0)
             : ShapedType::kDynamic;
}

/// Convolutions and poolings: the ops a trunk exists for.
bool isWindowed(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::TransposeConv2DOp,
             tosa::AvgPool2dOp, tosa::MaxPool2dOp>(op);
}

/// Whether `op`, given which of its operands carry the batch, treats every
/// image on its own: result image i depends on operand image i only, and
/// dimension 0 stays the batch (of size `batch`).
bool isPerImage(Operation *op, int64_t batch,
                function_ref<bool(Value)> carriesBatch) {
  if (op->getNumRegions() != 0 || op->getNumResults() == 0)
    return false;
  for (Value r : op->getResults())
    if (leadingDim(r) != batch)
      return false;
  int64_t rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
  // Batch-free operands must not be sliced along dimension 0: they broadcast
  // over it (size 1) or have no such dimension.
  auto broadcastsOverBatch = [&](Value v) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return !type || type.getRank() < rank || type.getDimSize(0) == 1;
  };
  auto onlyFirstCarries = [&]() {
    for (auto [i, v] : llvm::enumerate(op->getOperands()))
      if ((i == 0) != carriesBatch(v))
        return false;
    return true;
  };
  if (isWindowed(op) || isa<tosa::ResizeOp>(op))
    return onlyFirstCarries();
  if (op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
      isa<tosa::MulOp, tosa::CastOp>(op))
    return llvm::all_of(op->getOperands(), [&](Value v) {
      return carriesBatch(v) ? leadingDim(v) == batch : broadcastsOverBatch(v);
    });
  if (auto reshape = dyn_cast<tosa::ReshapeOp>(op))
    // Row-major with the same leading extent on both sides: image i's
    // elements stay image i's.
    return onlyFirstCarries() && leadingDim(reshape.getInput1()) == batch;
  if (auto transpose = dyn_cast<tosa::TransposeOp>(op))
    return onlyFirstCarries() && !transpose.getPerms().empty() &&
           transpose.getPerms()[0] == 0;
  if (auto pad = dyn_cast<tosa::PadOp>(op)) {
    std::optional<SmallVector<int64_t>> padding = constShape(pad.getPadding());
    return onlyFirstCarries() && padding && padding->size() >= 2 &&
           (*padding)[0] == 0 && (*padding)[1] == 0;
  }
  if (auto slice = dyn_cast<tosa::SliceOp>(op)) {
    std::optional<SmallVector<int64_t>> start = constShape(slice.getStart());
    std::optional<SmallVector<int64_t>> size = constShape(slice.getSize());
    return onlyFirstCarries() && start && size && !start->empty() &&
           (*start)[0] == 0 && (*size)[0] == batch;
  }
  if (auto concat = dyn_cast<tosa::ConcatOp>(op))
    return concat.getAxis() != 0 &&
           llvm::all_of(op->getOperands(), carriesBatch);
  if (isa<tosa::ReduceSumOp, tosa::ReduceMaxOp, tosa::ReduceMinOp,
          tosa::ReduceProductOp, tosa::ArgMaxOp>(op)) {
    auto axis = op->getAttrOfType<IntegerAttr>("axis");
    return onlyFirstCarries() && axis && axis.getInt() != 0;
  }
  return false;
}

/// Whether netrewrite-winograd-conv will rewrite `op` (a tosa.conv2d with a
/// constant OHWI filter).
bool isWinogradCandidate(Operation &op, RankedTensorType filter,
                         RankedTensorType output) {
  auto conv = dyn_cast<tosa::Conv2DOp>(op);
  if (!conv || !conv.getWeight().getDefiningOp<tosa::ConstOp>())
    return false;
  return netrewrite::codegen::winogradApplies(
      filter.getDimSize(1), filter.getDimSize(2), conv.getStride(),
      conv.getDilation(), filter.getDimSize(3), filter.getDimSize(0),
      output.getDimSize(1), output.getDimSize(2));
}

/// Whether `op` is a convolution whose filter has more than `ratio` times
/// (`winogradRatio` for one netrewrite-winograd-conv will rewrite, when
/// non-zero) the elements of its output per image.
bool filterOutgrowsImage(Operation &op, int64_t batch, double ratio,
                         double winogradRatio) {
  if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::TransposeConv2DOp>(
          op))
    return false;
  auto filter = dyn_cast<RankedTensorType>(op.getOperand(1).getType());
  auto output = dyn_cast<RankedTensorType>(op.getResult(0).getType());
  if (!filter || !output || !filter.hasStaticShape() ||
      !output.hasStaticShape())
    return false;
  if (winogradRatio > 0 && isWinogradCandidate(op, filter, output))
    ratio = winogradRatio;
  return double(filter.getNumElements()) >
         ratio * double(output.getNumElements() / batch);
}

/// The type with dimension 0 set to 1.
Type oneImage(Type type) {
  auto ranked = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(ranked.getShape());
  shape[0] = 1;
  return ranked.clone(shape);
}

struct SplitBatchPass
    : public netrewrite::impl::SplitBatchBase<SplitBatchPass> {
  using SplitBatchBase::SplitBatchBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(function);
    if (!func || func.isExternal() || func.getNumArguments() == 0 ||
        !func.getBody().hasOneBlock())
      return;
    // The image batch is the last argument (weights, when they are
    // parameters, come first).
    Value images = func.getArguments().back();
    int64_t batch = leadingDim(images);
    if (batch == ShapedType::kDynamic || batch < std::max<int64_t>(minBatch, 2))
      return;

    // Classify in program order: `trunk` ops are per-image and fed from the
    // images through per-image ops only; any other op that depends on the
    // images is `batched` (it mixes images, or follows one that does).
    DenseSet<Value> perImage{images}, batched;
    SmallVector<Operation *> trunk;
    DenseSet<Operation *> batchedOps;
    bool hasWindow = false, cut = false;
    Block &body = func.getBody().front();
    for (Operation &op : body.without_terminator()) {
      bool uses = false, usesBatched = false;
      for (Value v : op.getOperands()) {
        uses |= perImage.contains(v) || batched.contains(v);
        usesBatched |= batched.contains(v);
      }
      if (!uses)
        continue;
      auto carries = [&](Value v) { return perImage.contains(v); };
      // The trunk ends at the first convolution whose filter is larger than
      // the activation it writes per image: from there on a batched layer
      // reuses each filter for every image while it is in cache, which per
      // image would stream it again (ResNet18's and VGG16's deep layers
      // measured 6-30% more CPU time split).
      // A layer netrewrite-winograd-conv will rewrite stays in the trunk
      // with a larger filter: batched, its 16 transformed input and product
      // tiles outgrow the caches (a 28x28x128 layer ran 4% slower by
      // Winograd than direct over a batch of 32, 1.5x faster per image).
      cut |= filterOutgrowsImage(op, batch, filterRatio, winogradFilterRatio);
      if (!cut && !usesBatched && isPerImage(&op, batch, carries)) {
        trunk.push_back(&op);
        perImage.insert(op.getResults().begin(), op.getResults().end());
        hasWindow |= isWindowed(&op);
      } else {
        batchedOps.insert(&op);
        batched.insert(op.getResults().begin(), op.getResults().end());
      }
    }
    if (!hasWindow)
      return;
    DenseSet<Operation *> inTrunk(trunk.begin(), trunk.end());

    // The per-image function's results: trunk values used outside it.
    SetVector<Value> results;
    for (Operation *op : trunk)
      for (Value r : op->getResults())
        for (Operation *user : r.getUsers())
          if (!inTrunk.contains(user))
            results.insert(r);
    if (results.empty())
      return;
    // Its other arguments: batch-free values the trunk uses that are not
    // constants (weights passed as parameters); constants are cloned in.
    SetVector<Value> extraArgs;
    for (Operation *op : trunk)
      for (Value v : op->getOperands())
        if (!perImage.contains(v) && !(v.getDefiningOp() &&
                                       v.getDefiningOp()->hasTrait<
                                           OpTrait::ConstantLike>()))
          extraArgs.insert(v);

    // @<function>..image(image, extra args...) -> results, at batch 1.
    MLIRContext *ctx = &getContext();
    OpBuilder moduleBuilder(func);
    moduleBuilder.setInsertionPointAfter(func);
    SmallVector<Type> argTypes{oneImage(images.getType())};
    for (Value v : extraArgs)
      argTypes.push_back(v.getType());
    SmallVector<Type> resultTypes;
    for (Value v : results)
      resultTypes.push_back(oneImage(v.getType()));
    auto imageFunc = func::FuncOp::create(
        moduleBuilder, func.getLoc(), function + "..image",
        FunctionType::get(ctx, argTypes, resultTypes));
    imageFunc.setPrivate();
    imageFunc->setAttr(netrewrite::kSerialFunctionAttr, UnitAttr::get(ctx));
    SymbolTable(module).insert(imageFunc);
    Block *entry = imageFunc.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(entry);
    IRMapping map;
    map.map(images, entry->getArgument(0));
    for (auto [i, v] : llvm::enumerate(extraArgs))
      map.map(v, entry->getArgument(i + 1));
    for (Operation *op : trunk) {
      for (Value v : op->getOperands()) {
        if (map.contains(v))
          continue;
        // A constant (a shape naming the batch is replaced below).
        b.clone(*v.getDefiningOp(), map);
      }
      Operation *clone = b.clone(*op, map);
      for (OpResult r : clone->getResults())
        r.setType(oneImage(r.getType()));
      // Shape operands that name the batch extent.
      auto leadingOne = [&](OpOperand &operand) {
        std::optional<SmallVector<int64_t>> shape = constShape(operand.get());
        if (!shape || shape->empty())
          return;
        (*shape)[0] = 1;
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(clone);
        operand.set(tosa::ConstShapeOp::create(
            b, clone->getLoc(), operand.get().getType(),
            DenseIntElementsAttr::get(
                RankedTensorType::get({int64_t(shape->size())},
                                      b.getIndexType()),
                *shape)));
      };
      if (auto reshape = dyn_cast<tosa::ReshapeOp>(clone))
        leadingOne(reshape.getShapeMutable());
      else if (auto slice = dyn_cast<tosa::SliceOp>(clone))
        leadingOne(slice.getSizeMutable());
    }
    SmallVector<Value> returned;
    for (Value v : results)
      returned.push_back(map.lookup(v));
    func::ReturnOp::create(b, func.getLoc(), returned);
    if (failed(verify(imageFunc))) {
      // A gap in isPerImage, not the user's: keep the batched function,
      // which is correct, and say so.
      imageFunc.erase();
      func.emitWarning("netrewrite-split-batch: the per-image function does "
                       "not verify; the batch is not split");
      return;
    }

    // In @function, after the last trunk op: one forall over the images.
    // Batched ops in front of that point only use trunk results and values
    // defined before them, so they move behind it, in order.
    Operation *last = trunk.back();
    OpBuilder fb(last->getNextNode());
    Location loc = func.getLoc();
    SmallVector<Value> inits;
    for (Value v : results)
      inits.push_back(tensor::EmptyOp::create(
          fb, loc, cast<RankedTensorType>(v.getType()).getShape(),
          cast<RankedTensorType>(v.getType()).getElementType()));
    auto forall = scf::ForallOp::create(
        fb, loc, ArrayRef<OpFoldResult>{fb.getIndexAttr(batch)}, inits,
        std::nullopt);
    {
      OpBuilder lb = OpBuilder::atBlockBegin(forall.getBody());
      Value i = forall.getInductionVar(0);
      auto sliceOf = [&](Value whole) {
        auto type = cast<RankedTensorType>(whole.getType());
        SmallVector<OpFoldResult> offsets(type.getRank(), lb.getIndexAttr(0)),
            sizes, strides(type.getRank(), lb.getIndexAttr(1));
        offsets[0] = i;
        sizes.push_back(lb.getIndexAttr(1));
        for (int64_t d : type.getShape().drop_front())
          sizes.push_back(lb.getIndexAttr(d));
        return std::make_tuple(offsets, sizes, strides);
      };
      auto [offsets, sizes, strides] = sliceOf(images);
      SmallVector<Value> args{tensor::ExtractSliceOp::create(
          lb, loc, cast<RankedTensorType>(oneImage(images.getType())), images,
          offsets, sizes, strides)};
      args.append(extraArgs.begin(), extraArgs.end());
      auto call = func::CallOp::create(lb, loc, imageFunc, args);
      lb.setInsertionPointToStart(forall.getTerminator().getBody());
      for (auto [j, r] : llvm::enumerate(call.getResults())) {
        auto [o, s, st] = sliceOf(forall.getRegionIterArgs()[j]);
        tensor::ParallelInsertSliceOp::create(
            lb, loc, r, forall.getRegionIterArgs()[j], o, s, st);
      }
    }
    for (auto [v, r] : llvm::zip(results, forall.getResults()))
      Value(v).replaceUsesWithIf(r, [&](OpOperand &use) {
        return !inTrunk.contains(use.getOwner());
      });
    Operation *after = forall;
    for (Operation *op = trunk.front(); op != inits.front().getDefiningOp();) {
      Operation *next = op->getNextNode();
      if (batchedOps.contains(op)) {
        op->moveAfter(after);
        after = op;
      }
      op = next;
    }
    for (Operation *op : llvm::reverse(trunk))
      op->erase();
  }
};

} // namespace
