//===- Passes.h - netrewrite code generation passes -------------*- C++ -*-===//

#ifndef NETREWRITE_CODEGEN_PASSES_H
#define NETREWRITE_CODEGEN_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace netrewrite {

/// Location metadata (a `FusedLoc`'s) that `netrewrite-schedule-cpu` puts on
/// the `scf.forall` of an op too small to share between threads, and
/// `netrewrite-omp-schedule` turns into `omp.parallel if(false)`:
/// a location is the one thing that survives bufferization, canonicalization
/// and the conversions to `scf.parallel` and OpenMP unchanged.
constexpr llvm::StringLiteral kSerialLoopMarker = "netrewrite.serial_loop";

/// Unit attribute on a function whose ops all run on the calling thread
/// (the per-image function of `netrewrite-split-batch`, itself called from
/// a parallel loop): the schedule passes give it no parallel loops.
constexpr llvm::StringLiteral kSerialFunctionAttr = "netrewrite.serial";

#define GEN_PASS_DECL
#include "netrewrite/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "netrewrite/Codegen/Passes.h.inc"

} // namespace netrewrite

#endif // NETREWRITE_CODEGEN_PASSES_H
