//===- Passes.td - netrewrite conversion passes ------------*- tablegen -*-===//

#ifndef NETREWRITE_CONVERSION_PASSES_TD
#define NETREWRITE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNRToTosa : Pass<"convert-nr-to-tosa", "mlir::func::FuncOp"> {
  let summary = "Lower nr layers to plain TOSA with their evaluation semantics";
  let description = [{
    `nr.batch_norm` becomes a per-channel multiply and add on the last axis
    using the running statistics:
    `scale = gamma * rsqrt(variance + epsilon)`, `shift = beta - mean * scale`,
    `output = input * scale + shift` (constant operands fold to constants).
    `nr.dropout` becomes the identity (inverted dropout scales while training).
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

#endif // NETREWRITE_CONVERSION_PASSES_TD
