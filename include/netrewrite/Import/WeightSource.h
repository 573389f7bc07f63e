//===- WeightSource.h - Where an imported weight comes from -----*- C++ -*-===//
//
// Exporting trained weights back into the source model needs, for every
// weight constant the importer builds, the source tensor it was read from
// and the exact layout change on the way (ONNX OIHW -> OHWI, Keras HWIO ->
// OHWI, Gemm's transB and alpha, ...). The importers record that here as
// they transform host data, and, when asked (ImportOptions::
// recordWeightSources), attach it to the tosa.const as `nr.source`:
//
//   {tensor = "conv1.weight", shape = [8, 3, 3, 3],
//    steps = [{permute = [0, 2, 3, 1]}]}
//
// Recording the steps as they happen (rather than re-deriving the layouts in
// the exporter) keeps one definition of every layout: the importer's.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_IMPORT_WEIGHTSOURCE_H
#define NETREWRITE_IMPORT_WEIGHTSOURCE_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace netrewrite {

struct WeightSource {
  /// ONNX: the initializer's or Constant node output's name. Keras: the
  /// container's key (TFJS manifest name, HDF5 dataset path).
  std::string tensor;
  /// The source tensor's own shape.
  std::vector<int64_t> shape;

  /// One layout step, applied in order to the source's row-major data.
  struct Step {
    enum Kind { Reshape, Permute, Scale } kind;
    std::vector<int64_t> dims; ///< Reshape: new shape; Permute: out k = in dims[k]
    double factor = 1.0;       ///< Scale
  };
  std::vector<Step> steps;

  WeightSource() = default;
  WeightSource(std::string tensor, llvm::ArrayRef<int64_t> shape)
      : tensor(std::move(tensor)), shape(shape.begin(), shape.end()) {}

  /// The shape after all steps.
  std::vector<int64_t> currentShape() const;
  /// Records a reshape to `to` (a no-op when the shape already is `to`).
  void reshape(llvm::ArrayRef<int64_t> to);
  /// Records a permutation (first reshaping to `from` if the data was
  /// reshaped without being recorded).
  void permute(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> perm);
  void scale(double factor);

  /// The attribute form (`nr.source`) and back; null/failure when malformed.
  mlir::DictionaryAttr toAttr(mlir::MLIRContext *ctx) const;
  static mlir::FailureOr<WeightSource> fromAttr(mlir::Attribute attr);

  /// Source data -> the imported constant's data (what the importer did).
  std::vector<float> apply(llvm::ArrayRef<float> source) const;
  /// The imported constant's data -> source layout (the exact inverse; a
  /// Scale step divides by its factor).
  std::vector<float> invert(llvm::ArrayRef<float> imported) const;

  static constexpr const char *kAttrName = "nr.source";
};

/// Attaches `source` to the weight constant `constant` as `nr.source`.
void attachWeightSource(mlir::Value constant, const WeightSource &source);

/// out.shape[k] = shape[perm[k]]; row-major data.
std::vector<float> permuteData(llvm::ArrayRef<float> data,
                               llvm::ArrayRef<int64_t> shape,
                               llvm::ArrayRef<int64_t> perm);

} // namespace netrewrite

#endif // NETREWRITE_IMPORT_WEIGHTSOURCE_H
