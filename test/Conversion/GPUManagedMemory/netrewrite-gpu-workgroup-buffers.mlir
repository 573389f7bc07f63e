// RUN: netrewrite-opt %s --netrewrite-gpu-workgroup-buffers --split-input-file --verify-diagnostics | FileCheck %s

// A staged tile (workgroup memory, allocated in the kernel's reduction
// loop) becomes a workgroup attribution of the kernel; its deallocation
// goes, and the ordinary (private) buffer stays. The bytes are viewed as
// floats, so the array is aligned for them (16: vector loads too).
// CHECK-LABEL: gpu.func @kernel
// CHECK-SAME: workgroup(%[[TILE:.*]] : memref<256xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: scf.for
// CHECK-NOT: memref.alloc() : memref<256xi8
// CHECK: memref.view %[[TILE]]
// CHECK: memref.alloca() : memref<4xf32>
// CHECK-NOT: memref.dealloc
// CHECK: gpu.return
gpu.module @kernels {
  gpu.func @kernel(%src: memref<64xf32>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    scf.for %i = %c0 to %c4 step %c1 {
      %tile = memref.alloc() : memref<256xi8, #gpu.address_space<workgroup>>
      %view = memref.view %tile[%c0][] : memref<256xi8, #gpu.address_space<workgroup>> to memref<64xf32, #gpu.address_space<workgroup>>
      %v = memref.load %src[%i] : memref<64xf32>
      memref.store %v, %view[%i] : memref<64xf32, #gpu.address_space<workgroup>>
      %private = memref.alloca() : memref<4xf32>
      memref.store %v, %private[%c0] : memref<4xf32>
      memref.dealloc %tile : memref<256xi8, #gpu.address_space<workgroup>>
    }
    gpu.return
  }
}

// -----

// A tile of dynamic size has no static array to become.
gpu.module @kernels {
  gpu.func @kernel(%n: index) kernel {
    // expected-error @below {{workgroup buffer with a dynamic shape or a layout cannot become a workgroup attribution}}
    %tile = memref.alloc(%n) : memref<?xf32, #gpu.address_space<workgroup>>
    gpu.return
  }
}
