//===- FoldWeightTransposes.cpp - Transpose constant weights once ---------===//
//
// Convolution filters arrive as OHWI constants (TOSA's layout) and the fast
// convolution path wants HWCF, so lowering inserts a linalg.transpose. On a
// constant that transpose would run on every call of the network; here it
// runs once, at compile time, writing a new constant of the same kind
// (`dense_resource` blobs stay blobs, so large weights are never turned into
// printed attribute lists).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

namespace netrewrite {
#define GEN_PASS_DEF_FOLDWEIGHTTRANSPOSES
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::floatData;

namespace {

struct FoldWeightTransposesPass
    : public netrewrite::impl::FoldWeightTransposesBase<
          FoldWeightTransposesPass> {
  void runOnOperation() override {
    SmallVector<linalg::TransposeOp> transposes;
    getOperation().walk([&](linalg::TransposeOp op) {
      if (op.getInput().getDefiningOp<arith::ConstantOp>() &&
          op->getNumResults() == 1)
        transposes.push_back(op);
    });
    for (linalg::TransposeOp op : transposes) {
      auto constant = op.getInput().getDefiningOp<arith::ConstantOp>();
      auto inType = dyn_cast<RankedTensorType>(constant.getType());
      auto outType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (!inType || !outType || !inType.hasStaticShape() ||
          !inType.getElementType().isF32())
        continue;
      std::vector<float> storage;
      Attribute value = constant.getValue();
      Attribute newValue;
      if (auto dense = dyn_cast<DenseElementsAttr>(value);
          dense && dense.isSplat()) {
        newValue = dense.reshape(outType);
      } else {
        std::optional<ArrayRef<float>> in = floatData(value, storage);
        if (!in || (int64_t)in->size() != inType.getNumElements())
          continue;
        ArrayRef<int64_t> perm = op.getPermutation();
        SmallVector<int64_t> inStrides = computeStrides(inType.getShape());
        SmallVector<int64_t> outShape(outType.getShape());
        std::vector<float> out(in->size());
        // out[i0..ir] = in[...] with in index d = perm^-1: out dim k reads
        // in dim perm[k].
        SmallVector<int64_t> index(outShape.size(), 0);
        for (size_t flat = 0; flat < out.size(); ++flat) {
          int64_t src = 0;
          for (size_t k = 0; k < index.size(); ++k)
            src += index[k] * inStrides[perm[k]];
          out[flat] = (*in)[src];
          for (size_t k = index.size(); k-- > 0;) {
            if (++index[k] < outShape[k])
              break;
            index[k] = 0;
          }
        }
        if (isa<DenseResourceElementsAttr>(value)) {
          auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(
              ArrayRef<float>(out));
          newValue = DenseF32ResourceElementsAttr::get(
              outType, "netrewrite_transposed_weight", std::move(blob));
        } else {
          newValue = DenseElementsAttr::get(outType, ArrayRef<float>(out));
        }
      }
      OpBuilder b(op);
      auto folded = arith::ConstantOp::create(b, op.getLoc(), outType,
                                              cast<TypedAttr>(newValue));
      op->getResult(0).replaceAllUsesWith(folded.getResult());
      op.erase();
      if (constant->use_empty())
        constant.erase();
    }
  }
};

} // namespace
