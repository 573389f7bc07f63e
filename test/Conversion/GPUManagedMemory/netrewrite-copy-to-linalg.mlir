// RUN: netrewrite-opt %s --pass-pipeline='builtin.module(func.func(netrewrite-copy-to-linalg))' | FileCheck %s

// A copy into a padded buffer's interior (strided subview) becomes a
// linalg.copy, which the CUDA pipeline maps to a kernel like any linalg op.
// CHECK-LABEL: func.func @pad_copy
// CHECK: %[[SV:.*]] = memref.subview
// CHECK-NEXT: linalg.copy ins(%arg0 : memref<2x4x4x3xf32>) outs(%[[SV]] : memref<2x4x4x3xf32, strided<[108, 18, 3, 1], offset: 21>>)
// CHECK-NOT: memref.copy
func.func @pad_copy(%x: memref<2x4x4x3xf32>, %padded: memref<2x6x6x3xf32>) {
  %sv = memref.subview %padded[0, 1, 1, 0] [2, 4, 4, 3] [1, 1, 1, 1] : memref<2x6x6x3xf32> to memref<2x4x4x3xf32, strided<[108, 18, 3, 1], offset: 21>>
  memref.copy %x, %sv : memref<2x4x4x3xf32> to memref<2x4x4x3xf32, strided<[108, 18, 3, 1], offset: 21>>
  return
}

// A result copied into the caller's out-parameter.
// CHECK-LABEL: func.func @out_param
// CHECK-NEXT: linalg.copy ins(%arg0 : memref<8x10xf32>) outs(%arg1 : memref<8x10xf32>)
// CHECK-NEXT: return
func.func @out_param(%r: memref<8x10xf32>, %out: memref<8x10xf32>) {
  memref.copy %r, %out : memref<8x10xf32> to memref<8x10xf32>
  return
}

// A scalar (rank 0) has no loop to map: it stays a memref.copy.
// CHECK-LABEL: func.func @scalar
// CHECK-NEXT: memref.copy %arg0, %arg1 : memref<f32> to memref<f32>
func.func @scalar(%l: memref<f32>, %out: memref<f32>) {
  memref.copy %l, %out : memref<f32> to memref<f32>
  return
}
