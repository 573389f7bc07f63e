//===- Summary.cpp - Keras-style model.summary() of a module --------------===//

#include "netrewrite/Import/Summary.h"
#include "netrewrite/Dialect/NR/NR.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/DenseMap.h"
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
  /// Layers whose results this layer reads (the graph's edges).
  std::vector<std::string> inputs;
  /// Made or changed by a rewrite rule (its ops carry netrewrite.rules).
  bool rewritten = false;
};

using LayerTable =
    llvm::MapVector<std::string, LayerRow, llvm::StringMap<unsigned>>;

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

/// One row per layer of `func` (ops grouped by NameLoc), in program order.
LayerTable collectLayers(func::FuncOp func) {
  LayerTable rows;
  llvm::DenseMap<Value, std::string> producer;
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
    producer[arg] = name;
  }
  for (Operation &op : func.getBody().getOps()) {
    if (isa<func::ReturnOp>(op))
      continue;
    std::string name = layerName(op.getLoc());
    LayerRow &row = rows[name];
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
    for (Value operand : op.getOperands()) {
      auto it = producer.find(operand);
      if (it != producer.end() && it->second != name &&
          !llvm::is_contained(row.inputs, it->second))
        row.inputs.push_back(it->second);
    }
    for (Value result : op.getResults())
      producer[result] = name;
    row.rewritten |= op.hasAttr("netrewrite.rules");
    int rank = kindRank(&op);
    if (rank <= row.typeRank) {
      row.typeRank = rank;
      row.type = op.getName().getStringRef().str();
    }
    row.shape = shapeString(op.getResult(0).getType());
  }
  return rows;
}

} // namespace

void netrewrite::printModelSummary(ModuleOp module, llvm::raw_ostream &os) {
  auto func = module.lookupSymbol<func::FuncOp>("forward");
  if (!func) {
    os << "(no @forward function)\n";
    return;
  }
  LayerTable rows = collectLayers(func);
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

void netrewrite::printLayerGraph(ModuleOp module, llvm::raw_ostream &os) {
  os << "digraph layers {\n"
     << "  rankdir=TB;\n"
     << "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef2f7\", "
        "fontname=\"Helvetica\", fontsize=10];\n";
  auto func = module.lookupSymbol<func::FuncOp>("forward");
  if (!func) {
    os << "}\n";
    return;
  }
  LayerTable rows = collectLayers(func);
  auto quote = [](llvm::StringRef text) {
    std::string q = "\"";
    for (char c : text)
      q += c == '"' ? std::string("\\\"") : std::string(1, c);
    return q + "\"";
  };
  for (auto &[name, row] : rows) {
    if (row.type.empty())
      continue;
    os << "  " << quote(name) << " [label=" << quote(name + "\\n" + row.type + " " + row.shape);
    if (row.rewritten)
      os << ", fillcolor=\"#ffb347\", penwidth=2";
    os << "];\n";
  }
  for (auto &[name, row] : rows)
    for (const std::string &from : row.inputs)
      if (rows.count(from) && !rows.find(from)->second.type.empty())
        os << "  " << quote(from) << " -> " << quote(name) << ";\n";
  os << "}\n";
}
