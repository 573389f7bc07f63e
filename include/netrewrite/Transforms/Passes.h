//===- Passes.h - netrewrite model rewrites ---------------------*- C++ -*-===//

#ifndef NETREWRITE_TRANSFORMS_PASSES_H
#define NETREWRITE_TRANSFORMS_PASSES_H

#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace netrewrite {

#define GEN_PASS_DECL
#include "netrewrite/Transforms/Passes.h.inc"

/// Compiles the rule text and applies it to `module` (or, with `report`,
/// prints the report to stdout). Shared by the rule-driven passes.
mlir::LogicalResult runRuleFile(mlir::ModuleOp module, llvm::StringRef text,
                                llvm::StringRef filename,
                                const llvm::StringMap<double> &params,
                                bool report, bool emitRules = false);

/// The text of a rule file shipped in rules/ and embedded at build time.
llvm::StringRef getBuiltinRuleFile(llvm::StringRef name);

#define GEN_PASS_REGISTRATION
#include "netrewrite/Transforms/Passes.h.inc"

} // namespace netrewrite

#endif // NETREWRITE_TRANSFORMS_PASSES_H
