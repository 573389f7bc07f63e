// RUN: netrewrite-opt %s --netrewrite-fold-weight-transposes | FileCheck %s

// A transposed constant becomes the transposed constant: OHWI [[[[1,2]]],[[[3,4]]]]
// (2x1x1x2) -> HWCF (1x1x2x2) [[[[1,3],[2,4]]]].
// CHECK-LABEL: func.func @dense
// CHECK-NOT: linalg.transpose
// CHECK: arith.constant dense<{{\[\[\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]]]> : tensor<1x1x2x2xf32>
func.func @dense() -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x1x1x2xf32>) outs(%e : tensor<1x1x2x2xf32>) permutation = [1, 2, 3, 0]
  return %t : tensor<1x1x2x2xf32>
}

// dense_resource blobs stay blobs.
// CHECK-LABEL: func.func @blob
// CHECK-NOT: linalg.transpose
// CHECK: arith.constant dense_resource<netrewrite_transposed_weight{{.*}}> : tensor<1x1x2x2xf32>
// CHECK: netrewrite_transposed_weight{{.*}}: "0x040000000000803F000040400000004000008040"
func.func @blob() -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<2x1x1x2xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x1x1x2xf32>) outs(%e : tensor<1x1x2x2xf32>) permutation = [1, 2, 3, 0]
  return %t : tensor<1x1x2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
