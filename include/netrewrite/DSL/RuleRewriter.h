//===- RuleRewriter.h - Applying compiled rules to IR -----------*- C++ -*-===//
//
// The back end of the rule language: each rule is lowered to a PDL module
// (one pattern per alternative, rooted at the layer's anchor op, plus native
// constraint/rewrite functions) that runs under MLIR's greedy pattern
// driver, one rule after the other in file order.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_RULEREWRITER_H
#define NETREWRITE_DSL_RULEREWRITER_H

#include "netrewrite/DSL/Sema.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_ostream.h"

namespace netrewrite::dsl {

/// The discardable attribute listing the ids of the rules whose output an op
/// is; a rule never matches a site it produced.
inline constexpr llvm::StringLiteral kRulesAttrName = "netrewrite.rules";

/// Names of the native functions the generated PDL calls.
inline constexpr llvm::StringLiteral kSiteConstraintName =
    "netrewrite.layer_site";
inline constexpr llvm::StringLiteral kSiteRewriteName =
    "netrewrite.rewrite_site";

/// Lowers one rule to a PDL module: per match alternative a pdl.pattern
/// rooted at the layer's anchor op (with the attribute equalities PDL can
/// check), a native constraint for the rest of the site and a native rewrite.
mlir::OwningOpRef<mlir::ModuleOp> buildPDLModule(const Rule &rule,
                                                 mlir::MLIRContext *context);

/// Applies every rule of `rules`, in order, to the ops nested in `root`.
mlir::LogicalResult applyRules(mlir::Operation *root, const RuleSet &rules);

/// Dry run: lists every site each rule would rewrite (layer name, shapes,
/// parameters added) and totals, without changing `root`. Rules are matched
/// against the input as it is, not against earlier rules' output.
void reportRules(mlir::Operation *root, const RuleSet &rules,
                 llvm::raw_ostream &os);

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_RULEREWRITER_H
