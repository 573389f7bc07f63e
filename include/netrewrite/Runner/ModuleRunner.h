//===- ModuleRunner.h - JIT-compile and call a tensor function --*- C++ -*-===//
//
// Compiles a module of TOSA + nr functions with the CPU lowering pipeline,
// JIT-compiles it with MLIR's ExecutionEngine and calls one function on
// float32 arrays. This is the numeric ground truth every later test uses.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNNER_MODULERUNNER_H
#define NETREWRITE_RUNNER_MODULERUNNER_H

#include "netrewrite/Runtime/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace netrewrite {

enum class Target { CPU, CUDA };

struct RunOptions {
  /// LLVM optimisation level for the JIT (0-3).
  unsigned optLevel = 2;
  /// CPU: --netrewrite-lower-cpu. CUDA: --netrewrite-lower-cuda, with the
  /// arguments and results in managed memory.
  Target target = Target::CPU;
  /// GPU architecture for Target::CUDA.
  std::string cudaChip = "sm_90";
  /// Lowering pipeline: 0 naive loops, >= 1 the scheduled (fast) pipeline.
  unsigned pipelineOptLevel = 0;
  /// Target::CPU, tests: run convolutions and matmuls with the CUDA
  /// target's tiling, as CPU loops (buildCPULoweringPipeline).
  bool emulateGPUSchedule = false;
  /// Target::CPU, pipelineOptLevel >= 1: 3x3 convolutions with constant
  /// filters by Winograd F(2x2, 3x3) (netrewrite-winograd-conv).
  bool winograd = false;
  /// Threads for the parallel loops of the fast pipeline; 0 = all cores.
  unsigned threads = 0;
};

/// Checks that `funcName` exists in `module` and that `inputs` match its
/// argument types (static float32 tensors), lowers the module in place and
/// runs the function. Returns its results in order.
llvm::Expected<std::vector<runtime::NpyArray>>
runFunction(mlir::ModuleOp module, llvm::StringRef funcName,
            const std::vector<runtime::NpyArray> &inputs,
            const RunOptions &options = {});

} // namespace netrewrite

#endif // NETREWRITE_RUNNER_MODULERUNNER_H
