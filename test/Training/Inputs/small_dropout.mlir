// x -> dropout(rate 0.3, seed 5) -> dense: the mask of @train_step is
// compared with a numpy reimplementation of the counter-based hash.
func.func @forward(%x: tensor<4x6xf32>) -> tensor<4x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[1, 4, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<4x6xf32>, !tosa.shape<3>) -> tensor<1x4x6xf32>
  %d = nr.dropout %x3 {rate = 0.3 : f32, seed = 5 : i64} : tensor<1x4x6xf32> loc("drop")
  %w = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.5, 2.5, 3.5], [4.5, 5.5, 6.5], [7.5, 8.5, 9.5]]]> : tensor<1x6x3xf32>} : () -> tensor<1x6x3xf32>
  %m = tosa.matmul %d, %w, %zp, %zp : (tensor<1x4x6xf32>, tensor<1x6x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32> loc("dense")
  %s2 = tosa.const_shape {values = dense<[4, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : (tensor<1x4x3xf32>, !tosa.shape<2>) -> tensor<4x3xf32>
  return %o : tensor<4x3xf32>
}
