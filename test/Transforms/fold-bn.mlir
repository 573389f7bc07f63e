// RUN: netrewrite-opt --fold-bn --split-input-file %s | FileCheck %s

// conv -> bn: scale = gamma / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1 on
// channel 0 and 4 / sqrt(0 + 1) = 4 on channel 1 (eps = 1); the OHWI weight
// is scaled per output channel, bias' = (bias - mean) * scale + beta.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00]]], {{\[\[\[}}1.200000e+01, 1.600000e+01]]]]> : tensor<2x1x1x2xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.500000e+00, -3.000000e+00]> : tensor<2xf32>}>
// CHECK: %[[C:.*]] = tosa.conv2d %arg0, %[[W]], %[[B]],
// CHECK-NOT: nr.batch_norm
// CHECK: return %[[C]]
func.func @conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[1.0, 0.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %g = "tosa.const"() {values = dense<[2.0, 4.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %be = "tosa.const"() {values = dense<[0.5, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %m = "tosa.const"() {values = dense<[0.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %v = "tosa.const"() {values = dense<[3.0, 0.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = nr.batch_norm %c, %g, %be, %m, %v {epsilon = 1.0 : f32} : tensor<1x2x2x2xf32>, tensor<2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A BN whose input has another user stays (folding would change that user).
// CHECK-LABEL: func.func @shared
// CHECK: %[[C:.*]] = tosa.conv2d
// CHECK: %[[Y:.*]] = nr.batch_norm %[[C]]
// CHECK: tosa.add %[[Y]], %[[C]]
func.func @shared(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %p = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = nr.batch_norm %c, %p, %p, %p, %p : tensor<1x2x2x2xf32>, tensor<2xf32>
  %s = tosa.add %y, %c : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %s : tensor<1x2x2x2xf32>
}

// -----

// A BN on a function argument (no layer in front) and one with non-constant
// parameters stay.
// CHECK-LABEL: func.func @no_producer
// CHECK: nr.batch_norm %arg0
// CHECK: nr.batch_norm
func.func @no_producer(%x: tensor<1x2x2x2xf32>, %g: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
  %p = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = nr.batch_norm %x, %p, %p, %p, %p : tensor<1x2x2x2xf32>, tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.conv2d %y, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %z = nr.batch_norm %c, %g, %p, %p, %p : tensor<1x2x2x2xf32>, tensor<2xf32>
  return %z : tensor<1x2x2x2xf32>
}
