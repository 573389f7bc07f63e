// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-winograd-conv{min-channels=1 min-product-macs=1}))" | FileCheck %s

// An all-ones 3x3 filter: G g G^T = r r^T with r = G's row sums
// (1, 3/2, 1/2, 1), so the 16 1x1 filters hold 1, 3/2, 1/2, 1, 3/2, 9/4, ...
// The input is read through 16 stride-2 views of the padded 6x6 map (tile
// corners (i, j), 0 <= i, j < 4), transformed by one element-wise generic
// with 16 results; the output transform adds onto the init (the bias)
// through four stride-2 views and is inserted back into it.
// CHECK-LABEL: func.func @ones
// CHECK-COUNT-16: tensor.extract_slice %arg0[0, {{[0-3]}}, {{[0-3]}}, 0] [1, 2, 2, 1] [1, 2, 2, 1] : tensor<1x6x6x1xf32> to tensor<1x2x2x1xf32>
// CHECK: %[[V:.*]]:16 = linalg.generic
// CHECK-SAME: netrewrite.winograd
// CHECK: arith.constant dense<1.000000e+00> : tensor<1x1x1x1xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[V]]#0,
// CHECK: arith.constant dense<1.500000e+00> : tensor<1x1x1x1xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[V]]#1,
// CHECK: arith.constant dense<5.000000e-01> : tensor<1x1x1x1xf32>
// CHECK: arith.constant dense<1.000000e+00> : tensor<1x1x1x1xf32>
// CHECK: arith.constant dense<1.500000e+00> : tensor<1x1x1x1xf32>
// CHECK: arith.constant dense<2.250000e+00> : tensor<1x1x1x1xf32>
// CHECK-COUNT-4: tensor.extract_slice %arg1[0, {{[01]}}, {{[01]}}, 0] [1, 2, 2, 1] [1, 2, 2, 1] : tensor<1x4x4x1xf32> to tensor<1x2x2x1xf32>
// CHECK: %[[Y:.*]]:4 = linalg.generic
// CHECK-SAME: netrewrite.winograd
// CHECK: tensor.insert_slice %[[Y]]#0 into %arg1[0, 0, 0, 0] [1, 2, 2, 1] [1, 2, 2, 1]
// CHECK: tensor.insert_slice %[[Y]]#1 into %{{.*}}[0, 0, 1, 0] [1, 2, 2, 1] [1, 2, 2, 1]
// CHECK: tensor.insert_slice %[[Y]]#2 into %{{.*}}[0, 1, 0, 0] [1, 2, 2, 1] [1, 2, 2, 1]
// CHECK: %[[R:.*]] = tensor.insert_slice %[[Y]]#3 into %{{.*}}[0, 1, 1, 0] [1, 2, 2, 1] [1, 2, 2, 1]
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf {{.*}} tensor<3x3x1x1xf32>
// CHECK: return %[[R]]
func.func @ones(%x: tensor<1x6x6x1xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// The input transform's body: rows then columns of B^T d B, additions and
// subtractions only (8 x 4 of them for the 16 results, no multiplication).
// CHECK-LABEL: func.func @input_transform_body
// CHECK: linalg.generic
// CHECK-NOT: arith.mulf
// CHECK-COUNT-32: arith.{{addf|subf}}
// CHECK-NOT: arith.{{addf|subf|mulf}}
// CHECK: linalg.yield
func.func @input_transform_body(%x: tensor<1x6x6x1xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// A bias init (the broadcast tosa-to-linalg gives a convolution) is not
// materialised: the output transform reads the bias per channel and writes
// a fresh tensor, once.
// CHECK-LABEL: func.func @bias
// CHECK-NOT: linalg.generic {{.*}}ins(%arg1 : tensor<1xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x4x1xf32>
// CHECK-COUNT-4: tensor.extract_slice %[[E]][0, {{[01]}}, {{[01]}}, 0] [1, 2, 2, 1] [1, 2, 2, 1]
// CHECK: linalg.generic
// CHECK-SAME: ins({{.*}}, %arg1 : {{.*}}tensor<1xf32>)
// CHECK-SAME: netrewrite.winograd
// CHECK: tensor.insert_slice {{.*}} into %[[E]][0, 0, 0, 0]
#bcast = affine_map<(d0, d1, d2, d3) -> (d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @bias(%x: tensor<1x6x6x1xf32>, %b: tensor<1xf32>) -> tensor<1x4x4x1xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %e = tensor.empty() : tensor<1x4x4x1xf32>
  %init = linalg.generic {indexing_maps = [#bcast, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
            ins(%b : tensor<1xf32>) outs(%e : tensor<1x4x4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// Left direct: a strided convolution, a filter that is not a constant
// (training's parameters).
// CHECK-LABEL: func.func @strided
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} tensor<3x3x1x1xf32>
// CHECK-NOT: netrewrite.winograd
func.func @strided(%x: tensor<1x9x9x1xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%x, %w : tensor<1x9x9x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// An odd output is computed one larger (input and init padded by a zero
// row and column at the end) and cropped.
// CHECK-LABEL: func.func @odd
// CHECK-DAG: tensor.pad %arg0 low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK-DAG: tensor.pad %arg1 low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: netrewrite.winograd
// CHECK: netrewrite.winograd
// CHECK: %[[C:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 3, 3, 1] [1, 1, 1, 1] : tensor<1x4x4x1xf32> to tensor<1x3x3x1xf32>
// CHECK: return %[[C]]
func.func @odd(%x: tensor<1x5x5x1xf32>, %init: tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x5x5x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  return %y : tensor<1x3x3x1xf32>
}

// -----

// CHECK-LABEL: func.func @parameter
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} tensor<3x3x1x1xf32>
// CHECK-NOT: netrewrite.winograd
func.func @parameter(%x: tensor<1x6x6x1xf32>, %w: tensor<3x3x1x1xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// With the default min-product-macs (2^24), a convolution whose products
// are 4 tiles x 1 x 1 multiply-adds stays direct, unless it is in the
// per-image trunk (a netrewrite.serial function), where its ops run without
// barriers.
// CHECK-LABEL: func.func @few_tiles(
// TILES-LABEL: func.func @few_tiles
// TILES: linalg.conv_2d_nhwc_hwcf {{.*}} tensor<3x3x1x1xf32>
// TILES-NOT: netrewrite.winograd
// TILES-LABEL: func.func private @few_tiles_per_image
// TILES: netrewrite.winograd
// TILES-NOT: tensor<3x3x1x1xf32>
// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-winograd-conv{min-channels=1}))" | FileCheck %s --check-prefix=TILES
func.func @few_tiles(%x: tensor<1x6x6x1xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}
func.func private @few_tiles_per_image(%x: tensor<1x6x6x1xf32>, %init: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> attributes {netrewrite.serial} {
  %w = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x1xf32>, tensor<3x3x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}
