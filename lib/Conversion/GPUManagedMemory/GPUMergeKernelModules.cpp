//===- GPUMergeKernelModules.cpp - Fewer, larger kernel modules ------------===//
//
// Compile time of the CUDA pipeline grows with the number of gpu.modules,
// not only with the amount of code: every module is a separate LLVM module,
// PTX text, ptxas and fatbinary process and embedded binary (see
// Passes.td).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Conversion/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace netrewrite {
#define GEN_PASS_DEF_GPUMERGEKERNELMODULES
#include "netrewrite/Conversion/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// A kernel's new place: its module and name.
struct MovedKernel {
  StringAttr module;
  StringAttr name;
};

struct GPUMergeKernelModulesPass
    : netrewrite::impl::GPUMergeKernelModulesBase<GPUMergeKernelModulesPass> {
  using GPUMergeKernelModulesBase::GPUMergeKernelModulesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> modules(module.getOps<gpu::GPUModuleOp>());
    // (old module, old symbol) -> where the symbol is now.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, MovedKernel> moved;
    gpu::GPUModuleOp into;
    std::optional<SymbolTable> intoSymbols;
    unsigned kernels = 0;
    for (gpu::GPUModuleOp m : modules) {
      // Only modules as outlining makes them (no targets yet, one block).
      if (m.getTargetsAttr()) {
        into = gpu::GPUModuleOp();
        continue;
      }
      if (!into || kernels >= kernelsPerModule) {
        into = m;
        intoSymbols.emplace(m);
        kernels = 1;
        continue;
      }
      // Every outlined kernel is named after its launching function
      // (`forward_kernel` in module `forward_kernel_3`): a name taken in the
      // target module becomes the old module's name, unique in the parent.
      for (Operation &op :
           llvm::make_early_inc_range(m.getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        StringAttr oldName = symbol ? symbol.getNameAttr() : StringAttr();
        op.moveBefore(into.getBody(), into.getBody()->end());
        if (!symbol)
          continue;
        // insert() renames on a clash (with a numeric suffix); try the old
        // module's name first, so kernels stay recognisable.
        if (intoSymbols->lookup(oldName) &&
            !intoSymbols->lookup(m.getNameAttr()))
          SymbolTable::setSymbolName(&op, m.getNameAttr());
        StringAttr newName = intoSymbols->insert(&op);
        moved[{m.getNameAttr(), oldName}] = {into.getNameAttr(), newName};
      }
      m.erase();
      ++kernels;
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      auto it = moved.find({kernel.getRootReference(), kernel.getLeafReference()});
      if (it != moved.end())
        launch.setKernelAttr(SymbolRefAttr::get(
            it->second.module, {FlatSymbolRefAttr::get(it->second.name)}));
    });
  }
};

} // namespace
