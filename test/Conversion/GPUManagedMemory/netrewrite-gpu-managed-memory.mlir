// RUN: netrewrite-opt %s --netrewrite-gpu-managed-memory | FileCheck %s

// Host buffers become managed memory and deallocation calls the runtime.
// Globals are left to netrewrite-gpu-resident-globals (after lowering to
// LLVM), so the kernel still receives the global here.
// CHECK-LABEL: func.func private @netrewrite_gpu_free(i64)
// CHECK-LABEL: func.func @forward
// CHECK: %[[G:.*]] = memref.get_global @weights : memref<4xf32>
// CHECK-NOT: memref.copy %[[G]]
// CHECK: %[[A:.*]] = gpu.alloc  host_shared () : memref<4xf32>
// CHECK-NOT: memref.alloc
// CHECK: gpu.launch_func @k::@k {{.*}} args(%[[G]] : memref<4xf32>, %[[A]] : memref<4xf32>)
// CHECK: memref.copy %[[A]], %arg0
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: %[[I:.*]] = arith.index_cast %[[P]] : index to i64
// CHECK: call @netrewrite_gpu_free(%[[I]])
// CHECK-NOT: memref.dealloc
// CHECK-NEXT: return
module attributes {gpu.container_module} {
  memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
  func.func @forward(%out: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    %w = memref.get_global @weights : memref<4xf32>
    %a = memref.alloc() : memref<4xf32>
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%w : memref<4xf32>, %a : memref<4xf32>)
    memref.copy %a, %out : memref<4xf32> to memref<4xf32>
    memref.dealloc %a : memref<4xf32>
    return
  }
  gpu.module @k {
    gpu.func @k(%w: memref<4xf32>, %a: memref<4xf32>) kernel {
      gpu.return
    }
  }

  // Functions without kernels keep reading globals directly.
  // CHECK-LABEL: func.func @host_only
  // CHECK: memref.get_global @weights
  // CHECK-NOT: gpu.alloc
  // CHECK: return
  func.func @host_only() -> memref<4xf32> {
    %w = memref.get_global @weights : memref<4xf32>
    return %w : memref<4xf32>
  }
}
