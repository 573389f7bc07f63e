// Finite-difference check of pooling and reductions: max pool 3x3 stride 2
// with padding (overlapping windows), average pool 3x3 stride 2 with
// padding (divides by the count of non-padding elements), a global average
// pool written as avg_pool2d over the whole map, and reduce_sum/reduce_max.
// Each has its own conv in front.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s

// CHECK: gradcheck: cmax/kernel ok
// CHECK: gradcheck: cavg/kernel ok
// CHECK: gradcheck: cglobal/kernel ok
// CHECK: gradcheck: csum/kernel ok
// CHECK: gradcheck: crmax/kernel ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 11 gradients OK

func.func @forward(%x: tensor<2x5x5x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x3x3x2xf32>} : () -> tensor<2x3x3x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x5x5x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x2xf32> loc("cmax")
  %p1 = tosa.max_pool2d %c1 {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x5x5x2xf32>) -> tensor<2x3x3x2xf32>
  %c2 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x5x5x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x2xf32> loc("cavg")
  %p2 = tosa.avg_pool2d %c2, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x5x5x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32>
  %c3 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x5x5x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x2xf32> loc("cglobal")
  %p3 = tosa.avg_pool2d %c3, %zp, %zp {acc_type = f32, kernel = array<i64: 5, 5>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x5x5x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x1x2xf32>
  %c4 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x5x5x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x2xf32> loc("csum")
  %r4 = tosa.reduce_sum %c4 {axis = 1 : i32} : (tensor<2x5x5x2xf32>) -> tensor<2x1x5x2xf32>
  %p4 = tosa.reduce_sum %r4 {axis = 2 : i32} : (tensor<2x1x5x2xf32>) -> tensor<2x1x1x2xf32>
  %c5 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x5x5x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x5x5x2xf32> loc("crmax")
  %p5 = tosa.reduce_max %c5 {axis = 2 : i32} : (tensor<2x5x5x2xf32>) -> tensor<2x5x1x2xf32>
  %s1 = tosa.const_shape {values = dense<[1, 2, 18]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f1 = tosa.reshape %p1, %s1 : (tensor<2x3x3x2xf32>, !tosa.shape<3>) -> tensor<1x2x18xf32>
  %f2 = tosa.reshape %p2, %s1 : (tensor<2x3x3x2xf32>, !tosa.shape<3>) -> tensor<1x2x18xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %p3, %s2 : (tensor<2x1x1x2xf32>, !tosa.shape<3>) -> tensor<1x2x2xf32>
  %f4 = tosa.reshape %p4, %s2 : (tensor<2x1x1x2xf32>, !tosa.shape<3>) -> tensor<1x2x2xf32>
  %s5 = tosa.const_shape {values = dense<[1, 2, 10]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f5 = tosa.reshape %p5, %s5 : (tensor<2x5x1x2xf32>, !tosa.shape<3>) -> tensor<1x2x10xf32>
  %cat = tosa.concat %f1, %f2, %f3, %f4, %f5 {axis = 2 : i32} : (tensor<1x2x18xf32>, tensor<1x2x18xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x10xf32>) -> tensor<1x2x50xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x50x3xf32>} : () -> tensor<1x50x3xf32>
  %m = tosa.matmul %cat, %wd, %zp, %zp : (tensor<1x2x50xf32>, tensor<1x50x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s6 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s6 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
