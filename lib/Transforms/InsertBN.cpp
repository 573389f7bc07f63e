//===- InsertBN.cpp - --insert-bn -----------------------------------------===//

#include "netrewrite/Transforms/Passes.h"

namespace netrewrite {
#define GEN_PASS_DEF_INSERTBN
#include "netrewrite/Transforms/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using namespace netrewrite;

namespace {
struct InsertBNPass : netrewrite::impl::InsertBNBase<InsertBNPass> {
  using InsertBNBase::InsertBNBase;

  void runOnOperation() override {
    if (failed(runRuleFile(getOperation(), getBuiltinRuleFile("insert-bn.nrr"),
                           "<builtin>/insert-bn.nrr", {}, report)))
      signalPassFailure();
  }
};
} // namespace
