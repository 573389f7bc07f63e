//===- netrewrite-run.cpp - Run a function of a module on .npy inputs -----===//
//
//   netrewrite-run model.mlir --function=forward --input=@x.npy \
//       --output=@y.npy [--print]
//
// Lowers the module with the CPU pipeline, JIT-compiles it and calls the
// function. Inputs and outputs are float32 C-order .npy files.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/InitAll.h"
#include "netrewrite/Runner/LoadModule.h"
#include "netrewrite/Pipelines/Pipelines.h"
#include "netrewrite/Runner/ModuleRunner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using netrewrite::runtime::NpyArray;
namespace cl = llvm::cl;

// `--help` lists these and not the hundreds of options linked in with LLVM.
static cl::OptionCategory runCategory("netrewrite-run options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<module.mlir|.mlirbc>"),
                                      cl::Required, cl::cat(runCategory));
static cl::opt<std::string> functionName("function",
                                         cl::desc("Function to call"),
                                         cl::init("forward"),
                                         cl::cat(runCategory));
static cl::list<std::string> inputArrays(
    "input", cl::desc("@file.npy for the next function argument (repeatable)"),
    cl::cat(runCategory));
static cl::list<std::string> outputArrays(
    "output", cl::desc("@file.npy for the next function result (repeatable)"),
    cl::cat(runCategory));
static cl::opt<bool> printOutputs("print", cl::desc("Print the results"),
                                  cl::cat(runCategory));
static cl::opt<std::string> target("target", cl::desc("cpu (default) or cuda"),
                                   cl::init("cpu"), cl::cat(runCategory));
static cl::opt<std::string>
    gpuChip("gpu-chip", cl::desc("GPU architecture for --target=cuda"),
            cl::init("sm_90"), cl::cat(runCategory));
static cl::opt<unsigned> codegenOpt(
    "codegen-opt",
    cl::desc("Lowering pipeline: 0 naive loops (reference), 3 tiled, "
             "vectorised, parallel (netrewrite-lower-cpu{opt-level=3}; "
             "--target=cuda: shared-memory tiled conv/matmul kernels)"),
    cl::init(0), cl::cat(runCategory));
static cl::opt<unsigned>
    threads("num-threads",
            cl::desc("Threads for --codegen-opt>0 (default: all cores)"),
            cl::init(0), cl::cat(runCategory));
static cl::opt<bool> emulateGPUSchedule(
    "emulate-gpu-schedule",
    cl::desc("Tests, --target=cpu: convolutions and matmuls with the CUDA "
             "target's tiling, run as CPU loops"),
    cl::init(false), cl::Hidden, cl::cat(runCategory));
static cl::opt<bool> winograd(
    "codegen-winograd",
    cl::desc("With --codegen-opt>0 on the CPU: 3x3 convolutions with "
             "constant filters by Winograd F(2x2, 3x3), as "
             "netrewrite-compile does by default (netrewrite-winograd-conv)"),
    cl::init(false), cl::cat(runCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimisation level"),
                                  cl::init(2), cl::Prefix,
                                  cl::cat(runCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "netrewrite-run") << message << "\n";
  return 1;
}

/// `@path` or plain `path` -> path.
static std::string stripAt(const std::string &arg) {
  return !arg.empty() && arg[0] == '@' ? arg.substr(1) : arg;
}

/// Prints like numpy with full float precision, so tests can compare text.
static void printArray(llvm::raw_ostream &os, const NpyArray &array) {
  size_t rank = array.shape.size();
  if (rank == 0) {
    os << llvm::format("%.8g", array.data[0]) << "\n";
    return;
  }
  std::vector<int64_t> index(rank, 0);
  for (int64_t flat = 0; flat < array.numElements(); ++flat) {
    // Open a bracket for every axis whose index just wrapped to zero.
    size_t opens = 0;
    for (size_t d = rank; d-- > 0 && index[d] == 0;)
      ++opens;
    if (flat > 0)
      os << (opens ? "\n" : " ");
    if (opens)
      os.indent(rank - opens);
    for (size_t k = 0; k < opens; ++k)
      os << "[";
    os << llvm::format("%.8g", array.data[flat]);
    size_t closes = 0;
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < array.shape[d])
        break;
      index[d] = 0;
      ++closes;
    }
    for (size_t k = 0; k < closes; ++k)
      os << "]";
  }
  os << "\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  netrewrite::registerAllPasses();
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "netrewrite-run: compile a module for the CPU and call one function on "
      ".npy inputs\n");

  std::vector<NpyArray> inputs(inputArrays.size());
  for (size_t i = 0; i < inputArrays.size(); ++i) {
    std::string error;
    if (!netrewrite::runtime::readNpy(stripAt(inputArrays[i]), inputs[i], error))
      return fail(error);
  }

  DialectRegistry registry;
  netrewrite::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  auto loaded = netrewrite::loadModule(inputFile, context, sourceMgr);
  if (!loaded)
    return fail(llvm::toString(loaded.takeError()));
  OwningOpRef<ModuleOp> module = std::move(*loaded);
  std::string error;

  // Refuse a surplus --output before computing anything.
  if (auto func = module->lookupSymbol<func::FuncOp>(functionName))
    if (outputArrays.size() > func.getNumResults())
      return fail(llvm::Twine(outputArrays.size()) +
                  " --output files given but '" + functionName + "' returns " +
                  llvm::Twine(func.getNumResults()) + " results");
  netrewrite::RunOptions options;
  options.optLevel = optLevel;
  if (target == "cuda")
    options.target = netrewrite::Target::CUDA;
  else if (target != "cpu")
    return fail("--target='" + target + "': expected cpu or cuda");
  if (target == "cuda" && netrewrite::getPTXFeaturesForChip(gpuChip).empty())
    return fail("--gpu-chip=" + gpuChip + ": expected one of " +
                netrewrite::getSupportedGPUChips() +
                " (optionally with the suffix a)");
  options.cudaChip = gpuChip;
  options.pipelineOptLevel = codegenOpt;
  options.emulateGPUSchedule = emulateGPUSchedule;
  options.winograd = winograd;
  options.threads = threads;
  auto results = netrewrite::runFunction(*module, functionName, inputs, options);
  if (!results)
    return fail(inputFile + ": " + llvm::toString(results.takeError()));

  for (size_t i = 0; i < outputArrays.size(); ++i)
    if (!netrewrite::runtime::writeNpy(stripAt(outputArrays[i]), (*results)[i],
                                       error))
      return fail(error);
  if (printOutputs)
    for (size_t i = 0; i < results->size(); ++i) {
      llvm::outs() << "result #" << i << ": " << (*results)[i].shapeString()
                   << "\n";
      printArray(llvm::outs(), (*results)[i]);
    }
  return 0;
}
