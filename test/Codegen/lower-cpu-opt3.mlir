// RUN: netrewrite-opt %s --netrewrite-lower-cpu="opt-level=3" | FileCheck %s
// RUN: netrewrite-opt %s --netrewrite-lower-cpu | FileCheck %s --check-prefix=NAIVE

// The scheduled pipeline: OpenMP worksharing loops around FMA vector code.
// CHECK-LABEL: llvm.func @forward
// CHECK: omp.parallel
// CHECK: omp.wsloop schedule(static)
// CHECK: llvm.intr.fmuladd{{.*}} : (vector<32xf32>, vector<32xf32>, vector<32xf32>) -> vector<32xf32>
// CHECK: llvm.func @_mlir_ciface_forward
// The naive pipeline: scalar loops.
// NAIVE-LABEL: llvm.func @forward
// NAIVE-NOT: omp.
// NAIVE-NOT: vector<
// NAIVE: llvm.func @_mlir_ciface_forward
func.func @forward(%x: tensor<4x16x16x32xf32>) -> tensor<4x16x16x32xf32> {
  %w = "tosa.const"() {values = dense<0.01> : tensor<32x3x3x32xf32>} : () -> tensor<32x3x3x32xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<32xf32>} : () -> tensor<32xf32>
  %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<4x16x16x32xf32>, tensor<32x3x3x32xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x16x16x32xf32>
  return %y : tensor<4x16x16x32xf32>
}
