//===- ScheduleCPU.cpp - Tile, parallelise, vectorise linalg for the CPU --===//
//
// The schedule of each op is a transform-dialect script generated from the
// op's kind and static shape. Generating text (rather than building the
// transform IR in C++) keeps every schedule printable and replayable with
// `mlir-opt --transform-interpreter` (see `print-schedules`).
//
// Why these shapes: on AVX-512 a 8x32 f32 accumulator tile is 16 zmm
// registers, leaving room for the broadcast input and two filter vectors;
// decomposing 2-D convolutions to 1-D ones is what lets the upstream
// vectoriser turn them into contractions (it vectorises 1-D convolutions
// only). The outermost `scf.forall` becomes an OpenMP worksharing loop.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

namespace netrewrite {
#define GEN_PASS_DEF_SCHEDULECPU
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::inSerialFunction;
using netrewrite::codegen::kMinParallelMemoryBound;
using netrewrite::codegen::nonUnitDims;
using netrewrite::codegen::tileFor;

namespace {

constexpr llvm::StringLiteral kTargetAttr = "netrewrite.schedule_target";
constexpr llvm::StringLiteral kFusedInitAttr = "netrewrite.fused_init";
constexpr llvm::StringLiteral kEpilogueAttr = "netrewrite.schedule_epilogue";

/// The tile of a dimension that becomes the vector lanes: the largest of
/// `cap`, cap/2, ... 16 (`cap` a power of two) that divides `n`, else
/// `tileFor`. Other multiples of 16 make vectors LLVM splits into uneven
/// pieces: with 48 channels (96, 144, 576 = 48k) the register tiles spilled,
/// and MobileNetV2's 1x1 convolutions 16->96 at 112x112 and 24->144 at
/// 56x56 ran 1.9x and 2.5x slower than with 32 and 16 (batch 32, 1 thread).
int64_t vectorTile(int64_t n, int64_t cap) {
  for (int64_t t = cap; t >= 16; t /= 2)
    if (n % t == 0)
      return t;
  return tileFor(n, cap, 16);
}

std::string sizesText(ArrayRef<int64_t> sizes) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(sizes))
    s += (i ? ", " : "") + std::to_string(v);
  return s + "]";
}

std::string anyOps(unsigned n) {
  std::string s = "(";
  for (unsigned i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::string("!transform.any_op");
  return s + ")";
}

/// A schedule: forall tiling, then for-loop tiling, then optional
/// decomposition, then vectorisation.
struct Schedule {
  SmallVector<int64_t> forallSizes;
  SmallVector<int64_t> forSizes;
  /// Order of the for-loops over the op's dimensions (empty: dimension
  /// order), e.g. to put reduction loops innermost.
  SmallVector<int64_t> forInterchange;
  bool decompose = false;
  bool vectorize = true;
  /// Fuse the producer of this init operand (the bias broadcast or fill)
  /// into the forall, tiled along dimension 2 by `fusedTile` and vectorised,
  /// so the output is written once per tile instead of in a separate pass.
  std::optional<unsigned> fuseInitOperand;
  int64_t fusedTile = 0;
  /// ... and by this along dimension 3 (the channels; 0: whole), so that a
  /// 1280-channel bias row is not one 1280-lane vector.
  int64_t fusedChannelTile = 0;
  /// Set when an element-wise consumer (bias, batch norm, activation,
  /// residual add) is fused: the consumer is tiled with `forallSizes`, this
  /// op is fused into that forall and computed into the consumer's output
  /// tile, and the consumer runs on the tile with these for-loop sizes
  /// while it is still in cache.
  std::optional<SmallVector<int64_t>> epilogueForSizes;
  /// Run the forall on the calling thread (see serializeIfSmall).
  bool serial = false;
  /// With `fuseInitOperand`: fuse the init producer into the register-tile
  /// loops (the for-loops over the leading `parallelForDims` dimensions)
  /// instead of filling the whole forall tile first, so each accumulator
  /// tile is initialised right before its reduction and
  /// `netrewrite-lower-vectors-cpu` can start the accumulators from the
  /// init value in registers (see `emitInnerTiling`).
  bool initInRegisters = false;
  unsigned parallelForDims = 4;
  /// The register-tile loop over channels (dimension 3) outside the one over
  /// columns (dimension 2); see pointwiseRegisterTile.
  bool channelsOuter = false;
};

/// The loop order of a `channelsOuter` tiling of `rank` dimensions:
/// dimension 3 (channels) before dimension 2 (columns).
SmallVector<int64_t> channelsOuterOrder(size_t rank) {
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(order[2], order[3]);
  return order;
}

/// The register-tile sizes of an `initInRegisters` schedule: its leading
/// `parallelForDims` for-loop sizes.
SmallVector<int64_t> registerTileSizes(const Schedule &s) {
  return SmallVector<int64_t>(s.forSizes.begin(),
                              s.forSizes.begin() + s.parallelForDims);
}

/// What is left to tile inside the register tiles: the same schedule with
/// the register-tile sizes zeroed and the init already placed.
Schedule reductionTiling(const Schedule &s) {
  Schedule inner(s);
  inner.initInRegisters = false;
  inner.channelsOuter = false;
  std::fill(inner.forSizes.begin(),
            inner.forSizes.begin() + s.parallelForDims, 0);
  return inner;
}

/// Tiles the op held by handle `cur` into register tiles of sizes `par`
/// with `transform.structured.fuse`, which pulls the init producer (reached
/// through the loops' iter_args) into them, and vectorises that init.
/// Handles: %`result` (the tiled op), %`loops` (the loops), %`init`.
/// Returns the number of loops.
unsigned emitRegisterTileFusion(llvm::raw_ostream &os, llvm::StringRef cur,
                                ArrayRef<int64_t> par, llvm::StringRef result,
                                llvm::StringRef loops, llvm::StringRef init,
                                bool channelsOuter) {
  unsigned n = llvm::count_if(par, [](int64_t v) { return v != 0; });
  os << "    %" << result << ", %" << loops << ":" << n
     << " = transform.structured.fuse " << cur << " tile_sizes "
     << sizesText(par);
  if (channelsOuter)
    os << " interchange " << sizesText(channelsOuterOrder(par.size()));
  os << " : (!transform.any_op) -> " << anyOps(n + 1)
     << "\n"
     << "    %" << init << " = transform.structured.match attributes{"
     << kFusedInitAttr << "} in %" << loops << "#" << n - 1
     << " : (!transform.any_op) -> !transform.any_op\n"
     << "    transform.structured.vectorize %" << init
     << " : !transform.any_op\n";
  return n;
}

/// Tiles the op held by handle `cur` with the schedule's for-loop sizes,
/// then decomposes and vectorises it; `name` prefixes the new handles.
void emitInnerTiling(llvm::raw_ostream &os, const Schedule &s,
                     std::string cur, llvm::StringRef name) {
  unsigned loops = llvm::count_if(s.forSizes, [](int64_t v) { return v != 0; });
  if (s.initInRegisters) {
    // Register tiles first, with the init fused into them; then the
    // reduction loops inside. The init of one accumulator tile is then a
    // vector write just before the loop that reads it back.
    SmallVector<int64_t> par = registerTileSizes(s);
    par.resize(s.forSizes.size(), 0);
    emitRegisterTileFusion(os, cur, par, (name + "p").str(),
                           (name + "pl").str(), (name + "fi").str(),
                           s.channelsOuter);
    return emitInnerTiling(os, reductionTiling(s), ("%" + name + "p").str(),
                           name);
  }
  if (loops) {
    os << "    %" << name << "t, %" << name << "loops:" << loops
       << " = transform.structured.tile_using_for " << cur << " tile_sizes "
       << sizesText(s.forSizes);
    SmallVector<int64_t> interchange(s.forInterchange);
    if (interchange.empty() && s.channelsOuter)
      interchange = channelsOuterOrder(s.forSizes.size());
    if (!interchange.empty())
      os << " interchange = " << sizesText(interchange);
    os << " : (!transform.any_op) -> " << anyOps(loops + 1) << "\n";
    cur = ("%" + name + "t").str();
  }
  if (s.decompose) {
    os << "    %" << name << "d = transform.structured.decompose " << cur
       << " : (!transform.any_op) -> !transform.any_op\n";
    cur = ("%" + name + "d").str();
  }
  if (s.vectorize)
    os << "    transform.structured.vectorize " << cur
       << " : !transform.any_op\n";
}

/// Fuses the init producer (`%init`) into `loop` and vectorises it in
/// tiles of `fusedTile` along dimension 2.
void emitInitFusion(llvm::raw_ostream &os, const Schedule &s,
                    llvm::StringRef loop, llvm::StringRef newLoop) {
  os << "    %fused, " << newLoop
     << " = transform.structured.fuse_into_containing_op %init into " << loop
     << " : (!transform.any_op, !transform.any_op) -> (!transform.any_op, "
        "!transform.any_op)\n";
  // With the init in the register-tile loops, emitInnerTiling fuses it
  // further; nothing else to do here.
  if (s.initInRegisters)
    return;
  os << "    %f1, %fl:" << (s.fusedChannelTile ? 2 : 1)
     << " = transform.structured.tile_using_for %fused tile_sizes [0, 0, "
     << s.fusedTile << ", " << s.fusedChannelTile << "] : (!transform.any_op)"
     << " -> " << anyOps(s.fusedChannelTile ? 3 : 2) << "\n"
     << "    transform.structured.vectorize %f1 : !transform.any_op\n";
}

/// The schedule with a fused element-wise consumer (`%ep`): the consumer is
/// tiled into the forall, and the op and its init producer are fused into
/// it. The consumer was rewritten to update the op's result in place (see
/// `updateInPlace`), so the init, the op and the consumer all write the same
/// output tile while it is in cache: one pass over the output, not three.
void emitFused(llvm::raw_ostream &os, const Schedule &s) {
  if (s.fuseInitOperand)
    os << "    %init = transform.get_producer_of_operand %op["
       << *s.fuseInitOperand
       << "] : (!transform.any_op) -> !transform.any_op\n";
  SmallVector<int64_t> forall(s.forallSizes);
  forall.resize(s.epilogueForSizes->size(), 0);
  os << "    %e0, %forall = transform.structured.tile_using_forall %ep "
        "tile_sizes "
     << sizesText(forall)
     << " : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n"
     << "    %a0, %forall1 = transform.structured.fuse_into_containing_op %op "
        "into %forall : (!transform.any_op, !transform.any_op) -> "
        "(!transform.any_op, !transform.any_op)\n";
  if (s.fuseInitOperand)
    emitInitFusion(os, s, "%forall1", "%forall2");
  if (s.initInRegisters) {
    // The register tile holds the init, the reduction and the epilogue:
    // the epilogue is tiled by the op's register tile and the op and its
    // init are fused into those loops through the outputs, so the
    // accumulators go from the bias through the reduction and the
    // activation to one store (netrewrite-lower-vectors-cpu forwards the
    // stores in between).
    unsigned parLoops = emitRegisterTileFusion(os, "%e0", registerTileSizes(s),
                                               "ept", "pl", "fi",
                                               s.channelsOuter);
    os << "    %cv = transform.structured.match attributes{" << kTargetAttr
       << "} in %pl#" << parLoops - 1
       << " : (!transform.any_op) -> !transform.any_op\n";
    emitInnerTiling(os, reductionTiling(s), "%cv", "");
    os << "    transform.structured.vectorize %ept : !transform.any_op\n";
    return;
  }
  emitInnerTiling(os, s, "%a0", "");
  Schedule epilogue;
  epilogue.forSizes = *s.epilogueForSizes;
  emitInnerTiling(os, epilogue, "%e0", "e");
}

std::string scheduleHandleArgs(const Schedule &s);

std::string scriptFor(const Schedule &s) {
  std::string body;
  llvm::raw_string_ostream os(body);
  os << "module attributes {transform.with_named_sequence} {\n"
     << "  transform.named_sequence @__transform_main(%root: !transform.any_op "
        "{transform.readonly}"
     << scheduleHandleArgs(s) << ") {\n";
  if (s.epilogueForSizes) {
    emitFused(os, s);
  } else {
    std::string cur = "%op";
    bool fuse = s.fuseInitOperand && !s.forallSizes.empty();
    if (fuse)
      os << "    %init = transform.get_producer_of_operand %op["
         << *s.fuseInitOperand
         << "] : (!transform.any_op) -> !transform.any_op\n";
    if (llvm::any_of(s.forallSizes, [](int64_t v) { return v != 0; })) {
      os << "    %t0, %forall = transform.structured.tile_using_forall " << cur
         << " tile_sizes " << sizesText(s.forallSizes)
         << " : (!transform.any_op) -> (!transform.any_op, "
            "!transform.any_op)\n";
      cur = "%t0";
    }
    if (fuse)
      emitInitFusion(os, s, "%forall", "%forall2");
    emitInnerTiling(os, s, cur, "");
  }
  os << "    transform.yield\n  }\n}\n";
  return body;
}

/// Below this many multiply-adds (about 4 us of one core at the FMA peak,
/// 10-15 us for a depthwise convolution) a convolution or contraction runs on
/// one thread (memory-bound ops: kMinParallelMemoryBound): a parallel region
/// costs a fork and a barrier, a few microseconds with the team's threads
/// spinning. Until session 8 this was 2^22, which at batch 1 put every
/// depthwise convolution of MobileNetV2 and its 1x1 layers at 14x14 on one
/// thread while the other waited; 2^19: batch 1, 2 threads, 386-392 ->
/// 439-449 img/s (nsfwjs), 364-386 -> 448-456 (MobileNetV2); 2^18 the same
/// within noise, 2^20 between. (Session 1 measured a small CNN at batch 32
/// 7x slower on 2 threads than on 1 with 2^18 on a loaded machine; libomp's
/// load-balance mode, the executables' default since, now shrinks the team
/// instead: same time with 2^19 and 2^22 under load, docs/codegen.md
/// "Threads".)
constexpr int64_t kMinParallelIterations = 1 << 19;

/// The parallel threshold for `op`: convolutions and contractions count
/// multiply-adds, everything else memory traffic.
int64_t minParallelIterations(linalg::LinalgOp op) {
  if (isa<linalg::ConvolutionOpInterface>(op.getOperation()) ||
      linalg::isaContractionOpInterface(op))
    return kMinParallelIterations;
  return kMinParallelMemoryBound;
}

/// Whether the op is below the threshold at which threads pay off, or in a
/// function that runs on one thread anyway (inSerialFunction).
bool isSmall(linalg::LinalgOp op) {
  if (inSerialFunction(op))
    return true;
  int64_t iterations = 1;
  for (int64_t r : op.getStaticLoopRanges())
    iterations *= r;
  return iterations < minParallelIterations(op);
}

/// Marks a small op's schedule serial: its forall runs on the calling
/// thread. It stays a forall (rather than becoming for-loops in the host
/// function) so that it is outlined like the parallel ones
/// (netrewrite-outline-serial-loops): netrewrite-compile --train compiles
/// outlined bodies with the optimising code generator and the host
/// @train_step with the fast one, whose register allocator spills every
/// vector accumulator (MobileNetV2@128: a quarter of the step's CPU time
/// was such serial loops inside @train_step).
void serializeIfSmall(linalg::LinalgOp op, Schedule &s) {
  if (isSmall(op) && !s.forallSizes.empty())
    s.serial = true;
}

/// The op (`%op`) and its fused epilogue (`%ep`) come into the script as
/// arguments bound to them (codegen::applySchedule).
std::string scheduleHandleArgs(const Schedule &s) {
  std::string args = ", %op: !transform.any_op {transform.consumed}";
  if (s.epilogueForSizes)
    args += ", %ep: !transform.any_op {transform.consumed}";
  return args;
}

/// Visits the ops of `region` and of the regions nested in them, except
/// the insides of scf.forall loops (`forall` says whether to enter one)
/// and of linalg ops (their bodies hold only scalar code).
void visitOutsideLoops(Region &region,
                       llvm::function_ref<bool(scf::ForallOp)> forall,
                       llvm::function_ref<void(Operation *)> fn) {
  for (Block &block : region)
    for (Operation &o : llvm::make_early_inc_range(block)) {
      if (auto loop = dyn_cast<scf::ForallOp>(o)) {
        if (forall(loop))
          loop->walk([&](Operation *inner) { fn(inner); });
        continue;
      }
      fn(&o);
      if (!isa<linalg::LinalgOp>(o))
        for (Region &inner : o.getRegions())
          visitOutsideLoops(inner, forall, fn);
    }
}

/// Visits the linalg ops of `func` outside any scf.forall. Why not
/// func.walk with a parent check: scheduled loops hold most of the
/// function's ops, and this runs once per scheduled op.
void walkOutsideLoops(func::FuncOp func,
                      llvm::function_ref<void(linalg::LinalgOp)> fn) {
  visitOutsideLoops(
      func.getBody(), [](scf::ForallOp) { return false; },
      [&](Operation *o) {
        if (auto l = dyn_cast<linalg::LinalgOp>(o))
          fn(l);
      });
}

/// Drops the marks one op's schedule set (on the op, its init producer,
/// its epilogue, and the tiled copies transforms made of them) from the
/// function, skipping the loops that existed before (`before`): those were
/// scheduled, and cleaned, earlier.
void removeScheduleAttrs(func::FuncOp func,
                         const llvm::SmallPtrSetImpl<Operation *> &before) {
  MLIRContext *ctx = func.getContext();
  StringAttr names[] = {StringAttr::get(ctx, kTargetAttr),
                        StringAttr::get(ctx, kFusedInitAttr),
                        StringAttr::get(ctx, kEpilogueAttr)};
  visitOutsideLoops(
      func.getBody(),
      [&](scf::ForallOp loop) { return !before.contains(loop); },
      [&](Operation *o) {
        for (StringAttr name : names)
          o->removeAttr(name);
      });
}

/// Marks `forall` to run on the calling thread, through its location
/// (netrewrite::kSerialLoopMarker), which bufferization and the later
/// passes keep.
void markSerial(scf::ForallOp forall) {
  MLIRContext *ctx = forall.getContext();
  forall->setLoc(FusedLoc::get(
      ctx, {forall.getLoc()},
      StringAttr::get(ctx, netrewrite::kSerialLoopMarker)));
}

/// A matmul-like contraction: some input broadcasts along a parallel
/// dimension (A[m,k] * B[k,n] -> C[m,n]); the contraction schedule below
/// turns those into outer-product FMA chains.
bool isMatmulLike(linalg::LinalgOp op) {
  if (!linalg::isaContractionOpInterface(op))
    return false;
  for (OpOperand *in : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(in);
    for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray()))
      if (it == utils::IteratorType::parallel && !map.isFunctionOfDim(d))
        return true;
  }
  return false;
}

/// A reduction over outer dimensions of an elementwise expression, with the
/// innermost dimension parallel and contiguous in every operand that reads
/// it: batch-norm statistics and their gradients (sums over the batch),
/// bias gradients, products of a gradient with an activation summed over
/// the batch. Matmul-like contractions have their own schedule.
bool isVectorizableReduction(linalg::GenericOp op) {
  unsigned rank = op.getNumLoops();
  if (op.getNumReductionLoops() == 0 || rank < 2 ||
      op.getNumDpsInits() != 1 || op.hasIndexSemantics() || isMatmulLike(op))
    return false;
  if (op.getIteratorTypesArray().back() != utils::IteratorType::parallel)
    return false;
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (!map.isProjectedPermutation())
      return false;
    if (map.isFunctionOfDim(rank - 1) &&
        map.getResults().back() != getAffineDimExpr(rank - 1, op.getContext()))
      return false;
  }
  return true;
}

/// Vectors along the innermost (parallel) dimension, row blocks of 8 on the
/// parallel dimension before it, reduction dimensions as the innermost
/// loops in steps of 1: each step is then an elementwise multiply-add into
/// an 8x32 accumulator that stays in registers. Vectorising the reduction
/// dimension instead (a contraction over the batch) lowers to one
/// gather-and-reduce per output element: measured 600,000 LLVM
/// insert/extractelement instructions in one MobileNetV2 training step.
Schedule scheduleReduction(linalg::GenericOp op, ArrayRef<int64_t> ranges) {
  unsigned rank = ranges.size();
  Schedule s;
  s.forallSizes.assign(rank, 0);
  s.forSizes.assign(rank, 0);
  SmallVector<unsigned> par, red;
  for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray()))
    (it == utils::IteratorType::parallel ? par : red).push_back(d);
  unsigned v = rank - 1;
  s.forSizes[v] = tileFor(ranges[v], 32, 16);
  std::optional<unsigned> row;
  for (unsigned d : llvm::reverse(ArrayRef(par).drop_back()))
    if (ranges[d] > 1) {
      row = d;
      break;
    }
  bool outerParallel = false;
  for (unsigned d : par)
    if (d != v && d != row && ranges[d] > 1) {
      s.forallSizes[d] = 1;
      outerParallel = true;
    }
  if (row) {
    int64_t rowTile = tileFor(ranges[*row], 8);
    (outerParallel ? s.forSizes : s.forallSizes)[*row] = rowTile;
  }
  for (unsigned d : red)
    s.forSizes[d] = 1;
  for (unsigned d = 0; d < rank; ++d)
    if (s.forSizes[d] == ranges[d] && s.forallSizes[d] == 0 &&
        llvm::is_contained(par, d))
      s.forSizes[d] = 0;
  s.forInterchange.append(par.begin(), par.end());
  s.forInterchange.append(red.begin(), red.end());
  if (llvm::all_of(s.forallSizes, [](int64_t x) { return x == 0; }))
    s.forallSizes.clear();
  return s;
}

/// Element-wise ops (all loops parallel): vectors along the innermost
/// non-unit dimension, row blocks on the one before, threads over the rest.
std::optional<Schedule> scheduleElementwise(ArrayRef<int64_t> ranges) {
  // Unit dimensions (channel multipliers, batch 1) are left alone: the
  // vector goes on the innermost dimension with more than one element and
  // the row tile on the one before it, so a `...x128x1` value still gets
  // 16-lane vectors instead of one lane per channel.
  Schedule s;
  unsigned rank = ranges.size();
  s.forallSizes.assign(rank, 0);
  s.forSizes.assign(rank, 0);
  SmallVector<unsigned> nonUnit = nonUnitDims(ranges);
  if (nonUnit.empty())
    return std::nullopt;
  unsigned v = nonUnit.back();
  s.forSizes[v] = tileFor(ranges[v], 64, 16);
  if (nonUnit.size() >= 2) {
    unsigned u = nonUnit[nonUnit.size() - 2];
    int64_t rowTile = tileFor(ranges[u], 8);
    // Parallelise over the dimensions before the row dimension, or over row
    // blocks when there is none.
    if (nonUnit.size() == 2)
      s.forallSizes[u] = rowTile;
    else
      s.forSizes[u] = rowTile;
    for (unsigned i = 0; i + 2 < nonUnit.size(); ++i)
      s.forallSizes[nonUnit[i]] = 1;
  }
  // Tiling a dimension by its full size makes no loop: drop it.
  for (unsigned d = 0; d < rank; ++d)
    if (s.forSizes[d] == ranges[d])
      s.forSizes[d] = 0;
  if (llvm::all_of(s.forallSizes, [](int64_t x) { return x == 0; }))
    s.forallSizes.clear();
  return s;
}

/// A transpose that moves the input's innermost dimension away from the
/// innermost one (a weight gradient's [C,KH,KW,O] -> [O,KH,KW,C] result and
/// [N,H,W,C] -> [C,H,W,N] input, a parameter filter's OHWI -> blocked HWCF
/// copy). Tiled like an element-wise op, each output vector gathered its
/// lanes one float at a time from rows far apart (9 x 512 floats for a
/// 512-channel weight gradient). Here the register tile is 16 x 16 over the
/// output's innermost dimension and the one that reads the input's
/// innermost: 16 contiguous input rows of 16 floats, transposed in
/// registers, 16 contiguous output rows. Threads split the other dimensions
/// but the last of them (a loop), so each parallel task is a slab, not one
/// 16 x 16 tile. Null when the innermost dimensions already match (a copy
/// in order: the element-wise schedule).
std::optional<Schedule> scheduleTranspose(linalg::TransposeOp t,
                                          ArrayRef<int64_t> ranges) {
  ArrayRef<int64_t> perm = t.getPermutation();
  int64_t rank = perm.size();
  SmallVector<unsigned> nonUnit = nonUnitDims(ranges);
  if (rank < 2 || nonUnit.size() < 2)
    return std::nullopt;
  // v: the output's innermost non-unit dimension; u: the output dimension
  // that walks the input's innermost non-unit dimension.
  unsigned v = nonUnit.back();
  std::optional<unsigned> u;
  for (int64_t in = rank - 1; in >= 0 && !u; --in)
    for (int64_t d = 0; d < rank; ++d)
      if (perm[d] == in && ranges[d] > 1) {
        u = d;
        break;
      }
  if (!u || *u == v || ranges[v] % 16 || ranges[*u] % 16)
    return std::nullopt;
  Schedule s;
  s.forallSizes.assign(rank, 0);
  s.forSizes.assign(rank, 0);
  s.forSizes[v] = 16;
  s.forSizes[*u] = 16;
  SmallVector<unsigned> others;
  for (unsigned d : nonUnit)
    if (d != v && d != *u)
      others.push_back(d);
  // The transposed pair's outer dimension in blocks, with the other
  // dimensions but the last in parallel.
  s.forallSizes[*u] = tileFor(ranges[*u], 64, 16);
  if (s.forallSizes[*u] == s.forSizes[*u])
    s.forSizes[*u] = 0;
  for (unsigned i = 0; i + 1 < others.size(); ++i)
    s.forallSizes[others[i]] = 1;
  if (!others.empty())
    s.forSizes[others.back()] = 1;
  return s;
}

/// Half of this machine's L2 (2 MiB per core): the most a tile's reused
/// operand (a dense layer's input rows, a deep convolution's filter block)
/// may take so that it stays in L2 beside what streams through.
constexpr int64_t kHalfL2Bytes = 1 << 20;

/// A matmul (m, n, k) with at most 256 rows that all fit in half of L2
/// (kHalfL2Bytes), and at least two 16-wide column blocks: a dense layer applied to
/// a batch, where the weight matrix dominates the traffic. (A weight
/// gradient, thousands of rows by a batch-sized reduction, is not one.)
bool isFewRowMatmul(ArrayRef<int64_t> ranges) {
  return ranges[0] <= 256 && ranges[0] * ranges[2] * 4 <= kHalfL2Bytes &&
         ranges[1] >= 32;
}

/// A windowed convolution whose filter is large next to one image's output
/// (ResNet's and VGG's 256- and 512-channel layers at 4x4 to 16x16): tiled
/// like the others, each output row streams the whole filter (9.4 MB for a
/// 3x3 512->512) through the cache again, and the layer runs at L3 speed.
/// Measured (docs/benchmarks.md, "Deep convolutions"): at 28x28 and above
/// the row schedule is as fast, its filters staying in L2 anyway.
bool isDeepConv(ArrayRef<int64_t> ranges) {
  int64_t filter = ranges[3] * ranges[4] * ranges[5] * ranges[6];
  return ranges[4] * ranges[5] > 1 && ranges[6] >= 16 &&
         filter >= (1 << 17) && ranges[1] * ranges[2] <= 16 * 16;
}

/// A depthwise convolution (n, oh, ow, c, kh, kw) whose kernel is larger
/// than its output: the weight gradient of a depthwise convolution, batch
/// and channels folded into its channels (N*C of them) and the output grad
/// as its "filter" (lib/Training/Autodiff.cpp). Scheduled like a forward
/// depthwise convolution, the threads split its kh output rows (3 of them:
/// one thread got two and the other one, measured 2.6% and 2.1% of
/// MobileNetV2@128's training step for its first two) and each streamed
/// all the channels. Here the threads split the channels in blocks of a
/// vector (N*C/32 blocks), and inside a block the kernel rows are the
/// outermost loop, so each output-grad row is loaded once and serves the
/// kh x kw outputs of the block while they stay in cache.
bool isDepthwiseWeightGradient(linalg::LinalgOp op, ArrayRef<int64_t> ranges) {
  return isa<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation()) &&
         ranges[4] * ranges[5] > ranges[1] * ranges[2];
}

Schedule scheduleDepthwiseWeightGradient(ArrayRef<int64_t> ranges) {
  Schedule s;
  s.forallSizes = {0, 0, 0, vectorTile(ranges[3], 32)};
  s.forSizes = {1, 1, tileFor(ranges[2], 8), 0, 1, 0};
  s.forInterchange = {4, 0, 1, 2, 3, 5};
  s.decompose = true;
  return s;
}

/// The init (bias broadcast or zero fill, operand 2) of a convolution or
/// pooling (n, oh, ow, c/f, ...) scheduled with it: in the register tiles
/// when the for-loops tile columns or channels, otherwise over the forall
/// tile in pieces of 8 columns x at most 64 channels, so that a
/// 1280-channel bias row is not one 1280-lane vector.
void fuseWindowedInit(Schedule &s, ArrayRef<int64_t> ranges) {
  s.decompose = true;
  s.fuseInitOperand = 2;
  s.initInRegisters = s.forSizes[2] || s.forSizes[3];
  s.fusedTile = tileFor(ranges[2], 8);
  s.fusedChannelTile = vectorTile(ranges[3], 64);
  if (s.fusedChannelTile == ranges[3])
    s.fusedChannelTile = 0;
}

/// The input channels one step of a windowed convolution's reduction loop
/// covers. The vectorised 1-D convolution unrolls the chunk completely, and
/// its loads (the chunk's filter rows and input columns) all come first in
/// the LLVM IR: with 64-channel chunks (1,024 multiply-adds for a 4x64
/// register tile) LLVM's scheduler kept too many of them in flight and
/// spilled 116-147 vectors per chunk to the stack, whose reloads made the
/// speed depend on where the stack and the filter's pages landed (the same
/// executable at two paths: 63 vs 45 ms). With 16 there are no spills and
/// the accumulators, kept in registers across the reduction loops
/// (netrewrite-lower-vectors-cpu), cost nothing per chunk: 3x3 128->128 at
/// 28x28, batch 32, 1 thread, CPU time 43 -> 32 ms (docs/benchmarks.md,
/// "Reduction chunks of 16 channels").
constexpr int64_t kWindowedReductionChunk = 16;

/// The register tile of a convolution, output columns x output channels
/// (16 zmm accumulators either way). Windowed convolutions over at least 16
/// input channels (`manyColumns`) take up to 8 columns x 32 channels (8x32
/// at VGG's widths, 7x32 at ResNet's 56/28/14/7): each filter vector then
/// feeds 7-8 multiply-adds instead of 4, which halves the filter traffic
/// from L2 (a 4x64 tile over a 3x3 128->128 filter needs 32 bytes per cycle
/// at the FMA peak). Measured (batch 32, 1 thread, CPU time, 16-channel
/// chunks): 3x3 512->512 at 8x8 51.4 -> 38.7 ms, 64->64 at 64x64 44.6 ->
/// 40.3 ms, 64->64 at 56x56 33.3 -> 31.6 ms. (Session 4 found 8x32 no
/// better, with 64-channel chunks that spilled.) Otherwise, and when the
/// width has no divisor from 6 to 8: 4 x 64, or up to 8 x 32 when the width
/// has no divisor near 4 either.
std::pair<int64_t, int64_t> convRegisterTile(int64_t width, bool manyColumns) {
  if (manyColumns) {
    int64_t ow = tileFor(width, 8);
    if (ow >= 6)
      return {ow, 32};
  }
  int64_t ow = tileFor(width, 4);
  if (ow >= 3)
    return {ow, 64};
  return {tileFor(width, 8), 32};
}

/// The register tile of a 1x1 convolution (n, oh, ow, f, 1, 1, c) whose
/// input channels are one reduction chunk (c <= 32: MobileNetV2's
/// expansions 16->96, 24->144, 32->192), and the order of its loops. With
/// the loop over channel tiles inside the one over columns (the default),
/// the input tile (ow x c values) is the same for every channel tile, and
/// LLVM hoisted its ow * c broadcasts out of that loop: 64-96 zmm values
/// that spilled to the stack once per column tile and were reloaded per
/// channel tile (the 16->96 expansion at 112x112 ran at 27% of the FMA
/// peak, its samples on the spill stores). So:
///  * up to 6 vectors of output channels: all of them in one tile (4x96),
///    no loop over channels, each broadcast feeding f/16 multiply-adds;
///  * more (144, 192): tiles of up to 3 vectors, columns inside channels
///    (`channelsOuter`). What is invariant in the column loop is then the
///    tile's filter chunk (c x 48), hoisted once per channel tile and read
///    from L1 by every column tile. (2x144 and 2x192 whole-channel tiles
///    were slower: their 216-384-vector filter chunks, hoisted out of the
///    column loop, spilled beyond L1.)
/// At most 24 accumulators. LLVM 22 splits 48- and 96-lane vectors into
/// 16-lane registers evenly.
struct PointwiseTile {
  int64_t ow, f;
  bool channelsOuter;
};
std::optional<PointwiseTile> pointwiseRegisterTile(ArrayRef<int64_t> ranges) {
  constexpr int64_t kMaxAccumulators = 24;
  int64_t f = ranges[3], c = ranges[6];
  if (ranges[4] != 1 || ranges[5] != 1 || c > 32 || f % 16 != 0 ||
      vectorTile(f, 64) == f)
    return std::nullopt;
  if (f / 16 <= kMaxAccumulators / 4) {
    int64_t ow = tileFor(ranges[2], kMaxAccumulators / (f / 16));
    if (ow >= 4)
      return PointwiseTile{ow, f, false};
  }
  int64_t tile = f % 48 == 0 ? 48 : vectorTile(f, 32);
  int64_t ow = tileFor(ranges[2], kMaxAccumulators / (tile / 16));
  if (ow < 4)
    return std::nullopt;
  return PointwiseTile{ow, tile, true};
}

/// The deep convolution's schedule: threads split the output channels in
/// blocks the width of the register tile, and `netrewrite-pack-filter-tiles`
/// makes each block's filter (at most 1 MiB) contiguous, so it stays in its
/// core's L2 for the whole batch. (In HWCF a block of a 512-channel filter
/// is 128-256-byte pieces at a 2 KiB stride, which map to a sixteenth of
/// L2's sets and do not stay.) Within a block the reduction is innermost,
/// as in the row schedule: the accumulators stay in registers from the
/// fused init to the epilogue, and the packed filter streams from L2 in
/// order. (Session 3 put the reduction chunks outside the pixel loops so a
/// chunk stayed in L1; with 16-channel chunks LLVM then hoisted the
/// chunk's 32 filter vectors out of the pixel loops and spilled them, and
/// 512->512 at 7x7 ran at 35 ms against 29 ms with the reduction inside.)
Schedule scheduleDeepConv(ArrayRef<int64_t> ranges) {
  Schedule s;
  auto [ow, f] = convRegisterTile(ranges[2], /*manyColumns=*/true);
  // A block's filter must fit in half of L2 to be reused across the batch:
  // 4x64 tiles at 4x4 (VGG16@64's block 5) made 1.2 MB blocks of the
  // 512->512 filter; 4x32 (8 accumulators) ran 12.6 -> 11.1 ms (batch 32,
  // 1 thread, CPU time).
  if (f > 32 && ranges[4] * ranges[5] * ranges[6] * f * 4 > kHalfL2Bytes)
    f = 32;
  // Two images per register tile when one image's row leaves it at 8
  // accumulators (4x32 at 4x4): the 1-D convolution the tile decomposes to
  // keeps its batch dimension, so 2x4x32 is 16 accumulators and each filter
  // vector feeds 8 multiply-adds instead of 4.
  int64_t images = ow * (f / 16) <= 8 && ranges[0] % 2 == 0 ? 2 : 1;
  s.forallSizes = {0, 0, 0, tileFor(ranges[3], f, 16)};
  s.forSizes = {images, 1, ow, 0, 1, 1,
                tileFor(ranges[6], kWindowedReductionChunk)};
  fuseWindowedInit(s, ranges);
  return s;
}

/// A 1x1 convolution whose filter is large next to one image's output, and
/// (unlike the windowed deep convolutions) next to L2 (1 MiB per core):
/// MobileNetV2's 320->1280 at 7x7 (1.6 MB). The row schedule streamed the
/// whole filter from L3 for every output row (224 times per batch of 32)
/// and ran at 45% of the FMA peak; the deep schedule (channel blocks, each
/// block's filter packed and kept in L2) applies as is.
bool isDeepPointwiseConv(ArrayRef<int64_t> ranges) {
  int64_t filter = ranges[3] * ranges[6];
  return ranges[4] == 1 && ranges[5] == 1 && filter * 8 > kHalfL2Bytes &&
         ranges[1] * ranges[2] <= 16 * 16;
}

/// The weight gradient of a convolution as a conv_2d_nhwc_hwcf (n, oh, ow,
/// f, kh, kw, c) = (C, KH, KW, O, H, W, N): the input is the layer's padded
/// input as [C][Hp][Wp][N], the "filter" the output gradient as [H][W][N][O]
/// (packed per block of O by netrewrite-pack-filter-values), the output
/// [C][KH][KW][O]. For one kernel row kh and output row oh this is a matrix
/// product: rows (n, ow), columns f, reduction (kw, c), whose row (n, ow)
/// reads input row n contiguously from column ow on, and whose right-hand
/// side is the filter's row kh (kw x N x 32 floats: 256 KB for VGG16's 64x64
/// layers, in L2). So the threads split the output channels in blocks of
/// 32, kh is the outermost loop (its filter row is reused from L2 for every
/// n and oh), and the register tile is 2 input channels x the whole output
/// width (KW, 3) x 32 output channels, 12 accumulators that stay in
/// registers across the kw and 16-channel reduction loops
/// (netrewrite-lower-vectors-cpu). Until session 6 the register tile was
/// 1 x 3 x 32 (6 accumulators: fewer than the FMA pipeline needs in
/// flight) with kh and kw outermost, so the accumulators went to memory and
/// back for every filter position: VGG16@64's 64->64 layer at 64x64 ran at
/// 40% of the other layers' speed. Measured (one weight-gradient convolution
/// as a model, batch of 32 images, 1 thread, user CPU time of 10 calls,
/// 3 alternating runs): 64->64 at 64x64 1.45 -> 0.59 s, 256->256 at 16x16
/// 0.69 -> 0.56 s, 512->512 at 8x8 0.70 -> 0.63 s, at 4x4 0.24 -> 0.23 s;
/// 1, 3 or 4 input channels per tile and threads over input-channel blocks
/// were slower, 32-channel chunks the same (docs/codegen.md, "Weight
/// gradients").
Schedule scheduleWeightGradient(ArrayRef<int64_t> ranges) {
  Schedule s;
  s.forallSizes = {0, 0, 0, tileFor(ranges[3], 32, 16)};
  s.forSizes = {tileFor(ranges[0], 2), 1, 0, 0, 1, 1,
                tileFor(ranges[6], kWindowedReductionChunk)};
  s.forInterchange = {4, 0, 1, 2, 3, 5, 6};
  s.decompose = true;
  return s;
}

/// Pads the schedule of a windowed op (n, oh, ow, c/f, kh, kw[, c]) from its
/// static loop ranges.
std::optional<Schedule> scheduleFor(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return std::nullopt;
  Schedule s;
  Operation *o = op.getOperation();
  if (isa<linalg::Conv2DNhwcHwcfOp>(o) &&
      ranges[4] * ranges[5] > ranges[1] * ranges[2]) {
    // A kernel larger than the output: the weight gradient of a convolution
    // (its "filter" is the whole output-gradient map, its output kh x kw).
    // Tiled like a forward convolution, every (n, oh) tile streams the whole
    // filter again (VGG16@64: 33 MB, 192 times per op): see
    // scheduleWeightGradient.
    return scheduleWeightGradient(ranges);
  }
  if (isa<linalg::Conv2DNhwcHwcfOp>(o) &&
      (isDeepConv(ranges) || isDeepPointwiseConv(ranges)))
    return scheduleDeepConv(ranges);
  if (isa<linalg::Conv2DNhwcHwcfOp>(o)) {
    // (n, oh, ow, f, kh, kw, c)
    s.forallSizes = {1, 1};
    // Register tile: convRegisterTile. Kernel rows and columns are tiled
    // to 1: unrolling the kernel width into the vectorised 1-D convolution
    // re-reads and re-slices the input vectors and measured 35% slower. The
    // reduction over input channels goes in chunks of
    // kWindowedReductionChunk for windowed kernels and 32 for 1x1 ones
    // (measured best on this machine: docs/codegen.md).
    bool window = ranges[4] * ranges[5] > 1;
    auto [ow, f] = convRegisterTile(ranges[2], window && ranges[6] >= 16);
    // The kernel width is tiled to 1 also for an RGB stem (3 input
    // channels): the accumulators stay in registers across the kernel
    // loops (netrewrite-lower-vectors-cpu), so a kernel column of only 3
    // multiply-adds costs no loads or stores, while keeping the 7 columns
    // of ResNet18's 7x7/2 stem inside the (strided, one output column at a
    // time) 1-D convolution spilled 48-66 vectors: batch 32, 1 thread, CPU
    // 52.7 -> 32.3 ms (session 5; before accumulators in registers the
    // untiled width had been the faster one).
    int64_t fTile = vectorTile(ranges[3], f);
    std::optional<PointwiseTile> pointwise = pointwiseRegisterTile(ranges);
    if (pointwise) {
      ow = pointwise->ow;
      fTile = pointwise->f;
      s.channelsOuter = pointwise->channelsOuter;
    }
    s.forSizes = {0, 0, ow, fTile, 1, 1,
                  tileFor(ranges[6], window ? kWindowedReductionChunk : 32)};
    fuseWindowedInit(s, ranges);
    return s;
  }
  if (isDepthwiseWeightGradient(op, ranges))
    return scheduleDepthwiseWeightGradient(ranges);
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp, linalg::PoolingNhwcMaxOp,
          linalg::PoolingNhwcSumOp, linalg::PoolingNhwcMinOp>(o)) {
    // (n, oh, ow, c, kh, kw)
    s.forallSizes = {1, 1};
    // 8 columns x at most 32 channels: 16 zmm accumulators, and the input
    // window (8 + kw - 1 columns, twice that at stride 2) fits in the rest.
    // 48 or 64 channels spilled (MobileNetV2's 144-channel depthwise conv
    // at 56x56, batch 32: 40.5 ms with 48, 15.0 ms with 16; 96 channels at
    // stride 2: 44.7 ms with 48, 19.3 ms with 32; single thread).
    s.forSizes = {0, 0, tileFor(ranges[2], 8), vectorTile(ranges[3], 32), 1,
                  0};
    fuseWindowedInit(s, ranges);
    return s;
  }
  if (isa<linalg::BatchMatmulOp>(o)) {
    // (b, m, n, k)
    s.forallSizes = {1, tileFor(ranges[1], 8)};
    s.forSizes = {0, 0, tileFor(ranges[2], 32, 16), tileFor(ranges[3], 32)};
    return s;
  }
  if (isa<linalg::MatmulOp>(o) && isFewRowMatmul(ranges)) {
    // (m, n, k) with few rows: a dense layer on a batch. Parallel over
    // blocks of output columns, each reading its k x nb weight panel once
    // (packed contiguously by netrewrite-pack-filter-tiles when it is a
    // constant) and reusing it from L2 for every 8-row tile, while the
    // whole input stays in L2 across blocks. Row blocks as the parallel
    // dimension instead read the entire weight matrix once per row block
    // (VGG16's 4096x4096 layer: 4 x 64 MB per batch of 32, at a 16 KB
    // stride that maps a panel's rows onto the same cache sets).
    s.forallSizes = {0, tileFor(ranges[1], 32, 16)};
    s.forSizes = {tileFor(ranges[0], 8), 0, tileFor(ranges[2], 32)};
    return s;
  }
  if (isa<linalg::MatmulOp>(o)) {
    // (m, n, k)
    s.forallSizes = {tileFor(ranges[0], 8)};
    s.forSizes = {0, tileFor(ranges[1], 32, 16), tileFor(ranges[2], 32)};
    return s;
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(o);
      generic && isVectorizableReduction(generic))
    return scheduleReduction(generic, ranges);
  // Contractions in generic form (a dense layer after unit-dimension
  // folding is a matrix-vector product): vectors along the innermost
  // parallel dimension, row blocks of 8 on the one before, reductions in
  // steps of 32; parallel over the outer dimensions or, when there are
  // none, over blocks of the innermost one.
  if (isa<linalg::GenericOp>(o) && linalg::isaContractionOpInterface(op)) {
    SmallVector<unsigned> par, red;
    for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray()))
      (it == utils::IteratorType::parallel ? par : red).push_back(d);
    unsigned rank = ranges.size();
    s.forallSizes.assign(rank, 0);
    s.forSizes.assign(rank, 0);
    if (par.empty() || red.empty())
      return std::nullopt;
    unsigned n = par.back();
    for (unsigned d : red)
      s.forSizes[d] = d == red.back() ? tileFor(ranges[d], 32) : 1;
    if (par.size() == 1) {
      s.forallSizes[n] = tileFor(ranges[n], 32, 16);
    } else {
      unsigned m = par[par.size() - 2];
      s.forSizes[n] = tileFor(ranges[n], 32, 16);
      s.forallSizes[m] = tileFor(ranges[m], 8);
      for (unsigned i = 0; i + 2 < par.size(); ++i)
        s.forallSizes[par[i]] = 1;
    }
    return s;
  }
  if (auto t = dyn_cast<linalg::TransposeOp>(o))
    if (std::optional<Schedule> ts = scheduleTranspose(t, ranges))
      return ts;
  // Everything all-parallel: elementwise chains, fills, transposes.
  if (op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops() || op.hasIndexSemantics())
    return std::nullopt;
  // Only ops the vectoriser knows: generic, fill, transpose, copy, broadcast.
  if (!isa<linalg::GenericOp, linalg::FillOp, linalg::TransposeOp,
           linalg::CopyOp, linalg::BroadcastOp>(o))
    return std::nullopt;
  return scheduleElementwise(ranges);
}

/// The element-wise consumer to fuse into `op`'s forall: the only user of
/// its single result, all-parallel over the same iteration space as the
/// result, reading it element by element, and not reading its own init (so
/// that it can update the result in place). `op` must write its result on
/// its leading loop dimensions in order (convolutions, poolings, matmuls),
/// which the forall tiles.
linalg::GenericOp fusableEpilogue(linalg::LinalgOp op, const Schedule &s) {
  if (s.forallSizes.empty() || op->getNumResults() != 1 || !op->hasOneUse() ||
      op.getNumDpsInits() != 1)
    return {};
  auto g = dyn_cast<linalg::GenericOp>(*op->user_begin());
  Value result = op->getResult(0);
  if (!g || g->getBlock() != op->getBlock() || !g.hasPureTensorSemantics() ||
      g.hasIndexSemantics() || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      g->getResult(0).getType() != result.getType() ||
      g.payloadUsesValueFromOperand(g.getDpsInitOperand(0)))
    return {};
  unsigned rank = g.getNumLoops();
  AffineMap written = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (written.getNumResults() != rank || s.forallSizes.size() > rank)
    return {};
  for (auto [d, e] : llvm::enumerate(written.getResults()))
    if (e != getAffineDimExpr(d, op.getContext()))
      return {};
  if (!g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return {};
  for (OpOperand *in : g.getDpsInputOperands())
    if (in->get() == result && !g.getMatchingIndexingMap(in).isIdentity())
      return {};
  return g;
}

/// Rewrites `g` to read `result` from its init instead of an input: `g`
/// then updates `result`'s buffer in place, and the producer, fused into
/// the same loop, computes straight into the final output tile.
void updateInPlace(linalg::GenericOp g, Value result) {
  Block &body = g.getRegion().front();
  BlockArgument out = body.getArguments().back();
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  SmallVector<OpOperand *> inputs = g.getDpsInputOperands();
  for (OpOperand *in : llvm::reverse(inputs)) {
    if (in->get() != result)
      continue;
    unsigned i = in->getOperandNumber();
    body.getArgument(i).replaceAllUsesWith(out);
    body.eraseArgument(i);
    maps.erase(maps.begin() + i);
    g.getInputsMutable().erase(i);
  }
  g.getOutputsMutable().assign(result);
  g.setIndexingMapsAttr(Builder(g).getAffineMapArrayAttr(maps));
}

/// The epilogue's for-loop sizes on the tile the forall gives it.
SmallVector<int64_t> epilogueTiles(linalg::GenericOp g,
                                   ArrayRef<int64_t> forall) {
  SmallVector<int64_t> tile = g.getStaticLoopRanges();
  for (auto [d, t] : llvm::enumerate(forall))
    if (t != 0)
      tile[d] = t;
  SmallVector<int64_t> sizes(tile.size(), 0);
  std::optional<Schedule> e = scheduleElementwise(tile);
  if (!e)
    return sizes;
  for (unsigned d = 0; d < tile.size(); ++d) {
    int64_t t = e->forSizes[d];
    if (t == 0 && !e->forallSizes.empty())
      t = e->forallSizes[d];
    sizes[d] = t == tile[d] ? 0 : t;
  }
  return sizes;
}

struct ScheduleCPUPass
    : public netrewrite::impl::ScheduleCPUBase<ScheduleCPUPass> {
  using ScheduleCPUBase::ScheduleCPUBase;

  /// Ops not yet inside a tiled region; `anchors` selects convolutions,
  /// poolings and matmuls (scheduled first, so that they can pull their
  /// init producers into their loops) or everything else.
  static bool isAnchor(linalg::LinalgOp op) {
    return isa<linalg::ConvolutionOpInterface>(op.getOperation()) ||
           linalg::isaContractionOpInterface(op);
  }

  SmallVector<linalg::LinalgOp> collect(func::FuncOp func, bool anchors) {
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->getParentOfType<scf::ForallOp>() &&
          !op->getParentOfType<scf::ForOp>() && op.hasPureTensorSemantics() &&
          isAnchor(op) == anchors)
        ops.push_back(op);
    });
    return ops;
  }

  /// A fill or a broadcast of lower-rank values (`linalg.fill`, or a
  /// generic whose inputs all have fewer dimensions than its loops): cheap
  /// to recompute for every user.
  static bool isBroadcast(linalg::LinalgOp op) {
    if (op.getNumParallelLoops() != op.getNumLoops() ||
        op.hasIndexSemantics() || op.getNumDpsInits() != 1)
      return false;
    return llvm::all_of(op.getDpsInputOperands(), [&](OpOperand *in) {
      return op.getMatchingIndexingMap(in).getNumResults() < op.getNumLoops();
    });
  }

  /// Whether the init producer can be fused: an all-parallel linalg op
  /// (fill or bias broadcast) used only as this init, after giving this op
  /// its own copy of a shared broadcast.
  static bool prepareInitFusion(linalg::LinalgOp op, unsigned operand) {
    if (operand >= op->getNumOperands())
      return false;
    auto producer = op->getOperand(operand).getDefiningOp<linalg::LinalgOp>();
    // CSE merges the identical zero fills (and bias broadcasts) of equally
    // shaped convolutions; shared, the fill runs once and bufferization
    // copies its whole result for each of them. Each gets its own copy.
    if (producer && !producer->hasOneUse() && isBroadcast(producer)) {
      OpBuilder b(op);
      producer = cast<linalg::LinalgOp>(b.clone(*producer));
      op->setOperand(operand, producer->getResult(0));
    }
    return producer && producer->hasOneUse() &&
           producer.hasPureTensorSemantics() &&
           producer.getNumParallelLoops() == producer.getNumLoops() &&
           producer.getNumLoops() == 4;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    for (bool anchors : {true, false}) {
      // The pipeline runs the halves separately, with
      // netrewrite-pack-filter-values in between (see its description).
      if (!(anchors ? scheduleAnchors : scheduleOthers))
        continue;
      for (linalg::LinalgOp op : collect(func, anchors))
        if (failed(scheduleOne(func, op)))
          return signalPassFailure();
    }
  }

  LogicalResult scheduleOne(func::FuncOp func, linalg::LinalgOp op) {
    MLIRContext *ctx = &getContext();
    std::optional<Schedule> schedule = scheduleFor(op);
    if (!schedule)
      return success();
    linalg::GenericOp epilogue = fuseEpilogues && isAnchor(op)
                                     ? fusableEpilogue(op, *schedule)
                                     : linalg::GenericOp();
    if (epilogue) {
      schedule->epilogueForSizes =
          epilogueTiles(epilogue, schedule->forallSizes);
      schedule->serial = isSmall(op);
      updateInPlace(epilogue, op->getResult(0));
      epilogue->setAttr(kEpilogueAttr, UnitAttr::get(ctx));
    } else {
      serializeIfSmall(op, *schedule);
    }
    if (schedule->fuseInitOperand &&
        !prepareInitFusion(op, *schedule->fuseInitOperand))
      schedule->fuseInitOperand.reset();
    if (!schedule->fuseInitOperand || schedule->forallSizes.empty() ||
        !initInRegisters)
      schedule->initInRegisters = false;
    std::string script = scriptFor(*schedule);
    OwningOpRef<ModuleOp> transformModule =
        netrewrite::codegen::parseSchedule(func, op, script, printSchedules);
    if (!transformModule)
      return failure();
    op->setAttr(kTargetAttr, UnitAttr::get(ctx));
    if (schedule->fuseInitOperand)
      op->getOperand(*schedule->fuseInitOperand)
          .getDefiningOp()
          ->setAttr(kFusedInitAttr, UnitAttr::get(ctx));
    // A schedule that does not apply (an op the vectoriser rejects) is not
    // an error: the op stays as (possibly tiled) scalar loops. Its
    // diagnostics are kept out of the user's way unless schedules are being
    // printed.
    llvm::SmallPtrSet<Operation *, 16> foralls;
    for (auto forall : func.getBody().getOps<scf::ForallOp>())
      foralls.insert(forall);
    LogicalResult applied = failure();
    {
      ScopedDiagnosticHandler quiet(ctx, [&](Diagnostic &diag) {
        if (printSchedules)
          llvm::errs() << "// schedule not applied: " << diag << "\n";
        return success();
      });
      SmallVector<Operation *, 2> args{op.getOperation()};
      if (epilogue)
        args.push_back(epilogue);
      applied =
          netrewrite::codegen::applySchedule(func, args, *transformModule);
    }
    // The fused init producer now runs per tile inside the forall; the
    // original still feeds the forall's shared output, which every tile
    // overwrites (with the fused copy) before reading. Give the forall the
    // producer's own empty init instead, so the output is not computed
    // twice. Only after a complete application: a forall whose fusion
    // failed reads its shared output.
    // Leftovers outside the loops: an op fused into its epilogue's forall
    // through the forall's shared output is left behind without uses; so
    // may be its init producer (handled below).
    SmallVector<linalg::LinalgOp> dead, fusedInits;
    walkOutsideLoops(func, [&](linalg::LinalgOp p) {
      if (p->hasAttr(kTargetAttr) && p->use_empty() &&
          p.hasPureTensorSemantics())
        dead.push_back(p);
      else if (p->hasAttr(kFusedInitAttr))
        fusedInits.push_back(p);
    });
    for (linalg::LinalgOp p : dead)
      p->erase();
    for (linalg::LinalgOp p : fusedInits) {
      if (failed(applied))
        break;
      Value init = p.getDpsInitOperand(0)->get();
      // Fusion through the forall's block argument may already have
      // replaced the shared output; the original is then dead.
      if (p->use_empty()) {
        p->erase();
        continue;
      }
      if (p->hasOneUse() && isa<scf::ForallOp>(*p->user_begin()) &&
          init.getDefiningOp<tensor::EmptyOp>()) {
        p->getResult(0).replaceAllUsesWith(init);
        p->erase();
      }
    }
    if (schedule->serial)
      for (auto forall : func.getBody().getOps<scf::ForallOp>())
        if (!foralls.contains(forall))
          markSerial(forall);
    removeScheduleAttrs(func, foralls);
    return success();
  }
};

} // namespace
