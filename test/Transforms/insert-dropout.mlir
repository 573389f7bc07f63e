// RUN: netrewrite-opt --insert-dropout=rate=0.25 %S/Inputs/residual.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: netrewrite-opt --insert-dropout %S/Inputs/residual.mlir | FileCheck %s --check-prefix=DEFAULT
// RUN: not netrewrite-opt --insert-dropout=rate=1.5 %S/Inputs/residual.mlir -o %t.bad 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not ls %t.bad
// Twice equals once:
// RUN: netrewrite-opt --insert-dropout %S/Inputs/residual.mlir -o %t.once.mlir
// RUN: netrewrite-opt --insert-dropout %t.once.mlir | diff - %t.once.mlir

// Dropout after every ReLU and ReLU6, the fused ones included; each feeds all
// consumers of the activation (the next conv and the residual add).
// CHECK: %[[R1:.*]] = tosa.clamp {{.*}} loc("block1_conv1")
// CHECK: %[[D1:.*]] = nr.dropout %[[R1]] {{{.*}}rate = 2.500000e-01 : f32, seed = {{[0-9]+}} : i64} : tensor<1x8x8x4xf32> loc("block1_conv1/dropout")
// CHECK: tosa.conv2d %[[D1]]
// CHECK: %[[R2:.*]] = tosa.clamp {{.*}}max_val = 6.000000e+00{{.*}} loc("block1_conv2")
// CHECK: %[[D2:.*]] = nr.dropout %[[R2]] {{.*}} loc("block1_conv2/dropout")
// CHECK: tosa.add %[[D2]], %[[D1]]
// CHECK: %[[R3:.*]] = tosa.clamp {{.*}} loc("block2_relu")
// CHECK: %[[D3:.*]] = nr.dropout %[[R3]] {{.*}} : tensor<1x8x8x8xf32> loc("block2_relu/dropout")
// CHECK: tosa.avg_pool2d %[[D3]]

// DEFAULT-COUNT-3: nr.dropout {{.*}}rate = 0.00999999977 : f32
// BAD: insert-dropout.nrr:4:49: error: invalid 'rate' for 'dropout': expected a probability in [0, 1), got 1.5
