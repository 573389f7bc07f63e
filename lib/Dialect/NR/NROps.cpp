//===- NROps.cpp - nr operation verifiers ---------------------------------===//

#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace netrewrite::nr;

#define GET_OP_CLASSES
#include "netrewrite/Dialect/NR/NROps.cpp.inc"

LogicalResult BatchNormOp::verify() {
  RankedTensorType inputType = getInput().getType();
  if (inputType.getRank() < 2)
    return emitOpError("expects an input of rank >= 2 (NC, NWC or NHWC), got rank ")
           << inputType.getRank();
  auto paramType = cast<RankedTensorType>(getGamma().getType());
  if (paramType.getElementType() != inputType.getElementType())
    return emitOpError("expects parameters with the input's element type ")
           << inputType.getElementType() << ", got " << paramType.getElementType();
  int64_t channels = getNumChannels();
  int64_t paramSize = paramType.getDimSize(0);
  if (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(paramSize) &&
      channels != paramSize)
    return emitOpError("has ")
           << paramSize << " parameters per statistic but the input has "
           << channels << " channels (last axis)";
  float epsilon = getEpsilon().convertToFloat();
  if (!(epsilon > 0.0f))
    return emitOpError("expects epsilon > 0, got ") << epsilon;
  float momentum = getMomentum().convertToFloat();
  if (!(momentum >= 0.0f && momentum <= 1.0f))
    return emitOpError("expects momentum in [0, 1], got ") << momentum;
  return success();
}

LogicalResult DropoutOp::verify() {
  float rate = getRate().convertToFloat();
  if (!(rate >= 0.0f && rate < 1.0f))
    return emitOpError("expects rate in [0, 1), got ") << rate;
  return success();
}
