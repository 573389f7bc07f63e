//===- Passes.h - netrewrite training transform -----------------*- C++ -*-===//

#ifndef NETREWRITE_TRAINING_PASSES_H
#define NETREWRITE_TRAINING_PASSES_H

#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

namespace netrewrite {

#define GEN_PASS_DECL
#include "netrewrite/Training/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "netrewrite/Training/Passes.h.inc"

} // namespace netrewrite

#endif // NETREWRITE_TRAINING_PASSES_H
