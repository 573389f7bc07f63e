// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-pad-in-place))" | FileCheck %s
// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-pad-in-place), eliminate-empty-tensors, one-shot-bufferize{bufferize-function-boundaries}, cse, canonicalize)" | FileCheck %s --check-prefix=BUF

// The padded tensor is made before the activation is computed, only its
// border filled (rows above/below, columns left/right); the pad becomes an
// insert of the activation into it. After empty-tensor elimination the
// activation is computed straight into the interior: no copy.
// CHECK-LABEL: func.func @relu_pad
// CHECK: %[[P:.*]] = tensor.empty() : tensor<2x10x10x16xf32>
// CHECK: linalg.fill {{.*}} -> tensor<2x1x10x16xf32>
// CHECK: tensor.insert_slice {{.*}} into %[[P]][0, 0, 0, 0] [2, 1, 10, 16]
// CHECK: linalg.fill {{.*}} -> tensor<2x1x10x16xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 9, 0, 0] [2, 1, 10, 16]
// CHECK: linalg.fill {{.*}} -> tensor<2x10x1x16xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 0, 0, 0] [2, 10, 1, 16]
// CHECK: linalg.fill {{.*}} -> tensor<2x10x1x16xf32>
// CHECK: %[[B:.*]] = tensor.insert_slice {{.*}}[0, 0, 9, 0] [2, 10, 1, 16]
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: tensor.insert_slice %[[R]] into %[[B]][0, 1, 1, 0] [2, 8, 8, 16]
// CHECK-NOT: tensor.pad
// BUF-LABEL: func.func @relu_pad
// BUF: %[[A:.*]] = memref.alloc() {{.*}} : memref<2x10x10x16xf32>
// BUF: %[[I:.*]] = memref.subview %[[A]][0, 1, 1, 0] [2, 8, 8, 16]
// BUF: linalg.generic {{.*}} outs(%[[I]]
// BUF-NOT: memref.copy
// BUF: return %[[A]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @relu_pad(%x: tensor<2x8x8x16xf32>) -> tensor<2x10x10x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<2x8x8x16xf32>) outs(%e : tensor<2x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x8x8x16xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8x16xf32> to tensor<2x10x10x16xf32>
  return %p : tensor<2x10x10x16xf32>
}

// -----

// A pad of a function argument has no computation to redirect: left alone.
// CHECK-LABEL: func.func @arg_pad
// CHECK: tensor.pad
func.func @arg_pad(%x: tensor<2x8x8x16xf32>) -> tensor<2x10x10x16xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8x16xf32> to tensor<2x10x10x16xf32>
  return %p : tensor<2x10x10x16xf32>
}

// -----

// Pad amounts given as index constants (Keras' ZeroPadding2D before a
// stride-2 depthwise convolution pads bottom/right only).
// CHECK-LABEL: func.func @constant_amounts
// CHECK: linalg.fill {{.*}} -> tensor<2x1x9x16xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 8, 0, 0] [2, 1, 9, 16]
// CHECK: linalg.fill {{.*}} -> tensor<2x9x1x16xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 0, 8, 0] [2, 9, 1, 16]
// CHECK: linalg.generic
// CHECK: tensor.insert_slice {{.*}}[0, 0, 0, 0] [2, 8, 8, 16]
// CHECK-NOT: tensor.pad
#id2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @constant_amounts(%x: tensor<2x8x8x16xf32>) -> tensor<2x9x9x16xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = tensor.empty() : tensor<2x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<2x8x8x16xf32>) outs(%e : tensor<2x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x8x8x16xf32>
  %p = tensor.pad %r low[%c0, %c0, %c0, %c0] high[%c0, %c1, %c1, %c0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8x16xf32> to tensor<2x9x9x16xf32>
  return %p : tensor<2x9x9x16xf32>
}

// -----

// The activation also feeds a residual add after the pad: that reader takes
// the padded tensor's interior, so the activation has the padded buffer as
// its only home. Left reading the activation, bufferization computed it into
// a buffer of its own and copied it into the padded one.
// CHECK-LABEL: func.func @residual_reader
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: %[[I:.*]] = tensor.insert_slice %[[R]] into %{{.*}}[0, 1, 1, 0] [2, 8, 8, 16]
// CHECK: %[[S:.*]] = tensor.extract_slice %[[I]][0, 1, 1, 0] [2, 8, 8, 16]
// CHECK: linalg.generic {{.*}} ins(%[[S]], %[[S]] :
// BUF-LABEL: func.func @residual_reader
// BUF: %[[A:.*]] = memref.alloc() {{.*}} : memref<2x10x10x16xf32>
// BUF: %[[I:.*]] = memref.subview %[[A]][0, 1, 1, 0] [2, 8, 8, 16]
// BUF: linalg.generic {{.*}} outs(%[[I]]
// BUF-NOT: memref.copy
// BUF: ins(%[[I]], %[[I]]
// BUF-NOT: memref.copy
// BUF: return
#id3 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @residual_reader(%x: tensor<2x8x8x16xf32>) -> (tensor<2x10x10x16xf32>, tensor<2x8x8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<2x8x8x16xf32>) outs(%e : tensor<2x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x8x8x16xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8x16xf32> to tensor<2x10x10x16xf32>
  %e2 = tensor.empty() : tensor<2x8x8x16xf32>
  %sum = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%r, %r : tensor<2x8x8x16xf32>, tensor<2x8x8x16xf32>) outs(%e2 : tensor<2x8x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x8x8x16xf32>
  return %p, %sum : tensor<2x10x10x16xf32>, tensor<2x8x8x16xf32>
}
