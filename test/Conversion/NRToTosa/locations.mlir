// RUN: netrewrite-opt %s --convert-nr-to-tosa --mlir-print-debuginfo | FileCheck %s

// Dense BN broadcasts [1, C]; the layer name stays on every new op,
// so rewrite reports and rules keep speaking the user's layer names.
// CHECK-LABEL: func.func @bn_dense
// CHECK: tosa.reshape {{.*}} -> tensor<1x16xf32> loc(#[[LOC:.*]])
// CHECK: tosa.add {{.*}} : (tensor<8x16xf32>, tensor<1x16xf32>) -> tensor<8x16xf32> loc(#[[LOC]])
// CHECK: #[[LOC]] = loc("fc1/bn")
func.func @bn_dense(%x: tensor<8x16xf32>, %p: tensor<16xf32>) -> tensor<8x16xf32> {
  %0 = nr.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : tensor<8x16xf32>, tensor<16xf32> loc("fc1/bn")
  return %0 : tensor<8x16xf32>
}

