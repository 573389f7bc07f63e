//===- Rewrite.cpp - --rewrite=FILE.nrr -----------------------------------===//

#include "netrewrite/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MemoryBuffer.h"

namespace netrewrite {
#define GEN_PASS_DEF_REWRITE
#include "netrewrite/Transforms/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using namespace netrewrite;

namespace {
struct RewritePass : netrewrite::impl::RewriteBase<RewritePass> {
  using RewriteBase::RewriteBase;

  /// `--rewrite=FILE.nrr` names the file directly: an options string without
  /// `=` is taken as the `rules` option.
  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    StringRef trimmed = options.trim();
    if (!trimmed.empty() && !trimmed.contains('=')) {
      rules = trimmed.str();
      return success();
    }
    return Pass::initializeOptions(options, errorHandler);
  }

  void runOnOperation() override {
    if (rules.empty()) {
      emitError(UnknownLoc::get(&getContext()))
          << "--rewrite needs a rule file: --rewrite=FILE.nrr";
      return signalPassFailure();
    }
    auto buffer = llvm::MemoryBuffer::getFile(rules, /*IsText=*/true);
    if (!buffer) {
      emitError(UnknownLoc::get(&getContext()))
          << "cannot read rule file '" << rules
          << "': " << buffer.getError().message();
      return signalPassFailure();
    }
    if (failed(runRuleFile(getOperation(), (*buffer)->getBuffer(), rules, {},
                           report, emitRules)))
      signalPassFailure();
  }
};
} // namespace
