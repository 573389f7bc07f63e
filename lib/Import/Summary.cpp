//===- Summary.cpp - Keras-style model.summary() of a module --------------===//

#include "netrewrite/Import/Summary.h"
#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace {

struct LayerRow {
  std::string type;
  int typeRank = 100; ///< lower wins: the op that names the layer's kind
  std::string shape;
  int64_t params = 0;
};

std::string layerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return name.getName().str();
  return "<unnamed>";
}

/// How strongly an op names its layer's kind (conv beats the bias add
/// and the activation that the same layer also emits).
int kindRank(Operation *op) {
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::TransposeConv2DOp,
          tosa::MatMulOp, netrewrite::nr::BatchNormOp,
          netrewrite::nr::DropoutOp>(op))
    return 0;
  if (isa<tosa::MaxPool2dOp, tosa::AvgPool2dOp, tosa::ConcatOp,
          tosa::ReduceSumOp, tosa::ReduceMaxOp>(op))
    return 1;
  // A Reshape/Flatten layer is named by its reshape, not by the transpose
  // back to the source layout that may precede it.
  if (isa<tosa::ReshapeOp>(op))
    return 30;
  if (isa<tosa::TransposeOp>(op))
    return 40;
  if (isa<tosa::ConstShapeOp, tosa::ConstOp>(op))
    return 50;
  return 10;
}

std::string shapeString(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return "?";
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(tensor.getShape()))
    s += (i ? ", " : "") + (ShapedType::isDynamic(d) ? "?" : std::to_string(d));
  return s + (tensor.getRank() == 1 ? ",)" : ")");
}

} // namespace

void netrewrite::printModelSummary(ModuleOp module, llvm::raw_ostream &os) {
  auto func = module.lookupSymbol<func::FuncOp>("forward");
  if (!func) {
    os << "(no @forward function)\n";
    return;
  }
  llvm::MapVector<std::string, LayerRow, llvm::StringMap<unsigned>> rows;
  // Inputs are layers too (Keras lists its InputLayers); importers name the
  // arguments with NameLocs.
  for (BlockArgument arg : func.getArguments()) {
    std::string name = layerName(arg.getLoc());
    if (name == "<unnamed>")
      name = "input_" + std::to_string(arg.getArgNumber());
    LayerRow &row = rows[name];
    row.type = "input";
    row.typeRank = -1;
    row.shape = shapeString(arg.getType());
  }
  for (Operation &op : func.getBody().getOps()) {
    if (isa<func::ReturnOp>(op))
      continue;
    LayerRow &row = rows[layerName(op.getLoc())];
    if (auto c = dyn_cast<tosa::ConstOp>(op)) {
      auto type = cast<ShapedType>(c.getType());
      // Splats are the builder's scalars (zero points, epsilons), not weights.
      auto dense = dyn_cast<DenseElementsAttr>(c.getValues());
      if (type.getElementType().isF32() && !(dense && dense.isSplat()))
        row.params += type.getNumElements();
      continue;
    }
    if (op.getNumResults() == 0 || isa<tosa::ConstShapeOp>(op))
      continue;
    int rank = kindRank(&op);
    if (rank <= row.typeRank) {
      row.typeRank = rank;
      row.type = op.getName().getStringRef().str();
    }
    row.shape = shapeString(op.getResult(0).getType());
  }
  const int w1 = 34, w2 = 22, w3 = 22;
  std::string rule(w1 + w2 + w3 + 12, '=');
  os << rule << "\n"
     << llvm::left_justify("Layer", w1) << llvm::left_justify("Type", w2)
     << llvm::left_justify("Output shape", w3) << "Param #\n"
     << rule << "\n";
  int64_t total = 0;
  for (auto &[name, row] : rows) {
    if (row.type.empty())
      continue;
    total += row.params;
    os << llvm::left_justify(name, w1 - 1) << " "
       << llvm::left_justify(row.type, w2 - 1) << " "
       << llvm::left_justify(row.shape, w3 - 1) << " " << row.params << "\n";
  }
  os << rule << "\nTotal params: " << total << "\n";
}
