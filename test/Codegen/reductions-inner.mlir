// RUN: netrewrite-opt %s --pass-pipeline='builtin.module(func.func(netrewrite-reductions-inner))' | FileCheck %s

// A sum over the batch (reduction dimension first) is interchanged: the
// channel loop first, so the CUDA pipeline makes it one kernel rather than
// a host loop of launches. Indexing maps follow the loops.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @batch_sum
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
func.func @batch_sum(%x: memref<8x16xf32>, %s: memref<16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>], iterator_types = ["reduction", "parallel"]} ins(%x : memref<8x16xf32>) outs(%s : memref<16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %a, %acc : f32
    linalg.yield %r : f32
  }
  return
}

// linalg.reduce over dimension 0 (tosa.reduce_sum's lowering) is
// generalized first.
// CHECK-LABEL: func.func @reduce_axis0
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-NOT: linalg.reduce
func.func @reduce_axis0(%x: memref<4x5x6xf32>, %s: memref<5x6xf32>) {
  linalg.reduce ins(%x : memref<4x5x6xf32>) outs(%s : memref<5x6xf32>) dimensions = [0]
    (%a: f32, %acc: f32) {
      %r = arith.addf %a, %acc : f32
      linalg.yield %r : f32
    }
  return
}

// Ops whose parallel loops already come first stay as they are.
// CHECK-LABEL: func.func @already_inner
// CHECK: linalg.reduce
// CHECK: linalg.matmul
func.func @already_inner(%x: memref<4x5xf32>, %s: memref<4xf32>, %a: memref<4x5xf32>, %b: memref<5x3xf32>, %c: memref<4x3xf32>) {
  linalg.reduce ins(%x : memref<4x5xf32>) outs(%s : memref<4xf32>) dimensions = [1]
    (%v: f32, %acc: f32) {
      %r = arith.addf %v, %acc : f32
      linalg.yield %r : f32
    }
  linalg.matmul ins(%a, %b : memref<4x5xf32>, memref<5x3xf32>) outs(%c : memref<4x3xf32>)
  return
}
