//===- MinMaxNoSignedZeros.cpp - max/min without the -0 < +0 order -------===//
//
// `arith.maximumf` / `arith.minimumf` (from TOSA's MAXIMUM, MINIMUM, CLAMP,
// MAX_POOL2D, REDUCE_MAX: every ReLU, ReLU6 and max pool) follow IEEE 754's
// maximum: NaNs propagate and -0 < +0. x86 has no instruction for that:
// LLVM orders the operands by the sign bit first, six instructions per
// AVX-512 vector instead of three. The order of zeros does not matter to a
// network: -0 and +0 are equal values, the neural-network specifications
// (TOSA's max compares with >=) do not order them, and no comparison in the
// tests tells them apart. NaN propagation stays.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace netrewrite {
#define GEN_PASS_DEF_MINMAXNOSIGNEDZEROS
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

template <typename OpTy> void addNoSignedZeros(OpTy op) {
  op.setFastmath(op.getFastmath() | arith::FastMathFlags::nsz);
}

struct MinMaxNoSignedZerosPass
    : netrewrite::impl::MinMaxNoSignedZerosBase<MinMaxNoSignedZerosPass> {
  void runOnOperation() override {
    getOperation()->walk([](Operation *op) {
      if (auto max = dyn_cast<arith::MaximumFOp>(op))
        addNoSignedZeros(max);
      else if (auto min = dyn_cast<arith::MinimumFOp>(op))
        addNoSignedZeros(min);
    });
  }
};

} // namespace
