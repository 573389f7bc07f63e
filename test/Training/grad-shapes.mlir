// Finite-difference check of the data-movement ops: pad, transpose, slice,
// tile, reverse, reshape, concat (two branches along a spatial axis) and
// select.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --param-std=0.15 | FileCheck %s

// CHECK: gradcheck: a/kernel ok
// CHECK: gradcheck: b/kernel ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 5 gradients OK

func.func @forward(%x: tensor<2x4x4x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.1> : tensor<3x3x3x2xf32>} : () -> tensor<3x3x3x2xf32>
  %ca = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x4x4x2xf32>, tensor<3x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x3xf32> loc("a")
  %padding = tosa.const_shape {values = dense<[0, 0, 1, 2, 0, 1, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %pc = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %pa = tosa.pad %ca, %padding, %pc : (tensor<2x4x4x3xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<2x7x5x3xf32>
  %ta = tosa.transpose %pa {perms = array<i32: 0, 2, 1, 3>} : (tensor<2x7x5x3xf32>) -> tensor<2x5x7x3xf32>
  %st = tosa.const_shape {values = dense<[0, 1, 2, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sz = tosa.const_shape {values = dense<[2, 3, 4, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sa = tosa.slice %ta, %st, %sz : (tensor<2x5x7x3xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x3x4x2xf32>
  %mul = tosa.const_shape {values = dense<[1, 1, 1, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %tl = tosa.tile %sa, %mul : (tensor<2x3x4x2xf32>, !tosa.shape<4>) -> tensor<2x3x4x4xf32>
  %rv = tosa.reverse %tl {axis = 2 : i32} : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x2xf32>} : () -> tensor<4x3x3x2xf32>
  %cb = tosa.conv2d %x, %w2, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x4x4x2xf32>, tensor<4x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x4xf32> loc("b")
  %cat = tosa.concat %rv, %cb {axis = 1 : i32} : (tensor<2x3x4x4xf32>, tensor<2x4x4x4xf32>) -> tensor<2x7x4x4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %cond = tosa.greater %cat, %zero : (tensor<2x7x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<2x7x4x4xi1>
  %sq = tosa.mul %cat, %cat, %shift : (tensor<2x7x4x4xf32>, tensor<2x7x4x4xf32>, tensor<1xi8>) -> tensor<2x7x4x4xf32>
  %sel = tosa.select %cond, %cat, %sq : (tensor<2x7x4x4xi1>, tensor<2x7x4x4xf32>, tensor<2x7x4x4xf32>) -> tensor<2x7x4x4xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 112]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %sel, %s : (tensor<2x7x4x4xf32>, !tosa.shape<3>) -> tensor<1x2x112xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x112x3xf32>} : () -> tensor<1x112x3xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x2x112xf32>, tensor<1x112x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
