//===- Passes.h - netrewrite conversion passes ------------------*- C++ -*-===//

#ifndef NETREWRITE_CONVERSION_PASSES_H
#define NETREWRITE_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

namespace netrewrite {

#define GEN_PASS_DECL
#include "netrewrite/Conversion/Passes.h.inc"

/// Adds the patterns that lower nr ops to TOSA (evaluation semantics).
void populateNRToTosaPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "netrewrite/Conversion/Passes.h.inc"

} // namespace netrewrite

#endif // NETREWRITE_CONVERSION_PASSES_H
