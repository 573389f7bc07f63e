// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-schedule-buffers-cpu))" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// A padded copy as bufferization leaves it: a fill of the padded buffer and
// a copy into its interior. Both get a forall over (batch, row) and 2-D
// vector tiles along (column, channel); 4.5 M elements, so run in parallel
// (no serial marker on their locations).
// CHECK-LABEL: func.func @pad
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (32, 66)
// CHECK: vector.transfer_write {{.*}} vector<1x1x6x32xf32>
// CHECK: } loc("fill")
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (32, 64)
// CHECK: vector.transfer_read {{.*}} vector<1x1x8x32xf32>
// CHECK: vector.transfer_write {{.*}} vector<1x1x8x32xf32>
// CHECK: } loc("copy")
// CHECK-NOT: linalg.map
// CHECK-NOT: linalg.copy
func.func @pad(%a: memref<32x64x64x32xf32>, %b: memref<32x66x66x32xf32>) {
  %cst = arith.constant 0.0 : f32
  linalg.map outs(%b : memref<32x66x66x32xf32>) (%init: f32) {
    linalg.yield %cst : f32
  } loc("fill")
  %s = memref.subview %b[0, 1, 1, 0] [32, 64, 64, 32] [1, 1, 1, 1] : memref<32x66x66x32xf32> to memref<32x64x64x32xf32, strided<[139392, 2112, 32, 1], offset: 2144>>
  linalg.copy ins(%a : memref<32x64x64x32xf32>) outs(%s : memref<32x64x64x32xf32, strided<[139392, 2112, 32, 1], offset: 2144>>) loc("copy")
  return
}

// -----

// A small strided copy (a stride-2 gradient spread over a zero-dilated
// buffer): too small to share between threads, so its forall carries the
// serial marker that netrewrite-omp-schedule turns into if(false).
// CHECK-LABEL: func.func @dilate
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 8)
// CHECK: vector.transfer_write {{.*}} vector<1x1x8x16xf32>
// CHECK: } loc(fused<"netrewrite.serial_loop">["dilate"])
func.func @dilate(%g: memref<8x8x8x16xf32>, %d: memref<8x15x15x16xf32>) {
  %s = memref.subview %d[0, 0, 0, 0] [8, 8, 8, 16] [1, 2, 2, 1] : memref<8x15x15x16xf32> to memref<8x8x8x16xf32, strided<[3600, 480, 32, 1]>>
  linalg.copy ins(%g : memref<8x8x8x16xf32>) outs(%s : memref<8x8x8x16xf32, strided<[3600, 480, 32, 1]>>) loc("dilate")
  return
}

// -----

// Ops inside loops are tiles of scheduled ops and stay as they are; an
// index computation (a kernel flip in a gradient) vectorises with vector.step.
// CHECK-LABEL: func.func @leave
// CHECK: scf.for
// CHECK-NEXT: linalg.copy
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (3, 3)
// CHECK: vector.step
// CHECK: vector.transfer_write {{.*}} vector<1x1x8x16xf32>
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @leave(%a: memref<4x16xf32>, %b: memref<4x16xf32>, %w: memref<3x3x8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    linalg.copy ins(%a : memref<4x16xf32>) outs(%b : memref<4x16xf32>)
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    outs(%w : memref<3x3x8x16xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %s = arith.addi %i, %j : index
    %k = arith.index_cast %s : index to i32
    %f = arith.sitofp %k : i32 to f32
    linalg.yield %f : f32
  }
  return
}
