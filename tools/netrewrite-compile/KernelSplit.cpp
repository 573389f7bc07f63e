//===- KernelSplit.cpp - Separate a module's OpenMP bodies for codegen ----===//
//
// Why: a training step is one host function with thousands of loops, and
// LLVM's greedy register allocator and loop passes are super-linear in it,
// so @train_step is compiled with the fast (-O0) code generator. Applied to
// the whole module that also compiled the outlined parallel bodies -- where
// all the vectorised convolution and matmul tiles run -- with the fast
// register allocator, which spills the 8x32 accumulator tile of every inner
// loop to the stack (measured: VGG16's forward convolution inner loops were
// mostly vmovups to and from %rsp). The bodies are small functions, so
// compiling them in a module of their own with the optimising code
// generator costs little and keeps their accumulators in registers.
//
// Those bodies are still thousands of functions for a whole MobileNetV2
// (every small op's loop nest is one), and the optimising code generator
// spends most of the compile on them; they are independent, so they are
// split into parts compiled on all cores (splitForParallelCodegen).
//
//===----------------------------------------------------------------------===//

#include "KernelSplit.h"

#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalValue.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/SplitModule.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

using namespace llvm;

static bool isParallelBody(const GlobalValue &gv) {
  // OpenMP's outlined parallel regions and netrewrite-outline-serial-loops'
  // loop nests (and their C-interface wrappers).
  return isa<Function>(gv) && (gv.getName().contains("..omp_par") ||
                               gv.getName().contains("..loop."));
}

std::unique_ptr<Module> netrewrite::splitParallelBodies(Module &module) {
  if (llvm::none_of(module.functions(), [](const Function &f) {
        return !f.isDeclaration() && isParallelBody(f);
      }))
    return nullptr;
  // Either half may use what the other defines (the bodies read the
  // OpenMP source-location globals; the host calls the bodies).
  unsigned anonymous = 0;
  for (GlobalValue &gv : module.global_values()) {
    if (gv.isDeclaration() || !gv.hasLocalLinkage())
      continue;
    if (!gv.hasName())
      gv.setName("netrewrite.anon." + Twine(anonymous++));
    gv.setLinkage(GlobalValue::ExternalLinkage);
    gv.setVisibility(GlobalValue::HiddenVisibility);
  }
  ValueToValueMapTy map;
  std::unique_ptr<Module> bodies =
      CloneModule(module, map, [](const GlobalValue *gv) {
        return isParallelBody(*gv);
      });
  for (Function &f : module.functions())
    if (!f.isDeclaration() && isParallelBody(f)) {
      f.deleteBody();
      f.setVisibility(GlobalValue::HiddenVisibility);
    }
  return bodies;
}

SmallVector<SmallString<0>>
netrewrite::splitForParallelCodegen(std::unique_ptr<Module> module,
                                    unsigned parts) {
  SmallVector<SmallString<0>> bitcode;
  auto write = [&](const Module &m) {
    raw_svector_ostream os(bitcode.emplace_back());
    WriteBitcodeToFile(m, os);
  };
  if (parts <= 1) {
    write(*module);
    return bitcode;
  }
  // Round robin by size, not by name hash: the bodies differ in size by
  // orders of magnitude (a fused convolution vs a one-line copy).
  SplitModule(
      *module, parts, [&](std::unique_ptr<Module> part) { write(*part); },
      /*PreserveLocals=*/false, /*RoundRobin=*/true);
  return bitcode;
}
