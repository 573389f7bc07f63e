// RUN: netrewrite-opt %s --netrewrite-split-batch=min-batch=2 --split-input-file | FileCheck %s

// A trunk (conv + ReLU, depthwise, max pool, a reshape that keeps the batch)
// under a dense head: the trunk moves into @forward..image at batch 1 (the
// reshape's shape names 1 image), @forward calls it per image in a forall
// and the head reads the inserted results.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[X:.*]]: tensor<4x8x8x3xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x128xf32>
// CHECK: %[[F:.*]] = scf.forall (%[[I:.*]]) in (4) shared_outs(%[[O:.*]] = %[[E]]) -> (tensor<4x128xf32>)
// CHECK-NEXT: %[[S:.*]] = tensor.extract_slice %[[X]][%[[I]], 0, 0, 0] [1, 8, 8, 3] [1, 1, 1, 1]
// CHECK-NEXT: %[[R:.*]] = func.call @forward..image(%[[S]]) : (tensor<1x8x8x3xf32>) -> tensor<1x128xf32>
// CHECK: tensor.parallel_insert_slice %[[R]] into %[[O]][%[[I]], 0] [1, 128] [1, 1]
// CHECK: tosa.reshape %[[F]], {{.*}} -> tensor<1x4x128xf32>
// CHECK: tosa.matmul
// CHECK: func.func private @forward..image(%{{.*}}: tensor<1x8x8x3xf32>) -> tensor<1x128xf32> attributes {netrewrite.serial}
// CHECK: tosa.conv2d {{.*}} -> tensor<1x8x8x8xf32>
// CHECK: tosa.clamp {{.*}} -> tensor<1x8x8x8xf32>
// CHECK: tosa.depthwise_conv2d {{.*}} -> tensor<1x8x8x8xf32>
// CHECK: tosa.max_pool2d {{.*}} -> tensor<1x4x4x8xf32>
// CHECK: %[[SH:.*]] = tosa.const_shape {values = dense<[1, 128]> : tensor<2xindex>}
// CHECK: tosa.reshape %{{.*}}, %[[SH]] : (tensor<1x4x4x8xf32>, !tosa.shape<2>) -> tensor<1x128xf32>
// CHECK-NOT: tosa.matmul
// CHECK: return
func.func @forward(%x: tensor<4x8x8x3xf32>) -> tensor<4x10xf32> {
  %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<8x3x3x3xf32>} : () -> tensor<8x3x3x3xf32>
  %b1 = "tosa.const"() {values = dense<0.1> : tensor<8xf32>} : () -> tensor<8xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<4x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8x8x8xf32>
  %r1 = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<4x8x8x8xf32>) -> tensor<4x8x8x8xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<3x3x8x1xf32>} : () -> tensor<3x3x8x1xf32>
  %d = tosa.depthwise_conv2d %r1, %wd, %b1, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<4x8x8x8xf32>, tensor<3x3x8x1xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x8x8x8xf32>
  %p = tosa.max_pool2d %d {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<4x8x8x8xf32>) -> tensor<4x4x4x8xf32>
  %s1 = tosa.const_shape {values = dense<[4, 128]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %flat = tosa.reshape %p, %s1 : (tensor<4x4x4x8xf32>, !tosa.shape<2>) -> tensor<4x128xf32>
  %s2 = tosa.const_shape {values = dense<[1, 4, 128]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %flat, %s2 : (tensor<4x128xf32>, !tosa.shape<3>) -> tensor<1x4x128xf32>
  %wf = "tosa.const"() {values = dense<0.1> : tensor<1x128x10xf32>} : () -> tensor<1x128x10xf32>
  %m = tosa.matmul %f, %wf, %z, %z : (tensor<1x4x128xf32>, tensor<1x128x10xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x10xf32>
  %s3 = tosa.const_shape {values = dense<[4, 10]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y = tosa.reshape %m, %s3 : (tensor<1x4x10xf32>, !tosa.shape<2>) -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

// The trunk ends at the first convolution whose filter (32x3x3x16: 4608
// values) is larger than its output per image (4x4x32: 512): it stays
// batched, and so does the residual add behind it, which reads a trunk value
// (the pool) too: two results.
// CHECK-LABEL: func.func @forward(
// CHECK: %[[F:.*]]:2 = scf.forall (%{{.*}}) in (2) shared_outs({{.*}}) -> (tensor<2x4x4x16xf32>, tensor<2x4x4x16xf32>)
// CHECK: func.call @forward..image({{.*}}) : (tensor<1x8x8x3xf32>) -> (tensor<1x4x4x16xf32>, tensor<1x4x4x16xf32>)
// CHECK: tosa.conv2d %[[F]]#1, {{.*}} -> tensor<2x4x4x32xf32>
// CHECK: func.func private @forward..image
// CHECK-COUNT-1: tosa.conv2d
// CHECK-NOT: tosa.conv2d
// CHECK: return
func.func @forward(%x: tensor<2x8x8x3xf32>) -> tensor<2x4x4x32xf32> {
  %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<16x3x3x3xf32>} : () -> tensor<16x3x3x3xf32>
  %b1 = "tosa.const"() {values = dense<0.1> : tensor<16xf32>} : () -> tensor<16xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<2x8x8x3xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x8x16xf32>
  %p = tosa.max_pool2d %c1 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<2x8x8x16xf32>) -> tensor<2x4x4x16xf32>
  %r = tosa.clamp %p {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32>
  %w2 = "tosa.const"() {values = dense<0.1> : tensor<32x3x3x16xf32>} : () -> tensor<32x3x3x16xf32>
  %b2 = "tosa.const"() {values = dense<0.1> : tensor<32xf32>} : () -> tensor<32xf32>
  %c2 = tosa.conv2d %r, %w2, %b2, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<2x4x4x16xf32>, tensor<32x3x3x16xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4x32xf32>
  %pp = tosa.concat %p, %p {axis = 3 : i32} : (tensor<2x4x4x16xf32>, tensor<2x4x4x16xf32>) -> tensor<2x4x4x32xf32>
  %y = tosa.add %c2, %pp : (tensor<2x4x4x32xf32>, tensor<2x4x4x32xf32>) -> tensor<2x4x4x32xf32>
  return %y : tensor<2x4x4x32xf32>
}

// -----

// Weights passed as parameters (a training executable's @forward) go to the
// per-image function as arguments; an element-wise operand that is not
// batch-free nor broadcast over the batch (a per-example tensor) ends the
// trunk.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[W:[^:]*]]: tensor<8x3x3x3xf32>
// CHECK: func.call @forward..image(%{{.*}}, %[[W]]) : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
// CHECK: tosa.add %{{.*}}, %arg1
// CHECK: func.func private @forward..image(%{{.*}}: tensor<1x8x8x3xf32>, %{{.*}}: tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
func.func @forward(%w: tensor<8x3x3x3xf32>, %e: tensor<2x8x8x8xf32>, %x: tensor<2x8x8x3xf32>) -> tensor<2x8x8x8xf32> {
  %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %b1 = "tosa.const"() {values = dense<0.1> : tensor<8xf32>} : () -> tensor<8xf32>
  %c1 = tosa.conv2d %x, %w, %b1, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<2x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x8x8xf32>
  %y = tosa.add %c1, %e : (tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  return %y : tensor<2x8x8x8xf32>
}

// -----

// Below min-batch (here 2): nothing to split.
// CHECK-LABEL: func.func @forward(
// CHECK-NOT: scf.forall
// CHECK-NOT: @forward..image
func.func @forward(%x: tensor<1x8x8x3xf32>) -> tensor<1x8x8x8xf32> {
  %z = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<8x3x3x3xf32>} : () -> tensor<8x3x3x3xf32>
  %b1 = "tosa.const"() {values = dense<0.1> : tensor<8xf32>} : () -> tensor<8xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %z, %z {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x8xf32>
  return %c1 : tensor<1x8x8x8xf32>
}
