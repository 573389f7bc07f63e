//===- PackFilterTiles.cpp - Contiguous filter blocks for tiled convs -----===//
//
// A convolution tiled over output channels reads, per tile, the filter slice
// [kh, kw, c, f0 : f0 + b] of an HWCF constant: kh * kw * c pieces of b
// floats spaced F floats apart. For a 3x3 512->512 filter and b = 32 that is
// 4,608 pieces of 128 bytes at a 2 KiB stride, spread over 9.4 MB: every
// piece falls into the same few cache sets (the stride is a multiple of the
// set count times the line size), so the block does not stay in L2 (nor a
// 64-channel chunk of it in L1) although it is a quarter of its size, and
// every 4-KiB page holds only two pieces. This pass stores such a constant
// once more, packed as [F / b][kh][kw][c][b] at compile time, and makes the
// tile read its block from there: one contiguous range, the layout
// onnxruntime packs its filters into (once, at run time). A dense layer's
// k x n weight, tiled over column panels, is the same case in two
// dimensions: k pieces of b floats at a stride of n (16 KB for VGG16's
// 4096-wide layers, so a panel's rows share one L1 set), packed as
// [n / b][k][b].
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SetVector.h"

namespace netrewrite {
#define GEN_PASS_DEF_PACKFILTERTILES
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::floatData;

namespace {

/// `offset / block` as an index value built at `b`, when `offset` is
/// provably a multiple of `block`: a constant, an affine.apply whose result
/// is a multiple (the offsets `tile_using_forall` makes), or the induction
/// variable of a loop whose lower bound and step are multiples (the offsets
/// `tile_using_for` makes). Otherwise null: the slice is left alone.
Value blockIndex(OpBuilder &b, Location loc, OpFoldResult offset,
                 int64_t block) {
  if (std::optional<int64_t> c = getConstantIntValue(offset)) {
    if (*c % block)
      return {};
    return arith::ConstantIndexOp::create(b, loc, *c / block);
  }
  Value v = cast<Value>(offset);
  auto divide = [&](AffineExpr e, ValueRange operands) -> Value {
    return affine::AffineApplyOp::create(
        b, loc, AffineMap::get(operands.size(), 0, e.floorDiv(block)),
        operands);
  };
  if (auto apply = v.getDefiningOp<affine::AffineApplyOp>()) {
    AffineMap map = apply.getAffineMap();
    if (map.getNumResults() == 1 && map.getNumSymbols() == 0 &&
        map.getResult(0).isMultipleOf(block))
      return divide(map.getResult(0), apply.getMapOperands());
    return {};
  }
  auto multiples = [&](ArrayRef<OpFoldResult> values) {
    return llvm::all_of(values, [&](OpFoldResult x) {
      std::optional<int64_t> c = getConstantIntValue(x);
      return c && *c % block == 0;
    });
  };
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg)
    return {};
  Operation *owner = arg.getOwner()->getParentOp();
  if (auto loop = dyn_cast<scf::ForOp>(owner);
      loop && loop.getInductionVar() == v &&
      multiples({getAsOpFoldResult(loop.getLowerBound()),
                 getAsOpFoldResult(loop.getStep())}))
    return divide(getAffineDimExpr(0, b.getContext()), v);
  if (auto loop = dyn_cast<scf::ForallOp>(owner)) {
    auto ivs = loop.getInductionVars();
    auto it = llvm::find(ivs, v);
    if (it == ivs.end())
      return {};
    unsigned d = it - ivs.begin();
    if (multiples({loop.getMixedLowerBound()[d], loop.getMixedStep()[d]}))
      return divide(getAffineDimExpr(0, b.getContext()), v);
  }
  return {};
}

/// The weight block a slice reads: `extract_slice %cst[0, ..., 0, f0]
/// [d0, ..., b] [1, ..., 1]` of a static f32 constant with every leading
/// dimension whole, b < F and F % b == 0. Rank 4: an HWCF filter read one
/// block of output channels per tile; rank 2: a matmul's k x n weight read
/// one panel of output columns per tile.
std::optional<int64_t> filterBlock(tensor::ExtractSliceOp slice,
                                   RankedTensorType cstType) {
  int64_t rank = cstType.getRank();
  if ((rank != 4 && rank != 2) || !cstType.hasStaticShape() ||
      !cstType.getElementType().isF32() ||
      slice.getResultType().getRank() != rank || !slice.hasUnitStride())
    return std::nullopt;
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
  std::optional<SmallVector<int64_t>> sizes =
      getConstantIntValues(slice.getMixedSizes());
  if (!sizes)
    return std::nullopt;
  for (int64_t d = 0; d < rank - 1; ++d)
    if ((*sizes)[d] != cstType.getDimSize(d) || !isZeroInteger(offsets[d]))
      return std::nullopt;
  int64_t b = (*sizes)[rank - 1], f = cstType.getDimSize(rank - 1);
  if (b >= f || f % b != 0)
    return std::nullopt;
  return b;
}

/// The constant `v` is, or is a reshape of (`tensor.collapse_shape` and
/// `expand_shape` keep the elements' row-major order: a 1 x k x n matmul
/// weight collapsed to k x n), or null.
arith::ConstantOp reshapedConstant(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(def))
      return cst;
    if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def))
      return {};
    v = def->getOperand(0);
  }
  return {};
}

struct PackFilterTilesPass
    : public netrewrite::impl::PackFilterTilesBase<PackFilterTilesPass> {
  void runOnOperation() override {
    SmallVector<tensor::ExtractSliceOp> slices;
    getOperation().walk([&](tensor::ExtractSliceOp op) {
      if (reshapedConstant(op.getSource()))
        slices.push_back(op);
    });
    // One packed copy per (constant, block width), shared by its slices.
    DenseMap<std::pair<Operation *, int64_t>, Value> packed;
    llvm::SetVector<Operation *> sources;
    for (tensor::ExtractSliceOp slice : slices) {
      arith::ConstantOp cst = reshapedConstant(slice.getSource());
      auto type = dyn_cast<RankedTensorType>(slice.getSource().getType());
      std::optional<int64_t> block = type ? filterBlock(slice, type)
                                          : std::nullopt;
      if (!block)
        continue;
      OpBuilder b(slice);
      int64_t rank = type.getRank();
      Value index = blockIndex(b, slice.getLoc(),
                               slice.getMixedOffsets()[rank - 1], *block);
      if (!index)
        continue;
      Value &pack = packed[{slice.getSource().getDefiningOp(), *block}];
      if (!pack)
        pack = packConstant(cst, type, *block);
      if (!pack) {
        if (index.use_empty())
          index.getDefiningOp()->erase();
        continue;
      }
      // [f0 / b, 0, ..., 0] [1, d0, ..., b]: rank-reducing, so the tile
      // sees the slice type it had.
      SmallVector<OpFoldResult> offsets(rank + 1, b.getIndexAttr(0));
      offsets[0] = index;
      SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
      for (int64_t d = 0; d < rank - 1; ++d)
        sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
      sizes.push_back(b.getIndexAttr(*block));
      SmallVector<OpFoldResult> strides(rank + 1, b.getIndexAttr(1));
      auto packedSlice = tensor::ExtractSliceOp::create(
          b, slice.getLoc(), slice.getResultType(), pack, offsets, sizes,
          strides);
      sources.insert(slice.getSource().getDefiningOp());
      slice.getResult().replaceAllUsesWith(packedSlice.getResult());
      slice.erase();
    }
    // The replaced constants, and the reshapes between them and the slices,
    // once nothing reads them.
    while (!sources.empty()) {
      Operation *op = sources.pop_back_val();
      if (!op->use_empty())
        continue;
      Operation *input =
          op->getNumOperands() ? op->getOperand(0).getDefiningOp() : nullptr;
      op->erase();
      if (input)
        sources.insert(input);
    }
  }

  /// A new constant [F / b][d0]...[b] next to `cst`, whose elements are
  /// those of `type` (`cst` or a reshape of it; blobs stay blobs), or null
  /// when the values are not available.
  static Value packConstant(arith::ConstantOp cst, RankedTensorType type,
                            int64_t block) {
    int64_t rank = type.getRank();
    int64_t f = type.getDimSize(rank - 1), rows = type.getNumElements() / f;
    SmallVector<int64_t> shape = {f / block};
    llvm::append_range(shape, type.getShape().drop_back());
    shape.push_back(block);
    auto packedType = RankedTensorType::get(shape, type.getElementType());
    Attribute value = cst.getValue(), newValue;
    if (auto dense = dyn_cast<DenseElementsAttr>(value);
        dense && dense.isSplat()) {
      newValue = dense.reshape(packedType);
    } else {
      std::vector<float> storage;
      std::optional<ArrayRef<float>> in = floatData(value, storage);
      if (!in || (int64_t)in->size() != type.getNumElements())
        return {};
      std::vector<float> out(in->size());
      // out[fo][r][fi] = in[r][fo * block + fi], r over the leading dims.
      for (int64_t fo = 0; fo < f / block; ++fo)
        for (int64_t r = 0; r < rows; ++r)
          std::copy_n(in->begin() + r * f + fo * block, block,
                      out.begin() + (fo * rows + r) * block);
      if (isa<DenseResourceElementsAttr>(value))
        newValue = DenseF32ResourceElementsAttr::get(
            packedType, "netrewrite_packed_filter",
            HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(
                ArrayRef<float>(out)));
      else
        newValue = DenseElementsAttr::get(packedType, ArrayRef<float>(out));
    }
    OpBuilder b(cst->getContext());
    b.setInsertionPointAfter(cst);
    return arith::ConstantOp::create(b, cst.getLoc(), packedType,
                                     cast<TypedAttr>(newValue));
  }
};

} // namespace
