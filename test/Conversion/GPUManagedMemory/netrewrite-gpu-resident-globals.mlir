// RUN: netrewrite-opt %s --netrewrite-gpu-resident-globals | FileCheck %s

// In a function that launches kernels, a constant global's address becomes
// the runtime's resident GPU copy, with the global's size in bytes
// (4x3 f32 = 48).
// CHECK: llvm.func @netrewrite_gpu_resident(!llvm.ptr, i64) -> !llvm.ptr
// CHECK-LABEL: llvm.func @forward
// CHECK: %[[A:.*]] = llvm.mlir.addressof @weights : !llvm.ptr
// CHECK-NEXT: %[[N:.*]] = llvm.mlir.constant(48 : i64) : i64
// CHECK-NEXT: %[[R:.*]] = llvm.call @netrewrite_gpu_resident(%[[A]], %[[N]])
// CHECK-NEXT: llvm.getelementptr %[[R]][0, 0]
// A mutable global keeps its host address.
// CHECK: %[[C:.*]] = llvm.mlir.addressof @counter : !llvm.ptr
// CHECK-NEXT: llvm.load %[[C]]
// CHECK: gpu.launch_func
module attributes {gpu.container_module} {
  llvm.mlir.global private constant @weights(dense<1.0> : tensor<4x3xf32>) {addr_space = 0 : i32} : !llvm.array<4 x array<3 x f32>>
  llvm.mlir.global private @counter(0 : i64) {addr_space = 0 : i32} : i64
  llvm.func @forward() {
    %c1 = llvm.mlir.constant(1 : index) : i64
    %w = llvm.mlir.addressof @weights : !llvm.ptr
    %p = llvm.getelementptr %w[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.array<4 x array<3 x f32>>
    %c = llvm.mlir.addressof @counter : !llvm.ptr
    %n = llvm.load %c : !llvm.ptr -> i64
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) : i64 args(%p : !llvm.ptr)
    llvm.return
  }
  // Host-only code reads the host copy.
  // CHECK-LABEL: llvm.func @host_only
  // CHECK-NEXT: llvm.mlir.addressof @weights
  // CHECK-NEXT: llvm.return
  llvm.func @host_only() -> !llvm.ptr {
    %w = llvm.mlir.addressof @weights : !llvm.ptr
    llvm.return %w : !llvm.ptr
  }
  gpu.module @k {
    llvm.func @k(%p: !llvm.ptr) attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
}
