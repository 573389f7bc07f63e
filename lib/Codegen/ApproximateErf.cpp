//===- ApproximateErf.cpp - Polynomial approximation of math.erf ----------===//
//
// MLIR 22 has the erf approximation as a pattern
// (populatePolynomialApproximateErfPattern) but no pass that applies it on
// its own; the test pass `test-math-polynomial-approximation` also rewrites
// exp, log, tanh, ... which the pipelines lower exactly already.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace netrewrite {
#define GEN_PASS_DEF_APPROXIMATEERF
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {
struct ApproximateErfPass
    : public netrewrite::impl::ApproximateErfBase<ApproximateErfPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populatePolynomialApproximateErfPattern(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
