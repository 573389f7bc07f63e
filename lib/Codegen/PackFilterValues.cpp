//===- PackFilterValues.cpp - Blocked layout for run-time filters ---------===//
//
// netrewrite-pack-filter-tiles stores a constant filter a second time, at
// compile time, as [F / b][kh][kw][c][b], so that a convolution tiled over
// blocks of b output channels reads each block as one contiguous range (in
// HWCF a 32-channel block of a 3x3 512->512 filter is 4,608 pieces of 128
// bytes at a 2 KiB stride, which share a sixteenth of L2's sets and do not
// stay in cache). A training step's filters are not constants: they are
// function parameters in OHWI, transposed to HWCF by a `linalg.transpose`
// on every call (and, for the input gradients, flipped and transposed to
// [kh][kw][O][C]). So their deep convolutions read strided blocks, which is
// why the eval executables' deep convolutions (85-95% of the FMA peak) were
// 1.6-2.7x slower inside @train_step (docs/benchmarks.md, "Training session
// 6"). The copy is made anyway; this pass makes the transpose write the
// blocked layout instead of HWCF, at the same cost.
//
// It runs after the convolutions are scheduled (their tiles' block width is
// known) and before the element-wise ops and transposes are (the new
// transpose is then scheduled like any other).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace netrewrite {
#define GEN_PASS_DEF_PACKFILTERVALUES
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::blockIndex;
using netrewrite::codegen::filterBlock;
using netrewrite::codegen::replaceWithPackedBlock;

namespace {

/// The block width every reader of `t`'s result agrees on, when each is a
/// block slice (filterBlock) whose offset is a provable multiple of it.
std::optional<int64_t> commonBlock(linalg::TransposeOp t) {
  auto type = cast<RankedTensorType>(t.getResult()[0].getType());
  std::optional<int64_t> block;
  for (Operation *user : t.getResult()[0].getUsers()) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    std::optional<int64_t> b =
        slice ? filterBlock(slice, type) : std::nullopt;
    if (!b || (block && *b != *block))
      return std::nullopt;
    // blockIndex only builds ops when it succeeds; built here to check,
    // then dropped (the rewrite builds its own at the slice).
    OpBuilder builder(slice);
    Value index = blockIndex(builder, slice.getLoc(),
                             slice.getMixedOffsets()[type.getRank() - 1], *b);
    if (!index)
      return std::nullopt;
    index.getDefiningOp()->erase();
    block = b;
  }
  return block;
}

/// `transpose(x, perm)` (shape [d0, ..., F]) computed as
/// `[F / b][d0]...[b]`: x expanded along the axis that becomes F
/// (`perm[r-1]`) into (F / b, b), then transposed so that F / b comes
/// first and b last.
Value packedTranspose(OpBuilder &b, linalg::TransposeOp t, int64_t block) {
  Location loc = t.getLoc();
  Value input = t.getInput();
  auto inType = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> perm = t.getPermutation();
  int64_t rank = perm.size(), k = perm[rank - 1];
  // Expand axis k of the input into (F / b, b).
  SmallVector<int64_t> expandedShape;
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t at = expandedShape.size();
    if (d == k) {
      expandedShape.append({inType.getDimSize(d) / block, block});
      reassociation.push_back({at, at + 1});
    } else {
      expandedShape.push_back(inType.getDimSize(d));
      reassociation.push_back({at});
    }
  }
  Value expanded = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(expandedShape, inType.getElementType()),
      input, reassociation);
  // Result dimension i reads expanded dimension packedPerm[i]: F / b, then
  // the transpose's other result dimensions, then b.
  auto shifted = [&](int64_t d) { return d < k ? d : d + 1; };
  SmallVector<int64_t> packedPerm = {k};
  for (int64_t i = 0; i + 1 < rank; ++i)
    packedPerm.push_back(shifted(perm[i]));
  packedPerm.push_back(k + 1);
  SmallVector<int64_t> packedShape;
  for (int64_t d : packedPerm)
    packedShape.push_back(expandedShape[d]);
  Value init = tensor::EmptyOp::create(b, loc, packedShape,
                                       inType.getElementType());
  return linalg::TransposeOp::create(b, loc, expanded, init, packedPerm)
      .getResult()[0];
}

struct PackFilterValuesPass
    : public netrewrite::impl::PackFilterValuesBase<PackFilterValuesPass> {
  void runOnOperation() override {
    SmallVector<linalg::TransposeOp> transposes;
    getOperation().walk([&](linalg::TransposeOp t) {
      if (t.hasPureTensorSemantics() && !t.getResult()[0].use_empty())
        transposes.push_back(t);
    });
    for (linalg::TransposeOp t : transposes) {
      std::optional<int64_t> block = commonBlock(t);
      if (!block)
        continue;
      OpBuilder b(t);
      Value packed = packedTranspose(b, t, *block);
      int64_t rank = t.getPermutation().size();
      for (Operation *user :
           llvm::make_early_inc_range(t.getResult()[0].getUsers())) {
        auto slice = cast<tensor::ExtractSliceOp>(user);
        OpBuilder at(slice);
        Value index = blockIndex(at, slice.getLoc(),
                                 slice.getMixedOffsets()[rank - 1], *block);
        replaceWithPackedBlock(at, slice, packed, index, *block);
      }
      t->erase();
    }
  }
};

} // namespace
