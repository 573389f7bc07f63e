func.func @forward(%x: tensor<2x32x32x3xf32>, %w1: tensor<16x7x7x3xf32>, %w2: tensor<32x3x3x16xf32>, %wd: tensor<3x3x32x1xf32>, %w3: tensor<32x1x1x32xf32>) -> tensor<2x32xf32> {
  %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %b16 = "tosa.const"() {values = dense<0.1> : tensor<16xf32>} : () -> tensor<16xf32>
  %b32 = "tosa.const"() {values = dense<0.2> : tensor<32xf32>} : () -> tensor<32xf32>
  %c1 = tosa.conv2d %x, %w1, %b16, %z, %z {acc_type = f32, pad = array<i64: 3, 2, 3, 2>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : (tensor<2x32x32x3xf32>, tensor<16x7x7x3xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x16x16x16xf32>
  %r1 = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<2x16x16x16xf32>) -> tensor<2x16x16x16xf32>
  %p = tosa.max_pool2d %r1 {kernel = array<i64: 3, 3>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<2x16x16x16xf32>) -> tensor<2x8x8x16xf32>
  %c2 = tosa.conv2d %p, %w2, %b32, %z, %z {acc_type = f32, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : (tensor<2x8x8x16xf32>, tensor<32x3x3x16xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x32xf32>
  %d = tosa.depthwise_conv2d %c2, %wd, %b32, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<2x4x4x32xf32>, tensor<3x3x32x1xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x32xf32>
  %sc = tosa.conv2d %c2, %w3, %b32, %z, %z {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<2x4x4x32xf32>, tensor<32x1x1x32xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x32xf32>
  %add = tosa.add %d, %sc : (tensor<2x4x4x32xf32>, tensor<2x4x4x32xf32>) -> tensor<2x4x4x32xf32>
  %g = tosa.avg_pool2d %add, %z, %z {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x4x4x32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x1x32xf32>
  %s = tosa.const_shape {values = dense<[2, 32]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y = tosa.reshape %g, %s : (tensor<2x1x1x32xf32>, !tosa.shape<2>) -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}
