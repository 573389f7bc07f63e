// Bad input to the training passes: one clear error naming the place, a
// non-zero exit, no output.
// RUN: not netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step=optimizer=adagrad %S/Inputs/tiny_dense.mlir -o %t.out 2>&1 | FileCheck %s --check-prefix=OPT
// RUN: test ! -e %t.out
// RUN: not netrewrite-opt --netrewrite-extract-params=function=nope %S/Inputs/tiny_dense.mlir 2>&1 | FileCheck %s --check-prefix=NOFUNC
// RUN: not netrewrite-opt --netrewrite-extract-params="freeze=[" %S/Inputs/tiny_dense.mlir 2>&1 | FileCheck %s --check-prefix=GLOB
// RUN: not netrewrite-opt --netrewrite-extract-params --netrewrite-extract-params %S/Inputs/tiny_dense.mlir 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step -split-input-file %s 2>&1 | FileCheck %s

// OPT: tiny_dense.mlir:{{.*}}: error: unknown optimizer 'adagrad' (expected sgd, momentum, nesterov, rmsprop, adam or adamw)
// NOFUNC: error: no function '@nope' with a body
// GLOB: error: bad freeze glob '['
// TWICE: error: '@forward' already has parameters (the pass ran twice?)

// CHECK: errors.mlir:[[@LINE+1]]:1: error: '@forward' must return one tensor<BxKxf32> of logits
func.func @forward(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, 2.0, 3.0]]]]> : tensor<1x1x1x3xf32>} : () -> tensor<1x1x1x3xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.mul %x, %w, %shift : (tensor<1x2x2x3xf32>, tensor<1x1x1x3xf32>, tensor<1xi8>) -> tensor<1x2x2x3xf32>
  return %y : tensor<1x2x2x3xf32>
}

// -----

// A model without weights has nothing to train.
// CHECK: errors.mlir:[[@LINE+1]]:1: error: expected '@forward(params..., x)' with the parameters marked 'nr.param' (run --netrewrite-extract-params first)
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

// -----

// An op on the gradient path without a rule is named where it stands.
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %w = "tosa.const"() {values = dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>} : () -> tensor<1x3xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.mul %x, %w, %shift : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  // CHECK: errors.mlir:[[@LINE+1]]:8: error: cannot differentiate 'tosa.floor' (no gradient rule for this form)
  %e = tosa.floor %y : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %e : tensor<2x3xf32>
}

// -----

func.func @train_step() {
  return
}
// CHECK: error: the module already has a symbol '@train_step'
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %w = "tosa.const"() {values = dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>} : () -> tensor<1x3xf32>
  %y = tosa.add %x, %w : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
