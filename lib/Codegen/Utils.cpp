//===- Utils.cpp - Helpers the Codegen passes share -----------------------===//

#include "Utils.h"

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
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

bool netrewrite::codegen::winogradApplies(int64_t kernelH, int64_t kernelW,
                                          ArrayRef<int64_t> strides,
                                          ArrayRef<int64_t> dilations,
                                          int64_t channels, int64_t filters,
                                          int64_t outH, int64_t outW,
                                          int64_t minChannels) {
  auto ones = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t x) { return x == 1; });
  };
  return kernelH == 3 && kernelW == 3 && ones(strides) && ones(dilations) &&
         outH >= 2 && outW >= 2 && channels >= minChannels &&
         filters >= minChannels;
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

Value netrewrite::codegen::blockIndex(OpBuilder &b, Location loc,
                                      OpFoldResult offset, int64_t block) {
  if (std::optional<int64_t> c = getConstantIntValue(offset)) {
    if (*c % block)
      return {};
    return arith::ConstantIndexOp::create(b, loc, *c / block);
  }
  Value v = cast<Value>(offset);
  auto divide = [&](AffineExpr e, ValueRange operands) -> Value {
    return affine::AffineApplyOp::create(
        b, loc, AffineMap::get(operands.size(), 0, e.floorDiv(block)),
        operands);
  };
  if (auto apply = v.getDefiningOp<affine::AffineApplyOp>()) {
    AffineMap map = apply.getAffineMap();
    if (map.getNumResults() == 1 && map.getNumSymbols() == 0 &&
        map.getResult(0).isMultipleOf(block))
      return divide(map.getResult(0), apply.getMapOperands());
    return {};
  }
  auto multiples = [&](ArrayRef<OpFoldResult> values) {
    return llvm::all_of(values, [&](OpFoldResult x) {
      std::optional<int64_t> c = getConstantIntValue(x);
      return c && *c % block == 0;
    });
  };
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg)
    return {};
  Operation *owner = arg.getOwner()->getParentOp();
  if (auto loop = dyn_cast<scf::ForOp>(owner);
      loop && loop.getInductionVar() == v &&
      multiples({getAsOpFoldResult(loop.getLowerBound()),
                 getAsOpFoldResult(loop.getStep())}))
    return divide(getAffineDimExpr(0, b.getContext()), v);
  if (auto loop = dyn_cast<scf::ForallOp>(owner)) {
    auto ivs = loop.getInductionVars();
    auto it = llvm::find(ivs, v);
    if (it == ivs.end())
      return {};
    unsigned d = it - ivs.begin();
    if (multiples({loop.getMixedLowerBound()[d], loop.getMixedStep()[d]}))
      return divide(getAffineDimExpr(0, b.getContext()), v);
  }
  return {};
}

std::optional<int64_t>
netrewrite::codegen::filterBlock(tensor::ExtractSliceOp slice,
                                 RankedTensorType type) {
  int64_t rank = type.getRank();
  if ((rank != 4 && rank != 2) || !type.hasStaticShape() ||
      !type.getElementType().isF32() ||
      slice.getResultType().getRank() != rank || !slice.hasUnitStride())
    return std::nullopt;
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
  std::optional<SmallVector<int64_t>> sizes =
      getConstantIntValues(slice.getMixedSizes());
  if (!sizes)
    return std::nullopt;
  for (int64_t d = 0; d < rank - 1; ++d)
    if ((*sizes)[d] != type.getDimSize(d) || !isZeroInteger(offsets[d]))
      return std::nullopt;
  int64_t b = (*sizes)[rank - 1], f = type.getDimSize(rank - 1);
  if (b >= f || f % b != 0)
    return std::nullopt;
  return b;
}

void netrewrite::codegen::replaceWithPackedBlock(OpBuilder &b,
                                                 tensor::ExtractSliceOp slice,
                                                 Value packed, Value index,
                                                 int64_t block) {
  auto type = cast<RankedTensorType>(slice.getSource().getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank + 1, b.getIndexAttr(0));
  offsets[0] = index;
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
  for (int64_t d = 0; d < rank - 1; ++d)
    sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
  sizes.push_back(b.getIndexAttr(block));
  SmallVector<OpFoldResult> strides(rank + 1, b.getIndexAttr(1));
  auto packedSlice = tensor::ExtractSliceOp::create(
      b, slice.getLoc(), slice.getResultType(), packed, offsets, sizes,
      strides);
  slice.getResult().replaceAllUsesWith(packedSlice.getResult());
  slice.erase();
}

std::optional<unsigned>
netrewrite::codegen::leadingParallelLoops(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> kinds = op.getIteratorTypesArray();
  unsigned k = llvm::count(kinds, utils::IteratorType::parallel);
  for (auto [d, kind] : llvm::enumerate(kinds))
    if ((kind == utils::IteratorType::parallel) != (d < k))
      return std::nullopt;
  return k;
}
