//===- ModuleRunner.cpp - JIT-compile and call a tensor function ----------===//

#include "netrewrite/Runner/ModuleRunner.h"
#include "netrewrite/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#if NETREWRITE_ENABLE_CUDA
#include "netrewrite/Runtime/CudaRuntime.h"
#endif

#include <cstring>

using namespace mlir;
using namespace netrewrite;
using runtime::NpyArray;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// The one calling convention the runner supports: static float32 tensors.
llvm::Error checkTensorType(Type type, const llvm::Twine &what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.getElementType().isF32() || !tensor.hasStaticShape())
    return makeError(what + " has type " + typeString(type) +
                     "; netrewrite-run supports static float32 tensors only");
  return llvm::Error::success();
}

/// A ranked memref descriptor {allocated, aligned, offset, sizes[r],
/// strides[r]}: every field is 8 bytes, so one int64 vector fits any rank.
std::vector<int64_t> makeDescriptor(float *data, ArrayRef<int64_t> shape) {
  std::vector<int64_t> words(3 + 2 * shape.size());
  words[0] = words[1] = reinterpret_cast<int64_t>(data);
  words[2] = 0;
  int64_t stride = 1;
  for (int64_t i = shape.size() - 1; i >= 0; --i) {
    words[3 + i] = shape[i];
    words[3 + shape.size() + i] = stride;
    stride *= shape[i];
  }
  return words;
}

} // namespace

llvm::Expected<std::vector<NpyArray>>
netrewrite::runFunction(ModuleOp module, StringRef funcName,
                        const std::vector<NpyArray> &inputs,
                        const RunOptions &options) {
  auto func = module.lookupSymbol<func::FuncOp>(funcName);
  if (!func) {
    std::string names;
    for (auto f : module.getOps<func::FuncOp>())
      names += (names.empty() ? "" : ", ") + f.getSymName().str();
    return makeError("no function '" + funcName + "' in the module" +
                     (names.empty() ? std::string(" (it has no functions)")
                                    : " (functions: " + names + ")"));
  }
  if (func.isExternal())
    return makeError("function '" + funcName + "' is only a declaration");
  FunctionType type = func.getFunctionType();
  if (type.getNumInputs() != inputs.size())
    return makeError("function '" + funcName + "' takes " +
                     llvm::Twine(type.getNumInputs()) + " inputs but " +
                     llvm::Twine(inputs.size()) + " were given");
  for (auto [i, argType] : llvm::enumerate(type.getInputs())) {
    if (auto err = checkTensorType(argType, "argument #" + llvm::Twine(i)))
      return std::move(err);
    auto tensor = cast<RankedTensorType>(argType);
    if (ArrayRef<int64_t>(inputs[i].shape) != tensor.getShape())
      return makeError("input #" + llvm::Twine(i) + " has shape " +
                       inputs[i].shapeString() + " but argument #" +
                       llvm::Twine(i) + " of '" + funcName + "' is " +
                       typeString(argType));
  }
  std::vector<NpyArray> outputs(type.getNumResults());
  for (auto [i, resultType] : llvm::enumerate(type.getResults())) {
    if (auto err = checkTensorType(resultType, "result #" + llvm::Twine(i)))
      return std::move(err);
    auto tensor = cast<RankedTensorType>(resultType);
    outputs[i].shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    outputs[i].data.assign(tensor.getNumElements(), 0.0f);
  }

  // Lower to the LLVM dialect.
  PassManager pm(module->getName());
  LogicalResult built = failure();
  if (options.target == Target::CPU) {
    built = buildCPULoweringPipeline(pm, options.pipelineOptLevel,
                                     /*splitBatch=*/false,
                                     options.emulateGPUSchedule,
                                     options.winograd);
  } else {
#if NETREWRITE_ENABLE_CUDA
    CUDAPipelineOptions cudaOptions;
    cudaOptions.chip = options.cudaChip;
    // --codegen-opt=0: the naive kernels (the reference), as for the CPU.
    cudaOptions.schedule = options.pipelineOptLevel > 0;
    if (std::string f = getPTXFeaturesForChip(options.cudaChip); !f.empty())
      cudaOptions.features = f;
    built = buildCUDALoweringPipeline(pm, cudaOptions);
#else
    return makeError("this build has no CUDA target (cuda.h was not found "
                     "when it was configured)");
#endif
  }
  if (failed(built))
    return makeError("internal error: the lowering pipeline does not parse "
                     "(are netrewrite's passes registered?)");
  if (failed(pm.run(module)))
    return makeError("lowering to LLVM failed (see the diagnostics above)");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module->getContext());
  registerLLVMDialectTranslation(*module->getContext());
  registerOpenMPDialectTranslation(*module->getContext());
  // libomp reads OMP_NUM_THREADS when it starts, which is when the engine
  // loads it below.
  if (options.threads)
    setenv("OMP_NUM_THREADS", std::to_string(options.threads).c_str(), 1);

  ExecutionEngineOptions engineOptions;
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(options.optLevel, /*sizeLevel=*/0,
                                /*targetMachine=*/nullptr);
  engineOptions.transformer = optimize;
  std::string runnerUtils =
      std::string(NETREWRITE_MLIR_LIB_DIR) + "/libmlir_c_runner_utils.so";
  std::string openmp = std::string(NETREWRITE_MLIR_LIB_DIR) + "/libomp.so";
  SmallVector<StringRef, 2> libs{runnerUtils};
  if (options.pipelineOptLevel > 0)
    libs.push_back(openmp);
  engineOptions.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine)
    return engine.takeError();

  // Kernels can only read device-accessible memory: on CUDA, stage every
  // argument and result in managed buffers.
  std::vector<float *> buffers;
  for (const NpyArray &in : inputs)
    buffers.push_back(const_cast<float *>(in.data.data()));
  for (NpyArray &out : outputs)
    buffers.push_back(out.data.data());
#if NETREWRITE_ENABLE_CUDA
  std::vector<void *> managed;
  if (options.target == Target::CUDA) {
    const char *why = nullptr;
    if (netrewriteCudaProbe(&why) != 0)
      return makeError(llvm::Twine("cannot run on the GPU: ") + why);
    for (size_t i = 0; i < buffers.size(); ++i) {
      size_t bytes = (i < inputs.size() ? inputs[i].data.size()
                                        : outputs[i - inputs.size()].data.size()) *
                     sizeof(float);
      void *m = netrewriteCudaAllocManaged(bytes);
      std::memcpy(m, buffers[i], bytes);
      managed.push_back(m);
      buffers[i] = static_cast<float *>(m);
    }
  }
#endif

  // _mlir_ciface_<name>(inputs..., outputs...), each a descriptor pointer.
  std::vector<std::vector<int64_t>> descriptors;
  for (size_t i = 0; i < buffers.size(); ++i)
    descriptors.push_back(makeDescriptor(
        buffers[i], i < inputs.size() ? ArrayRef<int64_t>(inputs[i].shape)
                                      : ArrayRef<int64_t>(
                                            outputs[i - inputs.size()].shape)));
  std::vector<void *> descriptorPtrs, packed;
  for (auto &d : descriptors)
    descriptorPtrs.push_back(d.data());
  for (void *&p : descriptorPtrs)
    packed.push_back(&p);
  if (auto err = (*engine)->invokePacked(("_mlir_ciface_" + funcName).str(),
                                         packed))
    return std::move(err);
#if NETREWRITE_ENABLE_CUDA
  if (options.target == Target::CUDA) {
    netrewriteCudaSynchronize();
    for (size_t i = 0; i < outputs.size(); ++i)
      std::memcpy(outputs[i].data.data(), managed[inputs.size() + i],
                  outputs[i].data.size() * sizeof(float));
    for (void *m : managed)
      netrewriteCudaFree(m);
  }
#endif
  return outputs;
}
