// RUN: netrewrite-opt %s --netrewrite-layer-graph | FileCheck %s
// RUN: netrewrite-opt %s --insert-bn --netrewrite-layer-graph | FileCheck %s --check-prefix=BN
// RUN: rm -f %t.svg && netrewrite-opt %s --insert-bn --netrewrite-layer-graph=output=%t.svg -o /dev/null
// RUN: FileCheck %s --check-prefix=SVG < %t.svg

// One box per layer, an edge per dependence; the residual add has two.
// CHECK: digraph layers {
// CHECK-DAG: "conv1" [label="conv1\ntosa.conv2d (1, 4, 4, 2)"];
// CHECK-DAG: "skip" [label="skip\ntosa.add (1, 4, 4, 2)"];
// CHECK-DAG: "input_0" -> "conv1";
// CHECK-DAG: "conv1" -> "skip";
// CHECK-DAG: "input_0" -> "skip";
// CHECK: }

// After --insert-bn the new BN layer and the changed conv are highlighted.
// BN-DAG: "conv1/bn" [label="conv1/bn\nnr.batch_norm (1, 4, 4, 2)", fillcolor="#ffb347", penwidth=2];
// BN-DAG: "conv1" -> "conv1/bn";
// BN-DAG: "conv1/bn" -> "skip";

// SVG: <svg
// SVG: conv1/bn
func.func @forward(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32> loc("conv1")
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32> loc("conv1")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("conv1")
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv1")
  %s = tosa.add %c, %x : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("skip")
  return %s : tensor<1x4x4x2xf32>
}
