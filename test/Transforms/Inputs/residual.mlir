// A small residual network in TOSA as the importers emit it: each op carries
// its Keras layer name as a NameLoc. conv1 (relu) -> conv2 (relu6) -> add with
// conv1's output (residual) -> dwconv (no act) -> concat with the add ->
// relu -> global average pool -> dense.
func.func @forward(%x: tensor<1x8x8x3xf32>) -> tensor<1x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("zp")
  %w1 = "tosa.const"() {values = dense<[[[[0.1, -0.2, 0.3]], [[0.2, 0.1, -0.1]]], [[[-0.3, 0.2, 0.1]], [[0.05, 0.3, -0.2]]], [[[0.3, -0.1, 0.2]], [[-0.2, 0.25, 0.15]]], [[[0.1, 0.1, 0.1]], [[-0.1, 0.2, -0.3]]]]> : tensor<4x2x1x3xf32>} : () -> tensor<4x2x1x3xf32> loc("block1_conv1")
  %b1 = "tosa.const"() {values = dense<[0.1, -0.1, 0.05, 0.0]> : tensor<4xf32>} : () -> tensor<4xf32> loc("block1_conv1")
  %c1 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x2x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("block1_conv1")
  %r1 = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("block1_conv1")
  %w2 = "tosa.const"() {values = dense<0.15> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32> loc("block1_conv2")
  %b2 = "tosa.const"() {values = dense<[0.0, 0.1, -0.2, 0.3]> : tensor<4xf32>} : () -> tensor<4xf32> loc("block1_conv2")
  %c2 = tosa.conv2d %r1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("block1_conv2")
  %r2 = tosa.clamp %c2 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("block1_conv2")
  %a = tosa.add %r2, %r1 : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("block1_add")
  %wd = "tosa.const"() {values = dense<[[[[0.5], [-0.5], [0.25], [1.0]]], [[[0.1], [0.2], [0.3], [0.4]]], [[[-0.2], [0.3], [0.5], [-0.1]]]]> : tensor<3x1x4x1xf32>} : () -> tensor<3x1x4x1xf32> loc("block2_dwconv")
  %bd = "tosa.const"() {values = dense<[0.01, 0.02, 0.03, 0.04]> : tensor<4xf32>} : () -> tensor<4xf32> loc("block2_dwconv")
  %d = tosa.depthwise_conv2d %a, %wd, %bd, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x1x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("block2_dwconv")
  %cc = tosa.concat %d, %a {axis = 3 : i32} : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32> loc("block2_concat")
  %r3 = tosa.clamp %cc {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("block2_relu")
  %p = tosa.avg_pool2d %r3, %zp, %zp {acc_type = f32, kernel = array<i64: 8, 8>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x8xf32> loc("gap")
  %s1 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("dense")
  %f = tosa.reshape %p, %s1 : (tensor<1x1x1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32> loc("dense")
  %wm = "tosa.const"() {values = dense<[[[0.1, 0.2, -0.1, 0.3], [0.2, -0.2, 0.1, 0.0], [0.3, 0.1, 0.1, -0.3], [-0.1, 0.4, 0.2, 0.1], [0.05, 0.0, -0.2, 0.2], [0.1, 0.1, 0.1, 0.1], [-0.3, 0.2, 0.0, 0.2], [0.2, 0.3, -0.1, 0.0]]]> : tensor<1x8x4xf32>} : () -> tensor<1x8x4xf32> loc("dense")
  %m = tosa.matmul %f, %wm, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("dense")
  %s2 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("dense")
  %o = tosa.reshape %m, %s2 : (tensor<1x1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32> loc("dense")
  %bm = "tosa.const"() {values = dense<[[0.1, 0.0, -0.1, 0.2]]> : tensor<1x4xf32>} : () -> tensor<1x4xf32> loc("dense")
  %y = tosa.add %o, %bm : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("dense")
  return %y : tensor<1x4xf32>
}
