// Max pools whose windows tile the input (kernel == stride, no padding):
// the gradient takes each window offset as a slice of the input seen as
// [N, OH, KH, OW, KW, C] and concatenates the parts back (no padded or
// dilated full-size tensors, unlike the overlapping case in
// grad-pooling.mlir). Finite differences through a square 2x2/2 pool and a
// 3x2 pool with stride 3x2; ties (ReLU zeros) are covered against PyTorch by
// torch-parity.test (its 2x2/2 pool after batch norm and ReLU).
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step="emit-grad=true" %s -o %t.mlir
// RUN: %python %S/Inputs/gradcheck.py %t.mlir --runner netrewrite-run | FileCheck %s
// RUN: FileCheck %s --check-prefix=IR < %t.mlir

// CHECK: gradcheck: c2x2/kernel ok
// CHECK: gradcheck: c3x2/kernel ok
// CHECK: gradcheck: head/kernel ok
// CHECK: gradcheck: all {{[0-9]+}} gradients OK

// The backward of both pools (the 3x2 one first): window offsets as slices
// of the 6-D view, concatenated along the window axes.
// IR-LABEL: func.func @loss_and_grad
// IR: tosa.slice %{{.*}} : (tensor<2x2x3x3x2x2xf32>
// IR: tosa.concat {{.*}} {axis = 4 : i32} : (tensor<2x2x1x3x1x2xf32>, tensor<2x2x1x3x1x2xf32>) -> tensor<2x2x1x3x2x2xf32>
// IR: tosa.concat {{.*}} {axis = 2 : i32} : (tensor<2x2x1x3x2x2xf32>, tensor<2x2x1x3x2x2xf32>, tensor<2x2x1x3x2x2xf32>) -> tensor<2x2x3x3x2x2xf32>
// IR: tosa.slice %{{.*}} : (tensor<2x3x2x3x2x2xf32>
// IR: tosa.concat {{.*}} {axis = 2 : i32} : (tensor<2x3x1x3x2x2xf32>, tensor<2x3x1x3x2x2xf32>) -> tensor<2x3x2x3x2x2xf32>
// IR-LABEL: func.func @train_step

func.func @forward(%x: tensor<2x6x6x2xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x3x3x2xf32>} : () -> tensor<2x3x3x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x6x6x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x6x6x2xf32> loc("c2x2")
  %p1 = tosa.max_pool2d %c1 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<2x6x6x2xf32>) -> tensor<2x3x3x2xf32>
  %c2 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x6x6x2xf32>, tensor<2x3x3x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x6x6x2xf32> loc("c3x2")
  %p2 = tosa.max_pool2d %c2 {kernel = array<i64: 3, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 3, 2>} : (tensor<2x6x6x2xf32>) -> tensor<2x2x3x2xf32>
  %s1 = tosa.const_shape {values = dense<[1, 2, 18]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f1 = tosa.reshape %p1, %s1 : (tensor<2x3x3x2xf32>, !tosa.shape<3>) -> tensor<1x2x18xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f2 = tosa.reshape %p2, %s2 : (tensor<2x2x3x2xf32>, !tosa.shape<3>) -> tensor<1x2x12xf32>
  %cat = tosa.concat %f1, %f2 {axis = 2 : i32} : (tensor<1x2x18xf32>, tensor<1x2x12xf32>) -> tensor<1x2x30xf32>
  %wd = "tosa.const"() {values = dense<0.1> : tensor<1x30x3xf32>} : () -> tensor<1x30x3xf32>
  %m = tosa.matmul %cat, %wd, %zp, %zp : (tensor<1x2x30xf32>, tensor<1x30x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("head")
  %s6 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s6 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
