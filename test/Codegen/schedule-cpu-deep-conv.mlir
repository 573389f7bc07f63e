// RUN: netrewrite-opt %s --split-input-file --netrewrite-schedule-cpu | FileCheck %s

// A deep convolution (3x3 512->512 at 7x7, ResNet18's last stage): threads
// split the output channels in blocks of 32 (one register tile wide); inside
// a block the loops run over images, output rows and the 7-wide column tile,
// and the reduction (kernel rows, kernel columns, 16-channel input chunks)
// is innermost, so the accumulators stay in registers for all of it.
// The register tile is 7 columns x 32 channels.
// CHECK-LABEL: func.func @deep_7x7
// CHECK: scf.forall (%{{.*}}) in (16)
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, %{{.*}}] [3, 3, 512, 32]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c2{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c7{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c7{{[_0-9]*}} step %c7{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c512{{[_0-9]*}} step %c16{{[_0-9]*}} 
// CHECK: vector.contract
// CHECK-SAME: vector<1x7x16xf32>, vector<16x32xf32> into vector<1x7x32xf32>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @deep_7x7(%x: tensor<2x9x9x512xf32>, %w: tensor<3x3x512x512xf32>, %init: tensor<2x7x7x512xf32>) -> tensor<2x7x7x512xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x9x9x512xf32>, tensor<3x3x512x512xf32>) outs(%init : tensor<2x7x7x512xf32>) -> tensor<2x7x7x512xf32>
  return %0 : tensor<2x7x7x512xf32>
}

// -----

// At 8x8 (VGG16@64's block 4) the register tile is 8 columns x 32 channels,
// so the blocks are 32 channels wide and a row is one register tile.
// CHECK-LABEL: func.func @deep_8x8
// CHECK: scf.forall (%{{.*}}) in (16)
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, %{{.*}}] [3, 3, 256, 32]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c256{{[_0-9]*}} step %c16{{[_0-9]*}} 
// CHECK: vector.contract
// CHECK-SAME: vector<1x8x16xf32>, vector<16x32xf32> into vector<1x8x32xf32>
func.func @deep_8x8(%x: tensor<1x10x10x256xf32>, %w: tensor<3x3x256x512xf32>, %init: tensor<1x8x8x512xf32>) -> tensor<1x8x8x512xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x10x10x256xf32>, tensor<3x3x256x512xf32>) outs(%init : tensor<1x8x8x512xf32>) -> tensor<1x8x8x512xf32>
  return %0 : tensor<1x8x8x512xf32>
}

// -----

// At 4x4 (VGG16@64's block 5) the register tile is 4 columns wide; with 64
// channels a block's filter (3x3x512x64, 1.2 MB) would not fit in L2, so
// the blocks (and tiles) are 32 channels wide.
// CHECK-LABEL: func.func @deep_4x4
// CHECK: scf.forall (%{{.*}}) in (16)
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, %{{.*}}] [3, 3, 512, 32]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c512{{[_0-9]*}} step %c16{{[_0-9]*}} 
// CHECK: vector.contract
// CHECK-SAME: vector<1x4x16xf32>, vector<16x32xf32> into vector<1x4x32xf32>
func.func @deep_4x4(%x: tensor<1x6x6x512xf32>, %w: tensor<3x3x512x512xf32>, %init: tensor<1x4x4x512xf32>) -> tensor<1x4x4x512xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x6x6x512xf32>, tensor<3x3x512x512xf32>) outs(%init : tensor<1x4x4x512xf32>) -> tensor<1x4x4x512xf32>
  return %0 : tensor<1x4x4x512xf32>
}

// -----

// A strided deep convolution (3x3/2 256->512 to 7x7): the same channel
// blocks and loop order; its 1-D convolution is vectorised one output
// column at a time (seven contractions sharing the filter chunk).
// CHECK-LABEL: func.func @strided
// CHECK: scf.forall (%{{.*}}) in (16)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c1{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c7{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c7{{[_0-9]*}} step %c7{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{[_0-9]*}} step %c1{{[_0-9]*}} 
// CHECK: scf.for %{{.*}} = %{{.*}} to %c256{{[_0-9]*}} step %c16{{[_0-9]*}} 
// CHECK-COUNT-7: vector.contract {{.*}} vector<1x1x16xf32>, vector<16x32xf32> into vector<1x1x32xf32>
func.func @strided(%x: tensor<1x15x15x256xf32>, %w: tensor<3x3x256x512xf32>, %init: tensor<1x7x7x512xf32>) -> tensor<1x7x7x512xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : tensor<1x15x15x256xf32>, tensor<3x3x256x512xf32>) outs(%init : tensor<1x7x7x512xf32>) -> tensor<1x7x7x512xf32>
  return %0 : tensor<1x7x7x512xf32>
}

// -----

// Not deep: the same filter on a 28x28 output (rows in parallel: its
// filter stays in L2 with the row schedule), and a small filter on 7x7
// (too small for threads: the row schedule's forall, marked serial, and its
// loop over 32-channel tiles).
// CHECK-LABEL: func.func @wide
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 28)
// CHECK-LABEL: func.func @small_filter
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 7)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64{{[_0-9]*}} step %c32{{[_0-9]*}} 
func.func @wide(%x: tensor<1x30x30x256xf32>, %w: tensor<3x3x256x256xf32>, %init: tensor<1x28x28x256xf32>) -> tensor<1x28x28x256xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x30x30x256xf32>, tensor<3x3x256x256xf32>) outs(%init : tensor<1x28x28x256xf32>) -> tensor<1x28x28x256xf32>
  return %0 : tensor<1x28x28x256xf32>
}
func.func @small_filter(%x: tensor<1x9x9x64xf32>, %w: tensor<3x3x64x64xf32>, %init: tensor<1x7x7x64xf32>) -> tensor<1x7x7x64xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x9x9x64xf32>, tensor<3x3x64x64xf32>) outs(%init : tensor<1x7x7x64xf32>) -> tensor<1x7x7x64xf32>
  return %0 : tensor<1x7x7x64xf32>
}
