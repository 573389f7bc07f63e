//===- NROps.td - netrewrite layer operations --------------*- tablegen -*-===//
//
// Operations of the `nr` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DIALECT_NR_NROPS_TD
#define NETREWRITE_DIALECT_NR_NROPS_TD

include "netrewrite/Dialect/NR/NRDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"

def NR_FloatTensor : RankedTensorOf<[AnyFloat]>;
def NR_ChannelVector : 1DTensorOf<[AnyFloat]>;

def NR_BatchNormOp : NR_Op<"batch_norm", [Pure,
    AllTypesMatch<["input", "output"]>,
    AllTypesMatch<["gamma", "beta", "mean", "variance"]>]> {
  let summary = "Batch normalisation over the last (channel) axis";
  let description = [{
    Normalises `input` per channel (the last axis). In evaluation mode

      output = gamma * (input - mean) / sqrt(variance + epsilon) + beta

    with `mean` and `variance` the running statistics. In training mode the
    batch statistics replace them and the running statistics are updated as
    `running = momentum * running + (1 - momentum) * batch` (Keras's
    convention; PyTorch's `momentum` is `1 - momentum` here).

    Example:

    ```mlir
    %y = nr.batch_norm %x, %gamma, %beta, %mean, %var
           {epsilon = 1.0e-3 : f32, momentum = 0.99 : f32}
           : tensor<1x8x8x4xf32>, tensor<4xf32>
    ```
  }];

  let arguments = (ins
    NR_FloatTensor:$input,
    NR_ChannelVector:$gamma,
    NR_ChannelVector:$beta,
    NR_ChannelVector:$mean,
    NR_ChannelVector:$variance,
    DefaultValuedAttr<F32Attr, "1.0e-3">:$epsilon,
    DefaultValuedAttr<F32Attr, "0.99">:$momentum
  );
  let results = (outs NR_FloatTensor:$output);

  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `,` $mean `,` $variance attr-dict
    `:` type($input) `,` type($gamma)
  }];
  let hasVerifier = 1;

  let extraClassDeclaration = [{
    /// The size of the channel (last) axis, or ShapedType::kDynamic.
    int64_t getNumChannels() {
      return getInput().getType().getShape().back();
    }
  }];
}

def NR_DropoutOp : NR_Op<"dropout", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Inverted dropout: identity in evaluation mode";
  let description = [{
    In training mode every element is zeroed with probability `rate` and the
    survivors are scaled by `1 / (1 - rate)`, so evaluation is the identity.
    The mask comes from a counter-based generator keyed by `seed`, the step
    and the element index, so a run is reproducible.

    Example:

    ```mlir
    %y = nr.dropout %x {rate = 1.0e-2 : f32, seed = 7 : i64} : tensor<1x8x8x4xf32>
    ```
  }];

  let arguments = (ins
    NR_FloatTensor:$input,
    F32Attr:$rate,
    DefaultValuedAttr<I64Attr, "0">:$seed
  );
  let results = (outs NR_FloatTensor:$output);

  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // NETREWRITE_DIALECT_NR_NROPS_TD
