//===- SplitReductions.cpp - Two-stage reductions for the GPU -------------===//
//
// A reduction with few outputs and many inputs gets more threads on the GPU
// by reducing slices first (see Passes.td). Works on buffers, after
// netrewrite-reductions-inner has put the parallel loops first.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

namespace netrewrite {
#define GEN_PASS_DEF_SPLITREDUCTIONS
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::tileFor;

namespace {

/// The op that combines each value into the accumulator (the output's block
/// argument), when the payload ends in one of the combiners with a known
/// neutral value and uses the accumulator nowhere else.
Operation *combinerOf(linalg::GenericOp op) {
  Block *body = op.getBody();
  BlockArgument acc = body->getArguments().back();
  Operation *yielded = body->getTerminator()->getOperand(0).getDefiningOp();
  if (!yielded || yielded->getBlock() != body ||
      !isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp, arith::MaxNumFOp,
           arith::MinimumFOp, arith::MinNumFOp>(yielded) ||
      !acc.hasOneUse() || acc.use_begin()->getOwner() != yielded)
    return nullptr;
  return yielded;
}

/// The value `combiner` leaves unchanged: 0 for a sum, 1 for a product,
/// -inf / +inf for a maximum / minimum.
TypedAttr neutralOf(Operation *combiner, FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  if (isa<arith::AddFOp>(combiner))
    return FloatAttr::get(type, 0.0);
  if (isa<arith::MulFOp>(combiner))
    return FloatAttr::get(type, 1.0);
  bool max = isa<arith::MaximumFOp, arith::MaxNumFOp>(combiner);
  return FloatAttr::get(type, llvm::APFloat::getInf(sem, /*Negative=*/max));
}

/// How many elements each output of `op` reduces: the product of its
/// reduction loops' ranges (0 when one is dynamic).
int64_t reducedPerOutput(linalg::LinalgOp op) {
  int64_t reduced = 1;
  for (auto [r, kind] :
       llvm::zip(op.getStaticLoopRanges(), op.getIteratorTypesArray()))
    if (kind == utils::IteratorType::reduction)
      reduced = ShapedType::isDynamic(r) ? 0 : reduced * r;
  return reduced;
}

struct SplitReductionsPass
    : netrewrite::impl::SplitReductionsBase<SplitReductionsPass> {
  using SplitReductionsBase::SplitReductionsBase;

  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    SmallVector<linalg::ReduceOp> reduces;
    getOperation().walk([&](linalg::GenericOp op) { ops.push_back(op); });
    getOperation().walk([&](linalg::ReduceOp op) { reduces.push_back(op); });
    IRRewriter rewriter(&getContext());
    // linalg.reduce (tosa.reduce_* over the last or only axis) as a generic,
    // when it reduces enough to be split.
    for (linalg::ReduceOp op : reduces) {
      if (reducedPerOutput(op) < minReduction)
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
      if (succeeded(g))
        ops.push_back(*g);
    }
    for (linalg::GenericOp op : ops)
      splitOne(collapseReductions(op, rewriter));
  }

  /// The op with its reduction loops made one where every operand reads
  /// them as one run of dimensions (N, H, W of an NHWC tensor): the split
  /// then has all of N*H*W to cut into slices, not only N.
  linalg::GenericOp collapseReductions(linalg::GenericOp op,
                                       RewriterBase &rewriter) {
    std::optional<unsigned> k = netrewrite::codegen::leadingParallelLoops(op);
    unsigned loops = op.getNumLoops();
    if (!op.hasPureBufferSemantics() || !k || loops - *k < 2 ||
        !combinerOf(op) || reducedPerOutput(op) < minReduction)
      return op;
    ReassociationIndices group;
    for (unsigned d = *k; d < loops; ++d)
      group.push_back(d);
    if (!linalg::areDimSequencesPreserved(op.getIndexingMapsArray(), {group}))
      return op;
    // Only contiguous buffers: a strided view (a subview) need not be
    // collapsible.
    for (Type t : op->getOperandTypes())
      if (auto m = dyn_cast<MemRefType>(t); m && !m.getLayout().isIdentity())
        return op;
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(op, {group}, rewriter);
    if (failed(collapsed))
      return op;
    rewriter.eraseOp(op);
    auto generic = dyn_cast<linalg::GenericOp>(*collapsed->collapsedOp);
    return generic ? generic : linalg::GenericOp();
  }

  void splitOne(linalg::GenericOp op) {
    if (!op || !op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
        op.hasIndexSemantics())
      return;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return;
    // Parallel loops first (netrewrite-reductions-inner), then reductions.
    std::optional<unsigned> leading =
        netrewrite::codegen::leadingParallelLoops(op);
    if (!leading || *leading == ranges.size())
      return;
    unsigned k = *leading;
    SmallVector<utils::IteratorType> kinds = op.getIteratorTypesArray();
    int64_t outputs = 1;
    for (unsigned d = 0; d < k; ++d)
      outputs *= ranges[d];
    int64_t reduced = reducedPerOutput(op);
    if (reduced < minReduction)
      return;
    OpOperand *init = op.getDpsInitOperand(0);
    auto outType = dyn_cast<MemRefType>(init->get().getType());
    auto elementType = outType ? dyn_cast<FloatType>(outType.getElementType())
                               : FloatType();
    Operation *combiner = combinerOf(op);
    AffineMap outMap = op.getMatchingIndexingMap(init);
    if (!elementType || !combiner || !outMap.isProjectedPermutation())
      return;
    // Slices of the outermost reduction loop: a divisor of its extent, so
    // every slice is full, each reducing at least 16 elements.
    int64_t extent = ranges[k];
    int64_t want = std::max<int64_t>(1, targetParallelism / outputs);
    int64_t slices = tileFor(extent, std::min({want, extent, reduced / 16}));
    if (slices <= 1)
      return;
    int64_t sliceSize = extent / slices;

    MLIRContext *ctx = &getContext();
    OpBuilder b(op);
    Location loc = op.getLoc();
    unsigned n = ranges.size();
    // Stage one's loops: (s, parallel..., r0 within the slice, other
    // reductions...); the old loop d is the new loop d + 1. The indexing
    // maps must stay projected permutations, so an input indexed by the
    // split loop is viewed with that dimension expanded to [slices,
    // sliceSize] (memref.expand_shape) rather than indexed with
    // s * sliceSize + r0.
    SmallVector<AffineExpr> oldToNew;
    for (unsigned d = 0; d < n; ++d)
      oldToNew.push_back(getAffineDimExpr(d + 1, ctx));
    auto remap = [&](AffineMap map) {
      return map.replaceDimsAndSymbols(oldToNew, {}, n + 1, 0);
    };
    AffineExpr split = getAffineDimExpr(k, ctx);
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      auto type = dyn_cast<MemRefType>(input->get().getType());
      std::optional<unsigned> at;
      for (auto [j, e] : llvm::enumerate(map.getResults())) {
        if (e == split && !at)
          at = j;
        else if (e.isFunctionOfDim(k))
          return; // the split loop in a compound index (a window)
      }
      if (!at) {
        inputs.push_back(input->get());
        maps.push_back(remap(map));
        continue;
      }
      if (!type)
        return;
      SmallVector<int64_t> shape;
      SmallVector<ReassociationIndices> groups;
      SmallVector<AffineExpr> results;
      for (auto [j, e] : llvm::enumerate(map.getResults())) {
        if (j == *at) {
          groups.push_back({int64_t(shape.size()), int64_t(shape.size()) + 1});
          shape.append({slices, sliceSize});
          results.push_back(getAffineDimExpr(0, ctx));
          results.push_back(getAffineDimExpr(k + 1, ctx));
        } else {
          groups.push_back({int64_t(shape.size())});
          shape.push_back(type.getDimSize(j));
          results.push_back(e.replaceDimsAndSymbols(oldToNew, {}));
        }
      }
      FailureOr<MemRefType> expanded =
          memref::ExpandShapeOp::computeExpandedType(type, shape, groups);
      if (failed(expanded))
        return;
      inputs.push_back(memref::ExpandShapeOp::create(b, loc, *expanded,
                                                     input->get(), groups));
      maps.push_back(AffineMap::get(n + 1, 0, results, ctx));
    }
    SmallVector<int64_t> partialShape{slices};
    llvm::append_range(partialShape, outType.getShape());
    auto partialType = MemRefType::get(partialShape, elementType);
    Value partial = memref::AllocOp::create(b, loc, partialType);
    Value neutral = arith::ConstantOp::create(
        b, loc, neutralOf(combiner, elementType));
    linalg::FillOp::create(b, loc, neutral, partial);

    SmallVector<AffineExpr> partialResults{getAffineDimExpr(0, ctx)};
    for (AffineExpr e : remap(outMap).getResults())
      partialResults.push_back(e);
    maps.push_back(AffineMap::get(n + 1, 0, partialResults, ctx));
    SmallVector<utils::IteratorType> stageOneKinds{
        utils::IteratorType::parallel};
    llvm::append_range(stageOneKinds, kinds);
    auto stageOne = linalg::GenericOp::create(
        b, loc, TypeRange(), inputs, ValueRange{partial}, maps,
        stageOneKinds);
    // Same payload: each slice reduces exactly as the whole op did.
    IRMapping payload;
    op.getRegion().cloneInto(&stageOne.getRegion(), payload);

    // Stage two: output (parallel...) combined over the slices.
    SmallVector<AffineExpr> sliceOf{getAffineDimExpr(k, ctx)};
    for (AffineExpr e : outMap.getResults())
      sliceOf.push_back(e);
    AffineMap outOfStageTwo = AffineMap::get(k + 1, 0, outMap.getResults(), ctx);
    SmallVector<utils::IteratorType> stageTwoKinds(
        k, utils::IteratorType::parallel);
    stageTwoKinds.push_back(utils::IteratorType::reduction);
    Operation *combinerProto = combiner;
    linalg::GenericOp::create(
        b, loc, TypeRange(), ValueRange{partial}, ValueRange{init->get()},
        {AffineMap::get(k + 1, 0, sliceOf, ctx), outOfStageTwo},
        stageTwoKinds, [&](OpBuilder &nb, Location nloc, ValueRange args) {
          IRMapping mapping;
          // The combiner takes (value, accumulator) in either order.
          Value acc = op.getBody()->getArguments().back();
          for (Value operand : combinerProto->getOperands())
            mapping.map(operand, operand == acc ? args[1] : args[0]);
          Operation *c = nb.clone(*combinerProto, mapping);
          linalg::YieldOp::create(nb, nloc, c->getResult(0));
        });
    memref::DeallocOp::create(b, loc, partial);
    op.erase();
  }
};

} // namespace
