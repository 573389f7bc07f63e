// RUN: netrewrite-opt %s --netrewrite-extract-params --netrewrite-build-train-step=optimizer=sgd | FileCheck %s

// A network may end in a BatchNorm behind its classifier (insert-bn.nrr's
// dense rule does that). The training form replaces that nr.batch_norm; the
// loss must still read the logits it produces.
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: nr.batch_norm
// CHECK: tosa.reduce_max
// CHECK: return
func.func @forward(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = "tosa.const"() {values = dense<[[[0.5, -0.25], [0.125, 1.0], [-1.0, 0.75]]]> : tensor<1x3x2xf32>} : () -> tensor<1x3x2xf32> loc("fc")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("fc")
  %s3 = tosa.const_shape {values = dense<[1, 4, 3]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("fc")
  %x3 = tosa.reshape %x, %s3 : (tensor<4x3xf32>, !tosa.shape<3>) -> tensor<1x4x3xf32> loc("fc")
  %m = tosa.matmul %x3, %w, %zp, %zp : (tensor<1x4x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x2xf32> loc("fc")
  %s2 = tosa.const_shape {values = dense<[4, 2]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("fc")
  %y = tosa.reshape %m, %s2 : (tensor<1x4x2xf32>, !tosa.shape<2>) -> tensor<4x2xf32> loc("fc")
  %g = "tosa.const"() {values = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32> loc("fc/bn")
  %b = "tosa.const"() {values = dense<[0.0, 0.5]> : tensor<2xf32>} : () -> tensor<2xf32> loc("fc/bn")
  %mu = "tosa.const"() {values = dense<[0.0, 0.0]> : tensor<2xf32>} : () -> tensor<2xf32> loc("fc/bn")
  %v = "tosa.const"() {values = dense<[1.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32> loc("fc/bn")
  %o = nr.batch_norm %y, %g, %b, %mu, %v : tensor<4x2xf32>, tensor<2xf32> loc("fc/bn")
  return %o : tensor<4x2xf32>
}
