// RUN: netrewrite-opt %s --split-input-file --netrewrite-lower-vectors-cpu | FileCheck %s

// An accumulator tile read and written back on every step of a reduction
// loop, through a subview (as every tile of a scheduled convolution is):
// the pair leaves the loop (the vector is carried by the loop), the init
// written just before is forwarded to the first read, and that init store
// is dead (the store after the loop overwrites the tile). The loop carries
// the tile's rows (SplitLoopCarriedPieces) and adds to each row
// (UnrollElementwiseToRows). One store per output row of the tile, after
// the loop.
// CHECK-LABEL: func.func @accumulator
// CHECK-NOT: vector.store
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK-NOT: vector.store
// CHECK-COUNT-4: arith.addf {{.*}} : vector<32xf32>
// CHECK-NOT: vector.store
// CHECK: scf.yield
// CHECK-COUNT-4: vector.store
// CHECK-NOT: vector.store
// CHECK: return
func.func @accumulator(%x: memref<8x32xf32>, %out: memref<2x4x32xf32>, %b: vector<1x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 0.0 : f32
  %tile = memref.subview %out[0, 0, 0] [1, 4, 32] [1, 1, 1] : memref<2x4x32xf32> to memref<1x4x32xf32, strided<[128, 32, 1]>>
  vector.transfer_write %b, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<1x4x32xf32>, memref<1x4x32xf32, strided<[128, 32, 1]>>
  %acc = memref.subview %tile[0, 0, 0] [1, 4, 32] [1, 1, 1] : memref<1x4x32xf32, strided<[128, 32, 1]>> to memref<4x32xf32, strided<[32, 1]>>
  scf.for %i = %c0 to %c8 step %c1 {
    %a = vector.transfer_read %acc[%c0, %c0], %cst {in_bounds = [true, true]} : memref<4x32xf32, strided<[32, 1]>>, vector<4x32xf32>
    %v = vector.transfer_read %x[%i, %c0], %cst {in_bounds = [true]} : memref<8x32xf32>, vector<32xf32>
    %vb = vector.broadcast %v : vector<32xf32> to vector<4x32xf32>
    %s = arith.addf %a, %vb : vector<4x32xf32>
    vector.transfer_write %s, %acc[%c0, %c0] {in_bounds = [true, true]} : vector<4x32xf32>, memref<4x32xf32, strided<[32, 1]>>
  }
  return
}

// -----

// The loop also reads another part of the output buffer: the accumulator
// stays in memory (loaded and stored on every step), and so does its init.
// CHECK-LABEL: func.func @aliased
// CHECK: vector.store
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: vector.load
// CHECK: arith.addf
// CHECK: vector.store
// CHECK: }
// CHECK-NEXT: return
func.func @aliased(%out: memref<2x4x32xf32>, %b: vector<1x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 0.0 : f32
  %tile = memref.subview %out[0, 0, 0] [1, 4, 32] [1, 1, 1] : memref<2x4x32xf32> to memref<1x4x32xf32, strided<[128, 32, 1]>>
  vector.transfer_write %b, %tile[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<1x4x32xf32>, memref<1x4x32xf32, strided<[128, 32, 1]>>
  %acc = memref.subview %tile[0, 0, 0] [1, 4, 32] [1, 1, 1] : memref<1x4x32xf32, strided<[128, 32, 1]>> to memref<4x32xf32, strided<[32, 1]>>
  scf.for %i = %c0 to %c8 step %c1 {
    %a = vector.transfer_read %acc[%c0, %c0], %cst {in_bounds = [true, true]} : memref<4x32xf32, strided<[32, 1]>>, vector<4x32xf32>
    %v = vector.transfer_read %out[%c1, %i, %c0], %cst {in_bounds = [true]} : memref<2x4x32xf32>, vector<32xf32>
    %vb = vector.broadcast %v : vector<32xf32> to vector<4x32xf32>
    %s = arith.addf %a, %vb : vector<4x32xf32>
    vector.transfer_write %s, %acc[%c0, %c0] {in_bounds = [true, true]} : vector<4x32xf32>, memref<4x32xf32, strided<[32, 1]>>
  }
  return
}

// -----

// A 24-lane accumulator row (a 1x1 convolution with 24 output channels)
// is carried as 16 + 8 lanes: LLVM carried the 24-lane vector through the
// stack and reassembled it lane by lane on every iteration. Inside the
// loop the row is put together again for the body.
// CHECK-LABEL: func.func @ragged_rows
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [16], strides = [1]} : vector<24xf32> to vector<16xf32>
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [16], sizes = [8], strides = [1]} : vector<24xf32> to vector<8xf32>
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<8xf32>, vector<16xf32>, vector<8xf32>)
// CHECK: vector.insert_strided_slice %{{.*}}, %{{.*}} {offsets = [0], strides = [1]} : vector<16xf32> into vector<24xf32>
// CHECK: vector.insert_strided_slice %{{.*}}, %{{.*}} {offsets = [16], strides = [1]} : vector<8xf32> into vector<24xf32>
// CHECK: arith.mulf {{.*}} : vector<24xf32>
// CHECK: scf.yield {{.*}} : vector<16xf32>, vector<8xf32>, vector<16xf32>, vector<8xf32>
// CHECK: arith.maximumf {{.*}} : vector<24xf32>
// CHECK: arith.maximumf {{.*}} : vector<24xf32>
// CHECK-NOT: arith.maximumf
// CHECK: return
func.func @ragged_rows(%x: memref<8x24xf32>, %out: memref<2x24xf32>, %b: vector<2x24xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<2x24xf32>
  %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %b) -> (vector<2x24xf32>) {
    %v = vector.transfer_read %x[%i, %c0], %cst {in_bounds = [true]} : memref<8x24xf32>, vector<24xf32>
    %vb = vector.broadcast %v : vector<24xf32> to vector<2x24xf32>
    %s = arith.mulf %a, %vb : vector<2x24xf32>
    scf.yield %s : vector<2x24xf32>
  }
  %m = arith.maximumf %r, %zero : vector<2x24xf32>
  vector.transfer_write %m, %out[%c0, %c0] {in_bounds = [true, true]} : vector<2x24xf32>, memref<2x24xf32>
  return
}

// -----

// 8 pixels x 3 channels (an RGB image going NCHW -> NHWC) written to
// contiguous memory: one 24-lane store, not eight 3-lane ones.
// CHECK-LABEL: func.func @narrow_rows
// CHECK: memref.collapse_shape {{.*}} into memref<1x24xf32
// CHECK-NOT: vector.store
// CHECK: vector.store {{.*}} : memref<1x24xf32{{.*}}>, vector<24xf32>
// CHECK-NOT: vector.store
// CHECK: return
func.func @narrow_rows(%v: vector<1x8x3xf32>, %out: memref<1x8x3xf32, strided<[687, 3, 1], offset: ?>>) {
  %c0 = arith.constant 0 : index
  vector.transfer_write %v, %out[%c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<1x8x3xf32>, memref<1x8x3xf32, strided<[687, 3, 1], offset: ?>>
  return
}
