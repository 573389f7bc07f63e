//===- LayerMatch.h - Finding DSL layers in TOSA/nr IR ----------*- C++ -*-===//
//
// The IR side of LayerVocabulary.def: recognises a layer at its anchor op and
// builds the layers a rule may create. A "site" is one instance of a layer:
// the ops it consists of, its input, its output and the attributes a rule can
// constrain.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_LAYERMATCH_H
#define NETREWRITE_DSL_LAYERMATCH_H

#include "netrewrite/DSL/Sema.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringSet.h"

namespace netrewrite::dsl {

struct LayerSite {
  LayerKind kind;
  mlir::Operation *anchor = nullptr;
  /// Every op of the layer in program order; the last one yields the output.
  llvm::SmallVector<mlir::Operation *> ops;
  /// The operand through which the layer reads its (single) input; null for
  /// add/concat.
  mlir::OpOperand *inputOperand = nullptr;
  /// conv/dwconv/dense: the value before the activation and its ops.
  mlir::Value preActivation;
  llvm::SmallVector<mlir::Operation *> activationOps;
  Activation act = Activation::None;
  /// Attributes as found in the IR (only those that apply to the kind).
  LayerAttrs attrs;
  std::string name;

  mlir::Value output() const { return ops.back()->getResult(0); }
  mlir::Value input() const {
    return inputOperand ? inputOperand->get() : mlir::Value();
  }
};

/// Recognises a `kind` layer anchored at `anchor`, or returns nullopt.
std::optional<LayerSite> matchLayer(LayerKind kind, mlir::Operation *anchor);

/// Whether `site` satisfies the constraints of `pattern` (attributes, name).
bool satisfies(const LayerSite &site, const LayerPattern &pattern);

/// The layer name of an op: the first NameLoc in its location, or "".
std::string getLayerName(mlir::Operation *op);

/// Builds a new layer on `input`; every created op is appended to `created`.
/// Returns null (after a notifyMatchFailure) where the input does not allow
/// it (e.g. a BN on a tensor whose channel count is dynamic).
mlir::Value buildLayer(mlir::PatternRewriter &rewriter, mlir::Location loc,
                       LayerKind kind, const LayerAttrs &attrs,
                       mlir::Value input,
                       llvm::SmallVectorImpl<mlir::Operation *> &created);

/// Parameters a new layer adds for an input of this type (BN: gamma, beta,
/// moving mean and variance = 4 x channels).
int64_t countNewParameters(LayerKind kind, mlir::Type inputType);

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_LAYERMATCH_H
