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
    `memref.alloc`, which a kernel cannot dereference. This pass moves them
    into managed memory, which
    host and device share and which the driver migrates to the GPU on first
    touch:

    - `memref.alloc` becomes `gpu.alloc host_shared`;
    - `memref.dealloc` becomes a call to the runtime's
      `netrewrite_gpu_free(aligned pointer)` (MLIR's synchronous
      `gpu.dealloc` has no lowering);
    - `memref.get_global` is left alone: once the host code is LLVM,
      netrewrite-gpu-resident-globals points launching functions at a GPU
      copy of each global made once per process.

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

def GPUResidentGlobals
    : Pass<"netrewrite-gpu-resident-globals", "mlir::ModuleOp"> {
  let summary = "Read constant globals (weights) from one GPU copy per process";
  let description = [{
    Runs on the host code after it has become the LLVM dialect. A kernel
    cannot read a host global, and copying every weight into managed memory
    on each call costs the whole model's size per batch. So in every host
    function that launches kernels, each `llvm.mlir.addressof` of a constant
    global with an initializer is replaced by a call to the runtime's
    `netrewrite_gpu_resident(host address, size in bytes)`, which copies the
    global into managed memory on first use and returns the same copy ever
    after (lib/Runtime/CUDA): weights compiled into an executable go to the
    GPU once.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def GPUFatbin : Pass<"netrewrite-gpu-fatbin", "mlir::ModuleOp"> {
  let summary = "Turn PTX kernel objects into fatbins with SASS for several chips";
  let description = [{
    MLIR embeds one object per kernel module, for one chip. To run one
    executable on several GPU generations, the CUDA pipeline emits PTX
    (`format=isa`, for the oldest chip) and this pass replaces each PTX
    object by a fatbin holding SASS for every chip in `chips` (ptxas) plus
    the PTX itself for newer GPUs (fatbinary), from the CUDA toolkit in
    CUDA_HOME, /usr/local/cuda or PATH. Modules are compiled in parallel.
  }];
  let options = [
    ListOption<"chips", "chips", "std::string",
               "GPU architectures to compile each module for (sm_80, ...)">
  ];
}

def GPUWorkgroupBuffers : Pass<"netrewrite-gpu-workgroup-buffers", "mlir::ModuleOp"> {
  let summary = "Turn workgroup-memory allocations in kernels into workgroup attributions";
  let description = [{
    netrewrite-schedule-cuda stages tiles in `memref.alloc`s of
    `#gpu.address_space<workgroup>`, which no lowering to NVVM accepts. After
    gpu-kernel-outlining this pass makes each of them a workgroup
    attribution of its `gpu.func` (a static `.shared` array in PTX) and
    drops their deallocations.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::memref::MemRefDialect"];
}

def GPUMergeKernelModules : Pass<"netrewrite-gpu-merge-kernel-modules", "mlir::ModuleOp"> {
  let summary = "Put the outlined kernels into fewer gpu.modules";
  let description = [{
    gpu-kernel-outlining gives every kernel a gpu.module of its own, and
    each module becomes its own LLVM module, PTX file, ptxas and fatbinary
    run and embedded binary: a training step's thousands of small kernels
    spent most of their compile time in per-module overhead. This pass
    moves the kernels of each run of `kernels-per-module` consecutive
    modules into the first of them and points the `gpu.launch_func`s at
    their new module (a kernel whose name is taken there, as every
    outlined kernel of one function has the same name, takes its old
    module's name).
  }];
  let options = [
    Option<"kernelsPerModule", "kernels-per-module", "unsigned", "32",
           "Kernels per gpu.module (netrewrite-gpu-fatbin still compiles "
           "the modules in parallel, so a few modules per core keep every "
           "core busy)">,
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

#endif // NETREWRITE_CONVERSION_PASSES_TD
