//===- GPUManagedMemory.cpp - Host buffers in CUDA managed memory ---------===//

#include "netrewrite/Conversion/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace netrewrite {
#define GEN_PASS_DEF_GPUMANAGEDMEMORY
#include "netrewrite/Conversion/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kFreeFn = "netrewrite_gpu_free";

/// `netrewrite_gpu_free(aligned pointer of buffer)`.
void emitFree(OpBuilder &b, Location loc, Value buffer) {
  Value ptr = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), ptr);
  func::CallOp::create(b, loc, kFreeFn, TypeRange{}, ValueRange{asInt});
}

struct GPUManagedMemoryPass
    : netrewrite::impl::GPUManagedMemoryBase<GPUManagedMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(module.getContext());
    bool needsFree = false;

    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      bool launches = false;
      func.walk([&](gpu::LaunchFuncOp) { launches = true; });

      SmallVector<memref::AllocOp> allocs;
      SmallVector<memref::DeallocOp> deallocs;
      SmallVector<memref::GetGlobalOp> globals;
      func.walk([&](Operation *op) {
        if (auto a = dyn_cast<memref::AllocOp>(op))
          allocs.push_back(a);
        else if (auto d = dyn_cast<memref::DeallocOp>(op))
          deallocs.push_back(d);
        else if (auto g = dyn_cast<memref::GetGlobalOp>(op))
          globals.push_back(g);
      });

      for (memref::AllocOp alloc : allocs) {
        b.setInsertionPoint(alloc);
        auto managed = gpu::AllocOp::create(
            b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
            /*asyncDependencies=*/ValueRange{}, alloc.getDynamicSizes(),
            alloc.getSymbolOperands(), /*hostShared=*/true);
        alloc.replaceAllUsesWith(managed.getMemref());
        alloc.erase();
      }
      for (memref::DeallocOp dealloc : deallocs) {
        b.setInsertionPoint(dealloc);
        emitFree(b, dealloc.getLoc(), dealloc.getMemref());
        dealloc.erase();
        needsFree = true;
      }
      if (!launches)
        continue;
      for (memref::GetGlobalOp global : globals) {
        b.setInsertionPointAfter(global);
        auto type = cast<MemRefType>(global.getType());
        auto copy = gpu::AllocOp::create(
            b, global.getLoc(), MemRefType::get(type.getShape(),
                                                type.getElementType()),
            Type(), ValueRange{}, ValueRange{}, ValueRange{}, true);
        global.getResult().replaceAllUsesWith(copy.getMemref());
        memref::CopyOp::create(b, global.getLoc(), global.getResult(),
                               copy.getMemref());
        // The global's buffer lives as long as the call: free it on every
        // return of the function.
        func.walk([&](func::ReturnOp ret) {
          b.setInsertionPoint(ret);
          emitFree(b, global.getLoc(), copy.getMemref());
        });
        needsFree = true;
      }
    }

    if (needsFree && !module.lookupSymbol(kFreeFn)) {
      b.setInsertionPointToStart(module.getBody());
      auto decl = func::FuncOp::create(
          b, module.getLoc(), kFreeFn,
          b.getFunctionType({b.getI64Type()}, {}));
      decl.setPrivate();
    }
  }
};

} // namespace
