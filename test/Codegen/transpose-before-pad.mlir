// RUN: netrewrite-opt %s --split-input-file --netrewrite-transpose-before-pad | FileCheck %s
// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-transpose-before-pad, netrewrite-schedule-cpu, netrewrite-pad-in-place), eliminate-empty-tensors, one-shot-bufferize{bufferize-function-boundaries}, canonicalize)" | FileCheck %s --check-prefix=INPLACE

// A weight gradient's input: the activation padded (spatially) and
// transposed [N, H, W, C] -> [C, Hp, Wp, N]. It becomes the transpose of the
// unpadded activation, padded with the pads permuted the same way.
// CHECK-LABEL: func.func @weight_grad_input
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x4x8xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8x4x4x2xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<2x4x4x8xf32>) outs(%[[E]] : tensor<8x4x4x2xf32>) permutation = [3, 1, 2, 0]
// CHECK: %[[P:.*]] = tensor.pad %[[T]] low[0, 1, 2, 0] high[0, 3, 1, 0]
// CHECK: tensor.yield %{{.*}} : f32
// CHECK: } : tensor<8x4x4x2xf32> to tensor<8x8x7x2xf32>
// CHECK: return %[[P]]
// With the schedules, pad-in-place and bufferization: the transpose writes
// the interior of the padded buffer (a subview of it), no copy.
// INPLACE-LABEL: func.func @weight_grad_input
// INPLACE-NOT: memref.copy %arg0
// INPLACE: %[[A:.*]] = memref.alloc() {{.*}} : memref<8x8x7x2xf32>
// INPLACE: %[[I:.*]] = memref.subview %[[A]][0, 1, 2, 0] [8, 4, 4, 2]
// INPLACE: scf.forall
// INPLACE: memref.subview %arg0
// INPLACE: memref.subview %[[I]]
// INPLACE-NOT: memref.copy %arg0
// INPLACE: return %[[A]]
func.func @weight_grad_input(%x: tensor<2x4x4x8xf32>) -> tensor<8x8x7x2xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 2, 0] high[0, 3, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x4x4x8xf32> to tensor<2x8x7x8xf32>
  %e = tensor.empty() : tensor<8x8x7x2xf32>
  %t = linalg.transpose ins(%p : tensor<2x8x7x8xf32>) outs(%e : tensor<8x8x7x2xf32>) permutation = [3, 1, 2, 0]
  return %t : tensor<8x8x7x2xf32>
}

// -----

// Left alone: a pad whose value depends on the position (not a constant
// padding value), and a transpose of something that is not a pad.
// CHECK-LABEL: func.func @index_pad
// CHECK: tensor.pad
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x6xf32>)
// CHECK-LABEL: func.func @no_pad
// CHECK-NOT: tensor.pad
func.func @index_pad(%x: tensor<2x4xf32>) -> tensor<6x2xf32> {
  %p = tensor.pad %x low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    %v = arith.index_cast %j : index to i32
    %f = arith.sitofp %v : i32 to f32
    tensor.yield %f : f32
  } : tensor<2x4xf32> to tensor<2x6xf32>
  %e = tensor.empty() : tensor<6x2xf32>
  %t = linalg.transpose ins(%p : tensor<2x6xf32>) outs(%e : tensor<6x2xf32>) permutation = [1, 0]
  return %t : tensor<6x2xf32>
}
func.func @no_pad(%x: tensor<2x4xf32>) -> tensor<4x2xf32> {
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  return %t : tensor<4x2xf32>
}
