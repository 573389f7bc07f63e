//===- netrewrite-import.cpp - Import a pretrained model into TOSA --------===//
//
//   netrewrite-import model.onnx -o model.mlirbc [--input-shape=1x3x224x224]
//   netrewrite-import model.json --print-summary
//
// Writes textual MLIR for `.mlir` (or stdout) and bytecode for `.mlirbc`.
// The output appears atomically: nothing is left behind on failure.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Import/Import.h"
#include "netrewrite/Import/Summary.h"
#include "netrewrite/InitAll.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace netrewrite;
namespace cl = llvm::cl;

// `--help` lists these and not the hundreds of options linked in with LLVM.
static cl::OptionCategory importCategory("netrewrite-import options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model>"),
                                      cl::Required, cl::cat(importCategory));
static cl::opt<std::string> outputFile("o",
                                       cl::desc("Output file (.mlir text, "
                                                ".mlirbc bytecode)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(importCategory));
static cl::opt<std::string>
    formatName("format",
               cl::desc("onnx | tfjs | keras (.h5) | keras3 (.keras); "
                        "guessed from the file when absent"),
               cl::cat(importCategory));
static cl::opt<std::string> inputShape(
    "input-shape",
    cl::desc("Input shape in the source model's layout, e.g. 1x3x224x224"),
    cl::cat(importCategory));
static cl::opt<bool> printSummary("print-summary",
                                  cl::desc("Print a Keras-style layer table"),
                                  cl::cat(importCategory));
static cl::opt<bool>
    emitBytecode("emit-bytecode",
                 cl::desc("Write bytecode even without .mlirbc"),
                 cl::cat(importCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "netrewrite-import") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(importCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "netrewrite-import: ONNX / Keras / TFJS model -> "
                              "TOSA + nr MLIR\n");
  ImportOptions options;
  if (!inputShape.empty() &&
      !netrewrite::parseInputShape(inputShape, options.inputShape))
    return fail("--input-shape='" + inputShape +
                    "': expected positive integers separated by 'x', e.g. "
                    "1x3x224x224");
  if (!llvm::sys::fs::exists(inputFile))
    return fail(inputFile + ": no such file");
  std::string formatError;
  ModelFormat format = resolveModelFormat(
      inputFile, formatName,
      {ModelFormat::ONNX, ModelFormat::TFJS, ModelFormat::KerasH5,
       ModelFormat::Keras3},
      formatError);
  if (format == ModelFormat::Unknown)
    return fail(formatError);

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  OwningOpRef<ModuleOp> module =
      format == ModelFormat::ONNX
          ? importONNX(inputFile, options, &context)
          : importKeras(inputFile, format, options, &context);
  if (!module)
    return 1; // The importer reported why.
  if (failed(verify(*module)))
    return fail(inputFile + ": the imported module does not verify (importer bug)");

  if (printSummary) {
    printModelSummary(*module, llvm::outs());
    if (outputFile == "-")
      return 0;
  }
  std::string error;
  // ToolOutputFile writes to a temporary and renames on keep(): no partial
  // output survives a failure.
  auto out = openOutputFile(outputFile, &error);
  if (!out)
    return fail(outputFile + ": " + error);
  if (emitBytecode || llvm::StringRef(outputFile).ends_with(".mlirbc")) {
    if (failed(writeBytecodeToFile(*module, out->os())))
      return fail(outputFile + ": could not write bytecode");
  } else {
    // Keep the locations: they carry the source layer names that rules and
    // reports rely on, and would be lost on re-parsing otherwise.
    module->print(out->os(), OpPrintingFlags().enableDebugInfo());
  }
  out->keep();
  return 0;
}
