//===- ExtractParams.cpp - Weight constants become parameters -------------===//
//
// Training needs the weights as values it can replace every step, and the
// runtime needs to know which is which. This pass finds the constants that
// layers use as weights, turns each such use into a leading argument of
// @forward named after the layer, and keeps the pretrained values in
// @init_params so an executable starts from them.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Training/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/GlobPattern.h"

namespace netrewrite {
#define GEN_PASS_DEF_EXTRACTPARAMS
#include "netrewrite/Training/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using namespace netrewrite;

namespace {

/// The name a location gives its layer: the first NameLoc found inside it.
std::optional<std::string> layerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = layerName(inner))
        return name;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return layerName(callSite.getCallee());
  return std::nullopt;
}

/// A float constant, possibly seen through reshapes/transposes (importers
/// reshape dense kernels to TOSA's 3-D matmul layout, for example).
tosa::ConstOp weightSource(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto c = dyn_cast<tosa::ConstOp>(def)) {
      auto type = dyn_cast<RankedTensorType>(c.getType());
      if (!type || !isa<FloatType>(type.getElementType()))
        return nullptr;
      return c;
    }
    if (isa<tosa::ReshapeOp, tosa::TransposeOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

bool isSplat(tosa::ConstOp c) {
  if (auto dense = dyn_cast<DenseElementsAttr>(c.getValues()))
    return dense.isSplat();
  return false; // dense_resource blobs are real weights
}

/// True when v comes from a layer with a weight (through reshapes), so a
/// constant added to it is that layer's bias even when it is all zeros.
bool isLayerOutput(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tosa::ReshapeOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp,
               tosa::TransposeConv2DOp, tosa::MatMulOp>(def);
  }
  return false;
}

enum class Kind { Trainable, Frozen, State };

/// The role of operand `index` of `op` when it is a weight, or none.
std::optional<std::pair<StringRef, Kind>> weightRole(Operation *op,
                                                     unsigned index) {
  using R = std::pair<StringRef, Kind>;
  if (isa<tosa::Conv2DOp, tosa::TransposeConv2DOp>(op)) {
    if (index == 1)
      return R{"kernel", Kind::Trainable};
    if (index == 2)
      return R{"bias", Kind::Trainable};
  } else if (isa<tosa::DepthwiseConv2DOp>(op)) {
    if (index == 1)
      return R{"depthwise_kernel", Kind::Trainable};
    if (index == 2)
      return R{"bias", Kind::Trainable};
  } else if (isa<tosa::MatMulOp>(op)) {
    if (index == 1)
      return R{"kernel", Kind::Trainable};
    if (index == 0)
      return R{"kernel_lhs", Kind::Trainable};
  } else if (isa<nr::BatchNormOp>(op)) {
    switch (index) {
    case 1:
      return R{"gamma", Kind::Trainable};
    case 2:
      return R{"beta", Kind::Trainable};
    case 3:
      return R{"moving_mean", Kind::State};
    case 4:
      return R{"moving_variance", Kind::State};
    default:
      break;
    }
  } else if (isa<tosa::AddOp, tosa::SubOp, tosa::MulOp>(op) && index < 2) {
    auto c = weightSource(op->getOperand(index));
    bool bias = isa<tosa::AddOp, tosa::SubOp>(op) &&
                isLayerOutput(op->getOperand(1 - index));
    if (bias)
      return R{"bias", Kind::Trainable};
    if (c && !isSplat(c))
      return R{isa<tosa::MulOp>(op) ? "scale" : "bias", Kind::Trainable};
  }
  return std::nullopt;
}

StringRef kindName(Kind kind) {
  switch (kind) {
  case Kind::Trainable:
    return "trainable";
  case Kind::Frozen:
    return "frozen";
  case Kind::State:
    return "state";
  }
  llvm_unreachable("unknown kind");
}

struct ExtractParamsPass
    : netrewrite::impl::ExtractParamsBase<ExtractParamsPass> {
  using ExtractParamsBase::ExtractParamsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(functionName);
    if (!func || func.isExternal()) {
      emitError(module.getLoc(), "no function '@") << functionName << "' with a body";
      return signalPassFailure();
    }
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (func.getArgAttr(i, "nr.param")) {
        emitError(func.getLoc(), "'@") << functionName
                             << "' already has parameters (the pass ran twice?)";
        return signalPassFailure();
      }
    if (module.lookupSymbol("init_params")) {
      emitError(module.getLoc(), "the module already has a symbol '@init_params'");
      return signalPassFailure();
    }

    SmallVector<llvm::GlobPattern> globs;
    for (const std::string &text : freeze) {
      auto glob = llvm::GlobPattern::create(text);
      if (!glob) {
        emitError(module.getLoc(), "bad freeze glob '")
            << text << "': " << llvm::toString(glob.takeError());
        return signalPassFailure();
      }
      globs.push_back(std::move(*glob));
    }

    // Collect every weight use in program order.
    struct Use {
      OpOperand *operand;
      tosa::ConstOp source;
      std::string name;
      Kind kind;
    };
    SmallVector<Use> uses;
    llvm::StringSet<> taken;
    unsigned anonymous = 0;
    func.walk([&](Operation *op) {
      std::optional<std::string> layer;
      for (OpOperand &operand : op->getOpOperands()) {
        auto role = weightRole(op, operand.getOperandNumber());
        if (!role)
          continue;
        tosa::ConstOp source = weightSource(operand.get());
        if (!source)
          continue;
        // A layer without a NameLoc gets a numbered name, one per op.
        if (!layer) {
          layer = layerName(op->getLoc());
          if (!layer)
            layer = "param" + std::to_string(anonymous++);
        }
        std::string name = *layer + "/" + role->first.str();
        for (unsigned k = 1; !taken.insert(name).second; ++k)
          name = *layer + "/" + role->first.str() + "_" + std::to_string(k);
        Kind kind = role->second;
        if (kind == Kind::Trainable &&
            llvm::any_of(globs, [&](const llvm::GlobPattern &g) {
              return g.match(*layer) || g.match(name);
            }))
          kind = Kind::Frozen;
        uses.push_back({&operand, source, name, kind});
      }
    });

    // @init_params returns the pretrained values, in parameter order.
    OpBuilder builder(module.getContext());
    builder.setInsertionPoint(func);
    SmallVector<Type> paramTypes;
    for (Use &u : uses)
      paramTypes.push_back(u.source.getType());
    auto init = func::FuncOp::create(
        builder, func.getLoc(), "init_params",
        builder.getFunctionType({}, paramTypes));
    Block *initBody = init.addEntryBlock();
    builder.setInsertionPointToStart(initBody);
    SmallVector<Value> initValues;
    for (Use &u : uses)
      initValues.push_back(builder.clone(*u.source)->getResult(0));
    func::ReturnOp::create(builder, func.getLoc(), initValues);

    // Leading arguments replace the uses; the chain of reshapes/transposes
    // between constant and use is cloned onto the argument.
    // Indices refer to the original arguments: all go before the first.
    SmallVector<unsigned> positions(uses.size(), 0);
    SmallVector<DictionaryAttr> argAttrs;
    SmallVector<Location> locs;
    for (Use &u : uses) {
      argAttrs.push_back(builder.getDictionaryAttr(
          {builder.getNamedAttr("nr.param", builder.getStringAttr(u.name)),
           builder.getNamedAttr("nr.kind",
                                builder.getStringAttr(kindName(u.kind)))}));
      locs.push_back(u.source.getLoc());
    }
    if (failed(func.insertArguments(positions, paramTypes, argAttrs, locs)))
      return signalPassFailure();
    for (auto [i, u] : llvm::enumerate(uses)) {
      init.setResultAttrs(i, argAttrs[i]);
      Value arg = func.getArgument(i);
      // Rebuild the view chain (if any) from the argument.
      SmallVector<Operation *> chain;
      for (Value v = u.operand->get(); v.getDefiningOp() != u.source;
           v = v.getDefiningOp()->getOperand(0))
        chain.push_back(v.getDefiningOp());
      Value current = arg;
      builder.setInsertionPoint(u.operand->getOwner());
      for (Operation *view : llvm::reverse(chain)) {
        IRMapping map;
        map.map(view->getOperand(0), current);
        current = builder.clone(*view, map)->getResult(0);
      }
      u.operand->set(current);
    }
    // Constants and views nobody uses any more go away.
    SmallVector<Operation *> dead;
    func.walk([&](Operation *op) {
      if (isa<tosa::ConstOp, tosa::ReshapeOp, tosa::TransposeOp,
              tosa::ConstShapeOp>(op))
        dead.push_back(op);
    });
    for (Operation *op : llvm::reverse(dead))
      if (op->use_empty())
        op->erase();
  }
};

} // namespace
