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

// Loops and the LLVM dialect.
static constexpr llvm::StringLiteral kNaiveBack =
    ", func.func(convert-linalg-to-loops), netrewrite-approximate-erf,"
    " math-expand-ops, expand-strided-metadata, lower-affine,"
    " convert-scf-to-cf{allow-pattern-rollback=false},"
    " func.func(llvm-request-c-wrappers), convert-to-llvm,"
    " reconcile-unrealized-casts";

static const std::string kCPUPipeline =
    kTensorToBuffers.str() + kNaiveBack.str();

/// The CUDA target's tiled convolutions and matmuls as CPU loops (block
/// and thread loops run one after the other, which the barriers between
/// copies and compute make equivalent).
static const std::string kCPUEmulatedGPUSchedulePipeline =
    kTensorToBuffers.str() +
    ", func.func(netrewrite-schedule-cuda{map-to-gpu=0}, scf-forall-to-for,"
    " netrewrite-reductions-inner, netrewrite-split-reductions)" +
    kNaiveBack.str();

llvm::StringRef netrewrite::getTensorToBuffersPipelineText() {
  return kTensorToBuffers;
}

/// The scheduled pipeline (opt-level >= 1): the same front and back as the
/// naive one, with the Codegen passes in between. Convolution filters are
/// asked for in HWCF layout (transposed once at compile time) because the
/// 1-D convolution vectoriser wants the output channel innermost. Padded
/// activations are computed straight into their padded buffers
/// (netrewrite-pad-in-place + eliminate-empty-tensors) instead of being
/// copied into them; `cse` before `canonicalize` merges the two subviews
/// of an insert into a padded buffer, so the copy of the interior onto
/// itself folds away. Parallel
/// `scf.forall` loops become OpenMP worksharing loops (libomp at run time);
/// copies (padding, concatenation) become loops LLVM vectorises instead of
/// calls to the generic memrefCopy (netrewrite-lower-vectors-cpu);
/// memref lowering runs before scf-to-cf because the alloca scopes the
/// OpenMP conversion creates must still hold single-block regions.
/// scf-to-cf runs without pattern rollback (the result is the same): with
/// it, every loop's block split is recorded for a possible undo, quadratic
/// in a function with thousands of loops (measured 0.9 GB for a small
/// @train_step, 9 GB for a whole MobileNetV2's; 0.2 GB without).
static constexpr llvm::StringLiteral kCPUFastFront =
    "netrewrite-strip-param-attrs,"
    " func.func(convert-nr-to-tosa, tosa-optional-decompositions),";
/// Between the two halves, on TOSA, the batch split when it is asked for.
static constexpr llvm::StringLiteral kSplitBatch = " netrewrite-split-batch,";
/// ... without netrewrite-winograd-conv: no layer gets the Winograd trunk
/// rule (winograd-filter-ratio).
static constexpr llvm::StringLiteral kSplitBatchNoWinograd =
    " netrewrite-split-batch{winograd-filter-ratio=0},";
/// TOSA -> linalg, filters as HWCF constants.
static constexpr llvm::StringLiteral kCPUFastToLinalg =
    " func.func(tosa-to-linalg-named{prefer-conv2d-kernel-layout-hwcf=true},"
    " tosa-to-linalg, tosa-to-arith, tosa-to-tensor,"
    " netrewrite-approximate-erf, canonicalize),"
    " netrewrite-fold-weight-transposes,";
/// Then, when asked for, netrewrite-winograd-conv: after the filters are
/// constants in HWCF layout, before fusion and scheduling see the
/// convolutions (its 1x1 products are then scheduled like any other).
static constexpr llvm::StringLiteral kWinograd =
    " func.func(netrewrite-winograd-conv),";
/// Fusion, schedules, buffers, loops, LLVM.
static constexpr llvm::StringLiteral kCPUFastSchedule =
    " func.func(netrewrite-depthwise-to-hwc, netrewrite-fuse-elementwise,"
    " netrewrite-fold-unit-dims-keep-batch,"
    " netrewrite-collapse-contractions), canonicalize, cse,"
    " func.func(netrewrite-transpose-before-pad,"
    " netrewrite-schedule-cpu{others=false},"
    " netrewrite-pack-filter-values, netrewrite-schedule-cpu{anchors=false}),"
    " netrewrite-pack-filter-tiles,"
    " canonicalize, cse,"
    " func.func(netrewrite-pad-in-place), eliminate-empty-tensors,"
    " one-shot-bufferize{bufferize-function-boundaries"
    " function-boundary-type-conversion=identity-layout-map},"
    " buffer-results-to-out-params{modify-public-functions hoist-static-allocs},"
    " buffer-deallocation-pipeline, cse, canonicalize,"
    " netrewrite-lower-vectors-cpu,"
    " func.func(netrewrite-prefetch-epilogue-loads, netrewrite-minmax-nsz,"
    " netrewrite-schedule-buffers-cpu), canonicalize, cse,"
    " func.func(convert-vector-to-scf{full-unroll}),"
    " netrewrite-outline-serial-loops,"
    " scf-forall-to-parallel, convert-scf-to-openmp,"
    " netrewrite-omp-schedule, convert-vector-to-llvm,"
    " func.func(convert-linalg-to-loops), math-expand-ops,"
    " expand-strided-metadata, lower-affine, finalize-memref-to-llvm,"
    " convert-scf-to-cf{allow-pattern-rollback=false},"
    " func.func(llvm-request-c-wrappers), convert-to-llvm,"
    " reconcile-unrealized-casts";


std::string netrewrite::getCPULoweringPipelineText(unsigned optLevel,
                                                   bool splitBatch,
                                                   bool emulateGPUSchedule,
                                                   bool winograd) {
  if (emulateGPUSchedule)
    return kCPUEmulatedGPUSchedulePipeline;
  if (optLevel == 0)
    return kCPUPipeline;
  std::string text = kCPUFastFront.str();
  if (splitBatch)
    text += winograd ? kSplitBatch : kSplitBatchNoWinograd;
  text += kCPUFastToLinalg;
  if (winograd)
    text += kWinograd;
  return text + kCPUFastSchedule.str();
}

LogicalResult netrewrite::buildCPULoweringPipeline(OpPassManager &pm,
                                                   unsigned optLevel,
                                                   bool splitBatch,
                                                   bool emulateGPUSchedule,
                                                   bool winograd) {
  return parsePassPipeline(getCPULoweringPipelineText(
                               optLevel, splitBatch, emulateGPUSchedule,
                               winograd),
                           pm);
}

namespace {
struct CPULoweringOptions : public PassPipelineOptions<CPULoweringOptions> {
  Option<unsigned> optLevel{
      *this, "opt-level",
      llvm::cl::desc("0: naive loops (the reference); 1-3: tiled, "
                     "vectorised, OpenMP-parallel code"),
      llvm::cl::init(0)};
  Option<bool> splitBatch{
      *this, "split-batch",
      llvm::cl::desc("With opt-level >= 1: run @forward's per-image trunk one "
                     "image at a time, in parallel over the images"),
      llvm::cl::init(false)};
  Option<bool> winograd{
      *this, "winograd",
      llvm::cl::desc("With opt-level >= 1: 3x3 convolutions with constant "
                     "filters by Winograd F(2x2, 3x3) "
                     "(netrewrite-winograd-conv)"),
      llvm::cl::init(false)};
  Option<bool> emulateGPUSchedule{
      *this, "emulate-gpu-schedule",
      llvm::cl::desc("Tests: the CUDA target's tiled convolutions and "
                     "matmuls as naive CPU loops (netrewrite-schedule-cuda"
                     "{map-to-gpu=0}); the other ops as with opt-level=0"),
      llvm::cl::init(false)};
};
} // namespace

void netrewrite::registerPipelines() {
  PassPipelineRegistration<CPULoweringOptions>(
      "netrewrite-lower-cpu",
      "Lower TOSA + nr on tensors to the LLVM dialect for the host CPU, with "
      "C-interface entry points whose results are out-parameters",
      [](OpPassManager &pm, const CPULoweringOptions &options) {
        if (failed(buildCPULoweringPipeline(pm, options.optLevel,
                                            options.splitBatch,
                                            options.emulateGPUSchedule,
                                            options.winograd)))
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
