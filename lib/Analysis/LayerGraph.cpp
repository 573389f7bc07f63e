//===- LayerGraph.cpp - Draw the layer graph of @forward ------------------===//

#include "netrewrite/Analysis/Passes.h"
#include "netrewrite/Import/Summary.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"

namespace netrewrite {
#define GEN_PASS_DEF_LAYERGRAPH
#include "netrewrite/Analysis/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

struct LayerGraphPass : netrewrite::impl::LayerGraphBase<LayerGraphPass> {
  using LayerGraphBase::LayerGraphBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (output == "-") {
      netrewrite::printLayerGraph(module, llvm::outs());
      return;
    }
    bool svg = llvm::StringRef(output).ends_with(".svg");
    std::string dotPath = svg ? output + ".dot.tmp" : output;
    std::string error;
    auto file = openOutputFile(dotPath, &error);
    if (!file) {
      module.emitError() << "--netrewrite-layer-graph: " << error;
      return signalPassFailure();
    }
    netrewrite::printLayerGraph(module, file->os());
    file->keep();
    file.reset();
    if (!svg)
      return;
    // SVG through Graphviz; a temporary keeps a failed run from leaving a
    // partial picture behind.
    llvm::FileRemover removeDot(dotPath);
    auto dot = llvm::sys::findProgramByName("dot");
    if (!dot) {
      module.emitError() << "--netrewrite-layer-graph=output=" << output
                         << ": Graphviz 'dot' is not installed (Debian "
                            "package graphviz); write a .dot file instead";
      return signalPassFailure();
    }
    std::string tmpSvg = output + ".tmp";
    llvm::StringRef args[] = {*dot, "-Tsvg", dotPath, "-o", tmpSvg};
    int rc = llvm::sys::ExecuteAndWait(*dot, args, std::nullopt, {}, 0, 0,
                                       &error);
    if (rc != 0 || llvm::sys::fs::rename(tmpSvg, output)) {
      llvm::sys::fs::remove(tmpSvg);
      module.emitError() << "--netrewrite-layer-graph: dot failed"
                         << (error.empty() ? "" : ": ") << error;
      return signalPassFailure();
    }
  }
};

} // namespace
