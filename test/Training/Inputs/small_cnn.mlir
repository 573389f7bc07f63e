// A small CNN for the PyTorch parity test: conv 3x3 (bias) -> batch norm
// (training mode) -> relu -> dropout(rate 0) -> max pool 2x2 -> dense.
func.func @forward(%x: tensor<4x6x6x3xf32>) -> tensor<4x5xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32> loc("conv1")
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<4x6x6x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x6x6x4xf32> loc("conv1")
  %g = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %be = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %mm = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %vv = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %n = nr.batch_norm %c, %g, %be, %mm, %vv {epsilon = 1.0e-3 : f32, momentum = 0.9 : f32} : tensor<4x6x6x4xf32>, tensor<4xf32> loc("bn1")
  %r = tosa.clamp %n {max_val = 3.4e38 : f32, min_val = 0.0 : f32} : (tensor<4x6x6x4xf32>) -> tensor<4x6x6x4xf32> loc("relu1")
  %d = nr.dropout %r {rate = 0.0 : f32, seed = 1 : i64} : tensor<4x6x6x4xf32> loc("drop1")
  %p = tosa.max_pool2d %d {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<4x6x6x4xf32>) -> tensor<4x3x3x4xf32> loc("pool1")
  %s = tosa.const_shape {values = dense<[1, 4, 36]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %p, %s : (tensor<4x3x3x4xf32>, !tosa.shape<3>) -> tensor<1x4x36xf32> loc("flatten")
  %wd = "tosa.const"() {values = dense<0.05> : tensor<1x36x5xf32>} : () -> tensor<1x36x5xf32>
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x4x36xf32>, tensor<1x36x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x5xf32> loc("dense")
  %s2 = tosa.const_shape {values = dense<[4, 5]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %m2 = tosa.reshape %m, %s2 : (tensor<1x4x5xf32>, !tosa.shape<2>) -> tensor<4x5xf32> loc("dense")
  %bd = "tosa.const"() {values = dense<0.0> : tensor<1x5xf32>} : () -> tensor<1x5xf32>
  %o = tosa.add %m2, %bd : (tensor<4x5xf32>, tensor<1x5xf32>) -> tensor<4x5xf32> loc("dense")
  return %o : tensor<4x5xf32>
}
