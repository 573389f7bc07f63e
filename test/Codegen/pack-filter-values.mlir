// RUN: netrewrite-opt %s --split-input-file --netrewrite-pack-filter-values | FileCheck %s

// A parameter filter in OHWI, transposed to HWCF ([1, 2, 3, 0]) and read one
// block of 2 output channels per forall tile: the transpose writes
// [F/2][kh][kw][c][2] instead (the input expanded along O into (O/2, 2),
// transposed by [0, 2, 3, 4, 1]), and the tile reads block i as a
// rank-reducing slice.
// CHECK: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @param_filter
// CHECK-SAME: (%[[W:.*]]: tensor<4x1x1x2xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 2, 1, 1, 2] : tensor<4x1x1x2xf32> into tensor<2x2x1x1x2xf32>
// CHECK: %[[I:.*]] = tensor.empty() : tensor<2x1x1x2x2xf32>
// CHECK: %[[P:.*]] = linalg.transpose ins(%[[E]] : tensor<2x2x1x1x2xf32>) outs(%[[I]] : tensor<2x1x1x2x2xf32>) permutation = [0, 2, 3, 4, 1]
// CHECK-NOT: tensor<1x1x2x4xf32>
// CHECK: scf.forall (%[[J:.*]]) in (2)
// CHECK: %[[Q:.*]] = affine.apply #[[ID]](%[[J]])
// CHECK: tensor.extract_slice %[[P]][%[[Q]], 0, 0, 0, 0] [1, 1, 1, 2, 2] [1, 1, 1, 1, 1] : tensor<2x1x1x2x2xf32> to tensor<1x1x2x2xf32>
#times2 = affine_map<(d0) -> (d0 * 2)>
func.func @param_filter(%w: tensor<4x1x1x2xf32>, %out: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<1x1x2x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x1x1x2xf32>) outs(%e : tensor<1x1x2x4xf32>) permutation = [1, 2, 3, 0]
  %r = scf.forall (%i) in (2) shared_outs(%o = %out) -> (tensor<2x4xf32>) {
    %off = affine.apply #times2(%i)
    %s = tensor.extract_slice %t[0, 0, 0, %off] [1, 1, 2, 2] [1, 1, 1, 1] : tensor<1x1x2x4xf32> to tensor<1x1x2x2xf32>
    %c = tensor.collapse_shape %s [[0, 1, 2], [3]] : tensor<1x1x2x2xf32> into tensor<2x2xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %c into %o[0, %off] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<2x4xf32>
    }
  }
  return %r : tensor<2x4xf32>
}

// -----

// An input-gradient filter: [O, kh, kw, C] transposed by [1, 2, 0, 3] to
// [kh][kw][O][C], blocks over C in an scf.for with step 2 (block index
// iv floordiv 2; the map is printed before the function). The axis that becomes F is the input's last, so the
// expansion is [[0], [1], [2], [3, 4]] and the permutation [3, 1, 2, 0, 4].
// CHECK: #[[DIV:.*]] = affine_map<(d0) -> (d0 floordiv 2)>
// CHECK-LABEL: func.func @flipped_filter
// CHECK-SAME: (%[[W:[a-z0-9]+]]: tensor<2x3x3x4xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0], [1], [2], [3, 4]] output_shape [2, 3, 3, 2, 2] : tensor<2x3x3x4xf32> into tensor<2x3x3x2x2xf32>
// CHECK: %[[P:.*]] = linalg.transpose ins(%[[E]] : tensor<2x3x3x2x2xf32>) outs(%{{.*}} : tensor<2x3x3x2x2xf32>) permutation = [3, 1, 2, 0, 4]
// CHECK: scf.for %[[J:[a-z0-9]+]] =
// CHECK: %[[Q:.*]] = affine.apply #[[DIV]](%[[J]])
// CHECK: tensor.extract_slice %[[P]][%[[Q]], 0, 0, 0, 0] [1, 3, 3, 2, 2]
func.func @flipped_filter(%w: tensor<2x3x3x4xf32>, %acc: tensor<3x3x2x2xf32>) -> tensor<3x3x2x2xf32> {
  %e = tensor.empty() : tensor<3x3x2x4xf32>
  %t = linalg.transpose ins(%w : tensor<2x3x3x4xf32>) outs(%e : tensor<3x3x2x4xf32>) permutation = [1, 2, 0, 3]
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c2 iter_args(%a = %acc) -> (tensor<3x3x2x2xf32>) {
    %s = tensor.extract_slice %t[0, 0, 0, %i] [3, 3, 2, 2] [1, 1, 1, 1] : tensor<3x3x2x4xf32> to tensor<3x3x2x2xf32>
    %sum = arith.addf %a, %s : tensor<3x3x2x2xf32>
    scf.yield %sum : tensor<3x3x2x2xf32>
  }
  return %r : tensor<3x3x2x2xf32>
}

// -----

// A rank-2 weight ([n, k] transposed to [k, n]) read in column panels of 2
// at constant offsets: [n/2][k][2], block indices 0 and 1.
// CHECK-LABEL: func.func @panels
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, 2, 3] : tensor<4x3xf32> into tensor<2x2x3xf32>
// CHECK: %[[P:.*]] = linalg.transpose ins(%{{.*}} : tensor<2x2x3xf32>) outs(%{{.*}} : tensor<2x3x2xf32>) permutation = [0, 2, 1]
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: tensor.extract_slice %[[P]][%[[C0]], 0, 0] [1, 3, 2] [1, 1, 1] : tensor<2x3x2xf32> to tensor<3x2xf32>
// CHECK-DAG: tensor.extract_slice %[[P]][%[[C1]], 0, 0] [1, 3, 2] [1, 1, 1] : tensor<2x3x2xf32> to tensor<3x2xf32>
func.func @panels(%w: tensor<4x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %e = tensor.empty() : tensor<3x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x3xf32>) outs(%e : tensor<3x4xf32>) permutation = [1, 0]
  %a = tensor.extract_slice %t[0, 0] [3, 2] [1, 1] : tensor<3x4xf32> to tensor<3x2xf32>
  %b = tensor.extract_slice %t[0, 2] [3, 2] [1, 1] : tensor<3x4xf32> to tensor<3x2xf32>
  return %a, %b : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Left alone: a transpose that something other than a block slice also
// reads (packing would add a copy instead of replacing one) ...
// CHECK-LABEL: func.func @other_reader
// CHECK-NOT: tensor.expand_shape
// CHECK: linalg.transpose ins(%{{.*}} : tensor<4x1x1x2xf32>) outs(%{{.*}} : tensor<1x1x2x4xf32>) permutation = [1, 2, 3, 0]
// CHECK-NOT: tensor.expand_shape
func.func @other_reader(%w: tensor<4x1x1x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x4xf32>) {
  %e = tensor.empty() : tensor<1x1x2x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x1x1x2xf32>) outs(%e : tensor<1x1x2x4xf32>) permutation = [1, 2, 3, 0]
  %s = tensor.extract_slice %t[0, 0, 0, 2] [1, 1, 2, 2] [1, 1, 1, 1] : tensor<1x1x2x4xf32> to tensor<1x1x2x2xf32>
  return %s, %t : tensor<1x1x2x2xf32>, tensor<1x1x2x4xf32>
}

// -----

// ... blocks of different widths, or an offset not known to be a multiple
// of the block.
// CHECK-LABEL: func.func @mixed_blocks
// CHECK-NOT: tensor.expand_shape
// CHECK-LABEL: func.func @unaligned
// CHECK-NOT: tensor.expand_shape
func.func @mixed_blocks(%w: tensor<4x1x1x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>) {
  %e = tensor.empty() : tensor<1x1x2x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x1x1x2xf32>) outs(%e : tensor<1x1x2x4xf32>) permutation = [1, 2, 3, 0]
  %s = tensor.extract_slice %t[0, 0, 0, 2] [1, 1, 2, 2] [1, 1, 1, 1] : tensor<1x1x2x4xf32> to tensor<1x1x2x2xf32>
  %u = tensor.extract_slice %t[0, 0, 0, 0] [1, 1, 2, 1] [1, 1, 1, 1] : tensor<1x1x2x4xf32> to tensor<1x1x2x1xf32>
  return %s, %u : tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>
}
func.func @unaligned(%w: tensor<4x1x1x2xf32>, %k: index) -> tensor<1x1x2x2xf32> {
  %e = tensor.empty() : tensor<1x1x2x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x1x1x2xf32>) outs(%e : tensor<1x1x2x4xf32>) permutation = [1, 2, 3, 0]
  %s = tensor.extract_slice %t[0, 0, 0, %k] [1, 1, 2, 2] [1, 1, 1, 1] : tensor<1x1x2x4xf32> to tensor<1x1x2x2xf32>
  return %s : tensor<1x1x2x2xf32>
}
