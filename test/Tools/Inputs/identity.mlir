func.func @forward(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  return %x : tensor<1x3xf32>
}
func.func @dynamic(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}
func.func @ints(%x: tensor<1x3xi32>) -> tensor<1x3xi32> {
  return %x : tensor<1x3xi32>
}
func.func private @decl(%x: tensor<1x3xf32>) -> tensor<1x3xf32>
