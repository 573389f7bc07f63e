// A dense layer ending in the softmax the importers emit for a Keras
// `activation="softmax"`: logits [1, 3] for every row (zero kernel).
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s3 = tosa.const_shape {values = dense<[1, 2, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<2x3xf32>, !tosa.shape<3>) -> tensor<1x2x3xf32>
  %w = "tosa.const"() {values = dense<0.0> : tensor<1x3x2xf32>} : () -> tensor<1x3x2xf32>
  %m = tosa.matmul %x3, %w, %zp, %zp : (tensor<1x2x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %m2 = tosa.reshape %m, %s2 : (tensor<1x2x2xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  %b = "tosa.const"() {values = dense<[[1.0, 3.0]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %z = tosa.add %m2, %b : (tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32> loc("head")
  %mx = tosa.reduce_max %z {axis = 1 : i32} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  %sb = tosa.sub %z, %mx : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %e = tosa.exp %sb : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %sm = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  %r = tosa.reciprocal %sm : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %p = tosa.mul %e, %r, %shift : (tensor<2x2xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x2xf32> loc("head_softmax")
  return %p : tensor<2x2xf32>
}
