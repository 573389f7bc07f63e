// RUN: netrewrite-opt %s --mlir-print-debuginfo | netrewrite-opt --mlir-print-debuginfo | FileCheck %s
// RUN: netrewrite-opt %s --emit-bytecode | netrewrite-opt --mlir-print-debuginfo | FileCheck %s

// Default epsilon and momentum are elided; explicit ones survive.
// CHECK-LABEL: func.func @bn_nhwc
// CHECK: nr.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x4x4x3xf32>, tensor<3xf32>
// CHECK: nr.batch_norm %{{.*}} {epsilon = 9.99999974E-6 : f32, momentum = 0.899999976 : f32} : tensor<2x4x4x3xf32>, tensor<3xf32>
func.func @bn_nhwc(%x: tensor<2x4x4x3xf32>, %p: tensor<3xf32>) -> tensor<2x4x4x3xf32> {
  %0 = nr.batch_norm %x, %p, %p, %p, %p : tensor<2x4x4x3xf32>, tensor<3xf32>
  %1 = nr.batch_norm %0, %p, %p, %p, %p {epsilon = 1.0e-5 : f32, momentum = 0.9 : f32} : tensor<2x4x4x3xf32>, tensor<3xf32>
  return %1 : tensor<2x4x4x3xf32>
}

// Dense layers normalise NC tensors; dynamic sizes are allowed.
// CHECK-LABEL: func.func @bn_dense_dynamic
// CHECK: nr.batch_norm %{{.*}} : tensor<?x16xf32>, tensor<16xf32>
func.func @bn_dense_dynamic(%x: tensor<?x16xf32>, %p: tensor<16xf32>) -> tensor<?x16xf32> {
  %0 = nr.batch_norm %x, %p, %p, %p, %p : tensor<?x16xf32>, tensor<16xf32>
  return %0 : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @dropout
// CHECK: nr.dropout %{{.*}} {rate = 0.00999999977 : f32} : tensor<1x8x8x4xf32>
// CHECK: nr.dropout %{{.*}} {rate = 5.000000e-01 : f32, seed = 42 : i64} : tensor<1x8x8x4xf32>
func.func @dropout(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %0 = nr.dropout %x {rate = 0.01 : f32} : tensor<1x8x8x4xf32>
  %1 = nr.dropout %0 {rate = 0.5 : f32, seed = 42 : i64} : tensor<1x8x8x4xf32>
  return %1 : tensor<1x8x8x4xf32>
}

// Layer names travel as NameLoc locations.
// CHECK-LABEL: func.func @named
// CHECK: nr.dropout {{.*}} loc(#
// CHECK: loc("block_1/dropout")
func.func @named(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %0 = nr.dropout %x {rate = 0.1 : f32} : tensor<1x2xf32> loc("block_1/dropout")
  return %0 : tensor<1x2xf32>
}
