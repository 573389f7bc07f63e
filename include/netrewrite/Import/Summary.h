//===- Summary.h - Keras-style model.summary() of a module ------*- C++ -*-===//

#ifndef NETREWRITE_IMPORT_SUMMARY_H
#define NETREWRITE_IMPORT_SUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace netrewrite {

/// Prints one row per source layer of `@forward` (ops grouped by their
/// NameLoc): layer name, type (the layer's principal op), output shape and
/// parameter count (elements of the float constants the layer owns), then
/// the totals — what Keras users know from `model.summary()`.
void printModelSummary(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Prints `@forward`'s layer graph in Graphviz DOT: one box per layer (name,
/// type, output shape), an edge per data dependence between layers, and the
/// layers that rewrite rules made or changed (ops marked `netrewrite.rules`)
/// filled orange — the picture of a rewrite.
void printLayerGraph(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace netrewrite

#endif // NETREWRITE_IMPORT_SUMMARY_H
