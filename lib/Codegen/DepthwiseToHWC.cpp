//===- DepthwiseToHWC.cpp - Depthwise convolutions without multiplier -----===//
//
// TOSA lowers depthwise convolutions to linalg's `hwcm` form, whose channel
// multiplier M is an extra unit dimension on the filter and the result even
// when M = 1 (every MobileNet). The `hwc` form is what the decomposition to
// 1-D depthwise convolutions (and so the vectoriser) handles, and without the
// trailing unit dimension the bias/activation ops after it vectorise along
// the channels instead of one lane at a time.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

namespace netrewrite {
#define GEN_PASS_DEF_DEPTHWISETOHWC
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// TOSA lowers depthwise convolutions to the `hwcm` form; with a channel
/// multiplier of 1 that is the `hwc` form, which the decomposition handles.
void rewriteDepthwiseMultiplierOne(func::FuncOp func) {
  SmallVector<linalg::DepthwiseConv2DNhwcHwcmOp> ops;
  func.walk([&](linalg::DepthwiseConv2DNhwcHwcmOp op) { ops.push_back(op); });
  for (auto op : ops) {
    auto filterType = dyn_cast<RankedTensorType>(op.getInputs()[1].getType());
    auto outType = dyn_cast<RankedTensorType>(op.getOutputs()[0].getType());
    if (!filterType || !outType || !filterType.hasStaticShape() ||
        !outType.hasStaticShape() || filterType.getDimSize(3) != 1)
      continue;
    OpBuilder b(op);
    Location loc = op.getLoc();
    SmallVector<ReassociationIndices> lastTwo = {{0}, {1}, {2, 3}};
    SmallVector<ReassociationIndices> outLastTwo = {{0}, {1}, {2}, {3, 4}};
    Value filter = tensor::CollapseShapeOp::create(b, loc, op.getInputs()[1],
                                                   lastTwo);
    Value init = tensor::CollapseShapeOp::create(b, loc, op.getOutputs()[0],
                                                 outLastTwo);
    auto conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
        b, loc, TypeRange{init.getType()},
        ValueRange{op.getInputs()[0], filter}, ValueRange{init},
        op.getStridesAttr(), op.getDilationsAttr());
    Value expanded = tensor::ExpandShapeOp::create(
        b, loc, outType, conv.getResult(0), outLastTwo);
    op.getResult(0).replaceAllUsesWith(expanded);
    op.erase();
  }
}

struct DepthwiseToHWCPass
    : public netrewrite::impl::DepthwiseToHWCBase<DepthwiseToHWCPass> {
  void runOnOperation() override { rewriteDepthwiseMultiplierOne(getOperation()); }
};

} // namespace
