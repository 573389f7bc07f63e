// One standalone ReLU layer (Keras `ReLU()` as the importers emit it).
func.func @forward(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %y = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> loc("act")
  return %y : tensor<1x4x4x3xf32>
}
