// RUN: netrewrite-opt %s --pass-pipeline="builtin.module(func.func(netrewrite-fuse-elementwise))" | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#k = affine_map<(d0, d1) -> (d1)>
#kn = affine_map<(d0, d1) -> (d1, d0)>

// A batch-1 dense layer (matrix-vector product over (n, k)) behind an
// average pool's division: fused, the division would run once per weight
// (n x k times instead of k) and the product would stop being a
// multiply-add. The division stays a separate op; the product keeps its
// contraction body.
// CHECK-LABEL: func.func @pool_then_dense
// CHECK: %[[AVG:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK: arith.divf
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[AVG]], %{{.*}} : tensor<64xf32>, tensor<64x16xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: linalg.yield
func.func @pool_then_dense(%sum: tensor<64xf32>, %w: tensor<64x16xf32>) -> tensor<16xf32> {
  %c49 = arith.constant 49.0 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %avg = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%sum : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %c49 : f32
    linalg.yield %d : f32
  } -> tensor<64xf32>
  %o = tensor.empty() : tensor<16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%o : tensor<16xf32>) -> tensor<16xf32>
  %r = linalg.generic {indexing_maps = [#k, #kn, #row], iterator_types = ["parallel", "reduction"]}
      ins(%avg, %w : tensor<64xf32>, tensor<64x16xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %a = arith.addf %acc, %m : f32
    linalg.yield %a : f32
  } -> tensor<16xf32>
  return %r : tensor<16xf32>
}

// A reduction that reads its producer at every one of its loops (a sum of
// exponentials, as in softmax) fuses as upstream: nothing is recomputed.
// CHECK-LABEL: func.func @sum_of_exp
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: math.exp
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @sum_of_exp(%x: tensor<8x32xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %exp = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x32xf32>) outs(%e : tensor<8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<8x32xf32>
  %o = tensor.empty() : tensor<8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%o : tensor<8xf32>) -> tensor<8xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%exp : tensor<8x32xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %acc, %in : f32
    linalg.yield %a : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// Element-wise chains fuse as upstream: a bias add and a ReLU become one op.
// CHECK-LABEL: func.func @bias_relu
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
func.func @bias_relu(%x: tensor<8x32xf32>, %b: tensor<32xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %add = linalg.generic {indexing_maps = [#id, #k, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<8x32xf32>, tensor<32xf32>) outs(%e : tensor<8x32xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %v = arith.addf %in, %bias : f32
    linalg.yield %v : f32
  } -> tensor<8x32xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%add : tensor<8x32xf32>) outs(%e : tensor<8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<8x32xf32>
  return %relu : tensor<8x32xf32>
}
