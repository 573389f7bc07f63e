// Input gradients of strided convolutions are built from their stride
// phases (lib/Training/Autodiff.cpp, convInputGradPhases) instead of
// convolving a zero-dilated output grad. Finite-difference check through
// layers whose *input* is active (so the phase form is what the earlier
// layer's gradients go through): a depthwise 3x3 stride-2 conv with channel
// multiplier 2 and asymmetric padding on an odd width, a 1x1 stride-2 conv
// (half of its phases reach no tap: zero), and a 3x2 conv with strides
// (3, 2) (three row phases, one of them for a single tap).
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --seed 3 | FileCheck %s

// CHECK: gradcheck: pre/kernel ok
// CHECK: gradcheck: pre/bias ok
// CHECK: gradcheck: dw/depthwise_kernel ok
// CHECK: gradcheck: dw/bias ok
// CHECK: gradcheck: pw/kernel ok
// CHECK: gradcheck: pw/bias ok
// CHECK: gradcheck: odd/kernel ok
// CHECK: gradcheck: odd/bias ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 9 gradients OK

// The structure: no zero-dilated grad (dilation pads [N,H,1,W,1,C] to
// [N,H,2,W,2,C]); the depthwise input grad is four stride-1 depthwise
// convolutions over the 4x4 output grad (padded or cropped per phase) with
// 2x2, 2x1, 1x2 and 1x1 sub-kernels, interleaved by concatenations on two
// new axes, all located at the layer, tagged as its input gradient.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s \
// RUN:   --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @loss_and_grad
// IR-NOT: tosa.pad {{.*}} -> tensor<2x4x2x4x2x8xf32>
// IR-DAG: tosa.depthwise_conv2d {{.*}} : (tensor<2x4x4x8xf32>, tensor<1x1x8x1xf32>, {{.*}}) -> tensor<2x4x4x8xf32> loc(fused<"grad-input">["dw"])
// IR-DAG: tosa.depthwise_conv2d {{.*}} : (tensor<2x4x5x8xf32>, tensor<1x2x8x1xf32>, {{.*}}) -> tensor<2x4x4x8xf32> loc(fused<"grad-input">["dw"])
// IR-DAG: tosa.depthwise_conv2d {{.*}} : (tensor<2x5x4x8xf32>, tensor<2x1x8x1xf32>, {{.*}}) -> tensor<2x4x4x8xf32> loc(fused<"grad-input">["dw"])
// IR-DAG: tosa.depthwise_conv2d {{.*}} : (tensor<2x5x5x8xf32>, tensor<2x2x8x1xf32>, {{.*}}) -> tensor<2x4x4x8xf32> loc(fused<"grad-input">["dw"])
// IR-DAG: tosa.concat {{.*}} {axis = 2 : i32} : (tensor<2x4x1x4x2x8xf32>, tensor<2x4x1x4x2x8xf32>) -> tensor<2x4x2x4x2x8xf32> loc(fused<"grad-input">["dw"])
// The 1x1 stride-2 conv: one phase of four reaches its tap; the
// other three are zeros.
// IR-DAG: tosa.conv2d {{.*}} : (tensor<2x2x2x3xf32>, tensor<8x1x1x3xf32>, {{.*}}) -> tensor<2x2x2x8xf32> loc(fused<"grad-input">["pw"])
// IR-DAG: tosa.concat {{.*}} {axis = 2 : i32} : (tensor<2x2x1x2x2x8xf32>, tensor<2x2x1x2x2x8xf32>) -> tensor<2x2x2x2x2x8xf32> loc(fused<"grad-input">["pw"])
// The weight gradient keeps its own form, tagged as such.
// IR-DAG: tosa.depthwise_conv2d {{.*}} -> tensor<1x3x3x16xf32> loc(fused<"grad-weight">["dw"])
// IR-LABEL: func.func @train_step

func.func @forward(%x: tensor<2x8x7x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w0 = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x2xf32>} : () -> tensor<4x3x3x2xf32>
  %b0 = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %c0 = tosa.conv2d %x, %w0, %b0, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x8x7x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x7x4xf32> loc("pre")
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<3x3x4x2xf32>} : () -> tensor<3x3x4x2xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %c1 = tosa.depthwise_conv2d %c0, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x8x7x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x8xf32> loc("dw")
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<3x1x1x8xf32>} : () -> tensor<3x1x1x8xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %c2 = tosa.conv2d %c1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<2x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x3xf32> loc("pw")
  %w3 = "tosa.const"() {values = dense<0.1> : tensor<3x3x2x4xf32>} : () -> tensor<3x3x2x4xf32>
  %b3 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %c3 = tosa.conv2d %c0, %w3, %b3, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 1, 0>, stride = array<i64: 3, 2>} : (tensor<2x8x7x4xf32>, tensor<3x3x2x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x4x3xf32> loc("odd")
  %s2 = tosa.const_shape {values = dense<[1, 2, 27]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f2 = tosa.reshape %c2, %s2 : (tensor<2x3x3x3xf32>, !tosa.shape<3>) -> tensor<1x2x27xf32>
  %s3 = tosa.const_shape {values = dense<[1, 2, 36]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %c3, %s3 : (tensor<2x3x4x3xf32>, !tosa.shape<3>) -> tensor<1x2x36xf32>
  %f = tosa.concat %f2, %f3 {axis = 2 : i32} : (tensor<1x2x27xf32>, tensor<1x2x36xf32>) -> tensor<1x2x63xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x63x3xf32>} : () -> tensor<1x63x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x63xf32>, tensor<1x63x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %sh = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %sh : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
