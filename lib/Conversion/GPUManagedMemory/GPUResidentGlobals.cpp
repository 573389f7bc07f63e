//===- GPUResidentGlobals.cpp - Weights copied to the GPU once ------------===//

#include "netrewrite/Conversion/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace netrewrite {
#define GEN_PASS_DEF_GPURESIDENTGLOBALS
#include "netrewrite/Conversion/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kResidentFn = "netrewrite_gpu_resident";

struct GPUResidentGlobalsPass
    : netrewrite::impl::GPUResidentGlobalsBase<GPUResidentGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    const DataLayout &layout = DataLayout::closest(module);
    bool used = false;

    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal())
        continue;
      // Launches stay gpu.launch_func until translation to LLVM IR.
      bool launches = false;
      func.walk([&](gpu::LaunchFuncOp) { launches = true; });
      if (!launches)
        continue;
      SmallVector<LLVM::AddressOfOp> addrs;
      func.walk([&](LLVM::AddressOfOp addr) { addrs.push_back(addr); });
      for (LLVM::AddressOfOp addr : addrs) {
        auto global = dyn_cast_or_null<LLVM::GlobalOp>(
            SymbolTable::lookupNearestSymbolFrom(addr, addr.getGlobalNameAttr()));
        // Weights are constant globals with data; anything else (mutable
        // state, declarations) keeps its host address.
        if (!global || !global.getConstant() || !global.getValueOrNull())
          continue;
        uint64_t bytes = layout.getTypeSize(global.getType());
        b.setInsertionPointAfter(addr);
        Value size = LLVM::ConstantOp::create(b, addr.getLoc(), i64,
                                              b.getI64IntegerAttr(bytes));
        auto call = LLVM::CallOp::create(
            b, addr.getLoc(), TypeRange{ptrType},
            FlatSymbolRefAttr::get(ctx, kResidentFn),
            ValueRange{addr.getResult(), size});
        addr.getResult().replaceAllUsesExcept(call.getResult(), call);
        used = true;
      }
    }

    if (used && !module.lookupSymbol(kResidentFn)) {
      b.setInsertionPointToStart(module.getBody());
      LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kResidentFn,
          LLVM::LLVMFunctionType::get(ptrType, {ptrType, i64}));
    }
  }
};

} // namespace
