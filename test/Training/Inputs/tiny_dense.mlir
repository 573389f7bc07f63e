// Two dense layers ("base" then "head") for ABI tests.
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[1, 2, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<2x3xf32>, !tosa.shape<3>) -> tensor<1x2x3xf32>
  %w0 = "tosa.const"() {values = dense<0.5> : tensor<1x3x3xf32>} : () -> tensor<1x3x3xf32>
  %h = tosa.matmul %x3, %w0, %zp, %zp : (tensor<1x2x3xf32>, tensor<1x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("base")
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x3x2xf32>} : () -> tensor<1x3x2xf32>
  %m = tosa.matmul %h, %w, %zp, %zp : (tensor<1x2x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32> loc("head")
  %s2 = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %m2 = tosa.reshape %m, %s2 : (tensor<1x2x2xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %o = tosa.add %m2, %b : (tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32> loc("head")
  return %o : tensor<2x2xf32>
}
