//===- NR.h - The nr dialect and its operations -----------------*- C++ -*-===//

#ifndef NETREWRITE_DIALECT_NR_NR_H
#define NETREWRITE_DIALECT_NR_NR_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "netrewrite/Dialect/NR/NROpsDialect.h.inc"

#define GET_OP_CLASSES
#include "netrewrite/Dialect/NR/NROps.h.inc"

#endif // NETREWRITE_DIALECT_NR_NR_H
