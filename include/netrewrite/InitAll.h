//===- InitAll.h - Register everything netrewrite's tools use ---*- C++ -*-===//

#ifndef NETREWRITE_INITALL_H
#define NETREWRITE_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace netrewrite {

/// Registers the nr dialect plus every upstream dialect, its interface
/// models (bufferization, tiling, ...) and the LLVM IR translations. The
/// pipeline touches func, tosa, linalg, tensor, arith, math, bufferization,
/// memref, scf, vector, transform, pdl and llvm; registering all upstream
/// dialects keeps `netrewrite-opt` a drop-in superset of `mlir-opt`.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers upstream passes, netrewrite's passes and its pipelines.
void registerAllPasses();

} // namespace netrewrite

#endif // NETREWRITE_INITALL_H
