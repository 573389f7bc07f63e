//===- PadInPlace.cpp - Compute padded values into their padded buffer ----===//
//
// Every padded convolution or max-pool input was a `tensor.pad`: a new
// buffer, a fill of all of it and a copy of the activation into its
// interior. Here the padded tensor is made before the activation is
// computed, with only its border filled; the pad becomes an insert of the
// activation into it, and `eliminate-empty-tensors` turns the activation's
// own `tensor.empty` into the interior slice, so the producer (its fused
// epilogue, in the CPU schedule) writes the padded layout directly.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"

namespace netrewrite {
#define GEN_PASS_DEF_PADINPLACE
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// Follows `value` back through the ops that compute it in place (the init
/// of a destination-passing op, the shared output of an `scf.forall`, the
/// iteration argument of an `scf.for`) to the `tensor.empty` it started
/// as. Returns that operand (the empty tensor's use) or null.
OpOperand *rootEmptyUse(Value value) {
  while (auto result = dyn_cast<OpResult>(value)) {
    Operation *op = result.getOwner();
    OpOperand *tied = nullptr;
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
      tied = dps.getTiedOpOperand(result);
    else if (auto forall = dyn_cast<scf::ForallOp>(op))
      tied = forall.getTiedOpOperand(result);
    else if (auto loop = dyn_cast<scf::ForOp>(op))
      tied = &loop.getInitArgsMutable()[result.getResultNumber()];
    if (!tied)
      return nullptr;
    if (tied->get().getDefiningOp<tensor::EmptyOp>())
      return tied;
    value = tied->get();
  }
  return nullptr;
}

/// `dest` with the slab [offset, offset + size) of dimension `dim` filled
/// with `padding`.
Value fillSlab(OpBuilder &b, Location loc, Value dest, Value padding,
               unsigned dim, int64_t offset, int64_t size) {
  auto type = cast<RankedTensorType>(dest.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = size;
  SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
  offsets[dim] = b.getIndexAttr(offset);
  SmallVector<OpFoldResult> sizes, strides(shape.size(), b.getIndexAttr(1));
  for (int64_t s : shape)
    sizes.push_back(b.getIndexAttr(s));
  Value empty = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  Value slab =
      linalg::FillOp::create(b, loc, padding, empty).getResult(0);
  return tensor::InsertSliceOp::create(b, loc, slab, dest, offsets, sizes,
                                       strides);
}

LogicalResult padInPlace(tensor::PadOp pad, DominanceInfo &dominance) {
  auto type = pad.getResultType();
  auto sourceType = pad.getSourceType();
  Value padding = pad.getConstantPaddingValue();
  if (!type.hasStaticShape() || !sourceType.hasStaticShape() || !padding ||
      pad.getNofold())
    return failure();
  // Keras' ZeroPadding2D arrives with its amounts as index constants.
  std::optional<SmallVector<int64_t>> low =
      getConstantIntValues(pad.getMixedLowPad());
  std::optional<SmallVector<int64_t>> high =
      getConstantIntValues(pad.getMixedHighPad());
  if (!low || !high)
    return failure();
  OpOperand *root = rootEmptyUse(pad.getSource());
  if (!root)
    return failure();
  // The padded tensor is made right before the computation starts, so the
  // empty tensor's replacement (a slice of it) dominates its use.
  Operation *start = root->getOwner();
  if (!dominance.properlyDominates(padding, start)) {
    auto constant = padding.getDefiningOp<arith::ConstantOp>();
    if (!constant)
      return failure();
    OpBuilder b(start);
    padding = b.clone(*constant)->getResult(0);
  }
  OpBuilder b(start);
  Location loc = pad.getLoc();
  Value padded =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  for (unsigned d = 0; d < type.getRank(); ++d) {
    if ((*low)[d] > 0)
      padded = fillSlab(b, loc, padded, padding, d, 0, (*low)[d]);
    if ((*high)[d] > 0)
      padded = fillSlab(b, loc, padded, padding, d,
                        (*low)[d] + sourceType.getDimSize(d), (*high)[d]);
  }
  b.setInsertionPoint(pad);
  SmallVector<OpFoldResult> offsets, sizes,
      strides(type.getRank(), b.getIndexAttr(1));
  for (unsigned d = 0; d < type.getRank(); ++d) {
    offsets.push_back(b.getIndexAttr((*low)[d]));
    sizes.push_back(b.getIndexAttr(sourceType.getDimSize(d)));
  }
  Value source = pad.getSource();
  auto inserted = tensor::InsertSliceOp::create(b, loc, source, padded,
                                                offsets, sizes, strides);
  pad.getResult().replaceAllUsesWith(inserted.getResult());
  pad.erase();
  // Other readers of the activation after the pad (a residual connection's
  // add) read it back from the padded tensor's interior. Left reading the
  // activation itself, they make one-shot bufferization compute it into a
  // buffer of its own and copy that into the padded one (in ResNet18, two
  // whole-activation copies around every convolution whose output also
  // feeds a residual add).
  auto later = [&](OpOperand &use) {
    return use.getOwner() != inserted &&
           dominance.properlyDominates(inserted.getOperation(),
                                       use.getOwner());
  };
  if (llvm::any_of(source.getUses(), later)) {
    b.setInsertionPointAfter(inserted);
    Value interior = tensor::ExtractSliceOp::create(
        b, loc, sourceType, inserted.getResult(), offsets, sizes, strides);
    source.replaceUsesWithIf(interior, later);
  }
  return success();
}

struct PadInPlacePass
    : public netrewrite::impl::PadInPlaceBase<PadInPlacePass> {
  void runOnOperation() override {
    SmallVector<tensor::PadOp> pads;
    getOperation().walk([&](tensor::PadOp pad) {
      if (!pad->getParentOfType<scf::ForallOp>())
        pads.push_back(pad);
    });
    DominanceInfo dominance(getOperation());
    for (tensor::PadOp pad : pads)
      (void)padInPlace(pad, dominance);
  }
};

} // namespace
