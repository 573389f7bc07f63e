//===- NRDialect.td - netrewrite's layer dialect -----------*- tablegen -*-===//
//
// The `nr` dialect holds the layers whose meaning differs between training
// and evaluation, which TOSA cannot express: batch normalisation and dropout.
// Keeping them first-class lets rewrite rules see them and lets the training
// transform give them their training semantics; `convert-nr-to-tosa` lowers
// them to plain TOSA for evaluation.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DIALECT_NR_NRDIALECT_TD
#define NETREWRITE_DIALECT_NR_NRDIALECT_TD

include "mlir/IR/OpBase.td"

def NR_Dialect : Dialect {
  let name = "nr";
  let summary = "Neural-network layers with distinct training and evaluation semantics";
  let description = [{
    Layers such as batch normalisation and dropout compute one thing while a
    network trains and another while it is evaluated. TOSA only models
    inference, so importers emit these layers as `nr` ops; evaluation lowers
    them to TOSA (`convert-nr-to-tosa`) and training gives them batch
    statistics and random masks.

    Tensors are NHWC (or NC for dense layers): the channel axis is always the
    last one.
  }];
  let cppNamespace = "::netrewrite::nr";
}

class NR_Op<string mnemonic, list<Trait> traits = []> :
    Op<NR_Dialect, mnemonic, traits>;

#endif // NETREWRITE_DIALECT_NR_NRDIALECT_TD
