// RUN: netrewrite-opt %s --netrewrite-gpu-merge-kernel-modules=kernels-per-module=2 | FileCheck %s

// Outlined kernels, one module each and all named after their function:
// two per module, the second renamed after its old module, the launches
// pointed at the new places. A module that already has a target is left
// alone.
// CHECK-LABEL: func.func @forward
// CHECK: gpu.launch_func @forward_kernel::@forward_kernel blocks
// CHECK: gpu.launch_func @forward_kernel::@forward_kernel_0 blocks
// CHECK: gpu.launch_func @forward_kernel_1::@forward_kernel blocks
// CHECK: gpu.launch_func @prepared::@forward_kernel blocks
// CHECK: gpu.module @forward_kernel {
// CHECK: gpu.func @forward_kernel(%{{.*}}: memref<4xf32>) kernel
// CHECK: gpu.func @forward_kernel_0(%{{.*}}: memref<4xf32>) kernel
// CHECK: gpu.module @forward_kernel_1 {
// CHECK: gpu.func @forward_kernel(%{{.*}}: memref<4xf32>) kernel
// CHECK-NOT: gpu.module @forward_kernel_0
// CHECK: gpu.module @prepared [#nvvm.target<chip = "sm_90">]
// CHECK-NOT: gpu.module
module attributes {gpu.container_module} {
  func.func @forward(%x: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @forward_kernel::@forward_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    gpu.launch_func @forward_kernel_0::@forward_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    gpu.launch_func @forward_kernel_1::@forward_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    gpu.launch_func @prepared::@forward_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    return
  }
  gpu.module @forward_kernel {
    gpu.func @forward_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @forward_kernel_0 {
    gpu.func @forward_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @forward_kernel_1 {
    gpu.func @forward_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @prepared [#nvvm.target<chip = "sm_90">] {
    gpu.func @forward_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
}
