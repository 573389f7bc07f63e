// RUN: netrewrite-opt %s --split-input-file --netrewrite-schedule-cpu | FileCheck %s

// A 3x3 convolution: forall over (batch, output row), for loops over column,
// channel, kernel-row/column and input-channel tiles, decomposed to 1-D and
// vectorised to a contraction of an 8-column x 32-channel register tile. The
// input channels go in chunks of 16 (the chunk is unrolled completely; with
// 64 LLVM spilled): the innermost loop steps over them.
// CHECK-LABEL: func.func @conv
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (2, 16)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16{{[_0-9]*}} step %c8{{[_0-9]*}}
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64{{[_0-9]*}} step %c32{{[_0-9]*}}
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32{{[_0-9]*}} step %c16{{[_0-9]*}}
// CHECK: vector.contract
// CHECK-SAME: vector<1x8x16xf32>, vector<16x32xf32> into vector<1x8x32xf32>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @conv(%x: tensor<2x18x18x32xf32>, %w: tensor<3x3x32x64xf32>, %init: tensor<2x16x16x64xf32>) -> tensor<2x16x16x64xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x18x18x32xf32>, tensor<3x3x32x64xf32>) outs(%init : tensor<2x16x16x64xf32>) -> tensor<2x16x16x64xf32>
  return %0 : tensor<2x16x16x64xf32>
}

// -----

// A dense layer: row blocks of 8 in parallel, 8x32 register tiles.
// CHECK-LABEL: func.func @dense
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: linalg.batch_matmul
func.func @dense(%a: tensor<1x16x256xf32>, %b: tensor<1x256x64xf32>, %init: tensor<1x16x64xf32>) -> tensor<1x16x64xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<1x16x256xf32>, tensor<1x256x64xf32>) outs(%init : tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %0 : tensor<1x16x64xf32>
}

// -----

// A dense layer on a batch (input rows fit in L2): column panels of 32 in
// parallel, each read once and used by every 8-row tile (the row loop is
// outside the reduction loop), 8x32x32 register-tile reductions.
// CHECK-LABEL: func.func @dense_panels
// CHECK: scf.forall (%{{.*}}) in (64)
// CHECK: tensor.extract_slice %{{.*}}[0, %{{.*}}] [4096, 32] [1, 1] : tensor<4096x2048xf32> to tensor<4096x32xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32{{(_[0-9]+)?}} step %c8
// CHECK: scf.for %{{.*}} = %{{.*}} to %c4096 step %c32
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [2] : vector<8x32x32xf32> to vector<8x32xf32>
// CHECK-NOT: linalg.matmul
func.func @dense_panels(%a: tensor<32x4096xf32>, %b: tensor<4096x2048xf32>, %init: tensor<32x2048xf32>) -> tensor<32x2048xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<32x4096xf32>, tensor<4096x2048xf32>) outs(%init : tensor<32x2048xf32>) -> tensor<32x2048xf32>
  return %0 : tensor<32x2048xf32>
}

// -----

// Many rows (a weight gradient: input features x batch times batch x
// output features): row blocks in parallel.
// CHECK-LABEL: func.func @dense_rows
// CHECK: scf.forall (%{{.*}}) in (256)
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, 0] [8, 32] [1, 1] : tensor<2048x32xf32> to tensor<8x32xf32>
// CHECK-NOT: linalg.matmul
func.func @dense_rows(%a: tensor<2048x32xf32>, %b: tensor<32x512xf32>, %init: tensor<2048x512xf32>) -> tensor<2048x512xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<2048x32xf32>, tensor<32x512xf32>) outs(%init : tensor<2048x512xf32>) -> tensor<2048x512xf32>
  return %0 : tensor<2048x512xf32>
}

// -----

// An elementwise op: parallel over the leading dimensions, 8x64 vectors.
// CHECK-LABEL: func.func @relu
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 128)
// CHECK: vector.transfer_read {{.*}} vector<1x1x8x64xf32>
// CHECK: arith.maximumf {{.*}} : vector<1x1x8x64xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @relu(%x: tensor<8x128x128x64xf32>) -> tensor<8x128x128x64xf32> {
  %e = tensor.empty() : tensor<8x128x128x64xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : tensor<8x128x128x64xf32>) outs(%e : tensor<8x128x128x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<8x128x128x64xf32>
  return %0 : tensor<8x128x128x64xf32>
}

// -----

// Max pooling is decomposed to 1-D pooling and vectorised along channels.
// CHECK-LABEL: func.func @maxpool
// CHECK: scf.forall
// CHECK: arith.maximumf {{.*}} : vector<1x1x32xf32>
// CHECK-NOT: linalg.pooling_nhwc_max
func.func @maxpool(%x: tensor<8x128x128x32xf32>, %k: tensor<2x2xf32>, %init: tensor<8x64x64x32xf32>) -> tensor<8x64x64x32xf32> {
  %0 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %k : tensor<8x128x128x32xf32>, tensor<2x2xf32>) outs(%init : tensor<8x64x64x32xf32>) -> tensor<8x64x64x32xf32>
  return %0 : tensor<8x64x64x32xf32>
}

// -----

// A small op (fewer than 2^22 iterations) is not worth waking threads for:
// the same tiles, sequential loops.
// CHECK-LABEL: func.func @small_relu
// CHECK-NOT: scf.forall
// CHECK: scf.for
// CHECK: arith.maximumf {{.*}} : vector<1x1x8x16xf32>
#id2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @small_relu(%x: tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> {
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x16xf32>
  return %0 : tensor<1x8x8x16xf32>
}

// -----

// Ops without a schedule (here a reduction) are left alone.
// CHECK-LABEL: func.func @reduce
// CHECK: linalg.reduce
// CHECK-NOT: scf.forall
func.func @reduce(%x: tensor<4x64xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.reduce ins(%x : tensor<4x64xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<4xf32>
}

// -----

// The bias broadcast that initialises a convolution is fused into the
// convolution's register-tile loops (column, channel): each 8x32 tile is
// written with the bias right before the reduction loops (kernel row,
// kernel column) accumulate into it, and the forall's shared output becomes
// the empty tensor.
// CHECK-LABEL: func.func @conv_bias
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x16x16x64xf32>
// CHECK-NOT: linalg.generic
// CHECK: scf.forall ({{.*}}) in (2, 16) shared_outs(%{{.*}} = %[[E]])
// CHECK: scf.for
// CHECK: %[[B:.*]] = vector.transfer_read %{{.*}} : tensor<32xf32>, vector<1x1x8x32xf32>
// CHECK: %[[T:.*]] = vector.transfer_write %[[B]]
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[T]])
// CHECK: scf.for
// CHECK: vector.contract
#bias = affine_map<(d0, d1, d2, d3) -> (d3)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_bias(%x: tensor<2x18x18x32xf32>, %w: tensor<3x3x32x64xf32>, %b: tensor<64xf32>) -> tensor<2x16x16x64xf32> {
  %e = tensor.empty() : tensor<2x16x16x64xf32>
  %init = linalg.generic {indexing_maps = [#bias, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%b : tensor<64xf32>) outs(%e : tensor<2x16x16x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<2x16x16x64xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x18x18x32xf32>, tensor<3x3x32x64xf32>) outs(%init : tensor<2x16x16x64xf32>) -> tensor<2x16x16x64xf32>
  return %0 : tensor<2x16x16x64xf32>
}

// -----

// A product summed over the batch (a batch-norm gradient): the reduction
// dimension becomes the innermost loop in steps of 1 and each step an
// elementwise multiply-add of an 8x32 tile, not a contraction over the batch
// (which lowers to one gather-and-reduce per output element).
// CHECK-LABEL: func.func @batch_sum_of_products
// CHECK: scf.forall (%{{.*}}) in (16)
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c32
// CHECK: vector.transfer_read {{.*}} vector<1x1x8x32xf32>
// CHECK: arith.mulf {{.*}} : vector<1x1x8x32xf32>
// CHECK: vector.multi_reduction <add>, {{.*}} [0] : vector<1x1x8x32xf32> to vector<1x8x32xf32>
// CHECK-NOT: vector.contract
func.func @batch_sum_of_products(%x: tensor<32x16x64x128xf32>, %dy: tensor<32x16x64x128xf32>, %init: tensor<16x64x128xf32>) -> tensor<16x64x128xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>], iterator_types = ["reduction", "parallel", "parallel", "parallel"]} ins(%x, %dy : tensor<32x16x64x128xf32>, tensor<32x16x64x128xf32>) outs(%init : tensor<16x64x128xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %m, %out : f32
    linalg.yield %s : f32
  } -> tensor<16x64x128xf32>
  return %r : tensor<16x64x128xf32>
}

// -----

// A reduction over the innermost dimension has no contiguous vector
// dimension to schedule: left as it is.
// CHECK-LABEL: func.func @row_sum
// CHECK: linalg.generic
// CHECK-NOT: scf.for
func.func @row_sum(%x: tensor<64x256xf32>, %init: tensor<64xf32>) -> tensor<64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<64x256xf32>) outs(%init : tensor<64xf32>) {
  ^bb0(%a: f32, %out: f32):
    %s = arith.addf %a, %out : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

// A kernel larger than its output (the weight gradient of a convolution):
// threads split the output channels, the kernel row is the outermost loop
// (its filter row stays in L2 for every input channel and output row), then
// pairs of input channels and the output row; inside, the kernel column and
// 16-channel chunks of the reduction around a 2 x 3 x 32 register tile.
// CHECK-LABEL: func.func @weight_gradient
// CHECK: scf.forall (%{{.*}}) in (2)
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c1
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c2
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c3
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c1
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c32 step %c16
// CHECK: vector.contract
// CHECK-SAME: vector<2x3x16xf32>, vector<16x32xf32> into vector<2x3x32xf32>
func.func @weight_gradient(%x: tensor<64x66x66x32xf32>, %dy: tensor<64x64x32x64xf32>, %init: tensor<64x3x3x64xf32>) -> tensor<64x3x3x64xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %dy : tensor<64x66x66x32xf32>, tensor<64x64x32x64xf32>) outs(%init : tensor<64x3x3x64xf32>) -> tensor<64x3x3x64xf32>
  return %0 : tensor<64x3x3x64xf32>
}

// -----

// A convolution with its element-wise consumer (bias, residual add, ReLU):
// the consumer is tiled into the forall and then by the convolution's
// register tile (8 columns x 32 channels), and the convolution and its
// bias broadcast are fused into those loops through the outputs: per
// register tile the bias, the reduction loops and the epilogue, on one
// 8x32 tile (kept in registers after bufferization).
// CHECK-LABEL: func.func @conv_epilogue
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (2, 16) shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK: scf.for
// CHECK: vector.transfer_read %{{.*}} : tensor<32xf32>, vector<1x1x8x32xf32>
// CHECK: scf.for
// CHECK: vector.contract
// CHECK-SAME: into vector<1x8x32xf32>
// CHECK: arith.addf {{.*}} : vector<1x1x8x32xf32>
// CHECK: arith.maximumf {{.*}} : vector<1x1x8x32xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NOT: linalg.
// CHECK: return
#bias = affine_map<(d0, d1, d2, d3) -> (d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_epilogue(%x: tensor<2x18x18x64xf32>, %w: tensor<3x3x64x64xf32>, %b: tensor<64xf32>, %r: tensor<2x16x16x64xf32>) -> tensor<2x16x16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x16x16x64xf32>
  %bias = linalg.generic {indexing_maps = [#bias, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<64xf32>) outs(%e : tensor<2x16x16x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x16x16x64xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x18x18x64xf32>, tensor<3x3x64x64xf32>) outs(%bias : tensor<2x16x16x64xf32>) -> tensor<2x16x16x64xf32>
  %y = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %r : tensor<2x16x16x64xf32>, tensor<2x16x16x64xf32>) outs(%e : tensor<2x16x16x64xf32>) {
  ^bb0(%in: f32, %res: f32, %out: f32):
    %s = arith.addf %in, %res : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x16x16x64xf32>
  return %y : tensor<2x16x16x64xf32>
}

// -----

// A 1x1 convolution whose input channels are one reduction chunk (16)
// takes all its 96 output channels in one register tile (4 columns x 6
// vectors): with 32-channel tiles the input broadcasts were the same for
// every channel tile and LLVM hoisted and spilled them.
// CHECK-LABEL: func.func @conv1x1_96
// CHECK: vector.contract
// CHECK-SAME: vector<1x4x16xf32>, vector<16x96xf32> into vector<1x4x96xf32>
func.func @conv1x1_96(%x: tensor<2x16x16x16xf32>, %w: tensor<1x1x16x96xf32>, %init: tensor<2x16x16x96xf32>) -> tensor<2x16x16x96xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x16x16x16xf32>, tensor<1x1x16x96xf32>) outs(%init : tensor<2x16x16x96xf32>) -> tensor<2x16x16x96xf32>
  return %0 : tensor<2x16x16x96xf32>
}

// -----

// Over more input channels than one chunk the input tile changes with the
// chunk, inside the loop over channel tiles: 96 channels keep the
// power-of-two vector tile 32, not 48 (uneven registers: the tile spilled
// and ran 1.9x slower).
// CHECK-LABEL: func.func @conv1x1_64_96
// CHECK: vector.contract
// CHECK-SAME: vector<1x4x32xf32>, vector<32x32xf32> into vector<1x4x32xf32>
func.func @conv1x1_64_96(%x: tensor<2x16x16x64xf32>, %w: tensor<1x1x64x96xf32>, %init: tensor<2x16x16x96xf32>) -> tensor<2x16x16x96xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x16x16x64xf32>, tensor<1x1x64x96xf32>) outs(%init : tensor<2x16x16x96xf32>) -> tensor<2x16x16x96xf32>
  return %0 : tensor<2x16x16x96xf32>
}

// -----

// 144 output channels are 9 vectors: more than 6 per column would leave
// fewer than 4 columns in 24 accumulators (2x144 measured slower), so the
// tile is 8 columns x 48 channels, the loop over columns inside the one
// over channels (the input tile then changes in the inner loop).
// CHECK-LABEL: func.func @conv1x1_144
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c48
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// CHECK: vector.contract
// CHECK-SAME: vector<1x8x24xf32>, vector<24x48xf32> into vector<1x8x48xf32>
func.func @conv1x1_144(%x: tensor<1x8x16x24xf32>, %w: tensor<1x1x24x144xf32>, %init: tensor<1x8x16x144xf32>) -> tensor<1x8x16x144xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x8x16x24xf32>, tensor<1x1x24x144xf32>) outs(%init : tensor<1x8x16x144xf32>) -> tensor<1x8x16x144xf32>
  return %0 : tensor<1x8x16x144xf32>
}

// -----

// The bias broadcast fused into a 128-channel convolution's register
// tiles is written in 8x32 pieces (32 input channels, one chunk: 32-channel
// tiles with the columns inside), not as one 128-lane vector per tile.
// CHECK-LABEL: func.func @conv_bias_128
// CHECK: scf.forall
// CHECK: vector.transfer_read %{{.*}} : tensor<32xf32>, vector<1x1x8x32xf32>
// CHECK: vector.contract
#bias128 = affine_map<(d0, d1, d2, d3) -> (d3)>
#id128 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_bias_128(%x: tensor<2x32x32x32xf32>, %w: tensor<1x1x32x128xf32>, %b: tensor<128xf32>) -> tensor<2x32x32x128xf32> {
  %e = tensor.empty() : tensor<2x32x32x128xf32>
  %bias = linalg.generic {indexing_maps = [#bias128, #id128], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<128xf32>) outs(%e : tensor<2x32x32x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x32x32x128xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x32x32x32xf32>, tensor<1x1x32x128xf32>) outs(%bias : tensor<2x32x32x128xf32>) -> tensor<2x32x32x128xf32>
  return %0 : tensor<2x32x32x128xf32>
}

// -----

// A depthwise convolution whose kernel is larger than its output (the
// weight gradient of a depthwise convolution, batch folded into the
// channels): threads split the channels in blocks of 32, the kernel rows
// are the outermost loop inside a block, decomposed to 1-D convolutions
// over the kernel row.
// CHECK-LABEL: func.func @depthwise_weight_gradient
// CHECK: scf.forall (%{{.*}}) in (8)
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c16
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c3
// CHECK: vector.fma
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwc
func.func @depthwise_weight_gradient(%x: tensor<1x18x18x256xf32>, %dy: tensor<16x16x256xf32>, %init: tensor<1x3x3x256xf32>) -> tensor<1x3x3x256xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %dy : tensor<1x18x18x256xf32>, tensor<16x16x256xf32>) outs(%init : tensor<1x3x3x256xf32>) -> tensor<1x3x3x256xf32>
  return %0 : tensor<1x3x3x256xf32>
}

// -----

// A transpose that moves the input's innermost dimension (a weight
// gradient's [C, KH, KW, O] -> [O, KH, KW, C]): 16 x 16 register tiles over
// the output's innermost dimension and the one that walks the input's
// innermost, read as 16 contiguous rows and transposed in registers; threads
// over 64-row blocks of that dimension and the kernel rows.
// CHECK-LABEL: func.func @transpose_tiles
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 3)
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c16
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c3{{.*}} step %c1
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c512{{.*}} step %c16
// CHECK: vector.transfer_read {{.*}} : tensor<16x1x1x16xf32>, vector<16x1x1x16xf32>
func.func @transpose_tiles(%x: tensor<512x3x3x512xf32>) -> tensor<512x3x3x512xf32> {
  %e = tensor.empty() : tensor<512x3x3x512xf32>
  %t = linalg.transpose ins(%x : tensor<512x3x3x512xf32>) outs(%e : tensor<512x3x3x512xf32>) permutation = [3, 1, 2, 0]
  return %t : tensor<512x3x3x512xf32>
}

// -----

// A transpose that keeps the innermost dimension in place is a copy of
// contiguous rows: the element-wise schedule (vectors of 64 on it).
// CHECK-LABEL: func.func @transpose_rows
// CHECK: vector.transfer_read {{.*}} vector<1x1x8x64xf32>
func.func @transpose_rows(%x: tensor<16x8x32x64xf32>) -> tensor<8x16x32x64xf32> {
  %e = tensor.empty() : tensor<8x16x32x64xf32>
  %t = linalg.transpose ins(%x : tensor<16x8x32x64xf32>) outs(%e : tensor<8x16x32x64xf32>) permutation = [1, 0, 2, 3]
  return %t : tensor<8x16x32x64xf32>
}
