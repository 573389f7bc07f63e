//===- Passes.td - netrewrite model rewrites ---------------*- tablegen -*-===//

#ifndef NETREWRITE_TRANSFORMS_PASSES_TD
#define NETREWRITE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Rewrite : Pass<"rewrite", "mlir::ModuleOp"> {
  let summary = "Apply the rules of a .nrr rule file";
  let description = [{
    Compiles the rule file (docs/dsl.md) and applies its rules in order with
    MLIR's greedy pattern driver. `--rewrite=FILE.nrr` is short for
    `--rewrite="rules=FILE.nrr"`; give the flag several times to apply several
    files in order. With `report` (or the global `--rewrite-report`) the pass
    only prints every site it would rewrite and leaves the module unchanged.
    Errors in the rule file are reported at their file:line:col and fail the
    pass.
  }];
  let options = [
    Option<"rules", "rules", "std::string", "\"\"", "Path of the .nrr file">,
    Option<"report", "report", "bool", "false",
           "Dry run: list the sites instead of rewriting">,
    Option<"emitRules", "emit-rules", "bool", "false",
           "Print the compiled rules (canonical form) to stdout">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect", "netrewrite::nr::NRDialect"];
}

def InsertBN : Pass<"insert-bn", "mlir::ModuleOp"> {
  let summary = "Put an identity BatchNorm between every conv/dense and its "
                "activation (rules/insert-bn.nrr)";
  let description = [{
    Applies the rule file shipped as rules/insert-bn.nrr, embedded into the
    binary at build time. New BNs start as the identity in evaluation mode
    (gamma 1, beta 0, mean 0, variance 1 - epsilon).
  }];
  let options = [
    Option<"report", "report", "bool", "false",
           "Dry run: list the sites instead of rewriting">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect", "netrewrite::nr::NRDialect"];
}

def InsertDropout : Pass<"insert-dropout", "mlir::ModuleOp"> {
  let summary = "Put Dropout after every ReLU/ReLU6 "
                "(rules/insert-dropout.nrr)";
  let description = [{
    Applies the rule file shipped as rules/insert-dropout.nrr with its
    `rate` parameter set from the option.
  }];
  let options = [
    Option<"rate", "rate", "double", "0.01", "Dropout rate in [0, 1)">,
    Option<"report", "report", "bool", "false",
           "Dry run: list the sites instead of rewriting">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect", "netrewrite::nr::NRDialect"];
}

def FoldBN : Pass<"fold-bn", "mlir::func::FuncOp"> {
  let summary = "Fold nr.batch_norm into the preceding conv/dwconv/dense";
  let description = [{
    For deployment: a `nr.batch_norm` (evaluation semantics, constant
    parameters) whose input is produced by a tosa.conv2d, tosa.depthwise_conv2d
    or a dense layer (tosa.matmul [+ reshape] + constant bias add) with the BN
    as its only user is folded into that op's constant weight and bias:
    `scale = gamma / sqrt(var + eps)`, `w' = w * scale` (per output channel),
    `b' = (b - mean) * scale + beta`. Any other BN is left alone.
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

#endif // NETREWRITE_TRANSFORMS_PASSES_TD
