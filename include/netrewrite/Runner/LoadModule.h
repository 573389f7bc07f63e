//===- LoadModule.h - Read a module file for the drivers --------*- C++ -*-===//
//
// netrewrite-run and netrewrite-compile both start from a module file
// (textual MLIR or bytecode); this reads it through the caller's SourceMgr,
// so the parser's diagnostics point into the file via the caller's handler.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNNER_LOADMODULE_H
#define NETREWRITE_RUNNER_LOADMODULE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace netrewrite {

/// Opens and parses `path` into a module owned by the caller. On failure the
/// error reads "<path>: <why>" (a parse error's details have already gone to
/// the diagnostic handler registered on `sourceMgr`).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
loadModule(llvm::StringRef path, mlir::MLIRContext &context,
           llvm::SourceMgr &sourceMgr);

} // namespace netrewrite

#endif // NETREWRITE_RUNNER_LOADMODULE_H
