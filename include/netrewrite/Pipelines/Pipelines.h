//===- Pipelines.h - netrewrite's lowering pipelines ------------*- C++ -*-===//

#ifndef NETREWRITE_PIPELINES_PIPELINES_H
#define NETREWRITE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace netrewrite {

/// Lowers a module of TOSA + nr functions on tensors to the LLVM dialect for
/// the host CPU. Public functions get a C interface (`_mlir_ciface_<name>`)
/// whose results are returned through trailing out-parameters, so that a
/// caller allocates every output buffer itself. The passes it names must be
/// registered (netrewrite::registerAllPasses). `optLevel` 0 gives naive
/// loops (the numeric reference); 1 and above give the scheduled pipeline
/// (tiled, vectorised, OpenMP-parallel; the code then needs libomp).
/// `splitBatch` (opt-level >= 1) runs `forward`'s per-image trunk one image
/// at a time, in parallel over the images (netrewrite-split-batch).
/// `emulateGPUSchedule` (opt-level 0, for tests) gives convolutions and
/// matmuls the CUDA target's tiling (netrewrite-schedule-cuda{map-to-gpu=0})
/// run as loops on the CPU: the GPU kernels' arithmetic, checkable without
/// a GPU. `winograd` (opt-level >= 1) computes 3x3 convolutions with
/// constant filters by Winograd F(2x2, 3x3) (netrewrite-winograd-conv).
mlir::LogicalResult buildCPULoweringPipeline(mlir::OpPassManager &pm,
                                             unsigned optLevel = 0,
                                             bool splitBatch = false,
                                             bool emulateGPUSchedule = false,
                                             bool winograd = false);

/// The front half both pipelines share: TOSA + nr on tensors to bufferized
/// linalg whose results are out-parameters, deallocation included (placed
/// before any kernel exists: it cannot see through gpu.launch_func).
llvm::StringRef getTensorToBuffersPipelineText();

/// The textual form of the CPU pipeline, for docs and `--help`.
std::string getCPULoweringPipelineText(unsigned optLevel = 0,
                                       bool splitBatch = false,
                                       bool emulateGPUSchedule = false,
                                       bool winograd = false);

/// Options of the CUDA pipeline (`--netrewrite-lower-cuda{chip=sm_80}`).
struct CUDAPipelineOptions
    : public mlir::PassPipelineOptions<CUDAPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("GPU architecture (sm_80, sm_90, ...), "
                                          "or several (sm_80,sm_90): one "
                                          "fatbin with SASS for each"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX ISA features (default: the oldest PTX ISA the chip "
                     "accepts, see getPTXFeaturesForChip)"),
      llvm::cl::init("")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Kernel binary: fatbin (SASS + PTX, default), bin "
                     "(cubin), isa (PTX text, for inspection)"),
      llvm::cl::init("fatbin")};
  Option<std::string> tileSizes{
      *this, "tile-sizes",
      llvm::cl::desc("Threads per block along the leading loop dimensions"),
      llvm::cl::init("1,4,32")};
  Option<bool> schedule{
      *this, "schedule",
      llvm::cl::desc("Shared-memory and register tiled kernels for "
                     "convolutions and matmuls (netrewrite-schedule-cuda); "
                     "false: every op as naive parallel loops"),
      llvm::cl::init(true)};
  Option<unsigned> kernelsPerModule{
      *this, "kernels-per-module",
      llvm::cl::desc("Kernels per gpu.module, hence per PTX/ptxas/fatbin "
                     "(netrewrite-gpu-merge-kernel-modules; 1: one each)"),
      llvm::cl::init(32)};
};

/// Lowers TOSA + nr to host LLVM code that launches CUDA kernels compiled
/// into an embedded binary. Entry points are as in the CPU pipeline; their
/// buffers must be device-accessible (managed memory).
mlir::LogicalResult buildCUDALoweringPipeline(mlir::OpPassManager &pm,
                                              const CUDAPipelineOptions &options);
std::string getCUDALoweringPipelineText(const CUDAPipelineOptions &options);

/// The PTX ISA feature (`+ptx80`, ...) that `chip` (`sm_90`, `sm_100a`, ...)
/// needs, or an empty string for a chip this toolchain cannot compile for:
/// LLVM aborts on a PTX version too old for the chip, and CUDA 13's ptxas
/// has dropped everything before sm_75. The tools check with this before
/// building the pipeline.
std::string getPTXFeaturesForChip(llvm::StringRef chip);
/// "sm_75, sm_80, ...", for error messages.
std::string getSupportedGPUChips();

/// Registers `--netrewrite-lower-cpu` and `--netrewrite-lower-cuda`.
void registerPipelines();

} // namespace netrewrite

#endif // NETREWRITE_PIPELINES_PIPELINES_H
