//===- KerasImporter.cpp - Keras / TFJS -> TOSA + nr ----------------------===//
// SCAFFOLD: replaced by the Keras importer.

#include "netrewrite/Import/Import.h"

#include "mlir/IR/Diagnostics.h"

mlir::OwningOpRef<mlir::ModuleOp>
netrewrite::importKeras(llvm::StringRef path, ModelFormat,
                        const ImportOptions &, mlir::MLIRContext *context) {
  mlir::emitError(mlir::FileLineColLoc::get(context, path, 0, 0))
      << "the Keras importer is not built yet";
  return nullptr;
}
