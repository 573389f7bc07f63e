func.func @forward(%x: tensor<?x4x4x1xf32>) -> tensor<?x4x4x1xf32> {
  return %x : tensor<?x4x4x1xf32>
}
