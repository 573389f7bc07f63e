// nr.batch_norm while training: batch statistics (gradients through the
// mean and variance) for bn1; bn2 is frozen by a glob, so it normalises with
// its running statistics like a frozen Keras layer and passes them through.
// RUN: netrewrite-opt --netrewrite-extract-params="freeze=bn2" %s | FileCheck %s --check-prefix=PARAMS
// RUN: netrewrite-opt --netrewrite-extract-params="freeze=bn2" --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --zero=conv1/bias | FileCheck %s

// PARAMS-LABEL: func.func @init_params()
// PARAMS-SAME: nr.kind = "trainable", nr.param = "conv1/kernel"
// PARAMS-SAME: nr.kind = "trainable", nr.param = "bn1/gamma"
// PARAMS-SAME: nr.kind = "trainable", nr.param = "bn1/beta"
// PARAMS-SAME: nr.kind = "state", nr.param = "bn1/moving_mean"
// PARAMS-SAME: nr.kind = "state", nr.param = "bn1/moving_variance"
// PARAMS-SAME: nr.kind = "frozen", nr.param = "bn2/gamma"
// PARAMS-SAME: nr.kind = "frozen", nr.param = "bn2/beta"
// PARAMS-SAME: nr.kind = "state", nr.param = "bn2/moving_mean"
// PARAMS-LABEL: func.func @forward(
// PARAMS-SAME: %arg0: tensor<3x3x3x2xf32> {nr.kind = "trainable", nr.param = "conv1/kernel"}
// PARAMS: nr.batch_norm %{{.*}}, %arg2, %arg3, %arg4, %arg5

// CHECK: gradcheck: conv1/kernel ok
// CHECK: gradcheck: conv1/bias ok (zero)
// CHECK: gradcheck: bn1/gamma ok
// CHECK: gradcheck: bn1/beta ok
// CHECK: gradcheck: conv2/kernel ok
// conv2/bias has a gradient only because bn2 normalises with its running
// statistics: batch statistics would cancel it as they cancel conv1/bias.
// CHECK: gradcheck: conv2/bias ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 7 gradients OK

func.func @forward(%x: tensor<2x4x4x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.1> : tensor<3x3x3x2xf32>} : () -> tensor<3x3x3x2xf32>
  %c = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x4x4x2xf32>, tensor<3x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x3xf32> loc("conv1")
  %g = "tosa.const"() {values = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %m = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %v = "tosa.const"() {values = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %n = nr.batch_norm %c, %g, %b, %m, %v {epsilon = 1.0e-3 : f32, momentum = 0.9 : f32} : tensor<2x4x4x3xf32>, tensor<3xf32> loc("bn1")
  %r = tosa.clamp %n {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<2x4x4x3xf32>) -> tensor<2x4x4x3xf32>
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<2x3x3x3xf32>} : () -> tensor<2x3x3x3xf32>
  %c2 = tosa.conv2d %r, %w2, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x4x4x3xf32>, tensor<2x3x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x2x2x2xf32> loc("conv2")
  %g2 = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %m2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %v2 = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %n2 = nr.batch_norm %c2, %g2, %b2, %m2, %v2 {epsilon = 1.0e-3 : f32, momentum = 0.9 : f32} : tensor<2x2x2x2xf32>, tensor<2xf32> loc("bn2")
  %s = tosa.const_shape {values = dense<[1, 2, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %n2, %s : (tensor<2x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x2x8xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x8x3xf32>} : () -> tensor<1x8x3xf32>
  %mm = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %mm, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
