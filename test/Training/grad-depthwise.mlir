// Finite-difference check of depthwise_conv2d gradients: channel
// multiplier 2 with stride 2 and padding, then multiplier 1 with dilation 2.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s

// CHECK: gradcheck: dw1/depthwise_kernel ok
// CHECK: gradcheck: dw1/bias ok
// CHECK: gradcheck: dw2/depthwise_kernel ok
// CHECK: gradcheck: dw2/bias ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 5 gradients OK

func.func @forward(%x: tensor<2x5x5x3xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<3x3x3x2xf32>} : () -> tensor<3x3x3x2xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<6xf32>} : () -> tensor<6xf32>
  %c1 = tosa.depthwise_conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x5x5x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x6xf32> loc("dw1")
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<3x3x6x1xf32>} : () -> tensor<3x3x6x1xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<6xf32>} : () -> tensor<6xf32>
  %c2 = tosa.depthwise_conv2d %c1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>} : (tensor<2x3x3x6xf32>, tensor<3x3x6x1xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x6xf32> loc("dw2")
  %s = tosa.const_shape {values = dense<[1, 2, 54]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %c2, %s : (tensor<2x3x3x6xf32>, !tosa.shape<3>) -> tensor<1x2x54xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x54x3xf32>} : () -> tensor<1x54x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x54xf32>, tensor<1x54x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
