// Weight gradients of 1x1 stride-1 convolutions are a matmul over the
// N*H*W positions (in per-image chunks, summed after), transposing only
// the smaller of the output grad and the input (lib/Training/Autodiff.cpp).
// Finite-difference check of an expanding (4 -> 6 channels: x transposed)
// and a projecting (6 -> 3: g transposed) 1x1 conv, with a 3x3 conv in
// front so the 1x1 convs' input gradients are checked too. Parameters drawn
// with std 0.3: at 0.5 the logits of this stack are large enough (loss ~12)
// that float32 central differences of the smallest directional derivatives
// (~1e-4) are off by a few per cent.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --param-std 0.3 | FileCheck %s
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --param-std 0.3 --seed 1 | FileCheck %s

// CHECK: gradcheck: pre/kernel ok
// CHECK: gradcheck: pre/bias ok
// CHECK: gradcheck: expand/kernel ok
// CHECK: gradcheck: expand/bias ok
// CHECK: gradcheck: project/kernel ok
// CHECK: gradcheck: project/bias ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 7 gradients OK

// The structure: matmuls over the 2*5*5 positions split per image (a
// batch of 2 matmuls over 25 positions each, one transpose each), the
// partial products summed over the batch.
// RUN: FileCheck %s --check-prefix=IR < %t.mlir
// IR-LABEL: func.func @loss_and_grad
// IR-DAG: %[[E:.*]] = tosa.matmul {{.*}} : (tensor<2x4x25xf32>, tensor<2x25x6xf32>, {{.*}}) -> tensor<2x4x6xf32>
// IR-DAG: tosa.reduce_sum %[[E]] {axis = 0 : i32} : (tensor<2x4x6xf32>) -> tensor<1x4x6xf32>
// IR-DAG: %[[P:.*]] = tosa.matmul {{.*}} : (tensor<2x3x25xf32>, tensor<2x25x6xf32>, {{.*}}) -> tensor<2x3x6xf32>
// IR-DAG: tosa.reduce_sum %[[P]] {axis = 0 : i32} : (tensor<2x3x6xf32>) -> tensor<1x3x6xf32>
// IR: return

func.func @forward(%x: tensor<2x5x5x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w0 = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x2xf32>} : () -> tensor<4x3x3x2xf32>
  %b0 = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %c0 = tosa.conv2d %x, %w0, %b0, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x5x5x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x4xf32> loc("pre")
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<6x1x1x4xf32>} : () -> tensor<6x1x1x4xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<6xf32>} : () -> tensor<6xf32>
  %c1 = tosa.conv2d %c0, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x5x5x4xf32>, tensor<6x1x1x4xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x6xf32> loc("expand")
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<3x1x1x6xf32>} : () -> tensor<3x1x1x6xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %c2 = tosa.conv2d %c1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x5x5x6xf32>, tensor<3x1x1x6xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x3xf32> loc("project")
  %s = tosa.const_shape {values = dense<[1, 2, 75]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %c2, %s : (tensor<2x5x5x3xf32>, !tosa.shape<3>) -> tensor<1x2x75xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x75x3xf32>} : () -> tensor<1x75x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x75xf32>, tensor<1x75x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %sh = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %sh : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
