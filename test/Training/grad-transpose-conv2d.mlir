// Finite-difference check of transpose_conv2d gradients: stride 2 with
// growing output padding, then stride 1 with cropping (negative out_pad).
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s

// CHECK: gradcheck: up/kernel ok
// CHECK: gradcheck: up/bias ok
// CHECK: gradcheck: crop/kernel ok
// CHECK: gradcheck: crop/bias ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 5 gradients OK

func.func @forward(%x: tensor<2x3x3x4xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<5x3x3x4xf32>} : () -> tensor<5x3x3x4xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<5xf32>} : () -> tensor<5xf32>
  %c1 = tosa.transpose_conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 1, 1, 0>, stride = array<i64: 2, 2>} : (tensor<2x3x3x4xf32>, tensor<5x3x3x4xf32>, tensor<5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x8x5xf32> loc("up")
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<2x3x2x5xf32>} : () -> tensor<2x3x2x5xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %c2 = tosa.transpose_conv2d %c1, %w2, %b2, %zp, %zp {acc_type = f32, out_pad = array<i64: -1, -1, 0, -1>, stride = array<i64: 1, 1>} : (tensor<2x8x8x5xf32>, tensor<2x3x2x5xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x8x2xf32> loc("crop")
  %s = tosa.const_shape {values = dense<[1, 2, 128]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %c2, %s : (tensor<2x8x8x2xf32>, !tosa.shape<3>) -> tensor<1x2x128xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x128x3xf32>} : () -> tensor<1x128x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x128xf32>, tensor<1x128x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
