// RUN: netrewrite-opt %s --netrewrite-depthwise-to-hwc | FileCheck %s

// hwcm with multiplier 1 -> hwc between reshapes of the filter and result.
// CHECK-LABEL: func.func @dw
// CHECK: %[[F:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0], [1], [2, 3]] : tensor<3x3x8x1xf32> into tensor<3x3x8xf32>
// CHECK: %[[I:.*]] = tensor.collapse_shape %arg2 {{\[\[}}0], [1], [2], [3, 4]]
// CHECK: %[[C:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%arg0, %[[F]] : {{.*}}) outs(%[[I]] : tensor<1x4x4x8xf32>)
// CHECK: tensor.expand_shape %[[C]]
func.func @dw(%x: tensor<1x6x6x8xf32>, %w: tensor<3x3x8x1xf32>, %init: tensor<1x4x4x8x1xf32>) -> tensor<1x4x4x8x1xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x1xf32>) outs(%init : tensor<1x4x4x8x1xf32>) -> tensor<1x4x4x8x1xf32>
  return %0 : tensor<1x4x4x8x1xf32>
}

// A channel multiplier of 2 stays hwcm.
// CHECK-LABEL: func.func @dw_mult2
// CHECK: linalg.depthwise_conv_2d_nhwc_hwcm
func.func @dw_mult2(%x: tensor<1x6x6x8xf32>, %w: tensor<3x3x8x2xf32>, %init: tensor<1x4x4x8x2xf32>) -> tensor<1x4x4x8x2xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x2xf32>) outs(%init : tensor<1x4x4x8x2xf32>) -> tensor<1x4x4x8x2xf32>
  return %0 : tensor<1x4x4x8x2xf32>
}
