// Finite-difference check through a softmax written the way importers
// write it in TOSA (reduce_max, sub, exp, reduce_sum, reciprocal, mul), in
// the middle of the network, so the loss's own softmax is not what is
// tested.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run --zero=conv/bias | FileCheck %s

// CHECK: gradcheck: conv/kernel ok
// CHECK: gradcheck: conv/bias ok (zero)
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all 3 gradients OK

func.func @forward(%x: tensor<2x3x3x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x3x3x2xf32>} : () -> tensor<2x3x3x2xf32>
  %c = tosa.conv2d %x, %w, %zp, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32> loc("conv")
  %s = tosa.const_shape {values = dense<[2, 18]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %c, %s : (tensor<2x3x3x2xf32>, !tosa.shape<2>) -> tensor<2x18xf32>
  %mx = tosa.reduce_max %f {axis = 1 : i32} : (tensor<2x18xf32>) -> tensor<2x1xf32>
  %sb = tosa.sub %f, %mx : (tensor<2x18xf32>, tensor<2x1xf32>) -> tensor<2x18xf32>
  %ex = tosa.exp %sb : (tensor<2x18xf32>) -> tensor<2x18xf32>
  %sm = tosa.reduce_sum %ex {axis = 1 : i32} : (tensor<2x18xf32>) -> tensor<2x1xf32>
  %rc = tosa.reciprocal %sm : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %p = tosa.mul %ex, %rc, %shift : (tensor<2x18xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x18xf32> loc("softmax")
  %s3 = tosa.const_shape {values = dense<[1, 2, 18]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %s3 : (tensor<2x18xf32>, !tosa.shape<3>) -> tensor<1x2x18xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x18x3xf32>} : () -> tensor<1x18x3xf32>
  %m = tosa.matmul %p3, %wd, %zp, %zp : (tensor<1x2x18xf32>, tensor<1x18x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
