func.func @forward(%x: tensor<1x4x4x1xf32>) -> (tensor<1x16xf32>, tensor<1x16xf32>) {
  %s = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y = tosa.reshape %x, %s : (tensor<1x4x4x1xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  return %y, %y : tensor<1x16xf32>, tensor<1x16xf32>
}
