// RUN: netrewrite-opt --insert-bn %S/Inputs/residual.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// Applying the pass twice changes nothing more (rules never re-match their
// own output):
// RUN: netrewrite-opt --insert-bn %S/Inputs/residual.mlir -o %t.once.mlir
// RUN: netrewrite-opt --insert-bn %t.once.mlir -o %t.twice.mlir
// RUN: diff %t.once.mlir %t.twice.mlir
// Independent of the working directory (the rules are embedded):
// RUN: cd / && netrewrite-opt --insert-bn %S/Inputs/residual.mlir | grep -c nr.batch_norm | FileCheck %s --check-prefix=COUNT
// COUNT: 4

// conv[act=relu] -> conv, bn, relu: the activation moves behind the new BN,
// whose parameters are sized from the conv's output channels (OHWI: O = 4)
// and make it the identity (gamma 1, beta 0, mean 0, var 1 - eps).
// CHECK-LABEL: func.func @forward
// CHECK: %[[C1:.*]] = tosa.conv2d %arg0, {{.*}} -> tensor<1x8x8x4xf32> loc("block1_conv1")
// CHECK: %[[G:.*]] = "tosa.const"() <{values = dense<1.000000e+00> : tensor<4xf32>}> {{.*}} loc("block1_conv1/bn")
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<4xf32>}> {{.*}} loc("block1_conv1/bn")
// CHECK: %[[M:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<4xf32>}> {{.*}} loc("block1_conv1/bn")
// CHECK: %[[V:.*]] = "tosa.const"() <{values = dense<9.990000e-01> : tensor<4xf32>}> {{.*}} loc("block1_conv1/bn")
// CHECK: %[[BN1:.*]] = nr.batch_norm %[[C1]], %[[G]], %[[B]], %[[M]], %[[V]] {netrewrite.rules = {{.*}}} : tensor<1x8x8x4xf32>, tensor<4xf32> loc("block1_conv1/bn")
// CHECK: %[[R1:.*]] = tosa.clamp %[[BN1]] {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32{{.*}} loc("block1_conv1/relu")

// conv[act=relu6] keeps relu6 behind its BN.
// CHECK: %[[C2:.*]] = tosa.conv2d %[[R1]], {{.*}} loc("block1_conv2")
// CHECK: %[[BN2:.*]] = nr.batch_norm %[[C2]], {{.*}} loc("block1_conv2/bn")
// CHECK: %[[R2:.*]] = tosa.clamp %[[BN2]] {max_val = 6.000000e+00 : f32{{.*}} loc("block1_conv2/relu6")

// The residual add reads both new activations.
// CHECK: %[[ADD:.*]] = tosa.add %[[R2]], %[[R1]] {{.*}} loc("block1_add")

// dwconv[act=none] -> dwconv, bn (channels from HWCM: C * M = 4); the concat
// reads the BN and the add.
// CHECK: %[[D:.*]] = tosa.depthwise_conv2d %[[ADD]], {{.*}} loc("block2_dwconv")
// CHECK: %[[BN3:.*]] = nr.batch_norm %[[D]], {{.*}} : tensor<1x8x8x4xf32>, tensor<4xf32> loc("block2_dwconv/bn")
// CHECK: tosa.concat %[[BN3]], %[[ADD]]

// dense (matmul + reshape + bias add) gets a BN over its 4 units.
// CHECK: %[[DENSE:.*]] = tosa.add {{.*}} -> tensor<1x4xf32> loc("dense")
// CHECK: %[[BN4:.*]] = nr.batch_norm %[[DENSE]], {{.*}} : tensor<1x4xf32>, tensor<4xf32> loc("dense/bn")
// CHECK: return %[[BN4]]
