// Evaluation-mode BatchNorm followed by dropout, parameters as arguments.
func.func @forward(%x: tensor<2x5x5x6xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>,
                   %m: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<2x5x5x6xf32> {
  %0 = nr.batch_norm %x, %g, %b, %m, %v {epsilon = 1.0e-3 : f32} : tensor<2x5x5x6xf32>, tensor<6xf32>
  %1 = nr.dropout %0 {rate = 0.3 : f32, seed = 1 : i64} : tensor<2x5x5x6xf32>
  return %1 : tensor<2x5x5x6xf32>
}

// Two results, one of them a dense-layer BN.
func.func @two_results(%x: tensor<5x6xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>,
                       %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<5x6xf32>, tensor<5x6xf32>) {
  %0 = nr.batch_norm %x, %g, %b, %m, %v {epsilon = 1.0e-3 : f32} : tensor<5x6xf32>, tensor<6xf32>
  return %0, %x : tensor<5x6xf32>, tensor<5x6xf32>
}
