//===- MinMaxNoSignedZeros.cpp - max/min without the -0 < +0 order -------===//
//
// `arith.maximumf` / `arith.minimumf` between two values (max pooling's
// windows, REDUCE_MAX, MAXIMUM / MINIMUM of two tensors) follow IEEE 754's
// maximum: NaNs propagate and -0 < +0. x86 has no instruction for that:
// LLVM orders the operands by the sign bit first, six instructions per
// AVX-512 vector instead of three. The order of zeros does not matter to a
// network: -0 and +0 are equal values (a max pool over {-0, +0} returning
// -0 changes no later result but the sign of an exact zero), and no
// comparison in the tests tells them apart. NaN propagation stays.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

namespace netrewrite {
#define GEN_PASS_DEF_MINMAXNOSIGNEDZEROS
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// Only between two values: a max or min with a constant (ReLU, ReLU6,
/// clamps) is cheap already (LLVM knows the constant's sign), and marking
/// them changed LLVM's register allocation in nsfwjs's depthwise layers
/// (batch norm and ReLU6 in the epilogue) into spills: 10.1 -> 17.8 ms per
/// batch for one layer at 2 threads.
template <typename OpTy> void addNoSignedZeros(OpTy op) {
  if (matchPattern(op.getLhs(), m_Constant()) ||
      matchPattern(op.getRhs(), m_Constant()))
    return;
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
