//===- ParserFuzzer.cpp - libFuzzer target for .nrr rule files ------------===//
//
// Feeds arbitrary bytes through the lexer, parser and Sema. Besides the
// sanitizers' checks it asserts the front end's contract: a file is either
// accepted or rejected with at least one error diagnostic, and an accepted
// file's canonical form prints.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/DSL/Sema.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::MLIRContext *context = [] {
    auto *ctx = new mlir::MLIRContext(mlir::MLIRContext::Threading::DISABLED);
    return ctx;
  }();
  unsigned errors = 0;
  mlir::ScopedDiagnosticHandler handler(context, [&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
      ++errors;
    // Every error must point into the rule file.
    if (!mlir::isa<mlir::FileLineColLoc>(diag.getLocation())) {
      fprintf(stderr, "diagnostic without a file location: %s\n",
              diag.str().c_str());
      abort();
    }
    return mlir::success();
  });
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::StringMap<double> params;
  // Exercise the parameter override path on inputs that declare `rate`.
  if (text.contains("param rate"))
    params["rate"] = 0.5;
  auto rules =
      netrewrite::dsl::compileRules(text, "fuzz.nrr", context, params);
  if (mlir::failed(rules)) {
    if (errors == 0) {
      fprintf(stderr, "rejected without an error diagnostic\n");
      abort();
    }
    return 0;
  }
  if (errors != 0) {
    fprintf(stderr, "accepted despite %u errors\n", errors);
    abort();
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  for (const netrewrite::dsl::Rule &rule : rules->rules)
    netrewrite::dsl::printRule(rule, os);
  return 0;
}
