//===- GPUFatbin.cpp - One fatbin with SASS for several chips -------------===//
//
// The CUDA pipeline for `--gpu-chip=sm_80,sm_90` (see Passes.td): PTX in,
// ptxas per chip, fatbinary, fatbin out.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Conversion/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace netrewrite {
#define GEN_PASS_DEF_GPUFATBIN
#include "netrewrite/Conversion/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// `name` from the CUDA toolkit: CUDA_HOME/bin, /usr/local/cuda/bin, PATH.
std::string findTool(StringRef name) {
  SmallVector<StringRef, 2> dirs;
  std::string home;
  if (const char *h = std::getenv("CUDA_HOME")) {
    home = (llvm::Twine(h) + "/bin").str();
    dirs.push_back(home);
  }
  dirs.push_back("/usr/local/cuda/bin");
  if (auto path = llvm::sys::findProgramByName(name, dirs))
    return *path;
  if (auto path = llvm::sys::findProgramByName(name))
    return *path;
  return "";
}

/// Runs `argv`; on failure returns the command and what it printed.
std::string runTool(ArrayRef<std::string> argv) {
  SmallString<64> log;
  if (llvm::sys::fs::createTemporaryFile("netrewrite-fatbin", "log", log))
    return "cannot create a temporary file";
  llvm::FileRemover removeLog(log);
  SmallVector<StringRef> args(argv.begin(), argv.end());
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(args[0], args, std::nullopt, redirects, 0,
                                     0, &error);
  if (rc == 0)
    return "";
  std::string message;
  for (StringRef a : args)
    message += a.str() + " ";
  message += "failed";
  if (!error.empty())
    message += ": " + error;
  if (auto text = llvm::MemoryBuffer::getFile(log))
    message += ": " + (*text)->getBuffer().trim().str();
  return message;
}

/// SASS for every chip plus the PTX, as one fatbin; empty `error` on success.
std::string buildFatbin(StringRef ptx, ArrayRef<std::string> chips,
                        const std::string &ptxas, const std::string &fatbinary,
                        std::string &error) {
  SmallVector<SmallString<64>> files;
  std::vector<llvm::FileRemover> removers;
  auto temp = [&](StringRef suffix) -> StringRef {
    files.emplace_back();
    if (llvm::sys::fs::createTemporaryFile("netrewrite-kernel", suffix,
                                           files.back()))
      return "";
    removers.emplace_back(files.back());
    return files.back();
  };
  files.reserve(chips.size() + 2);
  removers.reserve(chips.size() + 2);
  std::string ptxPath = temp("ptx").str();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(ptxPath, ec);
    if (ec) {
      error = ptxPath + ": " + ec.message();
      return "";
    }
    os << ptx;
  }
  std::string lowest = chips.front();
  std::vector<std::string> fatbinArgs = {fatbinary, "-64"};
  for (const std::string &chip : chips) {
    std::string cubin = temp("cubin").str();
    error = runTool({ptxas, "-arch", chip, ptxPath, "-o", cubin});
    if (!error.empty())
      return "";
    fatbinArgs.push_back("--image3=kind=elf,sm=" + chip.substr(3) +
                         ",file=" + cubin);
  }
  fatbinArgs.push_back("--image3=kind=ptx,sm=" + lowest.substr(3) +
                       ",file=" + ptxPath);
  std::string out = temp("fatbin").str();
  fatbinArgs.push_back("--create=" + out);
  error = runTool(fatbinArgs);
  if (!error.empty())
    return "";
  auto bytes = llvm::MemoryBuffer::getFile(out, /*IsText=*/false);
  if (!bytes) {
    error = out + ": " + bytes.getError().message();
    return "";
  }
  return (*bytes)->getBuffer().str();
}

struct GPUFatbinPass : netrewrite::impl::GPUFatbinBase<GPUFatbinPass> {
  using GPUFatbinBase::GPUFatbinBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (chips.empty()) {
      module.emitError("netrewrite-gpu-fatbin: no chips given");
      return signalPassFailure();
    }
    std::string ptxas = findTool("ptxas"), fatbinary = findTool("fatbinary");
    if (ptxas.empty() || fatbinary.empty()) {
      module.emitError("netrewrite-gpu-fatbin: ptxas and fatbinary from the "
                       "CUDA toolkit are needed (set CUDA_HOME)");
      return signalPassFailure();
    }
    SmallVector<gpu::BinaryOp> binaries;
    SmallVector<gpu::ObjectAttr> objects;
    for (auto binary : module.getOps<gpu::BinaryOp>()) {
      ArrayRef<Attribute> objs = binary.getObjectsAttr().getValue();
      auto object = objs.size() == 1 ? dyn_cast<gpu::ObjectAttr>(objs[0])
                                     : gpu::ObjectAttr();
      if (!object || object.getFormat() != gpu::CompilationTarget::Assembly) {
        binary.emitError("netrewrite-gpu-fatbin: expected one PTX object "
                         "(gpu-module-to-binary with format=isa)");
        return signalPassFailure();
      }
      binaries.push_back(binary);
      objects.push_back(object);
    }
    std::vector<std::string> chipList(chips.begin(), chips.end());
    std::vector<std::string> fatbins(binaries.size()), errors(binaries.size());
    // Each module is independent: ptxas runs in parallel, one per core.
    llvm::parallelFor(0, binaries.size(), [&](size_t i) {
      fatbins[i] = buildFatbin(objects[i].getObject().getValue(), chipList,
                               ptxas, fatbinary, errors[i]);
    });
    for (size_t i = 0; i < binaries.size(); ++i) {
      if (!errors[i].empty()) {
        binaries[i].emitError() << "netrewrite-gpu-fatbin: " << errors[i];
        return signalPassFailure();
      }
      auto fatbin = gpu::ObjectAttr::get(
          objects[i].getTarget(), gpu::CompilationTarget::Fatbin,
          StringAttr::get(&getContext(), fatbins[i]), DictionaryAttr(),
          objects[i].getKernels());
      binaries[i].setObjectsAttr(ArrayAttr::get(&getContext(), {fatbin}));
    }
  }
};

} // namespace
