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
using netrewrite::codegen::blockIndex;
using netrewrite::codegen::filterBlock;
using netrewrite::codegen::floatData;
using netrewrite::codegen::replaceWithPackedBlock;

namespace {

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
      sources.insert(slice.getSource().getDefiningOp());
      replaceWithPackedBlock(b, slice, pack, index, *block);
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
