// RUN: netrewrite-opt %s --pass-pipeline='builtin.module(func.func(netrewrite-split-reductions))' | FileCheck %s

// Batch-norm statistics of an NHWC activation: 8 outputs, 8192 inputs
// each. The reduction loops (N, H, W: one run of dimensions in the input)
// are collapsed into one and split into 512 slices of 16: stage one reduces
// into a [512, 8] buffer filled with 0 (4096 parallel iterations), stage two
// sums the slices into the output, whose old value is kept.
// CHECK-LABEL: func.func @bn_sum
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %arg0 {{\[}}[0, 1, 2], [3]] : memref<32x16x16x8xf32> into memref<8192x8xf32>
// CHECK: %[[SLICED:.*]] = memref.expand_shape %[[FLAT]] {{\[}}[0, 1], [2]] output_shape [512, 16, 8]
// CHECK: %[[PART:.*]] = memref.alloc() : memref<512x8xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ZERO]] : f32) outs(%[[PART]] : memref<512x8xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[SLICED]] : memref<512x16x8xf32>) outs(%[[PART]] : memref<512x8xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[PART]] : memref<512x8xf32>) outs(%arg1 : memref<8xf32>)
// CHECK: arith.addf
// CHECK: memref.dealloc %[[PART]]
func.func @bn_sum(%x: memref<32x16x16x8xf32>, %s: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(c, n, h, w) -> (n, h, w, c)>, affine_map<(c, n, h, w) -> (c)>], iterator_types = ["parallel", "reduction", "reduction", "reduction"]} ins(%x : memref<32x16x16x8xf32>) outs(%s : memref<8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %r = arith.addf %sq, %acc : f32
    linalg.yield %r : f32
  }
  return
}

// Left alone: too few inputs per output (1024 < 4096), and a payload that
// uses the accumulator twice (no combiner with a neutral value).
// CHECK-LABEL: func.func @small
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]}
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]}
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @small(%x: memref<1024x8xf32>, %y: memref<8192x8xf32>, %s: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(c, n) -> (n, c)>, affine_map<(c, n) -> (c)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<1024x8xf32>) outs(%s : memref<8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %a, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(c, n) -> (n, c)>, affine_map<(c, n) -> (c)>], iterator_types = ["parallel", "reduction"]} ins(%y : memref<8192x8xf32>) outs(%s : memref<8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.mulf %acc, %acc : f32
    %r = arith.addf %a, %t : f32
    linalg.yield %r : f32
  }
  return
}
