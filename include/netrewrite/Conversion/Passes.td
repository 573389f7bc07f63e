//===- Passes.td - netrewrite conversion passes ------------*- tablegen -*-===//

#ifndef NETREWRITE_CONVERSION_PASSES_TD
#define NETREWRITE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNRToTosa : Pass<"convert-nr-to-tosa", "mlir::func::FuncOp"> {
  let summary = "Lower nr layers to plain TOSA with their evaluation semantics";
  let description = [{
    `nr.batch_norm` becomes a per-channel multiply and add on the last axis
    using the running statistics:
    `scale = gamma * rsqrt(variance + epsilon)`, `shift = beta - mean * scale`,
    `output = input * scale + shift` (constant operands fold to constants).
    `nr.dropout` becomes the identity (inverted dropout scales while training).
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def GPUManagedMemory : Pass<"netrewrite-gpu-managed-memory", "mlir::ModuleOp"> {
  let summary = "Place the host code's buffers in CUDA managed memory";
  let description = [{
    After kernels are outlined, host functions still allocate buffers with
    `memref.alloc` and read weights from `memref.global`s, neither of which a
    kernel can dereference. This pass moves both into managed memory, which
    host and device share and which the driver migrates to the GPU on first
    touch:

    - `memref.alloc` becomes `gpu.alloc host_shared`;
    - `memref.dealloc` becomes a call to the runtime's
      `netrewrite_gpu_free(aligned pointer)` (MLIR's synchronous
      `gpu.dealloc` has no lowering);
    - every `memref.get_global` in a function that launches kernels is copied
      into a managed buffer at its use and freed before the function returns.

    The caller passes arguments and results in managed memory as well
    (netrewrite-run and the generated executables do).
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect", "mlir::func::FuncDialect"];
}

def CopyToLinalg : Pass<"netrewrite-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy, so that copies become kernels";
  let description = [{
    Bufferization leaves `memref.copy` behind (padding a tensor copies it
    into a subview of a larger buffer; results are copied into the caller's
    out-parameters). The GPU pipeline maps linalg ops to kernels but leaves
    `memref.copy` to the host, where each copy of a managed buffer drags its
    pages from the GPU to the CPU and back. As a `linalg.copy` the copy is a
    parallel loop like any other and runs on the GPU. Copies of rank 0 stay
    as they are (a single element; there is no loop to map).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

#endif // NETREWRITE_CONVERSION_PASSES_TD
