//===- Utils.cpp - Helpers the Codegen passes share -----------------------===//

#include "Utils.h"

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

int64_t netrewrite::codegen::tileFor(int64_t n, int64_t cap,
                                     int64_t multiple) {
  if (n <= cap)
    return n;
  for (int64_t t = cap; t >= multiple; --t)
    if (n % t == 0 && t % multiple == 0)
      return t;
  for (int64_t t = cap; t >= 1; --t)
    if (n % t == 0)
      return t;
  return 1;
}

SmallVector<unsigned>
netrewrite::codegen::nonUnitDims(ArrayRef<int64_t> ranges) {
  SmallVector<unsigned> dims;
  for (auto [d, r] : llvm::enumerate(ranges))
    if (r > 1)
      dims.push_back(d);
  return dims;
}

std::optional<ArrayRef<float>>
netrewrite::codegen::floatData(Attribute attr, std::vector<float> &storage) {
  if (auto res = dyn_cast<DenseF32ResourceElementsAttr>(attr))
    return res.tryGetAsArrayRef();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    storage.assign(dense.getValues<float>().begin(),
                   dense.getValues<float>().end());
    return ArrayRef<float>(storage);
  }
  return std::nullopt;
}

bool netrewrite::codegen::inSerialFunction(Operation *op) {
  auto func = isa<func::FuncOp>(op) ? cast<func::FuncOp>(op)
                                    : op->getParentOfType<func::FuncOp>();
  return func && func->hasAttr(netrewrite::kSerialFunctionAttr);
}

OwningOpRef<ModuleOp> netrewrite::codegen::parseSchedule(Operation *anchor,
                                                         Operation *op,
                                                         StringRef script,
                                                         bool print) {
  if (print)
    llvm::errs() << "// schedule for " << op->getName() << " at "
                 << op->getLoc() << "\n"
                 << script;
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(script, anchor->getContext());
  if (!module)
    anchor->emitError("internal error: a generated schedule does not parse");
  return module;
}

LogicalResult netrewrite::codegen::applySchedule(Operation *root,
                                                 ArrayRef<Operation *> args,
                                                 ModuleOp script) {
  Operation *entry = transform::detail::findTransformEntryPoint(
      root, script, "__transform_main");
  if (!entry)
    return failure();
  RaggedArray<transform::MappedValue> bindings;
  bindings.push_back(ArrayRef<transform::MappedValue>{root});
  for (Operation *arg : args)
    bindings.push_back(ArrayRef<transform::MappedValue>{arg});
  return transform::applyTransformNamedSequence(
      bindings, cast<transform::TransformOpInterface>(entry), script,
      transform::TransformOptions().enableExpensiveChecks(false));
}
