//===- InsertDropout.cpp - --insert-dropout=rate=R ------------------------===//

#include "netrewrite/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"

namespace netrewrite {
#define GEN_PASS_DEF_INSERTDROPOUT
#include "netrewrite/Transforms/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using namespace netrewrite;

namespace {
struct InsertDropoutPass
    : netrewrite::impl::InsertDropoutBase<InsertDropoutPass> {
  using InsertDropoutBase::InsertDropoutBase;

  void runOnOperation() override {
    // The rate reaches the rules as the file's `rate` parameter, so range
    // errors are Sema's ("expected a probability in [0, 1)").
    llvm::StringMap<double> params;
    params["rate"] = rate;
    if (failed(runRuleFile(getOperation(),
                           getBuiltinRuleFile("insert-dropout.nrr"),
                           "<builtin>/insert-dropout.nrr", params, report)))
      signalPassFailure();
  }
};
} // namespace
