//===- LayerGraph.h - Draw a module's layer graph ---------------*- C++ -*-===//
//
// The picture behind `--netrewrite-layer-graph` and `--rewrite-report=dot|svg`:
// @forward's layers (ops grouped by their NameLoc names) with the layers that
// rewrite rules created or changed filled orange.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_ANALYSIS_LAYERGRAPH_H
#define NETREWRITE_ANALYSIS_LAYERGRAPH_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

namespace netrewrite {

enum class GraphFormat { Dot, Svg };

/// Writes the layer graph to `output` ("-" for stdout) as DOT, or as SVG
/// through Graphviz's `dot`. A file is written atomically: on failure
/// nothing is left behind. Errors are reported on the module's location,
/// prefixed by `flag` (the option the user spelled).
mlir::LogicalResult writeLayerGraph(mlir::ModuleOp module,
                                    llvm::StringRef output, GraphFormat format,
                                    llvm::StringRef flag);

} // namespace netrewrite

#endif // NETREWRITE_ANALYSIS_LAYERGRAPH_H
