//===- ScheduleBuffersCPU.cpp - Tile and vectorise buffer copies ----------===//
//
// Bufferization materialises padding, concatenation, strided insertion
// (the zero-dilated output gradients of stride-2 convolutions) and the
// copies between them as `linalg.copy` / `linalg.map` (fill) ops on
// buffers, after `netrewrite-schedule-cpu` has run on tensors. Left alone
// they lower to scalar loops in the host function -- which a training step
// compiles with the fast code generator and no IR optimisation -- one
// element at a time on one thread: in a MobileNetV2@128 @train_step,
// 1,589 copies and 58 fills moved 358 M elements per step that way.
// Here each top-level all-parallel op on buffers gets the schedule that
// `netrewrite-schedule-cpu` gives all-parallel ops on tensors: an
// `scf.forall` over the leading dimensions (run on the calling thread below
// kMinParallelMemoryBound, see netrewrite::kSerialLoopMarker), row tiles of at
// most 8 and vectors of at most 64 along the innermost non-unit dimension.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace netrewrite {
#define GEN_PASS_DEF_SCHEDULEBUFFERSCPU
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::inSerialFunction;
using netrewrite::codegen::kMinParallelMemoryBound;
using netrewrite::codegen::nonUnitDims;
using netrewrite::codegen::tileFor;

namespace {

/// Tile sizes for one op with static loop ranges `ranges`: the forall
/// tiles, then the for-loop tiles inside them (0: not tiled); nothing when
/// every dimension is a unit one.
struct BufferSchedule {
  SmallVector<int64_t> forall, inner;
};

std::optional<BufferSchedule> scheduleFor(ArrayRef<int64_t> ranges) {
  unsigned rank = ranges.size();
  SmallVector<unsigned> nonUnit = nonUnitDims(ranges);
  if (nonUnit.empty())
    return std::nullopt;
  BufferSchedule s;
  s.forall.assign(rank, 0);
  s.inner.assign(rank, 0);
  unsigned v = nonUnit.back();
  if (nonUnit.size() == 1) {
    // One long dimension: blocks of up to 1024 across the threads, vectors
    // of up to 64 inside.
    s.forall[v] = tileFor(ranges[v], 1024, 16);
    s.inner[v] = tileFor(s.forall[v], 64, 16);
  } else {
    s.inner[v] = tileFor(ranges[v], 64, 16);
    unsigned u = nonUnit[nonUnit.size() - 2];
    int64_t row = tileFor(ranges[u], 8);
    (nonUnit.size() == 2 ? s.forall : s.inner)[u] = row;
    for (unsigned i = 0; i + 2 < nonUnit.size(); ++i)
      s.forall[nonUnit[i]] = 1;
  }
  for (unsigned d = 0; d < rank; ++d)
    if (s.inner[d] == ranges[d] || s.inner[d] == s.forall[d])
      s.inner[d] = 0;
  return s;
}

/// Tiles `op` (on buffers: no results to replace) with `sizes` into a loop
/// nest of kind `type`; returns the tiled op, or null (nothing changed).
Operation *tile(IRRewriter &rewriter, Operation *op, ArrayRef<int64_t> sizes,
                scf::SCFTilingOptions::LoopType type) {
  auto tileable = dyn_cast<TilingInterface>(op);
  if (!tileable)
    return nullptr;
  scf::SCFTilingOptions options;
  options.setLoopType(type);
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, tileable, options);
  if (failed(tiled) || tiled->tiledOps.size() != 1)
    return nullptr;
  if (!tiled->loops.empty())
    if (auto forall = dyn_cast<scf::ForallOp>(tiled->loops.front().getOperation()))
      forall->setLoc(op->getLoc());
  rewriter.eraseOp(op);
  return tiled->tiledOps.front();
}

struct ScheduleBuffersCPUPass
    : public netrewrite::impl::ScheduleBuffersCPUBase<ScheduleBuffersCPUPass> {
  using ScheduleBuffersCPUBase::ScheduleBuffersCPUBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    if (func.isExternal())
      return;
    // Only ops directly in the function body: anything inside a loop is
    // already a tile of a scheduled op.
    SmallVector<linalg::LinalgOp> ops;
    for (Operation &op : func.getBody().front()) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
      if (!linalgOp || !linalgOp.hasPureBufferSemantics() ||
          !isa<linalg::CopyOp, linalg::MapOp, linalg::FillOp,
               linalg::GenericOp, linalg::TransposeOp, linalg::BroadcastOp>(
              op) ||
          linalgOp.getNumLoops() == 0 ||
          linalgOp.getNumParallelLoops() != linalgOp.getNumLoops() ||
          llvm::any_of(linalgOp.getStaticLoopRanges(), ShapedType::isDynamic))
        continue;
      ops.push_back(linalgOp);
    }
    // The tiling and vectorisation APIs directly rather than a transform
    // script per op: the interpreter's match walks the whole function each
    // time, quadratic in a @train_step with thousands of copies (measured
    // 59 s of a MobileNetV2@128 compile).
    IRRewriter rewriter(ctx);
    auto marker = StringAttr::get(ctx, netrewrite::kSerialLoopMarker);
    bool serialFunction = inSerialFunction(getOperation());
    for (linalg::LinalgOp op : ops) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      std::optional<BufferSchedule> s = scheduleFor(ranges);
      if (!s)
        continue;
      int64_t elements = 1;
      for (int64_t r : ranges)
        elements *= r;
      Location loc = op.getLoc();
      Operation *tiled = tile(rewriter, op, s->forall,
                              scf::SCFTilingOptions::LoopType::ForallOp);
      if (!tiled)
        continue;
      if (elements < kMinParallelMemoryBound || serialFunction)
        tiled->getParentOfType<scf::ForallOp>()->setLoc(
            FusedLoc::get(ctx, {loc}, marker));
      if (llvm::any_of(s->inner, [](int64_t t) { return t != 0; }))
        if (Operation *inner = tile(rewriter, tiled, s->inner,
                                    scf::SCFTilingOptions::LoopType::ForOp))
          tiled = inner;
      // An op the vectoriser rejects is not an error: it stays tiled scalar
      // loops, which are still outlined and optimised.
      rewriter.setInsertionPoint(tiled);
      FailureOr<linalg::VectorizationResult> vectorized =
          linalg::vectorize(rewriter, tiled);
      if (succeeded(vectorized))
        rewriter.eraseOp(tiled);
    }
  }
};

} // namespace
