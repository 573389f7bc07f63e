// RUN: netrewrite-opt --netrewrite-extract-params="freeze=frozen_*" -split-input-file %s | FileCheck %s

// Conv kernel and bias, the four BN vectors (running statistics are state)
// and a dense kernel seen through a reshape become leading arguments named
// after their layer; @init_params returns the pretrained values in order.
// CHECK-LABEL: func.func @init_params() -> (
// CHECK-SAME: tensor<2x1x1x3xf32> {nr.kind = "trainable", nr.param = "conv/kernel"}
// CHECK-SAME: tensor<2xf32> {nr.kind = "trainable", nr.param = "conv/bias"}
// CHECK-SAME: tensor<2xf32> {nr.kind = "trainable", nr.param = "bn/gamma"}
// CHECK-SAME: tensor<2xf32> {nr.kind = "trainable", nr.param = "bn/beta"}
// CHECK-SAME: tensor<2xf32> {nr.kind = "state", nr.param = "bn/moving_mean"}
// CHECK-SAME: tensor<2xf32> {nr.kind = "state", nr.param = "bn/moving_variance"}
// CHECK-SAME: tensor<8x3xf32> {nr.kind = "trainable", nr.param = "dense/kernel"}
// CHECK: %[[K:.*]] = "tosa.const"() <{values = dense<2.500000e-01> : tensor<2x1x1x3xf32>}>
// CHECK: %[[D:.*]] = "tosa.const"() <{values = dense<5.000000e-01> : tensor<8x3xf32>}>
// CHECK: return %[[K]], {{.*}}, %[[D]] :
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %arg0: tensor<2x1x1x3xf32> {nr.kind = "trainable", nr.param = "conv/kernel"}
// CHECK-SAME: %arg6: tensor<8x3xf32> {nr.kind = "trainable", nr.param = "dense/kernel"}
// CHECK-SAME: %arg7: tensor<1x2x2x3xf32>) -> tensor<1x3xf32>
// CHECK: tosa.conv2d %arg7, %arg0, %arg1
// CHECK: nr.batch_norm %{{.*}}, %arg2, %arg3, %arg4, %arg5
// CHECK: %[[R:.*]] = tosa.reshape %arg6
// CHECK: tosa.matmul %{{.*}}, %[[R]]
// CHECK-NOT: tosa.const{{.*}}2.500000e-01
func.func @forward(%x: tensor<1x2x2x3xf32>) -> tensor<1x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.25> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("conv")
  %one = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %n = nr.batch_norm %c, %one, %b, %b, %one : tensor<1x2x2x2xf32>, tensor<2xf32> loc("bn")
  %s = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %n, %s : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %wd = "tosa.const"() {values = dense<0.5> : tensor<8x3xf32>} : () -> tensor<8x3xf32>
  %s3 = tosa.const_shape {values = dense<[1, 8, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %wd3 = tosa.reshape %wd, %s3 : (tensor<8x3xf32>, !tosa.shape<3>) -> tensor<1x8x3xf32>
  %m = tosa.matmul %f, %wd3, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32> loc("dense")
  %s2 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x1x3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  return %o : tensor<1x3xf32>
}

// -----

// One constant shared by two layers (as CSE leaves identical weights) gives
// each layer its own parameter; a repeated layer name gets a suffix; a layer
// without a name gets a numbered one; a glob freezes by layer name; a splat
// scale (hard-swish's 1/6) stays a constant, a non-splat one is a weight,
// and a zero bias behind a matmul is a weight even though it is a splat.
// CHECK-LABEL: func.func @init_params() -> (
// CHECK-SAME: {nr.kind = "frozen", nr.param = "frozen_conv/kernel"}
// CHECK-SAME: {nr.kind = "frozen", nr.param = "frozen_conv/bias"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "conv/kernel"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "conv/bias"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "conv/kernel_1"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "conv/bias_1"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "param0/kernel"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "param0/bias"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "scale/scale"}
// CHECK-SAME: {nr.kind = "trainable", nr.param = "dense/bias"})
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %arg8: tensor<1x1x1x2xf32> {nr.kind = "trainable", nr.param = "scale/scale"}
// CHECK-SAME: %arg11: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK: %[[SIXTH:.*]] = "tosa.const"() <{values = dense<0.166666672> : tensor<1x1x1x1xf32>}>
// CHECK: tosa.mul %{{.*}}, %[[SIXTH]], %{{.*}} :
// CHECK: tosa.mul %{{.*}}, %arg8, %{{.*}} :
func.func @forward(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %c0 = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("frozen_conv")
  %c1 = tosa.conv2d %c0, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("conv")
  %c2 = tosa.conv2d %c1, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("conv")
  %c3 = tosa.conv2d %c2, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %sixth = "tosa.const"() {values = dense<0.16666667> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %h = tosa.mul %c3, %sixth, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32> loc("hswish")
  %sc = "tosa.const"() {values = dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %m = tosa.mul %h, %sc, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32> loc("scale")
  %s3 = tosa.const_shape {values = dense<[1, 4, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %m, %s3 : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x4x2xf32>
  %eye = "tosa.const"() {values = dense<[[[1.0, 0.0], [0.0, 1.0]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %d = tosa.matmul %f, %eye, %zp, %zp : (tensor<1x4x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x2xf32> loc("dense")
  %zb = "tosa.const"() {values = dense<0.0> : tensor<1x1x2xf32>} : () -> tensor<1x1x2xf32>
  %a = tosa.add %d, %zb : (tensor<1x4x2xf32>, tensor<1x1x2xf32>) -> tensor<1x4x2xf32> loc("dense")
  %s4 = tosa.const_shape {values = dense<[1, 2, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %a, %s4 : (tensor<1x4x2xf32>, !tosa.shape<4>) -> tensor<1x2x2x2xf32>
  return %o : tensor<1x2x2x2xf32>
}
