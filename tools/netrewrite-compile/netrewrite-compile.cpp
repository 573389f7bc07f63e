//===- netrewrite-compile.cpp - Compile a model to a native executable ----===//
//
//   netrewrite-compile model.mlir --target=cpu [-O3] -o model_eval
//   netrewrite-compile model.mlir --target=cuda [--gpu-chip=sm_90] -o model_gpu
//   netrewrite-compile model.mlir --emit=mlir-llvm|llvm|obj -o out
//
// Lowers the module's `@forward(tensor<BxHxWxCxf32>) -> tensor<BxKxf32>`
// with the CPU pipeline (-O0: naive loops, -O1 and above: the scheduled
// pipeline), translates it to LLVM IR, optimises and emits an object file
// for the host CPU in process (LLVM TargetMachine), and links it with the
// runtime's main() (lib/Runtime/ExecutableMain.cpp) into one executable.
// Only linking calls an external program (clang++-22 with lld).
//
// --target=cuda lowers with the CUDA pipeline instead: the host code becomes
// the object file, the kernels ride along in it as an embedded fatbin, and
// the project's mgpu* runtime (lib/Runtime/CUDA, libcuda opened with dlopen)
// is linked in statically, so the executable starts anywhere and says
// clearly when there is no GPU (see docs/gpu.md).
//
//===----------------------------------------------------------------------===//

#include "KernelSplit.h"

#include "netrewrite/InitAll.h"
#include "netrewrite/Pipelines/Pipelines.h"
#include "netrewrite/Runner/LoadModule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <deque>
#include <mutex>

using namespace mlir;
namespace cl = llvm::cl;

// `--help` lists these and not the hundreds of options linked in with LLVM.
static cl::OptionCategory compileCategory("Compile options");
static cl::OptionCategory trainCategory("Training options (with --train)");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<module.mlir|.mlirbc>"),
                                      cl::Required, cl::cat(compileCategory));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::Required, cl::cat(compileCategory));
static cl::opt<std::string> target("target", cl::desc("Target: cpu or cuda"),
                                   cl::init("cpu"), cl::cat(compileCategory));
static cl::opt<std::string> gpuChip(
    "gpu-chip",
    cl::desc("With --target=cuda: the GPU architecture (sm_80, sm_90, ...); "
             "the executable carries its machine code plus PTX, which newer "
             "GPUs compile when they load it"),
    cl::init("sm_90"), cl::cat(compileCategory));
static cl::opt<unsigned> optLevel(
    "O", cl::desc("0: naive loops; 1-3: scheduled, vectorised, parallel code "
                  "(--target=cuda: shared-memory tiled conv/matmul kernels)"),
    cl::init(3), cl::Prefix, cl::cat(compileCategory));
static cl::opt<std::string>
    emit("emit", cl::desc("What to write: exe (default), obj, llvm, mlir-llvm"),
         cl::init("exe"), cl::cat(compileCategory));
static cl::opt<std::string> functionName("function",
                                         cl::desc("The model's entry point"),
                                         cl::init("forward"),
                                         cl::cat(compileCategory));

static cl::opt<bool>
    train("train",
          cl::desc("Also build @train_step (weights become parameters, "
                   "reverse-mode autodiff, optimizer) for the `train` "
                   "subcommand; `eval --weights` then reads checkpoints"),
          cl::cat(trainCategory));
static cl::opt<std::string> optimizer(
    "optimizer",
    cl::desc(
        "With --train: sgd | momentum | nesterov | rmsprop | adam | adamw"),
    cl::init("rmsprop"), cl::cat(trainCategory));
static cl::list<std::string>
    freeze("freeze",
           cl::desc("With --train: layer-name glob whose weights stay "
                    "fixed (repeatable)"),
           cl::cat(trainCategory));

static cl::opt<int> llvmOpt(
    "llvm-opt",
    cl::desc("LLVM IR optimisation level 0-3 after MLIR's lowering (default: "
             "3, or 0 with --train: the scheduled MLIR code is already "
             "vectorised, and LLVM's loop passes are super-linear in the "
             "thousands of loops of one @train_step)"),
    cl::init(-1), cl::cat(compileCategory));

static cl::opt<bool> splitBatch(
    "split-batch",
    cl::desc("CPU, -O1 and above: run the network's per-image part (its "
             "convolutional trunk) one image at a time, threads taking "
             "whole images, instead of layer by layer over the batch "
             "(netrewrite-split-batch; batches of 8 and more; default on)"),
    cl::init(true), cl::cat(compileCategory));

static cl::opt<bool> winograd(
    "winograd",
    cl::desc("CPU, -O1 and above: compute 3x3 stride-1 convolutions with "
             "constant filters and at least 128 input and output channels "
             "by Winograd F(2x2, 3x3), 2.25x fewer multiply-adds, where the "
             "batch makes it pay (netrewrite-winograd-conv; results differ "
             "from the direct convolution by rounding only; default on)"),
    cl::init(true), cl::cat(compileCategory));

static cl::opt<bool> emulateGPUSchedule(
    "emulate-gpu-schedule",
    cl::desc("Tests, --target=cpu: convolutions and matmuls with the CUDA "
             "target's tiling (netrewrite-schedule-cuda), run as CPU loops; "
             "everything else as at -O0"),
    cl::init(false), cl::Hidden, cl::cat(compileCategory));

static cl::opt<bool> splitBodies(
    "split-parallel-bodies",
    cl::desc("With --train: compile the outlined parallel loop bodies with "
             "the optimising code generator, in an object of their own "
             "(default on; off only to compare)"),
    cl::init(true), cl::Hidden, cl::cat(trainCategory));

static cl::opt<unsigned> codegenThreads(
    "codegen-threads",
    cl::desc("Threads for LLVM code generation (the host code and the parts "
             "of a training step's parallel bodies compile side by side; "
             "default 0: one per core)"),
    cl::init(0), cl::cat(compileCategory));

static cl::opt<bool> timePhases(
    "time-phases",
    cl::desc("Print the wall time of each compile phase (each MLIR "
             "pass, translation, LLVM optimisation, code generation, link) "
             "to stderr"),
    cl::init(false), cl::cat(compileCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "netrewrite-compile") << message << "\n";
  return 1;
}

/// "BxHxWxC->BxK" from @forward's type, or an error naming what is wrong.
static llvm::Expected<std::string> modelSignature(func::FuncOp func) {
  auto err = [&](const llvm::Twine &m) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'@" + functionName + "' " + m);
  };
  FunctionType type = func.getFunctionType();
  if (type.getNumInputs() != 1 || type.getNumResults() != 1)
    return err("must take one image batch and return one tensor of scores");
  auto in = dyn_cast<RankedTensorType>(type.getInput(0));
  auto out = dyn_cast<RankedTensorType>(type.getResult(0));
  if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() ||
      in.getRank() != 4 || out.getRank() != 2 ||
      !in.getElementType().isF32() || !out.getElementType().isF32())
    return err("must have type (tensor<BxHxWxCxf32>) -> tensor<BxKxf32> "
               "with static sizes");
  if (in.getDimSize(0) != out.getDimSize(0))
    return err("returns a batch of " + llvm::Twine(out.getDimSize(0)) +
               " for an input batch of " + llvm::Twine(in.getDimSize(0)));
  std::string s;
  llvm::raw_string_ostream os(s);
  os << in.getDimSize(0) << "x" << in.getDimSize(1) << "x" << in.getDimSize(2)
     << "x" << in.getDimSize(3) << "->" << out.getDimSize(0) << "x"
     << out.getDimSize(1);
  return s;
}

/// One function's entry in the manifest: every argument with its shape,
/// name and kind (from the training transform's nr.* attributes), and every
/// result's shape.
static llvm::json::Object describeFunction(func::FuncOp func) {
  auto shapeOf = [](Type t) {
    llvm::json::Array dims;
    if (auto tensor = dyn_cast<RankedTensorType>(t))
      for (int64_t d : tensor.getShape())
        dims.push_back(d);
    return dims;
  };
  auto str = [&](DictionaryAttr attrs, StringRef key) -> std::string {
    if (auto a = attrs ? attrs.getAs<StringAttr>(key) : StringAttr())
      return a.str();
    return "";
  };
  llvm::json::Array inputs, outputs;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    DictionaryAttr attrs = func.getArgAttrDict(i);
    llvm::json::Object in{{"shape", shapeOf(func.getArgument(i).getType())}};
    if (std::string name = str(attrs, "nr.param"); !name.empty()) {
      std::string kind = str(attrs, "nr.kind");
      in["name"] = name;
      in["kind"] = kind.empty() ? "trainable" : kind;
    } else if (std::string name = str(attrs, "nr.opt_state"); !name.empty()) {
      in["name"] = name;
      in["kind"] = "opt_state";
    } else {
      std::string io = str(attrs, "nr.io");
      in["name"] = io.empty() ? "x" : io;
      in["kind"] = "input";
    }
    inputs.push_back(std::move(in));
  }
  for (Type t : func.getResultTypes())
    outputs.push_back(llvm::json::Object{{"shape", shapeOf(t)}});
  return llvm::json::Object{{"inputs", std::move(inputs)},
                            {"outputs", std::move(outputs)}};
}

/// `netrewrite_model_manifest`: what the runtime needs to size buffers and
/// call the entry points (see docs/runtime.md). Read before lowering, which
/// strips the nr.* attributes.
static std::string modelManifest(ModuleOp module, func::FuncOp forward,
                                 bool cuda) {
  llvm::json::Object functions;
  for (StringRef name : {"forward", "train_step", "init_params"})
    if (auto f = module.lookupSymbol<func::FuncOp>(name))
      functions[name] = describeFunction(f);
  auto in = cast<RankedTensorType>(forward.getFunctionType().getInputs().back());
  auto out = cast<RankedTensorType>(forward.getFunctionType().getResult(0));
  llvm::json::Array inputShape;
  for (int64_t d : in.getShape())
    inputShape.push_back(d);
  llvm::json::Object manifest{{"functions", std::move(functions)},
                              {"batch", in.getDimSize(0)},
                              {"input_shape", std::move(inputShape)},
                              {"num_classes", out.getDimSize(1)}};
  if (auto step = module.lookupSymbol<func::FuncOp>("train_step"))
    if (auto opt = step->getAttrOfType<StringAttr>("nr.optimizer"))
      manifest["optimizer"] = opt.str();
  if (cuda) {
    // The runtime keeps tensors in GPU memory and checks for a GPU first.
    manifest["target"] = "cuda";
    manifest["gpu_chip"] = gpuChip.getValue();
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(manifest));
  return text;
}

/// Runs `argv`, returning false (after printing why) on failure.
static bool runProgram(ArrayRef<StringRef> argv) {
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(argv[0], argv, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc != 0) {
    std::string cmd;
    for (StringRef a : argv)
      cmd += a.str() + " ";
    fail("link step failed (" + (error.empty() ? "exit " + std::to_string(rc)
                                               : error) +
         "): " + cmd);
    return false;
  }
  return true;
}

/// Runs `argv`, which writes `tmp`, then renames `tmp` to `output`: a
/// failed step leaves no output (and no temporary). 0 on success.
static int runToOutput(ArrayRef<StringRef> argv, const std::string &tmp,
                       const std::string &output) {
  if (!runProgram(argv)) {
    llvm::sys::fs::remove(tmp);
    return 1;
  }
  if (auto ec = llvm::sys::fs::rename(tmp, output)) {
    llvm::sys::fs::remove(tmp);
    return fail(output + ": " + ec.message());
  }
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  netrewrite::registerAllPasses();
  cl::HideUnrelatedOptions({&compileCategory, &trainCategory});
  cl::ParseCommandLineOptions(
      argc, argv, "netrewrite-compile: compile a model to a native executable\n");
  bool cuda = target == "cuda";
  if (target != "cpu" && !cuda)
    return fail("--target=" + target + ": expected cpu or cuda");
  if (emulateGPUSchedule && cuda)
    return fail("--emulate-gpu-schedule is for --target=cpu (it runs the "
                "CUDA target's tiling as CPU loops)");
  // The emulation is the naive pipeline plus the GPU tiling: no OpenMP.
  if (emulateGPUSchedule)
    optLevel = 0;
#ifndef NETREWRITE_CUDA_RUNTIME_LIB
  if (cuda)
    return fail("--target=cuda: this build has no CUDA target (cuda.h was "
                "not found when it was configured)");
#endif
  // One chip, or several separated by commas (one fatbin with SASS each).
  SmallVector<StringRef> chips;
  StringRef(gpuChip).split(chips, ',', -1, /*KeepEmpty=*/true);
  for (StringRef chip : chips)
    if (cuda && netrewrite::getPTXFeaturesForChip(chip).empty())
      return fail("--gpu-chip=" + gpuChip + ": expected one of " +
                  netrewrite::getSupportedGPUChips() +
                  " (optionally with the suffix a), or several separated "
                  "by commas");
  if (emit != "exe" && emit != "obj" && emit != "llvm" && emit != "mlir-llvm")
    return fail("--emit=" + emit + ": expected exe, obj, llvm or mlir-llvm");

  // Where the compile time goes (a whole @train_step takes minutes).
  DefaultTimingManager timing;
  timing.setEnabled(timePhases);
  timing.setDisplayMode(DefaultTimingManager::DisplayMode::Tree);
  TimingScope rootTiming = timing.getRootScope();

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
  auto func = module->lookupSymbol<func::FuncOp>(functionName);
  if (!func || func.isExternal())
    return fail(inputFile + ": no function '@" + functionName + "' with a body");
  auto signature = modelSignature(func);
  if (!signature)
    return fail(inputFile + ": " + llvm::toString(signature.takeError()));

  if (train) {
    // Weights -> parameters, then @train_step by reverse-mode autodiff.
    std::string freezeOpt;
    for (const std::string &glob : freeze)
      freezeOpt += (freezeOpt.empty() ? "" : ",") + glob;
    std::string pipeline =
        "netrewrite-extract-params{freeze=" + freezeOpt +
        "}, netrewrite-build-train-step{optimizer=" + optimizer + "}";
    PassManager trainPm(&context);
    if (failed(parsePassPipeline(pipeline, trainPm)))
      return fail("--optimizer=" + optimizer + " / --freeze: invalid options");
    TimingScope trainTiming = rootTiming.nest("build @train_step");
    trainPm.enableTiming(trainTiming);
    if (failed(trainPm.run(*module)))
      return fail(inputFile + ": building @train_step failed (see the "
                              "diagnostics above)");
    func = module->lookupSymbol<func::FuncOp>(functionName);
  }
  std::string manifest = modelManifest(*module, func, cuda);

  PassManager pm(&context);
  if (cuda) {
    netrewrite::CUDAPipelineOptions gpuOptions;
    gpuOptions.chip = gpuChip;
    gpuOptions.schedule = optLevel > 0;
    if (failed(netrewrite::buildCUDALoweringPipeline(pm, gpuOptions)))
      return fail("internal error: the CUDA pipeline does not parse");
  } else if (failed(netrewrite::buildCPULoweringPipeline(
                 pm, optLevel, splitBatch, emulateGPUSchedule, winograd))) {
    return fail("internal error: the CPU pipeline does not parse");
  }
  TimingScope lowerTiming = rootTiming.nest("MLIR lowering");
  pm.enableTiming(lowerTiming);
  if (failed(pm.run(*module)))
    return fail(inputFile + ": lowering failed (see the diagnostics above)");
  if (emit == "mlir-llvm") {
    auto out = openOutputFile(outputFile, &error);
    if (!out)
      return fail(outputFile + ": " + error);
    module->print(out->os());
    out->keep();
    return 0;
  }

  registerBuiltinDialectTranslation(context);
  registerLLVMDialectTranslation(context);
  registerOpenMPDialectTranslation(context);
  llvm::LLVMContext llvmContext;
  lowerTiming.stop();
  TimingScope translateTiming = rootTiming.nest("translate to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext);
  translateTiming.stop();
  if (!llvmModule)
    return fail(inputFile + ": translation to LLVM IR failed");

  // The runtime reads the model's shapes from this string.
  auto *sigInit =
      llvm::ConstantDataArray::getString(llvmContext, *signature, true);
  new llvm::GlobalVariable(*llvmModule, sigInit->getType(), true,
                           llvm::GlobalValue::ExternalLinkage, sigInit,
                           "netrewrite_model_signature");
  auto *manifestInit =
      llvm::ConstantDataArray::getString(llvmContext, manifest, true);
  new llvm::GlobalVariable(*llvmModule, manifestInit->getType(), true,
                           llvm::GlobalValue::ExternalLinkage, manifestInit,
                           "netrewrite_model_manifest");

  // The host CPU with all its features: AVX-512 where present, else AVX2.
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(llvm::Triple(triple), error);
  if (!llvmTarget)
    return fail("no LLVM target for " + triple + ": " + error);
  std::string features;
  for (auto &f : llvm::sys::getHostCPUFeatures())
    features += (features.empty() ? "" : ",") +
                std::string(f.second ? "+" : "-") + f.first().str();
  llvm::TargetOptions targetOptions;
  // Global constructors (the CUDA host code loads its kernel modules from
  // them) belong in .init_array: lld and glibc ignore the legacy .ctors.
  targetOptions.UseInitArray = true;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      llvm::Triple(triple), llvm::sys::getHostCPUName(), features,
      targetOptions, llvm::Reloc::PIC_, std::nullopt,
      // A training step is one function with thousands of loops: greedy
      // register allocation is super-linear there, the fast allocator not.
      train ? llvm::CodeGenOptLevel::None
            : optLevel > 0 ? llvm::CodeGenOptLevel::Aggressive
                           : llvm::CodeGenOptLevel::Default));
  llvmModule->setTargetTriple(llvm::Triple(triple));
  llvmModule->setDataLayout(machine->createDataLayout());
  int irOpt = llvmOpt >= 0 ? std::min<int>(llvmOpt, 3)
                           : (train ? 0 : (optLevel > 0 ? 3 : 2));
  if (irOpt > 0) {
    TimingScope optTiming = rootTiming.nest("LLVM IR optimisation");
    auto optimize = makeOptimizingTransformer(irOpt, 0, machine.get());
    if (auto err = optimize(llvmModule.get()))
      return fail("LLVM optimisation failed: " +
                  llvm::toString(std::move(err)));
  }

  if (emit == "llvm") {
    auto out = openOutputFile(outputFile, &error);
    if (!out)
      return fail(outputFile + ": " + error);
    llvmModule->print(out->os(), nullptr);
    out->keep();
    return 0;
  }

  // A training step's parallel bodies get the optimising code generator in
  // objects of their own (KernelSplit.cpp says why); the host code keeps
  // the fast one. The bodies, in parts, and the host compile at the same
  // time on all cores (--codegen-threads).
  unsigned threads = llvm::hardware_concurrency(codegenThreads)
                         .compute_thread_count();
  SmallVector<SmallString<0>> bodyParts;
  if (train && !cuda && optLevel > 0 && splitBodies) {
    TimingScope splitTiming = rootTiming.nest("split parallel bodies");
    if (auto bodies = netrewrite::splitParallelBodies(*llvmModule)) {
      bodies->setTargetTriple(llvm::Triple(triple));
      bodies->setDataLayout(machine->createDataLayout());
      bodyParts =
          netrewrite::splitForParallelCodegen(std::move(bodies), threads);
    }
  }

  // Runs on the pool's threads: reports by returning the message.
  auto emitObject = [&](llvm::Module &m, llvm::TargetMachine &tm,
                        StringRef path) -> std::string {
    std::error_code ec;
    llvm::ToolOutputFile obj(path, ec, llvm::sys::fs::OF_None);
    if (ec)
      return (path + ": " + ec.message()).str();
    llvm::legacy::PassManager codegen;
    if (tm.addPassesToEmitFile(codegen, obj.os(), nullptr,
                               llvm::CodeGenFileType::ObjectFile))
      return "the LLVM target cannot emit object files";
    codegen.run(m);
    obj.keep();
    return "";
  };
  // The object files: the output itself (--emit=obj, after a relocatable
  // link when there are several) or temporaries.
  bool several = !bodyParts.empty();
  SmallString<128> objPath;
  SmallVector<SmallString<128>> partPaths(bodyParts.size());
  std::deque<llvm::FileRemover> removers;
  if (emit == "obj" && !several) {
    objPath = outputFile;
  } else if (auto ec = llvm::sys::fs::createTemporaryFile("netrewrite", "o",
                                                          objPath)) {
    return fail("cannot create a temporary object file: " + ec.message());
  }
  removers.emplace_back(objPath, emit != "obj" || several);
  for (SmallString<128> &path : partPaths) {
    if (auto ec =
            llvm::sys::fs::createTemporaryFile("netrewrite-par", "o", path))
      return fail("cannot create a temporary object file: " + ec.message());
    removers.emplace_back(path);
  }
  std::mutex errorMutex;
  std::string firstError;
  auto record = [&](std::string message) {
    std::lock_guard<std::mutex> lock(errorMutex);
    if (!message.empty() && firstError.empty())
      firstError = std::move(message);
  };
  {
    llvm::DefaultThreadPool pool(llvm::hardware_concurrency(threads));
    pool.async([&] {
      TimingScope hostTiming = rootTiming.nest("code generation (host)");
      record(emitObject(*llvmModule, *machine, objPath));
    });
    for (size_t i = 0; i < bodyParts.size(); ++i)
      pool.async([&, i] {
        TimingScope partTiming =
            rootTiming.nest("code generation (parallel bodies, per part)");
        llvm::LLVMContext partContext;
        auto part = llvm::parseBitcodeFile(
            llvm::MemoryBufferRef(StringRef(bodyParts[i].data(),
                                            bodyParts[i].size()),
                                  "parallel-bodies"),
            partContext);
        if (!part) {
          record("reading back the parallel bodies: " +
                 llvm::toString(part.takeError()));
          return;
        }
        std::unique_ptr<llvm::TargetMachine> partMachine(
            llvmTarget->createTargetMachine(
                llvm::Triple(triple), llvm::sys::getHostCPUName(), features,
                targetOptions, llvm::Reloc::PIC_, std::nullopt,
                llvm::CodeGenOptLevel::Aggressive));
        record(emitObject(**part, *partMachine, partPaths[i]));
      });
    pool.wait();
  }
  if (!firstError.empty())
    return fail(firstError);
  if (emit == "obj") {
    if (!several)
      return 0;
    std::string tmpObj = outputFile + ".tmp-link";
    SmallVector<StringRef> relink = {NETREWRITE_CLANGXX, "-fuse-ld=lld", "-r",
                                     "-nostdlib", objPath};
    for (SmallString<128> &path : partPaths)
      relink.push_back(path);
    relink.append({"-o", tmpObj});
    return runToOutput(relink, tmpObj, outputFile);
  }

  // Link into a temporary and rename, so a failed link leaves no output.
  std::string tmpExe = outputFile + ".tmp-link";
  std::string llvmLib = NETREWRITE_LLVM_LIB_DIR;
  std::string rpath = "-Wl,-rpath," + llvmLib;
  std::string libdir = "-L" + llvmLib;
  SmallVector<StringRef> link = {NETREWRITE_CLANGXX,
                                 "-fuse-ld=lld",
                                 objPath,
                                 NETREWRITE_EXECUTABLE_MAIN_LIB,
                                 NETREWRITE_RUNTIME_LIB,
                                 libdir,
                                 rpath,
                                 "-lomp",
                                 "-lmlir_c_runner_utils",
                                 "-lz",
                                 "-lm",
                                 "-lpthread",
                                 "-o",
                                 tmpExe};
  for (SmallString<128> &path : partPaths)
    link.insert(link.begin() + 3, path);
#ifdef NETREWRITE_CUDA_RUNTIME_LIB
  if (cuda) {
    // mgpu* and the runtime's device hooks; libcuda itself is dlopen'd.
    link.insert(link.begin() + 3, NETREWRITE_CUDA_RUNTIME_LIB);
    link.push_back("-ldl");
  }
#endif
  TimingScope linkTiming = rootTiming.nest("link");
  return runToOutput(link, tmpExe, outputFile);
}
