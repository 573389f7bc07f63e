// Finite-difference check of the conv2d gradients: stride 2 with padding,
// dilation 2, and a strided conv with asymmetric padding and a non-square kernel
// (TOSA requires exact division, so no input row is left unread), each feeding a dense head.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s

// CHECK: gradcheck: strided/kernel ok
// CHECK: gradcheck: strided/bias ok
// CHECK: gradcheck: dilated/kernel ok
// CHECK: gradcheck: dilated/bias ok
// CHECK: gradcheck: asym/kernel ok
// CHECK: gradcheck: asym/bias ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: head/bias ok
// CHECK: gradcheck: all 8 gradients OK

func.func @forward(%x: tensor<2x7x7x3xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x7x7x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x4xf32> loc("strided")
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<5x3x3x4xf32>} : () -> tensor<5x3x3x4xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<5xf32>} : () -> tensor<5xf32>
  %c2 = tosa.conv2d %c1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 2, 1, 3>, stride = array<i64: 1, 1>} : (tensor<2x4x4x4xf32>, tensor<5x3x3x4xf32>, tensor<5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x5xf32> loc("dilated")
  %w3 = "tosa.const"() {values = dense<0.1> : tensor<3x2x3x5xf32>} : () -> tensor<3x2x3x5xf32>
  %b3 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %c3 = tosa.conv2d %c2, %w3, %b3, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<2x4x4x5xf32>, tensor<3x2x3x5xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x2x2x3xf32> loc("asym")
  %s = tosa.const_shape {values = dense<[1, 2, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %c3, %s : (tensor<2x2x2x3xf32>, !tosa.shape<3>) -> tensor<1x2x12xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x12x3xf32>} : () -> tensor<1x12x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x12xf32>, tensor<1x12x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %m2 = tosa.reshape %m, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  %bd = "tosa.const"() {values = dense<0.0> : tensor<1x3xf32>} : () -> tensor<1x3xf32>
  %o = tosa.add %m2, %bd : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32> loc("head")
  return %o : tensor<2x3xf32>
}
