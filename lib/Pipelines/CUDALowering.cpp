//===- CUDALowering.cpp - TOSA + nr to host LLVM + CUDA kernels -----------===//
//
// GPU lowering: convolutions and matmuls get shared-memory and register
// tiled kernels (netrewrite-schedule-cuda); every other linalg op becomes a
// parallel loop nest, tiled so that the leading three dimensions map to
// blocks and their tiles to threads. Kernels are outlined and
// compiled by NVPTX + ptxas into a binary embedded in the host module. Host
// buffers live in managed memory (netrewrite-gpu-managed-memory), buffer
// copies run as kernels (netrewrite-copy-to-linalg), weights are copied to
// the GPU once per process (netrewrite-gpu-resident-globals); the host calls
// the project's mgpu* runtime (lib/Runtime/CUDA).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <cstdlib>

using namespace mlir;

/// MLIR's NVVM target links libdevice (`__nv_rsqrtf`, `__nv_expf`, ...) only
/// when it knows the CUDA toolkit, which it learns from CUDA_ROOT, CUDA_HOME
/// or CUDA_PATH; gpu-lower-to-nvvm-pipeline has no option for it. Without
/// one, kernels calling libdevice fail in ptxas with "Unresolved extern
/// function". So point CUDA_HOME at the toolkit this build was configured
/// with, unless the user chose one.
static void useConfiguredCUDAToolkit() {
#ifdef NETREWRITE_CUDA_TOOLKIT_DIR
  if (!std::getenv("CUDA_ROOT") && !std::getenv("CUDA_HOME") &&
      !std::getenv("CUDA_PATH"))
    ::setenv("CUDA_HOME", NETREWRITE_CUDA_TOOLKIT_DIR, /*overwrite=*/0);
#endif
}

/// The numeric part of "sm_90a" (90), for ordering chips.
static unsigned chipNumber(StringRef chip) {
  unsigned n = 0;
  chip.consume_front("sm_");
  chip.consume_back("a");
  return chip.getAsInteger(10, n) ? 0 : n;
}

std::string netrewrite::getCUDALoweringPipelineText(const CUDAPipelineOptions &o) {
  // Fatbins (the default format) are built by netrewrite-gpu-fatbin from
  // PTX for the oldest chip: SASS for each chip ("sm_80,sm_90" gives both),
  // ptxas running on all cores instead of one module after the other as in
  // gpu-module-to-binary. `bin` and `isa` stay with MLIR's own path.
  SmallVector<StringRef> chips;
  StringRef(o.chip).split(chips, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  llvm::stable_sort(chips, [](StringRef a, StringRef b) {
    return chipNumber(a) < chipNumber(b);
  });
  bool multi = chips.size() > 1 || o.format == "fatbin";
  std::string chip = chips.empty() ? o.chip.getValue() : chips.front().str();
  std::string chipList = llvm::join(chips, ",");
  std::string format = multi ? std::string("isa") : o.format.getValue();
  std::string features = o.features;
  if (features.empty())
    features = getPTXFeaturesForChip(chip);
  if (features.empty())
    features = "+ptx80"; // an unknown chip: let ptxas say what is wrong
  return getTensorToBuffersPipelineText().str() + "," +
      // Convolutions and matmuls: tiled kernels of their own.
      (o.schedule ? " func.func(netrewrite-schedule-cuda, canonicalize)," : "") +
      // The rest: parallel loops -> blocks x threads -> outlined kernels,
      // reductions inside (not host loops of launches).
      // Reductions with few outputs in two stages, for more threads.
      " func.func(netrewrite-reductions-inner, netrewrite-split-reductions),"
      // Buffer copies as linalg, so they become kernels too.
      " func.func(netrewrite-copy-to-linalg, convert-linalg-to-parallel-loops,"
      " scf-parallel-loop-tiling{parallel-loop-tile-sizes=" + o.tileSizes +
      " no-min-max-bounds}, gpu-map-parallel-loops,"
      " convert-parallel-loops-to-gpu),"
      " gpu-kernel-outlining, netrewrite-gpu-workgroup-buffers,"
      " netrewrite-gpu-merge-kernel-modules{kernels-per-module=" +
      std::to_string(o.kernelsPerModule) + "},"
      " func.func(llvm-request-c-wrappers),"
      // After the C-wrapper request: the runtime's free is a plain C symbol.
      " netrewrite-gpu-managed-memory, canonicalize, lower-affine,"
      " convert-scf-to-cf,"
      // Kernels -> NVVM -> PTX -> binary (ptxas); host -> LLVM.
      " gpu-lower-to-nvvm-pipeline{cubin-chip=" + chip +
      " cubin-features=" + features + " cubin-format=" + format + "}," +
      (multi ? " netrewrite-gpu-fatbin{chips=" + chipList + "}," : "") +
      // Weights: one GPU copy per process instead of one per call.
      " netrewrite-gpu-resident-globals,"
      " reconcile-unrealized-casts";
}

namespace {
/// Chips the CUDA 13 toolkit and LLVM 22 compile for (each checked with
/// the small CNN), with the oldest PTX ISA that LLVM accepts for them.
struct ChipInfo {
  unsigned number;
  const char *features;
};
constexpr ChipInfo kChips[] = {
    {75, "+ptx80"},  {80, "+ptx80"},  {86, "+ptx80"},  {87, "+ptx80"},
    {89, "+ptx80"},  {90, "+ptx80"},  {100, "+ptx87"}, {103, "+ptx88"},
    {110, "+ptx90"}, {120, "+ptx90"}, {121, "+ptx90"},
};
} // namespace

std::string netrewrite::getPTXFeaturesForChip(llvm::StringRef chip) {
  // sm_<number>, optionally with the architecture-specific suffix `a`.
  if (!chip.consume_front("sm_"))
    return "";
  chip.consume_back("a");
  unsigned number = 0;
  if (chip.getAsInteger(10, number))
    return "";
  for (const ChipInfo &c : kChips)
    if (c.number == number)
      return c.features;
  return "";
}

std::string netrewrite::getSupportedGPUChips() {
  std::string list;
  for (const ChipInfo &c : kChips)
    list += (list.empty() ? "sm_" : ", sm_") + std::to_string(c.number);
  return list;
}

LogicalResult netrewrite::buildCUDALoweringPipeline(OpPassManager &pm,
                                                    const CUDAPipelineOptions &o) {
  useConfiguredCUDAToolkit();
  return parsePassPipeline(getCUDALoweringPipelineText(o), pm);
}
