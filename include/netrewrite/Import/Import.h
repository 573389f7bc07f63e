//===- Import.h - Model importers' entry points ------------------*- C++ -*-===//
//
// Every importer produces a module with `func.func @forward` in TOSA + nr:
// NHWC inside, the source model's layout and shapes at the boundary, weights
// as dense_resource blobs, every op located at its source layer (NameLoc).
// Errors are reported through MLIR's diagnostic engine (name the file, the
// node/layer and, for ONNX, the opset) and the importer returns null.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_IMPORT_IMPORT_H
#define NETREWRITE_IMPORT_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <vector>

namespace netrewrite {

enum class ModelFormat { Unknown, ONNX, TFJS, KerasH5, Keras3 };

/// "onnx", "tfjs", "keras" (.h5), "keras3" (.keras) -> format; Unknown else.
ModelFormat parseModelFormat(llvm::StringRef name);
/// Guesses the format from the file's extension and first bytes.
ModelFormat guessModelFormat(llvm::StringRef path);
/// The format of the model at `path`: `name` (a `--format` value) when not
/// empty, else guessed. When it is Unknown, `error` is one line naming the
/// file or the flag and offering the names of the `offered` formats (the
/// ones the tool handles; a recognised format outside them is returned, for
/// the tool to refuse with its own reason).
ModelFormat resolveModelFormat(llvm::StringRef path, llvm::StringRef name,
                               llvm::ArrayRef<ModelFormat> offered,
                               std::string &error);

struct ImportOptions {
  /// Fixes the input shape (in the source model's own layout, e.g. NCHW for
  /// ONNX, NHWC for Keras). Empty: dynamic dimensions default to 1.
  std::vector<int64_t> inputShape;
  /// Attach `nr.source` (WeightSource.h: source tensor + layout steps) to
  /// every weight constant; netrewrite-export uses it to write trained
  /// weights back into the source model.
  bool recordWeightSources = false;
};

/// `--input-shape` text ("1x3x224x224") -> dimensions; false when it is not
/// positive integers separated by 'x'.
bool parseInputShape(llvm::StringRef text, std::vector<int64_t> &shape);

mlir::OwningOpRef<mlir::ModuleOp> importONNX(llvm::StringRef path,
                                             const ImportOptions &options,
                                             mlir::MLIRContext *context);

/// TFJS layers `model.json` (+ weight shards), legacy Keras `.h5`, and
/// Keras 3 `.keras`.
mlir::OwningOpRef<mlir::ModuleOp> importKeras(llvm::StringRef path,
                                              ModelFormat format,
                                              const ImportOptions &options,
                                              mlir::MLIRContext *context);

} // namespace netrewrite

#endif // NETREWRITE_IMPORT_IMPORT_H
