// erf and the exact GELU, x * (1 + erf(x / sqrt(2))) / 2, as the ONNX
// importer writes them (tosa.erf).
func.func @forward(%x: tensor<4x1024xf32>) -> (tensor<4x1024xf32>, tensor<4x1024xf32>) {
  %erf = tosa.erf %x : (tensor<4x1024xf32>) -> tensor<4x1024xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %rsqrt2 = "tosa.const"() {values = dense<0.707106769> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %one = "tosa.const"() {values = dense<1.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %s = tosa.mul %x, %rsqrt2, %shift : (tensor<4x1024xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x1024xf32>
  %e = tosa.erf %s : (tensor<4x1024xf32>) -> tensor<4x1024xf32>
  %p = tosa.add %e, %one : (tensor<4x1024xf32>, tensor<1x1xf32>) -> tensor<4x1024xf32>
  %h = tosa.mul %x, %half, %shift : (tensor<4x1024xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x1024xf32>
  %gelu = tosa.mul %h, %p, %shift : (tensor<4x1024xf32>, tensor<4x1024xf32>, tensor<1xi8>) -> tensor<4x1024xf32>
  return %erf, %gelu : tensor<4x1024xf32>, tensor<4x1024xf32>
}
