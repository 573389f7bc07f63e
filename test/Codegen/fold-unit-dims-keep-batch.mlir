// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-fold-unit-dims-keep-batch))" | FileCheck %s

// A batch-1 NHWC activation keeps its batch dimension (so that it still
// matches the convolution it follows), unlike under upstream
// linalg-fold-unit-extent-dims.
// CHECK-LABEL: func.func @relu6_batch1
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%{{.*}} : tensor<1x8x8x32xf32>)
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @relu6_batch1(%x: tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> {
  %e = tensor.empty() : tensor<1x8x8x32xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : tensor<1x8x8x32xf32>) outs(%e : tensor<1x8x8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %lo = arith.constant 0.0 : f32
    %hi = arith.constant 6.0 : f32
    %a = arith.maximumf %in, %lo : f32
    %b = arith.minimumf %a, %hi : f32
    linalg.yield %b : f32
  } -> tensor<1x8x8x32xf32>
  return %0 : tensor<1x8x8x32xf32>
}

// -----

// The depthwise convolution's trailing unit channel multiplier still goes
// (the ops after it vectorise along the channels), the batch stays.
// CHECK-LABEL: func.func @multiplier
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x8x8x32x1xf32> into tensor<1x8x8x32xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
func.func @multiplier(%x: tensor<1x8x8x32x1xf32>) -> tensor<1x8x8x32x1xf32> {
  %e = tensor.empty() : tensor<1x8x8x32x1xf32>
  %0 = linalg.generic {indexing_maps = [#id5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
    ins(%x : tensor<1x8x8x32x1xf32>) outs(%e : tensor<1x8x8x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %lo = arith.constant 0.0 : f32
    %a = arith.maximumf %in, %lo : f32
    linalg.yield %a : f32
  } -> tensor<1x8x8x32x1xf32>
  return %0 : tensor<1x8x8x32x1xf32>
}

// -----

// Lower-rank ops (a batch-1 dense layer's bias add) lose all unit
// dimensions, as upstream.
// CHECK-LABEL: func.func @dense_bias
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @dense_bias(%x: tensor<1x1000xf32>, %b: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  %e = tensor.empty() : tensor<1x1000xf32>
  %0 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%x, %b : tensor<1x1000xf32>, tensor<1x1000xf32>) outs(%e : tensor<1x1000xf32>) {
  ^bb0(%in: f32, %bi: f32, %out: f32):
    %s = arith.addf %in, %bi : f32
    linalg.yield %s : f32
  } -> tensor<1x1000xf32>
  return %0 : tensor<1x1000xf32>
}
