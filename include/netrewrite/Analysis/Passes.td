//===- Passes.td - netrewrite analysis passes --------------*- tablegen -*-===//

#ifndef NETREWRITE_ANALYSIS_PASSES_TD
#define NETREWRITE_ANALYSIS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LayerGraph : Pass<"netrewrite-layer-graph", "mlir::ModuleOp"> {
  let summary = "Draw @forward's layer graph, rewritten layers highlighted";
  let description = [{
    Writes the layer graph of `@forward` (ops grouped by their NameLoc layer
    names) in Graphviz DOT, or as SVG when `output` ends in `.svg` (through
    Graphviz's `dot`). Layers that rewrite rules created or changed are
    filled orange, so after `--rewrite=...` a user sees where BN or dropout
    went. The module is not changed.

    ```
    netrewrite-opt model.mlirbc --insert-bn \
        --netrewrite-layer-graph=output=graph.svg -o out.mlirbc
    ```
  }];
  let options = [
    Option<"output", "output", "std::string", "\"-\"",
           "Where to write: a .dot or .svg file, or - for stdout (DOT)">,
  ];
}

#endif // NETREWRITE_ANALYSIS_PASSES_TD
