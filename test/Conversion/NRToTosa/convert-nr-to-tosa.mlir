// RUN: netrewrite-opt %s --convert-nr-to-tosa --split-input-file | FileCheck %s

// batch_norm -> scale = gamma * rsqrt(var + eps); shift = beta - mean * scale;
//               y = x * reshape(scale) + reshape(shift), broadcast on the last axis.
// CHECK-LABEL: func.func @bn_nhwc
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x4x3xf32>, %[[G:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>, %[[M:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<3xf32>)
// CHECK-DAG: %[[SHAPE:.*]] = tosa.const_shape {values = dense<[1, 1, 1, 3]> : tensor<4xindex>}
// CHECK-DAG: %[[EPS:.*]] = "tosa.const"() <{values = dense<1.000000e-03> : tensor<1xf32>}>
// CHECK: %[[VE:.*]] = tosa.add %[[V]], %[[EPS]]
// CHECK: %[[INV:.*]] = tosa.rsqrt %[[VE]]
// CHECK: %[[SCALE:.*]] = tosa.mul %[[G]], %[[INV]]
// CHECK: %[[MS:.*]] = tosa.mul %[[M]], %[[SCALE]]
// CHECK: %[[SHIFT:.*]] = tosa.sub %[[B]], %[[MS]]
// CHECK: %[[S4:.*]] = tosa.reshape %[[SCALE]], %[[SHAPE]] : (tensor<3xf32>, !tosa.shape<4>) -> tensor<1x1x1x3xf32>
// CHECK: %[[XS:.*]] = tosa.mul %[[X]], %[[S4]]
// CHECK: %[[B4:.*]] = tosa.reshape %[[SHIFT]], %[[SHAPE]]
// CHECK: %[[Y:.*]] = tosa.add %[[XS]], %[[B4]] : (tensor<2x4x4x3xf32>, tensor<1x1x1x3xf32>) -> tensor<2x4x4x3xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: nr.
func.func @bn_nhwc(%x: tensor<2x4x4x3xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x4x4x3xf32> {
  %0 = nr.batch_norm %x, %g, %b, %m, %v : tensor<2x4x4x3xf32>, tensor<3xf32>
  return %0 : tensor<2x4x4x3xf32>
}

// -----

// dropout -> identity at evaluation time.
// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @dropout(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %0 = nr.dropout %x {rate = 0.5 : f32} : tensor<1x8x8x4xf32>
  return %0 : tensor<1x8x8x4xf32>
}
