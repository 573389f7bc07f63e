//===- Sema.h - Checked, compiled rules -------------------------*- C++ -*-===//
//
// Sema turns the syntax tree into rules the rewriter can apply, checking
// everything that can be checked without a model: layer and attribute names
// (against LayerVocabulary.def), value types and ranges, whether the
// replacement is something the rewriter can build, and whether the match can
// ever succeed. Every error goes through MLIR's diagnostic engine at the
// location of the offending token.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_SEMA_H
#define NETREWRITE_DSL_SEMA_H

#include "netrewrite/DSL/AST.h"
#include "netrewrite/DSL/Vocabulary.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/GlobPattern.h"
#include <memory>
#include <optional>
#include <utility>

namespace netrewrite::dsl {

using Size2 = std::pair<int64_t, int64_t>;

/// Attribute values of one layer in a rule; unset means "any" in a match and
/// "unchanged"/"default" in a replacement.
struct LayerAttrs {
  std::optional<Activation> act;
  std::string actCapture; // `act=$a`: in a match, binds; in a replacement, uses
  std::optional<Size2> kernel, stride;
  std::optional<int64_t> filters, multiplier, units, seed, axis;
  std::optional<double> epsilon, momentum, rate;
};

/// A `name="block_1*"` constraint. llvm::GlobPattern keeps a StringRef to
/// its pattern text, so both live together on the heap, shared by copies.
struct NameGlob {
  std::string text;
  llvm::GlobPattern glob;
};

struct LayerPattern {
  LayerKind kind;
  LayerAttrs attrs;
  std::shared_ptr<const NameGlob> nameGlob;
  mlir::Location loc;
};

struct ReplacementItem {
  enum Role {
    New,     // a fresh layer built by the rewriter
    Matched, // the matched layer itself (possibly with modified attributes)
    Capture, // the activation bound by `act=$name` in the match
  };
  Role role;
  LayerKind kind; // for Capture: unused
  LayerAttrs attrs;
  std::string capture;
  mlir::Location loc;
};

struct Rule {
  unsigned index; // 1-based position in its file
  std::vector<LayerPattern> alternatives;
  /// Built on the matched layer's input (only single-input layers).
  std::vector<ReplacementItem> before;
  /// Built on the matched layer's output and fed to all its former users.
  std::vector<ReplacementItem> after;
  /// The matched layer stays (with `matched`'s modifications); otherwise the
  /// `before` chain replaces it (empty for `delete`).
  bool keepsMatched = true;
  std::optional<ReplacementItem> matched;
  std::string text; // as written
  std::string id;   // stable identity, marks the rule's output in the IR
  mlir::Location loc;
};

struct RuleSet {
  std::string filename;
  std::vector<Rule> rules;
};

/// Parses and checks a rule file. `params` overrides `param` declarations of
/// the file (a name the file does not declare is an error).
mlir::FailureOr<RuleSet>
compileRules(llvm::StringRef buffer, llvm::StringRef filename,
             mlir::MLIRContext *context,
             const llvm::StringMap<double> &params = {});

/// Prints a rule in canonical form (what `--emit-rules` shows).
void printRule(const Rule &rule, llvm::raw_ostream &os);
void printLayerAttrs(LayerKind kind, const LayerAttrs &attrs,
                     llvm::raw_ostream &os);

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_SEMA_H
