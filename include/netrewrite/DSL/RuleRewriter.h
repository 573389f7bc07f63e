//===- RuleRewriter.h - Applying compiled rules to IR -----------*- C++ -*-===//
//
// The back end of the rule language: each rule becomes MLIR RewritePatterns
// (one per alternative, rooted at the layer's anchor op) that run under MLIR's
// greedy pattern driver, one rule after the other in file order.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_RULEREWRITER_H
#define NETREWRITE_DSL_RULEREWRITER_H

#include "netrewrite/DSL/Sema.h"

#include "mlir/IR/Operation.h"
#include "llvm/Support/raw_ostream.h"

namespace netrewrite::dsl {

/// The discardable attribute listing the ids of the rules whose output an op
/// is; a rule never matches a site it produced.
inline constexpr llvm::StringLiteral kRulesAttrName = "netrewrite.rules";

/// Applies every rule of `rules`, in order, to the ops nested in `root`.
mlir::LogicalResult applyRules(mlir::Operation *root, const RuleSet &rules);

/// Dry run: lists every site each rule would rewrite (layer name, shapes,
/// parameters added) and totals, without changing `root`. Rules are matched
/// against the input as it is, not against earlier rules' output.
void reportRules(mlir::Operation *root, const RuleSet &rules,
                 llvm::raw_ostream &os);

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_RULEREWRITER_H
