//===- OutlineSerialLoops.cpp - Serial loop nests into functions of their own ===//
//
// Loops of ops too small to share between threads (marked by
// netrewrite-schedule-cpu and netrewrite-schedule-buffers-cpu with
// netrewrite::kSerialLoopMarker) become calls of private functions named
// `<function>..loop.<N>`. Why: netrewrite-compile --train compiles the host
// @train_step (thousands of loops) with the fast code generator, whose
// register allocator spills every vector accumulator; outlined loop nests
// go to the object of parallel bodies compiled with the optimising one
// (tools/netrewrite-compile/KernelSplit.cpp). Outlining here, rather than
// as `omp.parallel if(false)` regions, keeps the OpenMP translation's
// per-region cost (it rescans the whole host function for each region:
// quadratic) to the regions that are really parallel.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace netrewrite {
#define GEN_PASS_DEF_OUTLINESERIALLOOPS
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// The location without the serial marker, or null when it has none.
LocationAttr unmarked(Location loc) {
  auto fused = dyn_cast<FusedLoc>(loc);
  if (!fused || fused.getMetadata() !=
                    StringAttr::get(loc.getContext(),
                                    netrewrite::kSerialLoopMarker))
    return nullptr;
  return fused.getLocations().size() == 1
             ? fused.getLocations().front()
             : FusedLoc::get(loc.getContext(), fused.getLocations());
}

struct OutlineSerialLoopsPass
    : public netrewrite::impl::OutlineSerialLoopsBase<OutlineSerialLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SymbolTable symbols(module);
    IRRewriter rewriter(ctx);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      SmallVector<scf::ForallOp> loops;
      func.walk([&](scf::ForallOp forall) {
        if (unmarked(forall.getLoc()))
          loops.push_back(forall);
      });
      unsigned counter = 0;
      for (scf::ForallOp forall : loops) {
        Location loc = unmarked(forall.getLoc());  // non-null: collected
        forall->setLoc(loc);
        if (forall.getNumResults() != 0 ||
            forall->getParentOfType<scf::ForallOp>())
          continue;
        // What the loop nest uses from outside becomes the arguments;
        // constants are cloned in instead, so bounds and offsets stay
        // static for the vector code.
        SetVector<Value> captured;
        getUsedValuesDefinedAbove(forall->getRegions(), captured);
        for (Value v : forall->getOperands())
          captured.insert(v);
        SmallVector<Value> args;
        SmallVector<Operation *> constants;
        for (Value v : captured) {
          Operation *def = v.getDefiningOp();
          if (def && def->hasTrait<OpTrait::ConstantLike>())
            constants.push_back(def);
          else
            args.push_back(v);
        }
        rewriter.setInsertionPoint(func);
        auto type = FunctionType::get(ctx, ValueRange(args).getTypes(), {});
        auto callee = func::FuncOp::create(
            rewriter, loc,
            (func.getSymName() + "..loop." + Twine(counter++)).str(), type);
        callee.setPrivate();
        symbols.insert(callee);
        Block *body = callee.addEntryBlock();
        rewriter.setInsertionPointToStart(body);
        IRMapping map;
        for (auto [v, a] : llvm::zip(args, body->getArguments()))
          map.map(v, a);
        for (Operation *c : constants)
          rewriter.clone(*c, map);
        auto cloned = cast<scf::ForallOp>(rewriter.clone(*forall, map));
        func::ReturnOp::create(rewriter, loc);
        if (failed(scf::forallToForLoop(rewriter, cloned))) {
          rewriter.eraseOp(callee);
          continue;
        }
        rewriter.setInsertionPoint(forall);
        func::CallOp::create(rewriter, loc, callee, args);
        rewriter.eraseOp(forall);
      }
    }
  }
};

} // namespace
