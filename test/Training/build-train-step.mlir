// The @train_step ABI: params (all kinds, in @forward order), then the
// optimizer slots of each trainable param, then x, labels and hyper; the
// same order comes back with loss and logits appended. Frozen params are
// returned untouched, BN running statistics come back updated, nr ops are
// gone (dropout became a linalg.generic mask), and @forward is kept.
// RUN: netrewrite-opt --netrewrite-extract-params=freeze=base --netrewrite-build-train-step=optimizer=adam %S/Inputs/tiny_dense.mlir | FileCheck %s --check-prefix=ADAM
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step=optimizer=sgd %S/Inputs/tiny_dense.mlir | FileCheck %s --check-prefix=SGD
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step=optimizer=rmsprop %S/Inputs/tiny_dense.mlir | FileCheck %s --check-prefix=RMS
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step=optimizer=nesterov %S/Inputs/small_cnn.mlir | FileCheck %s --check-prefix=BN
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step %S/Inputs/small_dropout.mlir | FileCheck %s --check-prefix=DROP

// ADAM-LABEL: func.func @forward(
// ADAM-LABEL: func.func @train_step(
// ADAM-SAME: %arg0: tensor<1x3x3xf32> {nr.kind = "frozen", nr.param = "base/kernel"}
// ADAM-SAME: %arg1: tensor<1x3x2xf32> {nr.kind = "trainable", nr.param = "head/kernel"}
// ADAM-SAME: %arg2: tensor<1x2xf32> {nr.kind = "trainable", nr.param = "head/bias"}
// ADAM-SAME: %arg3: tensor<1x3x2xf32> {nr.opt_state = "head/kernel/m"}
// ADAM-SAME: %arg4: tensor<1x3x2xf32> {nr.opt_state = "head/kernel/v"}
// ADAM-SAME: %arg5: tensor<1x2xf32> {nr.opt_state = "head/bias/m"}
// ADAM-SAME: %arg6: tensor<1x2xf32> {nr.opt_state = "head/bias/v"}
// ADAM-SAME: %arg7: tensor<2x3xf32> {nr.io = "x"}
// ADAM-SAME: %arg8: tensor<2x2xf32> {nr.io = "labels"}
// ADAM-SAME: %arg9: tensor<8xf32> {nr.io = "hyper"})
// ADAM-SAME: -> (tensor<1x3x3xf32> {nr.kind = "frozen", nr.param = "base/kernel"}
// ADAM-SAME: tensor<1x2xf32> {nr.opt_state = "head/bias/v"}
// ADAM-SAME: tensor<f32> {nr.io = "loss"}, tensor<2x2xf32> {nr.io = "logits"})
// ADAM-SAME: attributes {nr.optimizer = "adam"}
// Adam's bias correction raises beta1/beta2 to the step from hyper.
// ADAM: tosa.pow
// ADAM: return %arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :

// SGD-LABEL: func.func @train_step(
// SGD-SAME: %arg2: tensor<1x2xf32> {nr.kind = "trainable", nr.param = "head/bias"}
// SGD-SAME: %arg3: tensor<2x3xf32> {nr.io = "x"}
// SGD-NOT: nr.opt_state
// SGD: tosa.reduce_max
// SGD: tosa.exp
// SGD: tosa.log

// RMS-LABEL: func.func @train_step(
// RMS-SAME: {nr.opt_state = "base/kernel/rms"}
// RMS-SAME: {nr.opt_state = "head/kernel/rms"}
// RMS-SAME: {nr.opt_state = "head/bias/rms"}
// RMS: tosa.rsqrt

// BN-LABEL: func.func @train_step(
// BN-SAME: {nr.opt_state = "conv1/kernel/momentum"}
// BN-NOT: nr.batch_norm
// BN-NOT: nr.dropout
// BN: return

// DROP-LABEL: func.func @train_step(
// DROP-NOT: nr.dropout
// DROP: tensor.extract %arg3
// DROP: linalg.generic
// DROP: linalg.index
// DROP: arith.cmpf oge
