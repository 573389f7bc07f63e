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
// kMinParallelElements, see netrewrite::kSerialLoopMarker), row tiles of at
// most 8 and vectors of at most 64 along the innermost non-unit dimension.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

namespace netrewrite {
#define GEN_PASS_DEF_SCHEDULEBUFFERSCPU
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kTargetAttr = "netrewrite.buffer_target";

/// Copies are bandwidth-bound: below this many elements (16 MB of floats
/// moved) waking the second thread and waiting for it at the barrier costs
/// more than it saves on a shared machine (netrewrite-schedule-cpu uses the
/// same figure for loop iterations).
constexpr int64_t kMinParallelElements = 1 << 22;

/// The largest divisor of `n` that is at most `cap`, preferring multiples of
/// `multiple` (as netrewrite-schedule-cpu's tileFor).
int64_t divisorAtMost(int64_t n, int64_t cap, int64_t multiple = 1) {
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

std::string sizesText(ArrayRef<int64_t> sizes) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(sizes))
    s += (i ? ", " : "") + std::to_string(v);
  return s + "]";
}

/// The transform script for one op with static loop ranges `ranges`, or
/// nothing when every dimension is a unit one.
std::optional<std::string> scriptFor(ArrayRef<int64_t> ranges) {
  unsigned rank = ranges.size();
  SmallVector<unsigned> nonUnit;
  int64_t elements = 1;
  for (unsigned d = 0; d < rank; ++d) {
    elements *= ranges[d];
    if (ranges[d] > 1)
      nonUnit.push_back(d);
  }
  if (nonUnit.empty())
    return std::nullopt;
  SmallVector<int64_t> forall(rank, 0), inner(rank, 0);
  unsigned v = nonUnit.back();
  if (nonUnit.size() == 1) {
    // One long dimension: blocks of up to 1024 across the threads, vectors
    // of up to 64 inside.
    forall[v] = divisorAtMost(ranges[v], 1024, 16);
    inner[v] = divisorAtMost(forall[v], 64, 16);
  } else {
    inner[v] = divisorAtMost(ranges[v], 64, 16);
    unsigned u = nonUnit[nonUnit.size() - 2];
    int64_t row = divisorAtMost(ranges[u], 8);
    (nonUnit.size() == 2 ? forall : inner)[u] = row;
    for (unsigned i = 0; i + 2 < nonUnit.size(); ++i)
      forall[nonUnit[i]] = 1;
  }
  for (unsigned d = 0; d < rank; ++d)
    if (inner[d] == ranges[d] || inner[d] == forall[d])
      inner[d] = 0;
  unsigned loops = llvm::count_if(inner, [](int64_t t) { return t != 0; });
  std::string body;
  llvm::raw_string_ostream os(body);
  os << "module attributes {transform.with_named_sequence} {\n"
     << "  transform.named_sequence @__transform_main(%root: !transform.any_op "
        "{transform.readonly}) {\n"
     << "    %op = transform.structured.match attributes{" << kTargetAttr
     << "} in %root : (!transform.any_op) -> !transform.any_op\n"
     << "    %t0, %forall = transform.structured.tile_using_forall %op "
        "tile_sizes "
     << sizesText(forall)
     << " : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n";
  if (elements < kMinParallelElements)
    os << "    transform.annotate %forall \"" << netrewrite::kSerialLoopMarker
       << "\" : !transform.any_op\n";
  std::string cur = "%t0";
  if (loops) {
    os << "    %t1, %loops:" << loops
       << " = transform.structured.tile_using_for %t0 tile_sizes "
       << sizesText(inner) << " : (!transform.any_op) -> (!transform.any_op";
    for (unsigned i = 0; i < loops; ++i)
      os << ", !transform.any_op";
    os << ")\n";
    cur = "%t1";
  }
  os << "    transform.structured.vectorize " << cur << " : !transform.any_op\n"
     << "    transform.yield\n  }\n}\n";
  return body;
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
    for (linalg::LinalgOp op : ops) {
      std::optional<std::string> script =
          scriptFor(op.getStaticLoopRanges());
      if (!script)
        continue;
      if (printSchedules)
        llvm::errs() << "// schedule for " << op->getName() << " at "
                     << op->getLoc() << "\n"
                     << *script;
      OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(*script, ctx);
      if (!module) {
        func.emitError("internal error: a generated schedule does not parse");
        return signalPassFailure();
      }
      Operation *entry = transform::detail::findTransformEntryPoint(
          func, *module, "__transform_main");
      op->setAttr(kTargetAttr, UnitAttr::get(ctx));
      // As in netrewrite-schedule-cpu, an op the vectoriser rejects (an
      // index computation it can only gather) is not an error: it stays
      // tiled scalar loops, which are still outlined and optimised.
      {
        ScopedDiagnosticHandler quiet(ctx, [&](Diagnostic &diag) {
          if (printSchedules)
            llvm::errs() << "// schedule not applied: " << diag << "\n";
          return success();
        });
        (void)transform::applyTransformNamedSequence(
            func, entry, *module, transform::TransformOptions());
      }
      func.walk([&](Operation *o) { o->removeAttr(kTargetAttr); });
    }
    auto marker = StringAttr::get(ctx, netrewrite::kSerialLoopMarker);
    func.walk([&](scf::ForallOp forall) {
      if (forall->removeAttr(netrewrite::kSerialLoopMarker))
        forall->setLoc(FusedLoc::get(ctx, {forall.getLoc()}, marker));
    });
  }
};

} // namespace
