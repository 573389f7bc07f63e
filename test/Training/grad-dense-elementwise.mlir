// Finite-difference check of matmul (dense) and broadcasting add/sub/mul:
// a per-feature scale and offset (non-splat constants become parameters),
// a second dense layer whose kernel is the left operand, an elementwise
// product of two branches, negate and a broadcast subtraction of a bias.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s

// CHECK: gradcheck: dense1/kernel ok
// CHECK: gradcheck: dense1/bias ok
// CHECK: gradcheck: affine/scale ok
// CHECK: gradcheck: affine/bias ok
// CHECK: gradcheck: gate/kernel_lhs ok
// CHECK: gradcheck: shift/bias ok
// CHECK: gradcheck: all 6 gradients OK

func.func @forward(%x: tensor<3x4xf32>) -> tensor<3x5xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s3 = tosa.const_shape {values = dense<[1, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<3x4xf32>, !tosa.shape<3>) -> tensor<1x3x4xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<1x4x5xf32>} : () -> tensor<1x4x5xf32>
  %d1 = tosa.matmul %x3, %w1, %zp, %zp : (tensor<1x3x4xf32>, tensor<1x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x5xf32> loc("dense1")
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<1x1x5xf32>} : () -> tensor<1x1x5xf32>
  %a1 = tosa.add %d1, %b1 : (tensor<1x3x5xf32>, tensor<1x1x5xf32>) -> tensor<1x3x5xf32> loc("dense1")
  %sc = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0, 4.0, 5.0]]]> : tensor<1x1x5xf32>} : () -> tensor<1x1x5xf32>
  %m1 = tosa.mul %a1, %sc, %shift : (tensor<1x3x5xf32>, tensor<1x1x5xf32>, tensor<1xi8>) -> tensor<1x3x5xf32> loc("affine")
  %of = "tosa.const"() {values = dense<[[[0.5], [0.25], [0.125]]]> : tensor<1x3x1xf32>} : () -> tensor<1x3x1xf32>
  %a2 = tosa.add %m1, %of : (tensor<1x3x5xf32>, tensor<1x3x1xf32>) -> tensor<1x3x5xf32> loc("affine")
  %wl = "tosa.const"() {values = dense<0.1> : tensor<1x3x3xf32>} : () -> tensor<1x3x3xf32>
  %g = tosa.matmul %wl, %a2, %zp, %zp : (tensor<1x3x3xf32>, tensor<1x3x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x5xf32> loc("gate")
  %p = tosa.mul %g, %a2, %shift : (tensor<1x3x5xf32>, tensor<1x3x5xf32>, tensor<1xi8>) -> tensor<1x3x5xf32> loc("product")
  %n = tosa.negate %p, %zp, %zp : (tensor<1x3x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x5xf32> loc("negate")
  %bs = "tosa.const"() {values = dense<[[[0.1, 0.2, 0.3, 0.4, 0.5]]]> : tensor<1x1x5xf32>} : () -> tensor<1x1x5xf32>
  %sub = tosa.sub %bs, %n : (tensor<1x1x5xf32>, tensor<1x3x5xf32>) -> tensor<1x3x5xf32> loc("shift")
  %s2 = tosa.const_shape {values = dense<[3, 5]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %sub, %s2 : (tensor<1x3x5xf32>, !tosa.shape<2>) -> tensor<3x5xf32>
  return %o : tensor<3x5xf32>
}
