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
      SmallVector<memref::AllocOp> allocs;
      SmallVector<memref::DeallocOp> deallocs;
      func.walk([&](Operation *op) {
        if (auto a = dyn_cast<memref::AllocOp>(op))
          allocs.push_back(a);
        else if (auto d = dyn_cast<memref::DeallocOp>(op))
          deallocs.push_back(d);
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
      // Globals stay as they are: netrewrite-gpu-resident-globals gives
      // launching functions a GPU copy once the host code is LLVM.
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
