//===- Pipelines.h - netrewrite's lowering pipelines ------------*- C++ -*-===//

#ifndef NETREWRITE_PIPELINES_PIPELINES_H
#define NETREWRITE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace netrewrite {

/// Lowers a module of TOSA + nr functions on tensors to the LLVM dialect for
/// the host CPU. Public functions get a C interface (`_mlir_ciface_<name>`)
/// whose results are returned through trailing out-parameters, so that a
/// caller allocates every output buffer itself. The passes it names must be
/// registered (netrewrite::registerAllPasses). `optLevel` 0 gives naive
/// loops (the numeric reference); 1 and above give the scheduled pipeline
/// (tiled, vectorised, OpenMP-parallel; the code then needs libomp).
mlir::LogicalResult buildCPULoweringPipeline(mlir::OpPassManager &pm,
                                             unsigned optLevel = 0);

/// The textual form of the CPU pipeline, for docs and `--help`.
llvm::StringRef getCPULoweringPipelineText(unsigned optLevel = 0);

/// Registers `--netrewrite-lower-cpu`.
void registerPipelines();

} // namespace netrewrite

#endif // NETREWRITE_PIPELINES_PIPELINES_H
