//===- Passes.h - netrewrite code generation passes -------------*- C++ -*-===//

#ifndef NETREWRITE_CODEGEN_PASSES_H
#define NETREWRITE_CODEGEN_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace netrewrite {

#define GEN_PASS_DECL
#include "netrewrite/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "netrewrite/Codegen/Passes.h.inc"

} // namespace netrewrite

#endif // NETREWRITE_CODEGEN_PASSES_H
