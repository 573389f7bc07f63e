"""A small CNN at Fashion-MNIST size (8x28x28x1 -> 10): conv 3x3 -> batch norm
-> relu -> dropout(0.1) -> max pool -> dense, random weights (seed 0), as TOSA
+ nr on stdout. Used by compiled-train.test."""
import numpy as np
rng = np.random.default_rng(0)
def dense(a):
    a = np.ascontiguousarray(a, np.float32)
    return f'dense<"0x{a.tobytes().hex().upper()}"> : tensor<{"x".join(map(str, a.shape))}xf32>'
w = (rng.standard_normal((4, 3, 3, 1)) * 0.3).astype(np.float32)
wd = (rng.standard_normal((1, 784, 10)) * 0.02).astype(np.float32)
print(f'''func.func @forward(%x: tensor<8x28x28x1xf32>) -> tensor<8x10xf32> {{
  %zp = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w = "tosa.const"() {{values = {dense(w)}}} : () -> tensor<4x3x3x1xf32> loc("conv1")
  %b = "tosa.const"() {{values = dense<0.0> : tensor<4xf32>}} : () -> tensor<4xf32> loc("conv1")
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}} : (tensor<8x28x28x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x28x28x4xf32> loc("conv1")
  %g = "tosa.const"() {{values = dense<1.0> : tensor<4xf32>}} : () -> tensor<4xf32>
  %be = "tosa.const"() {{values = dense<0.0> : tensor<4xf32>}} : () -> tensor<4xf32>
  %mm = "tosa.const"() {{values = dense<0.0> : tensor<4xf32>}} : () -> tensor<4xf32>
  %vv = "tosa.const"() {{values = dense<1.0> : tensor<4xf32>}} : () -> tensor<4xf32>
  %n = nr.batch_norm %c, %g, %be, %mm, %vv {{epsilon = 1.0e-3 : f32, momentum = 0.9 : f32}} : tensor<8x28x28x4xf32>, tensor<4xf32> loc("bn1")
  %r = tosa.clamp %n {{max_val = 3.4e38 : f32, min_val = 0.0 : f32}} : (tensor<8x28x28x4xf32>) -> tensor<8x28x28x4xf32> loc("relu1")
  %d = nr.dropout %r {{rate = 0.1 : f32, seed = 1 : i64}} : tensor<8x28x28x4xf32> loc("drop1")
  %p = tosa.max_pool2d %d {{kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}} : (tensor<8x28x28x4xf32>) -> tensor<8x14x14x4xf32> loc("pool1")
  %s = tosa.const_shape {{values = dense<[1, 8, 784]> : tensor<3xindex>}} : () -> !tosa.shape<3>
  %f = tosa.reshape %p, %s : (tensor<8x14x14x4xf32>, !tosa.shape<3>) -> tensor<1x8x784xf32> loc("flatten")
  %wd = "tosa.const"() {{values = {dense(wd)}}} : () -> tensor<1x784x10xf32> loc("dense")
  %m = tosa.matmul %f, %wd, %zp, %zp : (tensor<1x8x784xf32>, tensor<1x784x10xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x10xf32> loc("dense")
  %s2 = tosa.const_shape {{values = dense<[8, 10]> : tensor<2xindex>}} : () -> !tosa.shape<2>
  %m2 = tosa.reshape %m, %s2 : (tensor<1x8x10xf32>, !tosa.shape<2>) -> tensor<8x10xf32> loc("dense")
  %bd = "tosa.const"() {{values = dense<0.0> : tensor<1x10xf32>}} : () -> tensor<1x10xf32> loc("dense")
  %o = tosa.add %m2, %bd : (tensor<8x10xf32>, tensor<1x10xf32>) -> tensor<8x10xf32> loc("dense")
  return %o : tensor<8x10xf32>
}}''')
