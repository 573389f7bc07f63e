// Reductions with few outputs and many inputs each (test/Integration/
// gpu-schedule-emulated.test): a sum over 8192 rows, a maximum over 16384
// and a sum of all 65536 values (linalg.reduce to one output), the shapes
// netrewrite-split-reductions splits into slices.
func.func @forward(%x: tensor<2x8192x4xf32>) -> (tensor<2x1x4xf32>, tensor<1x1x4xf32>, tensor<1xf32>) {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x8192x4xf32>) -> tensor<2x1x4xf32>
  %shape = tosa.const_shape {values = dense<[1, 16384, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %x, %shape : (tensor<2x8192x4xf32>, !tosa.shape<3>) -> tensor<1x16384x4xf32>
  %m = tosa.reduce_max %r {axis = 1 : i32} : (tensor<1x16384x4xf32>) -> tensor<1x1x4xf32>
  %flat = tosa.const_shape {values = dense<[65536]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %f = tosa.reshape %x, %flat : (tensor<2x8192x4xf32>, !tosa.shape<1>) -> tensor<65536xf32>
  %t = tosa.reduce_sum %f {axis = 0 : i32} : (tensor<65536xf32>) -> tensor<1xf32>
  return %s, %m, %t : tensor<2x1x4xf32>, tensor<1x1x4xf32>, tensor<1xf32>
}
