//===- CPULowering.cpp - TOSA + nr to LLVM for the host CPU ---------------===//
//
// Correctness-first lowering: every stage is an upstream MLIR pass, spelled
// as a textual pipeline so that it reads exactly like the `mlir-opt` command
// that reproduces it (`netrewrite-opt --netrewrite-lower-cpu` prints nothing
// else). Scheduling for speed is layered on top of this in later stages.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Pipelines/Pipelines.h"
#include "netrewrite/Conversion/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

// TOSA + nr on tensors -> bufferized linalg with caller-allocated results:
// the half that the CPU and CUDA pipelines share.
static constexpr llvm::StringLiteral kTensorToBuffers =
    // Evaluation semantics for nr, then TOSA -> linalg/arith/tensor.
    "netrewrite-strip-param-attrs,"
    " func.func(convert-nr-to-tosa, tosa-optional-decompositions,"
    " tosa-to-linalg-named, tosa-to-linalg, tosa-to-arith, tosa-to-tensor,"
    " canonicalize),"
    // Fuse elementwise chains before buffers exist.
    " func.func(linalg-fuse-elementwise-ops), canonicalize, cse,"
    // Tensors -> buffers; results become caller-allocated out-params.
    " one-shot-bufferize{bufferize-function-boundaries"
    " function-boundary-type-conversion=identity-layout-map},"
    " buffer-results-to-out-params{modify-public-functions},"
    " buffer-deallocation-pipeline";

static const std::string kCPUPipeline =
    kTensorToBuffers.str() +
    // Loops and the LLVM dialect.
    ", func.func(convert-linalg-to-loops), math-expand-ops,"
    " expand-strided-metadata, lower-affine, convert-scf-to-cf,"
    " func.func(llvm-request-c-wrappers), convert-to-llvm,"
    " reconcile-unrealized-casts";

llvm::StringRef netrewrite::getTensorToBuffersPipelineText() {
  return kTensorToBuffers;
}

llvm::StringRef netrewrite::getCPULoweringPipelineText() { return kCPUPipeline; }

LogicalResult netrewrite::buildCPULoweringPipeline(OpPassManager &pm) {
  return parsePassPipeline(kCPUPipeline, pm);
}

void netrewrite::registerPipelines() {
  PassPipelineRegistration<>(
      "netrewrite-lower-cpu",
      "Lower TOSA + nr on tensors to the LLVM dialect for the host CPU, with "
      "C-interface entry points whose results are out-parameters",
      [](OpPassManager &pm) {
        if (failed(buildCPULoweringPipeline(pm)))
          llvm::report_fatal_error("the built-in CPU pipeline does not parse");
      });
  PassPipelineRegistration<CUDAPipelineOptions>(
      "netrewrite-lower-cuda",
      "Lower TOSA + nr to host LLVM code launching CUDA kernels (embedded "
      "binary for `chip`); buffers live in CUDA managed memory",
      [](OpPassManager &pm, const CUDAPipelineOptions &options) {
        if (failed(buildCUDALoweringPipeline(pm, options)))
          llvm::report_fatal_error("the built-in CUDA pipeline does not parse");
      });
}
