//===- Passes.td - netrewrite training transform -----------*- tablegen -*-===//
//
// The training transform: weights become parameters, then reverse-mode
// autodiff and an optimizer build `@train_step`. See docs/training.md.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_TRAINING_PASSES_TD
#define NETREWRITE_TRAINING_PASSES_TD

include "mlir/Pass/PassBase.td"

def ExtractParams : Pass<"netrewrite-extract-params", "mlir::ModuleOp"> {
  let summary = "Turn the weight constants of @forward into leading parameters";
  let description = [{
    Every float constant that a layer uses as a weight (conv/depthwise/
    transpose-conv kernel and bias, a constant matmul operand, the bias of an
    add behind a conv or matmul, a non-splat constant operand of
    add/sub/mul, the four vectors of `nr.batch_norm`; looking through
    tosa.reshape/tosa.transpose of a constant) becomes a leading argument of
    the function, one per use: `@forward(params..., x)`.

    Each parameter carries `nr.param = "<layer>/<role>"` (the layer is the
    NameLoc of the op that uses it; roles: kernel, depthwise_kernel, bias,
    scale, gamma, beta, moving_mean, moving_variance) and
    `nr.kind = "trainable" | "frozen" | "state"`: BN running statistics are
    `state`; a parameter whose layer name or full name matches a `freeze`
    glob is `frozen`. The initial values move to
    `@init_params() -> (params...)` with the same names as result attributes.
  }];
  let options = [
    ListOption<"freeze", "freeze", "std::string",
               "Globs over layer names (or full parameter names) to freeze">,
    Option<"functionName", "function", "std::string", "\"forward\"",
           "The function whose weights become parameters">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::tosa::TosaDialect",
                           "nr::NRDialect"];
}

def BuildTrainStep : Pass<"netrewrite-build-train-step", "mlir::ModuleOp"> {
  let summary = "Build @train_step from @forward by reverse-mode autodiff";
  let description = [{
    Expects `@forward(params..., x) -> logits: tensor<BxKxf32>` as produced
    by `--netrewrite-extract-params`. Adds

      @train_step(params..., opt_state..., x, labels: tensor<BxKxf32>,
                  hyper: tensor<8xf32>)
        -> (params'..., opt_state'..., loss: tensor<f32>, logits)

    The loss is softmax cross-entropy of the logits against `labels`
    (one-hot or any rows summing to one), averaged over the batch.
    `nr.batch_norm` runs in training mode (batch statistics, running
    statistics updated with the Keras momentum convention) unless its gamma
    and beta are both frozen (then it runs in inference mode, like a frozen
    Keras BatchNormalization); `nr.dropout` applies an inverted-dropout mask
    from a counter-based hash of (op seed, hyper seed, step, element index).
    `hyper` = [lr, step (1-based), momentum|rho|beta1, beta2, epsilon,
    weight_decay, dropout_seed, reserved]. See docs/training.md.
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", "\"sgd\"",
           "sgd | momentum | nesterov | rmsprop | adam | adamw">,
    Option<"functionName", "function", "std::string", "\"forward\"",
           "The forward function to differentiate">,
    Option<"emitGrad", "emit-grad", "bool", "false",
           "Also emit @loss_and_grad(params..., x, labels, hyper) -> "
           "(loss, grads of the trainable params...) for gradient checks">,
  ];
  let dependentDialects = [
    "mlir::func::FuncDialect", "mlir::tosa::TosaDialect",
    "mlir::linalg::LinalgDialect", "mlir::arith::ArithDialect",
    "mlir::tensor::TensorDialect", "nr::NRDialect"];
}

def StripParamAttrs : Pass<"netrewrite-strip-param-attrs", "mlir::ModuleOp"> {
  let summary = "Drop the nr.* argument and result attributes of functions";
  let description = [{
    The names and kinds that the training transform puts on arguments and
    results are for tools that read the module (the runtime, reports); LLVM
    IR translation does not know them and warns. Lowering pipelines run this
    first.
  }];
}

#endif // NETREWRITE_TRAINING_PASSES_TD
