// RUN: netrewrite-opt %s --split-input-file --netrewrite-pack-filter-tiles | FileCheck %s

// A forall over blocks of 2 output channels reads the HWCF filter
// [[[[1, 2, 3, 4], [5, 6, 7, 8]]]] (1x1x2x4) one block at a time; packed as
// [F/2][kh][kw][c][2] the block at offset 2*i is row i of
// [[[[[1, 2], [5, 6]]]], [[[[3, 4], [7, 8]]]]], read by a rank-reducing slice.
// CHECK: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @forall_block
// CHECK: %[[P:.*]] = arith.constant dense<{{\[\[\[\[\[}}1.000000e+00, 2.000000e+00], [5.000000e+00, 6.000000e+00]]]], {{\[\[\[\[}}3.000000e+00, 4.000000e+00], [7.000000e+00, 8.000000e+00]]]]]> : tensor<2x1x1x2x2xf32>
// CHECK-NOT: tensor<1x1x2x4xf32>
// CHECK: scf.forall (%[[I:.*]]) in (2)
// CHECK: %[[Q:.*]] = affine.apply #[[ID]](%[[I]])
// CHECK: tensor.extract_slice %[[P]][%[[Q]], 0, 0, 0, 0] [1, 1, 1, 2, 2] [1, 1, 1, 1, 1] : tensor<2x1x1x2x2xf32> to tensor<1x1x2x2xf32>
// The next case's map (printed before its function).
// CHECK: #[[DIV:.*]] = affine_map<(d0) -> (d0 floordiv 2)>
#times2 = affine_map<(d0) -> (d0 * 2)>
func.func @forall_block(%out: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]]]> : tensor<1x1x2x4xf32>
  %r = scf.forall (%i) in (2) shared_outs(%o = %out) -> (tensor<2x4xf32>) {
    %off = affine.apply #times2(%i)
    %s = tensor.extract_slice %w[0, 0, 0, %off] [1, 1, 2, 2] [1, 1, 1, 1] : tensor<1x1x2x4xf32> to tensor<1x1x2x2xf32>
    %c = tensor.collapse_shape %s [[0, 1, 2], [3]] : tensor<1x1x2x2xf32> into tensor<2x2xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %c into %o[0, %off] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<2x4xf32>
    }
  }
  return %r : tensor<2x4xf32>
}

// -----

// dense_resource blobs stay blobs; an scf.for step that is a multiple of
// the block gives the block index as iv floordiv 2.
// CHECK-LABEL: func.func @for_block_blob
// CHECK: %[[P:.*]] = arith.constant dense_resource<netrewrite_packed_filter{{.*}}> : tensor<2x1x1x2x2xf32>
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK: %[[Q:.*]] = affine.apply #[[DIV]](%[[I]])
// CHECK: tensor.extract_slice %[[P]][%[[Q]], 0, 0, 0, 0] [1, 1, 1, 2, 2]
// CHECK: netrewrite_packed_filter{{.*}}: "0x040000000000803F000000400000A0400000C04000004040000080400000E04000000041"
func.func @for_block_blob(%acc: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<1x1x2x4xf32>
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c2 iter_args(%a = %acc) -> (tensor<1x1x2x2xf32>) {
    %s = tensor.extract_slice %w[0, 0, 0, %i] [1, 1, 2, 2] [1, 1, 1, 1] : tensor<1x1x2x4xf32> to tensor<1x1x2x2xf32>
    %sum = arith.addf %a, %s : tensor<1x1x2x2xf32>
    scf.yield %sum : tensor<1x1x2x2xf32>
  }
  return %r : tensor<1x1x2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C0400000E04000000041"
    }
  }
#-}

// -----

// Left alone: an offset not known to be a multiple of the block, a slice
// that is not a whole block of channels (one kernel row), and a block as
// wide as the filter (already contiguous).
// CHECK-LABEL: func.func @not_blocks
// CHECK: %[[W:.*]] = arith.constant dense<1.000000e+00> : tensor<3x3x2x4xf32>
// CHECK-NOT: tensor<{{.*}}x3x3x2x{{.*}}xf32>
// CHECK: tensor.extract_slice %[[W]][0, 0, 0, %{{.*}}] [3, 3, 2, 2]
// CHECK: tensor.extract_slice %[[W]][1, 0, 0, 2] [1, 3, 2, 2]
// CHECK: tensor.extract_slice %[[W]][0, 0, 0, 0] [3, 3, 2, 4]
func.func @not_blocks(%off: index) -> (tensor<3x3x2x2xf32>, tensor<1x3x2x2xf32>, tensor<3x3x2x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<3x3x2x4xf32>
  %a = tensor.extract_slice %w[0, 0, 0, %off] [3, 3, 2, 2] [1, 1, 1, 1] : tensor<3x3x2x4xf32> to tensor<3x3x2x2xf32>
  %b = tensor.extract_slice %w[1, 0, 0, 2] [1, 3, 2, 2] [1, 1, 1, 1] : tensor<3x3x2x4xf32> to tensor<1x3x2x2xf32>
  %c = tensor.extract_slice %w[0, 0, 0, 0] [3, 3, 2, 4] [1, 1, 1, 1] : tensor<3x3x2x4xf32> to tensor<3x3x2x4xf32>
  return %a, %b, %c : tensor<3x3x2x2xf32>, tensor<1x3x2x2xf32>, tensor<3x3x2x4xf32>
}

// -----

// A dense layer's weight (1x4x4 from TOSA's 3-D matmul, collapsed to k x n
// = 4x4) read one panel of 2 columns per forall iteration: packed as
// [n/2][k][2] = [[1, 2], [5, 6], [9, 10], [13, 14]], [[3, 4], ...], the
// reshape and the original constant gone.
// CHECK-LABEL: func.func @matmul_panels
// CHECK: %[[P:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 2.000000e+00], [5.000000e+00, 6.000000e+00], [9.000000e+00, 1.000000e+01], [1.300000e+01, 1.400000e+01]], {{\[\[}}3.000000e+00, 4.000000e+00], [7.000000e+00, 8.000000e+00], [1.100000e+01, 1.200000e+01], [1.500000e+01, 1.600000e+01]]]> : tensor<2x4x2xf32>
// CHECK-NOT: tensor.collapse_shape
// CHECK-NOT: tensor<1x4x4xf32>
// CHECK: scf.forall (%[[I:.*]]) in (2)
// CHECK: affine.apply
// CHECK-NEXT: %[[Q:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK-NEXT: tensor.extract_slice %[[P]][%[[Q]], 0, 0] [1, 4, 2] [1, 1, 1] : tensor<2x4x2xf32> to tensor<4x2xf32>
#panel = affine_map<(d0) -> (d0 * 2)>
func.func @matmul_panels(%out: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %w3 = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]]> : tensor<1x4x4xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x4x4xf32> into tensor<4x4xf32>
  %r = scf.forall (%i) in (2) shared_outs(%o = %out) -> (tensor<4x4xf32>) {
    %off = affine.apply #panel(%i)
    %s = tensor.extract_slice %w[0, %off] [4, 2] [1, 1] : tensor<4x4xf32> to tensor<4x2xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[0, %off] [4, 2] [1, 1] : tensor<4x2xf32> into tensor<4x4xf32>
    }
  }
  return %r : tensor<4x4xf32>
}
