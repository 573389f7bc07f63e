//===- GPUWorkgroupBuffers.cpp - Shared-memory allocs -> attributions -----===//
//
// netrewrite-schedule-cuda stages tiles in workgroup-memory `memref.alloc`s
// (what transform.structured.promote makes before kernels exist); NVVM
// lowers only `gpu.func` workgroup attributions to `.shared` arrays (see
// Passes.td).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace netrewrite {
#define GEN_PASS_DEF_GPUWORKGROUPBUFFERS
#include "netrewrite/Conversion/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

constexpr int64_t kWorkgroupAlignment = 16;

bool inWorkgroupMemory(MemRefType type) {
  auto space =
      dyn_cast_if_present<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

struct GPUWorkgroupBuffersPass
    : netrewrite::impl::GPUWorkgroupBuffersBase<GPUWorkgroupBuffersPass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](gpu::GPUFuncOp func) {
      SmallVector<memref::AllocOp> allocs;
      func.walk([&](memref::AllocOp alloc) {
        if (inWorkgroupMemory(alloc.getType()))
          allocs.push_back(alloc);
      });
      for (memref::AllocOp alloc : allocs) {
        // An attribution is one static array for the whole kernel: the
        // staged tiles have static sizes, and reusing the array across the
        // reduction loop's iterations is what the barriers allow.
        if (!alloc.getType().hasStaticShape() ||
            !alloc.getType().getLayout().isIdentity()) {
          alloc.emitError("workgroup buffer with a dynamic shape or a "
                          "layout cannot become a workgroup attribution");
          return WalkResult::interrupt();
        }
        BlockArgument buffer =
            func.addWorkgroupAttribution(alloc.getType(), alloc.getLoc());
        // The tiles are bytes viewed as floats (memref.view): without an
        // alignment the array is byte-aligned, and a 4-byte ld.shared from
        // it may fault with a misaligned address. 16 allows vector loads.
        func.setWorkgroupAttributionAttr(
            func.getNumWorkgroupAttributions() - 1,
            LLVM::LLVMDialect::getAlignAttrName(),
            IntegerAttr::get(IntegerType::get(&getContext(), 64),
                             kWorkgroupAlignment));
        for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
          if (isa<memref::DeallocOp>(user))
            user->erase();
        alloc.getResult().replaceAllUsesWith(buffer);
        alloc.erase();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
