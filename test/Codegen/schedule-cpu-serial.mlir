// RUN: netrewrite-opt %s --split-input-file --netrewrite-schedule-cpu --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// An op below 2^22 iterations keeps its forall, marked (location metadata)
// to run on the calling thread: it is outlined like the parallel ones, so a
// training executable compiles it with the optimising code generator
// instead of inlining it as loops into @train_step.
// CHECK-LABEL: func.func @small
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (2, 16)
// CHECK: arith.maximumf {{.*}} : vector<1x1x8x64xf32>
// CHECK: } loc(fused<"netrewrite.serial_loop">["relu"])
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @small(%x: tensor<2x16x16x64xf32>) -> tensor<2x16x16x64xf32> {
  %e = tensor.empty() : tensor<2x16x16x64xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : tensor<2x16x16x64xf32>) outs(%e : tensor<2x16x16x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<2x16x16x64xf32> loc("relu")
  return %0 : tensor<2x16x16x64xf32>
}

// -----

// Above it, the forall is shared between threads (no marker).
// CHECK-LABEL: func.func @large
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 128)
// CHECK: } loc("relu")
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @large(%x: tensor<8x128x128x64xf32>) -> tensor<8x128x128x64xf32> {
  %e = tensor.empty() : tensor<8x128x128x64xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : tensor<8x128x128x64xf32>) outs(%e : tensor<8x128x128x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<8x128x128x64xf32> loc("relu")
  return %0 : tensor<8x128x128x64xf32>
}
