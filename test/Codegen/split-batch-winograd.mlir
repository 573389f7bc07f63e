// RUN: netrewrite-opt %s --netrewrite-split-batch=min-batch=2 | FileCheck %s
// RUN: netrewrite-opt %s --netrewrite-split-batch="min-batch=2 winograd-filter-ratio=0" | FileCheck %s --check-prefix=PLAIN
// The whole scheduled pipeline, split, with and without Winograd (the
// latter runs the split with winograd-filter-ratio=0): both lower to LLVM.
// RUN: netrewrite-opt %s --netrewrite-lower-cpu="opt-level=3 split-batch=1 winograd=1" | FileCheck %s --check-prefix=LLVM
// RUN: netrewrite-opt %s --netrewrite-lower-cpu="opt-level=3 split-batch=1" | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @forward(

// A 3x3 128->128 convolution at 28x28 (ResNet18's layer2): its filter has
// 147,456 values, 1.47 times its output per image (100,352). Over the batch
// its Winograd tiles would outgrow the caches, so a convolution that
// netrewrite-winograd-conv will rewrite stays in the per-image trunk up to
// a filter 1.6 times its output (winograd-filter-ratio); the strided one
// behind it (5.9 times) ends the trunk.
// CHECK-LABEL: func.func @forward(
// CHECK: scf.forall
// CHECK: func.call @forward..image
// CHECK: tosa.conv2d {{.*}}stride = array<i64: 2, 2>{{.*}} -> tensor<2x14x14x128xf32>
// CHECK: func.func private @forward..image({{.*}}: tensor<1x28x28x128xf32>) -> tensor<1x28x28x128xf32> attributes {netrewrite.serial}
// CHECK: tosa.conv2d {{.*}} -> tensor<1x28x28x128xf32>

// With the ordinary ratio (1.0) the first convolution ends the trunk before
// any window op, and nothing is split.
// PLAIN-LABEL: func.func @forward(
// PLAIN-NOT: scf.forall
// PLAIN-NOT: forward..image
func.func @forward(%x: tensor<2x28x28x128xf32>) -> tensor<2x10xf32> {
  %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<0.01> : tensor<128x3x3x128xf32>} : () -> tensor<128x3x3x128xf32>
  %b1 = "tosa.const"() {values = dense<0.1> : tensor<128xf32>} : () -> tensor<128xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<2x28x28x128xf32>, tensor<128x3x3x128xf32>, tensor<128xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x28x28x128xf32>
  %c2 = tosa.conv2d %c1, %w1, %b1, %z, %z {acc_type = f32, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : (tensor<2x28x28x128xf32>, tensor<128x3x3x128xf32>, tensor<128xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x14x14x128xf32>
  %s1 = tosa.const_shape {values = dense<[1, 2, 25088]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %c2, %s1 : (tensor<2x14x14x128xf32>, !tosa.shape<3>) -> tensor<1x2x25088xf32>
  %wf = "tosa.const"() {values = dense<0.1> : tensor<1x25088x10xf32>} : () -> tensor<1x25088x10xf32>
  %m = tosa.matmul %f, %wf, %z, %z : (tensor<1x2x25088xf32>, tensor<1x25088x10xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x10xf32>
  %s3 = tosa.const_shape {values = dense<[2, 10]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y = tosa.reshape %m, %s3 : (tensor<1x2x10xf32>, !tosa.shape<2>) -> tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}
