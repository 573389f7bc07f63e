// Max pooling and ReLU6 on data with NaNs and signed zeros
// (test/Pipelines/minmax-nsz.test).
func.func @forward(%x: tensor<1x8x8x32xf32>) -> (tensor<1x4x4x32xf32>, tensor<1x8x8x32xf32>) {
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x32xf32>) -> tensor<1x4x4x32xf32>
  %c = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32>
  return %p, %c : tensor<1x4x4x32xf32>, tensor<1x8x8x32xf32>
}
