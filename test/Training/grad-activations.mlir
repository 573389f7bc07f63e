// Finite-difference check of every activation the importers emit. Each has
// its own 3x3 conv in front, so the conv's kernel gradient checks exactly
// that activation's rule: relu6 / relu (clamp), sigmoid, tanh, hard-swish as
// x * clamp(x/6 + 1/2, 0, 1), exp, log, reciprocal, rsqrt, pow,
// maximum/minimum and abs; a channel concat joins the branches.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --param-std=0.2 --directions=1 | FileCheck %s

// CHECK: gradcheck: relu6/kernel ok
// CHECK: gradcheck: relu/kernel ok
// CHECK: gradcheck: sigmoid/kernel ok
// CHECK: gradcheck: tanh/kernel ok
// CHECK: gradcheck: hardswish/kernel ok
// CHECK: gradcheck: exp/kernel ok
// CHECK: gradcheck: log/kernel ok
// CHECK: gradcheck: reciprocal/kernel ok
// CHECK: gradcheck: rsqrt/kernel ok
// CHECK: gradcheck: pow/kernel ok
// CHECK: gradcheck: maximum/kernel ok
// CHECK: gradcheck: minimum/kernel ok
// CHECK: gradcheck: abs/kernel ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 27 gradients OK

func.func @forward(%x: tensor<2x3x3x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %sixth = "tosa.const"() {values = dense<0.16666667> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %one = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %onehalf = "tosa.const"() {values = dense<1.5> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x3x3x2xf32>} : () -> tensor<2x3x3x2xf32>
  %c_relu6 = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("relu6")
  %a_relu6 = tosa.clamp %c_relu6 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_relu = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("relu")
  %a_relu = tosa.clamp %c_relu {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_sigmoid = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("sigmoid")
  %a_sigmoid = tosa.sigmoid %c_sigmoid : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_tanh = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("tanh")
  %a_tanh = tosa.tanh %c_tanh : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_hardswish = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("hardswish")
  %a_hardswish_0 = tosa.mul %c_hardswish, %sixth, %shift : (tensor<2x3x3x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x3x3x2xf32>
  %a_hardswish_1 = tosa.add %a_hardswish_0, %half : (tensor<2x3x3x2xf32>, tensor<1x1x1x1xf32>) -> tensor<2x3x3x2xf32>
  %a_hardswish_2 = tosa.clamp %a_hardswish_1 {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %a_hardswish = tosa.mul %c_hardswish, %a_hardswish_2, %shift : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xi8>) -> tensor<2x3x3x2xf32>
  %c_exp = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("exp")
  %a_exp = tosa.exp %c_exp : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_log = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("log")
  %a_log_0 = tosa.exp %c_log : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %a_log_1 = tosa.add %a_log_0, %one : (tensor<2x3x3x2xf32>, tensor<1x1x1x1xf32>) -> tensor<2x3x3x2xf32>
  %a_log = tosa.log %a_log_1 : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_reciprocal = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("reciprocal")
  %a_reciprocal_0 = tosa.mul %c_reciprocal, %c_reciprocal, %shift : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xi8>) -> tensor<2x3x3x2xf32>
  %a_reciprocal_1 = tosa.add %a_reciprocal_0, %one : (tensor<2x3x3x2xf32>, tensor<1x1x1x1xf32>) -> tensor<2x3x3x2xf32>
  %a_reciprocal = tosa.reciprocal %a_reciprocal_1 : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_rsqrt = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("rsqrt")
  %a_rsqrt_0 = tosa.mul %c_rsqrt, %c_rsqrt, %shift : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xi8>) -> tensor<2x3x3x2xf32>
  %a_rsqrt_1 = tosa.add %a_rsqrt_0, %one : (tensor<2x3x3x2xf32>, tensor<1x1x1x1xf32>) -> tensor<2x3x3x2xf32>
  %a_rsqrt = tosa.rsqrt %a_rsqrt_1 : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_pow = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("pow")
  %a_pow_0 = tosa.mul %c_pow, %c_pow, %shift : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xi8>) -> tensor<2x3x3x2xf32>
  %a_pow_1 = tosa.add %a_pow_0, %one : (tensor<2x3x3x2xf32>, tensor<1x1x1x1xf32>) -> tensor<2x3x3x2xf32>
  %a_pow = tosa.pow %a_pow_1, %onehalf : (tensor<2x3x3x2xf32>, tensor<1x1x1x1xf32>) -> tensor<2x3x3x2xf32>
  %c_maximum = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("maximum")
  %a_maximum_0 = tosa.tanh %c_maximum : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %a_maximum = tosa.maximum %c_maximum, %a_maximum_0 : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_minimum = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("minimum")
  %a_minimum_0 = tosa.sigmoid %c_minimum : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %a_minimum = tosa.minimum %c_minimum, %a_minimum_0 : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %c_abs = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("abs")
  %a_abs = tosa.abs %c_abs : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  %cat = tosa.concat %a_relu6, %a_relu, %a_sigmoid, %a_tanh, %a_hardswish, %a_exp, %a_log, %a_reciprocal, %a_rsqrt, %a_pow, %a_maximum, %a_minimum, %a_abs {axis = 3 : i32} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>) -> tensor<2x3x3x26xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 234]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %cat, %s : (tensor<2x3x3x26xf32>, !tosa.shape<3>) -> tensor<1x2x234xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x234x3xf32>} : () -> tensor<1x234x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x234xf32>, tensor<1x234x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
