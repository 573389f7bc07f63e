//===- LayerGraph.cpp - Draw the layer graph of @forward ------------------===//

#include "netrewrite/Analysis/LayerGraph.h"
#include "netrewrite/Analysis/Passes.h"
#include "netrewrite/Import/Summary.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"

namespace netrewrite {
#define GEN_PASS_DEF_LAYERGRAPH
#include "netrewrite/Analysis/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

/// DOT -> SVG with Graphviz, from `dotPath` into `svgPath`.
static LogicalResult runDot(ModuleOp module, StringRef dotPath,
                            StringRef svgPath, StringRef flag) {
  auto dot = llvm::sys::findProgramByName("dot");
  if (!dot)
    return mlir::emitError(module.getLoc())
           << flag << ": Graphviz 'dot' is not installed (Debian package "
           << "graphviz); ask for DOT instead";
  std::string error;
  StringRef args[] = {*dot, "-Tsvg", dotPath, "-o", svgPath};
  if (llvm::sys::ExecuteAndWait(*dot, args, std::nullopt, {}, 0, 0, &error))
    return mlir::emitError(module.getLoc()) << flag << ": dot failed"
                              << (error.empty() ? "" : ": ") << error;
  return success();
}

LogicalResult netrewrite::writeLayerGraph(ModuleOp module, StringRef output,
                                          GraphFormat format, StringRef flag) {
  bool toStdout = output == "-";
  if (toStdout && format == GraphFormat::Dot) {
    printLayerGraph(module, llvm::outs());
    llvm::outs().flush();
    return success();
  }
  // Everything else goes through temporaries: a failed run leaves no partial
  // picture behind.
  SmallString<128> dotPath, svgPath;
  if (toStdout) {
    if (llvm::sys::fs::createTemporaryFile("netrewrite-graph", "dot",
                                           dotPath) ||
        llvm::sys::fs::createTemporaryFile("netrewrite-graph", "svg",
                                           svgPath))
      return mlir::emitError(module.getLoc()) << flag << ": cannot create a temporary file";
  } else {
    dotPath = (output + ".dot.tmp").str();
    svgPath = (output + ".svg.tmp").str();
  }
  llvm::FileRemover removeDot(dotPath), removeSvg(svgPath);
  std::string error;
  {
    auto file = openOutputFile(dotPath, &error);
    if (!file)
      return mlir::emitError(module.getLoc()) << flag << ": " << error;
    printLayerGraph(module, file->os());
    file->keep();
  }
  StringRef finished = dotPath;
  if (format == GraphFormat::Svg) {
    if (failed(runDot(module, dotPath, svgPath, flag)))
      return failure();
    finished = svgPath;
  }
  if (toStdout) {
    auto text = llvm::MemoryBuffer::getFile(finished);
    if (!text)
      return mlir::emitError(module.getLoc()) << flag << ": " << text.getError().message();
    llvm::outs() << (*text)->getBuffer();
    llvm::outs().flush();
    return success();
  }
  if (std::error_code ec = llvm::sys::fs::rename(finished, output))
    return mlir::emitError(module.getLoc()) << flag << ": " << output << ": "
                              << ec.message();
  return success();
}

namespace {

struct LayerGraphPass : netrewrite::impl::LayerGraphBase<LayerGraphPass> {
  using LayerGraphBase::LayerGraphBase;

  void runOnOperation() override {
    bool svg = llvm::StringRef(output).ends_with(".svg");
    if (failed(netrewrite::writeLayerGraph(
            getOperation(), output,
            svg ? netrewrite::GraphFormat::Svg : netrewrite::GraphFormat::Dot,
            "--netrewrite-layer-graph=output=" + output)))
      signalPassFailure();
  }
};

} // namespace
