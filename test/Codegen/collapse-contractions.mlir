// RUN: netrewrite-opt %s --split-input-file --netrewrite-collapse-contractions | FileCheck %s

// TOSA's 3-D matmul with a unit batch: a plain 2-D matmul on collapsed
// operands, the result expanded back.
// CHECK-LABEL: func.func @unit_batch
// CHECK-DAG: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<1x32x64xf32> into tensor<32x64xf32>
// CHECK-DAG: %[[B:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1], [2]] : tensor<1x64x16xf32> into tensor<64x16xf32>
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<32x64xf32>, tensor<64x16xf32>)
// CHECK: tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2]] output_shape [1, 32, 16]
// CHECK-NOT: linalg.batch_matmul
func.func @unit_batch(%a: tensor<1x32x64xf32>, %b: tensor<1x64x16xf32>, %init: tensor<1x32x16xf32>) -> tensor<1x32x16xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<1x32x64xf32>, tensor<1x64x16xf32>) outs(%init : tensor<1x32x16xf32>) -> tensor<1x32x16xf32>
  return %0 : tensor<1x32x16xf32>
}

// -----

// A dense layer over a flattened NCHW activation after elementwise fusion
// folded the flatten into the weight: the reduction over (c, h, w) becomes
// one dimension of 2 * 2 * 3 = 12, and the op a matmul.
// CHECK-LABEL: func.func @flattened_nchw
// CHECK-DAG: tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2, 3]] : tensor<8x3x2x2xf32> into tensor<8x12xf32>
// CHECK-DAG: tensor.collapse_shape %arg1 {{\[\[}}0, 1, 2], [3]] : tensor<3x2x2x10xf32> into tensor<12x10xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x12xf32>, tensor<12x10xf32>) outs(%arg2 : tensor<8x10xf32>)
// CHECK-NOT: linalg.generic
#x = affine_map<(m, n, c, h, w) -> (m, c, h, w)>
#w = affine_map<(m, n, c, h, w) -> (c, h, w, n)>
#y = affine_map<(m, n, c, h, w) -> (m, n)>
func.func @flattened_nchw(%x: tensor<8x3x2x2xf32>, %w: tensor<3x2x2x10xf32>, %init: tensor<8x10xf32>) -> tensor<8x10xf32> {
  %0 = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
    ins(%x, %w : tensor<8x3x2x2xf32>, tensor<3x2x2x10xf32>) outs(%init : tensor<8x10xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x10xf32>
  return %0 : tensor<8x10xf32>
}

// -----

// Batch 1: unit batch and unit rows dropped; a matrix-vector product stays
// a generic with one parallel and one reduction dimension.
// CHECK-LABEL: func.func @matvec
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<64xf32>, tensor<64x16xf32>) outs(%{{.*}} : tensor<16xf32>)
// CHECK-NOT: linalg.batch_matmul
func.func @matvec(%a: tensor<1x1x64xf32>, %b: tensor<1x64x16xf32>, %init: tensor<1x1x16xf32>) -> tensor<1x1x16xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<1x1x64xf32>, tensor<1x64x16xf32>) outs(%init : tensor<1x1x16xf32>) -> tensor<1x1x16xf32>
  return %0 : tensor<1x1x16xf32>
}

// -----

// Left alone: a real batch, and reduction dimensions that are not
// contiguous in the weight (its layout interleaves them with n).
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.batch_matmul
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
#xa = affine_map<(m, n, c, h) -> (m, c, h)>
#wa = affine_map<(m, n, c, h) -> (c, n, h)>
#ya = affine_map<(m, n, c, h) -> (m, n)>
func.func @left_alone(%a: tensor<2x8x4xf32>, %b: tensor<2x4x8xf32>, %i0: tensor<2x8x8xf32>,
                      %x: tensor<8x3x2xf32>, %w: tensor<3x10x2xf32>, %i1: tensor<8x10xf32>) -> (tensor<2x8x8xf32>, tensor<8x10xf32>) {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x8x4xf32>, tensor<2x4x8xf32>) outs(%i0 : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %1 = linalg.generic {indexing_maps = [#xa, #wa, #ya], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
    ins(%x, %w : tensor<8x3x2xf32>, tensor<3x10x2xf32>) outs(%i1 : tensor<8x10xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x10xf32>
  return %0, %1 : tensor<2x8x8xf32>, tensor<8x10xf32>
}
