//===- netrewrite-export.cpp - Trained weights back into the source model -===//
//
//   netrewrite-export model_train.ckpt --source=model.onnx -o trained.onnx
//   netrewrite-export exported_dir/ --source=model.json -o out/model.json
//   netrewrite-export model_train.ckpt --source=model.h5 -o trained.h5
//   netrewrite-export --check --source=model.onnx     (before training)
//   netrewrite-export run.ckpt --source=model.onnx --rewritten=bn.mlirbc -o out.onnx
//
// Reads the trained tensors (a checkpoint written by `train`, or the
// directory the executable's `export` subcommand writes), and writes a copy
// of the source model with them in place (lib/Export). A tool of its own,
// not a subcommand of the executables: writing ONNX and HDF5 needs libonnx,
// protobuf, HDF5 and the importers, which the runtime linked into every
// executable must not depend on. Errors are one line naming the file (plus
// the importer's diagnostics where re-reading the source fails), exit 1, and
// no output file is created or changed.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Export/Export.h"
#include "netrewrite/InitAll.h"
#include "netrewrite/Runtime/Checkpoint.h"
#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Npy.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "mlir/IR/Diagnostics.h"

#include <nlohmann/json.hpp>

#include <fstream>

using namespace mlir;
using namespace netrewrite;
namespace cl = llvm::cl;

// `--help` lists these and not the hundreds of options linked in with LLVM.
static cl::OptionCategory exportCategory("netrewrite-export options");

static cl::opt<std::string>
    weightsPath(cl::Positional,
                cl::desc("<checkpoint | directory written by `export`>"),
                cl::cat(exportCategory));
static cl::opt<std::string>
    sourcePath("source",
               cl::desc("The model training started from (.onnx, TFJS "
                        "model.json, Keras .h5)"),
               cl::value_desc("model"), cl::Required, cl::cat(exportCategory));
static cl::opt<std::string>
    outputPath("o",
               cl::desc("Output model (.onnx; model.json, whose weight shard "
                        "<stem>.weights.bin goes next to it; .h5)"),
               cl::value_desc("file"), cl::cat(exportCategory));
static cl::opt<std::string>
    formatName("format",
               cl::desc("onnx | tfjs | keras (.h5); guessed from the source "
                        "when absent"),
               cl::cat(exportCategory));
static cl::opt<std::string>
    inputShape("input-shape",
               cl::desc("The input shape the model was imported with, if the "
                        "source needs one to import (e.g. 1x3x224x224)"),
               cl::cat(exportCategory));
static cl::opt<std::string> rewrittenPath(
    "rewritten",
    cl::desc("The module that was compiled with --train (after rewrites): "
             "batch norms it inserted become layers of an ONNX or TFJS "
             "source, batch norms it folded away stay as identities"),
    cl::value_desc("module.mlir|.mlirbc"), cl::cat(exportCategory));
static cl::opt<bool>
    check("check",
          cl::desc("Without trained weights: check that every weight of the "
                   "source maps onto a parameter and back bit for bit "
                   "(before training); with -o, also write that untouched "
                   "export"),
          cl::cat(exportCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "netrewrite-export") << message << "\n";
  return 1;
}

/// The tensors of an `export` directory: index.json plus one .npy each.
static bool readExportDir(const std::string &dir,
                          std::vector<exporter::Tensor> &out,
                          std::string &error) {
  std::string indexPath = dir + "/index.json";
  std::ifstream in(indexPath);
  if (!in) {
    error = dir + ": a directory without index.json (expected the output of "
                  "the executable's `export` subcommand)";
    return false;
  }
  nlohmann::json index = nlohmann::json::parse(in, nullptr, false);
  if (index.is_discarded() || !index.is_array()) {
    error = indexPath + ": not a JSON list of tensors";
    return false;
  }
  for (const nlohmann::json &entry : index) {
    if (!entry.is_object() || !entry.contains("name") ||
        !entry.contains("file") || !entry["name"].is_string() ||
        !entry["file"].is_string()) {
      error = indexPath + ": an entry lacks 'name' or 'file'";
      return false;
    }
    std::string file = entry["file"].get<std::string>();
    if (file.empty() || file[0] == '/' || file.find("..") != std::string::npos) {
      error = indexPath + ": refusing file '" + file + "' outside the directory";
      return false;
    }
    runtime::NpyArray a;
    if (!runtime::readNpy(dir + "/" + file, a, error))
      return false;
    exporter::Tensor t;
    t.name = entry["name"].get<std::string>();
    t.kind = entry.value("kind", "trainable");
    t.shape = a.shape;
    t.data = std::move(a.data);
    out.push_back(std::move(t));
  }
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(exportCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "netrewrite-export: write trained weights (a checkpoint or an `export` "
      "directory) into a copy of the source model (ONNX, TFJS, Keras .h5)\n");

  ImportOptions options;
  if (!inputShape.empty() &&
      !netrewrite::parseInputShape(inputShape, options.inputShape))
    return fail("--input-shape='" + inputShape +
                    "': expected positive integers separated by 'x'");
  if (check != weightsPath.empty())
    return fail(check ? "--check takes no trained weights"
                      : "the trained weights (a checkpoint or an `export` "
                        "directory) are required");
  if (!check && outputPath.empty())
    return fail("-o OUT is required");
  if (!llvm::sys::fs::exists(sourcePath))
    return fail(sourcePath + ": no such file");
  std::string formatError;
  ModelFormat format = resolveModelFormat(
      sourcePath, formatName,
      {ModelFormat::ONNX, ModelFormat::TFJS, ModelFormat::KerasH5},
      formatError);
  if (format == ModelFormat::Unknown)
    return fail(formatError);
  // Never write over the model being read (an export into its own source
  // would destroy it if anything went wrong, and TFJS shards are shared).
  if (!outputPath.empty() && llvm::sys::fs::equivalent(sourcePath, outputPath))
    return fail(outputPath + ": is the source model itself; choose another "
                             "output file");
  // `-o out/model.json` creates `out/`, as a user writing a new model folder
  // expects.
  if (!outputPath.empty()) {
    llvm::StringRef dir = llvm::sys::path::parent_path(outputPath);
    if (!dir.empty())
      if (std::error_code ec = llvm::sys::fs::create_directories(dir))
        return fail(dir + ": cannot create the output folder: " +
                    ec.message());
  }

  std::vector<exporter::Tensor> trained;
  std::string error;
  if (check) {
    // The source's own weights: nothing to read.
  } else if (!llvm::sys::fs::exists(weightsPath)) {
    return fail(weightsPath + ": no such file or directory");
  } else if (llvm::sys::fs::is_directory(weightsPath)) {
    if (!readExportDir(weightsPath, trained, error))
      return fail(error);
  } else {
    try {
      runtime::Checkpoint ckpt = runtime::readCheckpoint(weightsPath);
      for (runtime::NamedTensor &t : ckpt.tensors)
        trained.push_back({t.name, t.kind, t.shape, std::move(t.data)});
    } catch (const std::exception &e) {
      return fail(e.what());
    }
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> rewritten;
  if (!rewrittenPath.empty()) {
    std::string openError;
    auto file = openInputFile(rewrittenPath, &openError);
    if (!file)
      return fail(rewrittenPath + ": " + openError);
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    rewritten = parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!rewritten)
      return fail(rewrittenPath + ": could not parse the module");
  }
  exporter::Summary summary;
  if (!exporter::exportWeights(format, sourcePath, check ? nullptr : &trained,
                               outputPath, options, &context, summary, error,
                               rewritten ? *rewritten : ModuleOp()))
    return fail(error);
  if (outputPath.empty())
    llvm::outs() << "OK " << sourcePath << ": " << summary.replaced
                 << " source tensors from " << summary.parameters
                 << " parameters map back unchanged";
  else
    llvm::outs() << "wrote " << outputPath << ": " << summary.replaced
                 << " source tensors from " << summary.parameters
                 << (check ? " parameters" : " trained parameters");
  if (summary.folded)
    llvm::outs() << " (" << summary.folded
                 << " trained biases the source has no tensor for folded "
                    "into the next layer)";
  if (summary.inserted)
    llvm::outs() << " (" << summary.inserted
                 << " batch norms inserted by a rewrite added to the graph)";
  if (summary.identities)
    llvm::outs() << " (" << summary.identities
                 << " batch norms folded away in training kept as identity)";
  if (summary.unchanged > summary.folded)
    llvm::outs() << " (" << summary.unchanged - summary.folded
                 << " importer-made constants unchanged)";
  llvm::outs() << "\n";
  return 0;
}
