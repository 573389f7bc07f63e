// nr.dropout while training. The mask is a pure function of (op seed,
// hyper seed, step, element index), so (1) it matches a numpy
// reimplementation of the documented hash exactly, changes with the step
// and the seed and repeats for the same pair, and (2) finite differences
// see the same mask as the gradient (rate 0.5 between a conv and the head).
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step %S/Inputs/small_dropout.mlir -o %t.mask.mlir
// RUN: %python %S/Inputs/dropout_mask.py %t.mask.mlir --runner netrewrite-run | FileCheck %s --check-prefix=MASK
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s

// MASK: dropout-mask: seed 11 step 1 ok
// MASK: dropout-mask: seed 11 step 2 ok
// MASK: dropout-mask: seed 12 step 1 ok
// MASK: dropout-mask: seed 11 step 1 ok
// MASK-NOT: FAIL

// CHECK: gradcheck: conv/kernel ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 3 gradients OK

func.func @forward(%x: tensor<2x3x3x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x3x3x2xf32>} : () -> tensor<2x3x3x2xf32>
  %c = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("conv")
  %d = nr.dropout %c {rate = 0.5 : f32, seed = 3 : i64} : tensor<2x3x3x2xf32> loc("drop")
  %s = tosa.const_shape {values = dense<[1, 2, 18]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %d, %s : (tensor<2x3x3x2xf32>, !tosa.shape<3>) -> tensor<1x2x18xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x18x3xf32>} : () -> tensor<1x18x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x18xf32>, tensor<1x18x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
