// Training-mode batch norm through its closed-form gradient
// (lib/Training/Autodiff.cpp, Differentiator::batchNorm) in the cases the
// rule branches on: bn0 normalises the network's input (no gradient for
// x, only for gamma and beta), bn1 has a trainable gamma and a frozen beta
// (training mode: batch statistics, the gradient reaches x through them),
// bn2 follows a dense layer (rank 2: BatchNorm1d). Finite differences for
// every trainable parameter, at two seeds.
// RUN: netrewrite-opt --netrewrite-extract-params="freeze=bn1/beta" --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --zero=conv1/bias | FileCheck %s
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --zero=conv1/bias --seed 1 | FileCheck %s

// CHECK: gradcheck: bn0/gamma ok
// CHECK: gradcheck: bn0/beta ok
// CHECK: gradcheck: conv1/kernel ok
// conv1/bias: zero, as batch statistics cancel a bias in front of a batch norm.
// CHECK: gradcheck: conv1/bias ok (zero)
// CHECK: gradcheck: bn1/gamma ok
// CHECK: gradcheck: fc/kernel ok
// CHECK: gradcheck: bn2/gamma ok
// CHECK: gradcheck: bn2/beta ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 9 gradients OK

// The structure of bn1 (x: 4x3x3x3, 36 elements per channel). Forward: the
// mean and the variance are per-channel sums, per image first (4x9x3 ->
// 4x1x3), then over the images; the variance sums squares of x - mean.
// Backward: two more such sums (dy, dy * xhat) and one element-wise dx; no
// broadcast of a gradient back to the full shape (tosa.tile) and no sum
// over the batch axis of the full tensor.
// RUN: FileCheck %s --check-prefix=IR < %t.mlir
// IR-LABEL: func.func @loss_and_grad
// IR-NOT: tosa.tile
// IR: %[[X:.*]] = tosa.conv2d {{.*}} -> tensor<4x3x3x3xf32>
// IR: %[[XF:.*]] = tosa.reshape %[[X]], {{.*}} -> tensor<4x9x3xf32>
// IR: tosa.reduce_sum %[[XF]] {axis = 1 : i32} : (tensor<4x9x3xf32>) -> tensor<4x1x3xf32>
// IR: tosa.reduce_sum {{.*}} {axis = 0 : i32} : (tensor<4x3xf32>) -> tensor<1x3xf32>
// IR: %[[D:.*]] = tosa.sub %[[X]], %{{.*}} : (tensor<4x3x3x3xf32>, tensor<1x1x1x3xf32>)
// IR: %[[D2:.*]] = tosa.sub %[[X]], %{{.*}} : (tensor<4x3x3x3xf32>, tensor<1x1x1x3xf32>)
// IR: tosa.mul %[[D]], %[[D2]], %{{.*}} : (tensor<4x3x3x3xf32>, tensor<4x3x3x3xf32>, tensor<1xi8>)
// IR: tosa.reduce_sum {{.*}} {axis = 1 : i32} : (tensor<4x9x3xf32>) -> tensor<4x1x3xf32>
// IR: tosa.reduce_sum {{.*}} {axis = 0 : i32} : (tensor<4x3xf32>) -> tensor<1x3xf32>
// IR: %[[Y:.*]] = tosa.clamp
// IR: tosa.reduce_sum {{.*}} {axis = 1 : i32} : (tensor<4x9x3xf32>) -> tensor<4x1x3xf32>
// IR: tosa.reduce_sum {{.*}} {axis = 0 : i32} : (tensor<4x3xf32>) -> tensor<1x3xf32>
// IR: tosa.reduce_sum {{.*}} {axis = 1 : i32} : (tensor<4x9x3xf32>) -> tensor<4x1x3xf32>
// IR: tosa.reduce_sum {{.*}} {axis = 0 : i32} : (tensor<4x3xf32>) -> tensor<1x3xf32>
// IR-NOT: tosa.reduce_sum {{.*}} : (tensor<4x3x3x3xf32>)
// IR: return

func.func @forward(%x: tensor<4x3x3x2xf32>) -> tensor<4x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %g0 = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %b0 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %m0 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %v0 = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %n0 = nr.batch_norm %x, %g0, %b0, %m0, %v0 {epsilon = 1.0e-3 : f32, momentum = 0.9 : f32} : tensor<4x3x3x2xf32>, tensor<2xf32> loc("bn0")
  %w = "tosa.const"() {values = dense<0.1> : tensor<3x3x3x2xf32>} : () -> tensor<3x3x3x2xf32>
  %c = tosa.conv2d %n0, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<4x3x3x2xf32>, tensor<3x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3x3x3xf32> loc("conv1")
  %g1 = "tosa.const"() {values = dense<1.5> : tensor<3xf32>} : () -> tensor<3xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %m1 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %v1 = "tosa.const"() {values = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %n1 = nr.batch_norm %c, %g1, %b1, %m1, %v1 {epsilon = 1.0e-3 : f32, momentum = 0.9 : f32} : tensor<4x3x3x3xf32>, tensor<3xf32> loc("bn1")
  %r = tosa.clamp %n1 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<4x3x3x3xf32>) -> tensor<4x3x3x3xf32> loc("relu6")
  %s1 = tosa.const_shape {values = dense<[1, 4, 27]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %r, %s1 : (tensor<4x3x3x3xf32>, !tosa.shape<3>) -> tensor<1x4x27xf32>
  %wf = "tosa.const"() {values = dense<0.1> : tensor<1x27x5xf32>} : () -> tensor<1x27x5xf32>
  %h = tosa.matmul %f, %wf, %zp, %zp : (tensor<1x4x27xf32>, tensor<1x27x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x5xf32> loc("fc")
  %s2 = tosa.const_shape {values = dense<[4, 5]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %h2 = tosa.reshape %h, %s2 : (tensor<1x4x5xf32>, !tosa.shape<2>) -> tensor<4x5xf32>
  %g2 = "tosa.const"() {values = dense<1.0> : tensor<5xf32>} : () -> tensor<5xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<5xf32>} : () -> tensor<5xf32>
  %m2 = "tosa.const"() {values = dense<0.0> : tensor<5xf32>} : () -> tensor<5xf32>
  %v2 = "tosa.const"() {values = dense<1.0> : tensor<5xf32>} : () -> tensor<5xf32>
  %n2 = nr.batch_norm %h2, %g2, %b2, %m2, %v2 {epsilon = 1.0e-3 : f32, momentum = 0.9 : f32} : tensor<4x5xf32>, tensor<5xf32> loc("bn2")
  %s3 = tosa.const_shape {values = dense<[1, 4, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %h3 = tosa.reshape %n2, %s3 : (tensor<4x5xf32>, !tosa.shape<3>) -> tensor<1x4x5xf32>
  %wh = "tosa.const"() {values = dense<0.1> : tensor<1x5x3xf32>} : () -> tensor<1x5x3xf32>
  %o = tosa.matmul %h3, %wh, %zp, %zp : (tensor<1x4x5xf32>, tensor<1x5x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32> loc("head")
  %s4 = tosa.const_shape {values = dense<[4, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o2 = tosa.reshape %o, %s4 : (tensor<1x4x3xf32>, !tosa.shape<2>) -> tensor<4x3xf32>
  return %o2 : tensor<4x3xf32>
}
