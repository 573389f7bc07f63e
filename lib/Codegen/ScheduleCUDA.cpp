//===- ScheduleCUDA.cpp - Shared-memory tiled GPU kernels -----------------===//
//
// A convolution or matmul becomes one gpu.launch: each block computes an
// output tile, walking the reduction in chunks staged in shared memory by
// all of its threads; each thread accumulates a small output tile in
// registers. The schedule is a transform-dialect script generated from the
// op's static shape, as for the CPU (netrewrite-schedule-cpu), so it prints
// and replays with `mlir-opt --transform-interpreter`.
//
// Why these sizes: a block of 64-256 threads and an output tile of 8x8
// pixels x 64 channels (64x64 for a matmul) reuse each staged input value
// 64 times and each filter value 64 times from shared memory; a thread's
// 2x2x8 (4x8) outputs are 32 registers, and each reduction step loads 4 + 8
// (4 + 8) values from shared memory for 32 multiply-adds. The staged tiles
// stay under 40 KiB, below the 48 KiB of static shared memory a block may
// have on every chip from sm_75 on.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "llvm/Support/raw_ostream.h"

namespace netrewrite {
#define GEN_PASS_DEF_SCHEDULECUDA
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::tileFor;

namespace {

constexpr llvm::StringLiteral kAccumulateAttr =
    "netrewrite.register_accumulators";
/// Staged tiles per block, in bytes (see the file comment).
constexpr int64_t kMaxStagedBytes = 40 * 1024;
/// The most output elements a thread keeps in registers.
constexpr int64_t kMaxThreadOutputs = 32;
/// The most threads of a block (CUDA's limit is 1024).
constexpr int64_t kMaxThreads = 512;

/// How one op is tiled. Loop dimensions are the op's: parallel ones first,
/// then reductions (true of the ops scheduled here).
struct GPUTiling {
  /// Block tile of each parallel dimension.
  SmallVector<int64_t> block;
  /// Reduction chunk of each reduction dimension.
  SmallVector<int64_t> chunk;
  /// Threads along each parallel dimension of the block tile.
  SmallVector<int64_t> threads;
  /// Shapes of the staged tiles of operands 0 and 1 (one chunk).
  SmallVector<SmallVector<int64_t>, 2> staged;

  /// Loop ranges of the parallel dimensions (for the grid size).
  SmallVector<int64_t> ranges;

  int64_t blockCount() const {
    int64_t n = 1;
    for (auto [r, b] : llvm::zip(ranges, block))
      n *= r / b;
    return n;
  }
  int64_t threadCount() const {
    int64_t n = 1;
    for (int64_t t : threads)
      n *= t;
    return n;
  }
  int64_t stagedBytes() const {
    int64_t bytes = 0;
    for (ArrayRef<int64_t> shape : staged) {
      int64_t n = 4;
      for (int64_t s : shape)
        n *= s;
      bytes += n;
    }
    return bytes;
  }
};

std::optional<GPUTiling> convTiling(linalg::Conv2DNhwcFhwcOp conv,
                                    int64_t maxChannels) {
  SmallVector<int64_t> r = cast<linalg::LinalgOp>(*conv).getStaticLoopRanges();
  // (n, oh, ow, f, kh, kw, c)
  auto strides = llvm::to_vector(conv.getStrides().getValues<int64_t>());
  auto dilations = llvm::to_vector(conv.getDilations().getValues<int64_t>());
  int64_t bh = tileFor(r[1], 8), bw = tileFor(r[2], 8),
          bf = tileFor(r[3], maxChannels);
  int64_t th = bh % 2 ? 1 : 2, tw = bw % 2 ? 1 : 2, tf = tileFor(bf, 8);
  GPUTiling t;
  t.block = {1, bh, bw, bf};
  t.threads = {1, bh / th, bw / tw, bf / tf};
  int64_t inH = (bh - 1) * strides[0] + (r[4] - 1) * dilations[0] + 1;
  int64_t inW = (bw - 1) * strides[1] + (r[5] - 1) * dilations[1] + 1;
  for (int64_t cc = tileFor(r[6], 8);; cc = tileFor(r[6], cc - 1)) {
    t.chunk = {r[4], r[5], cc};
    t.staged = {{1, inH, inW, cc}, {bf, r[4], r[5], cc}};
    if (t.stagedBytes() <= kMaxStagedBytes || cc == 1)
      break;
  }
  if (t.stagedBytes() > kMaxStagedBytes)
    return std::nullopt;
  return t;
}

/// linalg.matmul (m, n, k) and linalg.batch_matmul (b, m, n, k).
std::optional<GPUTiling> matmulTiling(linalg::LinalgOp op, int64_t maxRows,
                                      int64_t maxColumns) {
  SmallVector<int64_t> r = op.getStaticLoopRanges();
  bool batched = r.size() == 4;
  int64_t m = r[batched], n = r[batched + 1], k = r[batched + 2];
  int64_t bm = tileFor(m, maxRows), bn = tileFor(n, maxColumns),
          kc = tileFor(k, 16);
  int64_t tm = tileFor(bm, 4), tn = tileFor(bn, 8);
  GPUTiling t;
  t.block = {bm, bn};
  t.threads = {bm / tm, bn / tn};
  t.chunk = {kc};
  t.staged = {{bm, kc}, {kc, bn}};
  if (batched) {
    t.block.insert(t.block.begin(), 1);
    t.threads.insert(t.threads.begin(), 1);
    for (SmallVector<int64_t> &s : t.staged)
      s.insert(s.begin(), 1);
  }
  return t;
}

std::optional<GPUTiling> tilingFor(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic) ||
      llvm::any_of(op->getOperandTypes(), [](Type t) {
        auto m = dyn_cast<MemRefType>(t);
        return !m || !m.getElementType().isF32();
      }))
    return std::nullopt;
  auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(*op);
  // Plain (not transposed) operand layouts only.
  auto mm = dyn_cast<linalg::MatmulOp>(*op);
  auto bmm = dyn_cast<linalg::BatchMatmulOp>(*op);
  bool matmul = (mm && !mm.hasUserDefinedMaps()) ||
                (bmm && !bmm.hasUserDefinedMaps());
  if (!conv && !matmul)
    return std::nullopt;
  // Sizes with no small divisor (a prime number of channels) give threads
  // one output wide, hence too many threads for the block: then the
  // largest block tile (in outputs) within kMaxThreads.
  std::optional<GPUTiling> t;
  int64_t best = 0;
  for (int64_t rows = 64; rows >= 1; rows /= 2)
    for (int64_t columns = 64; columns >= 1; columns /= 2) {
      if (conv && rows != 64)
        break;
      std::optional<GPUTiling> c =
          conv ? convTiling(conv, columns) : matmulTiling(op, rows, columns);
      if (!c || c->threadCount() > kMaxThreads)
        continue;
      int64_t outputs = 1;
      for (int64_t b : c->block)
        outputs *= b;
      if (outputs > best) {
        best = outputs;
        t = c;
      }
    }
  if (t) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    t->ranges.assign(ranges.begin(), ranges.begin() + t->block.size());
  }
  return t;
}

std::string listText(ArrayRef<int64_t> v) {
  std::string s = "[";
  for (auto [i, x] : llvm::enumerate(v))
    s += (i ? ", " : "") + std::to_string(x);
  return s + "]";
}

/// `#gpu.<kind><linear_dim_k>` for the `count` tiled dimensions, the last
/// one the fastest-varying (consecutive threads read consecutive addresses
/// along the innermost dimension).
std::string mappingText(StringRef kind, unsigned count) {
  std::string s = "(mapping = [";
  for (unsigned i = 0; i < count; ++i)
    s += (i ? ", " : "") + ("#gpu." + kind + "<linear_dim_" +
                            std::to_string(count - 1 - i) + ">")
                               .str();
  return s + "])";
}

/// Threads along each dimension of a staged tile for a copy by `threads`
/// threads: innermost dimensions first, each a divisor of the tile's size.
SmallVector<int64_t> copyThreads(ArrayRef<int64_t> shape, int64_t threads) {
  SmallVector<int64_t> counts(shape.size(), 0);
  int64_t left = threads;
  for (int64_t d = shape.size() - 1; d >= 0 && left > 1; --d) {
    int64_t n = tileFor(shape[d], left);
    if (n > 1)
      counts[d] = n;
    left /= n;
  }
  return counts;
}

/// `num_threads [...]` and its mapping, threads counted 0 where a
/// dimension is not split.
std::string threadTiling(ArrayRef<int64_t> counts) {
  SmallVector<int64_t> sizes;
  unsigned split = 0;
  for (int64_t c : counts) {
    sizes.push_back(c > 1 ? c : 0);
    split += c > 1;
  }
  // One thread for all of it (a 1x1 output, a one-element tile): still a
  // forall, mapped to thread 0, so that the others wait at its barrier.
  if (split == 0) {
    sizes.front() = 1;
    split = 1;
  }
  return "num_threads " + listText(sizes) + " " + mappingText("thread", split);
}

std::string scriptFor(const GPUTiling &t, bool mapToGPU) {
  SmallVector<int64_t> chunk(t.block.size(), 0);
  chunk.append(t.chunk.begin(), t.chunk.end());
  std::string memorySpace =
      mapToGPU ? ", memory_space = #gpu.address_space<workgroup>" : "";
  std::string s =
      "module attributes {transform.with_named_sequence} {\n"
      "  transform.named_sequence @__transform_main("
      "%root: !transform.any_op {transform.readonly}, "
      "%op: !transform.any_op {transform.consumed}) {\n"
      "    %blk, %grid = transform.structured.tile_using_forall %op "
      "tile_sizes " +
      listText(t.block) + " " + mappingText("block", t.block.size()) +
      " : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n"
      "    %chunk, %loops:" +
      std::to_string(t.chunk.size()) +
      " = transform.structured.tile_using_for %blk tile_sizes " +
      listText(chunk) + " : (!transform.any_op) -> (!transform.any_op";
  for (size_t i = 0; i < t.chunk.size(); ++i)
    s += ", !transform.any_op";
  s += ")\n"
       "    %staged = transform.structured.promote %chunk "
       "{operands_to_promote = [0, 1]" +
       memorySpace +
       "} : (!transform.any_op) -> !transform.any_op\n"
       "    %copies = transform.structured.match ops{[\"linalg.copy\"]} in "
       "%grid : (!transform.any_op) -> !transform.any_op\n"
       "    %copy0, %copy1 = transform.split_handle %copies : "
       "(!transform.any_op) -> (!transform.any_op, !transform.any_op)\n";
  for (int i = 0; i < 2; ++i) {
    std::string n = std::to_string(i);
    s += "    %ct" + n + ", %cf" + n +
         " = transform.structured.tile_using_forall %copy" + n + " " +
         threadTiling(copyThreads(t.staged[i], t.threadCount())) +
         " : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n"
         "    %cl" +
         n + " = transform.structured.convert_to_loops %ct" + n +
         " : (!transform.any_op) -> !transform.any_op\n";
  }
  s += "    %acc, %per = transform.structured.tile_using_forall %staged " +
       threadTiling(t.threads) +
       " : (!transform.any_op) -> (!transform.any_op, !transform.any_op)\n"
       "    transform.annotate %acc \"" +
       kAccumulateAttr.str() + "\" : !transform.any_op\n";
  if (mapToGPU)
    // The grid is given: MLIR 22 derives it wrongly from a forall with
    // linear block mappings (a 2x2x2x1 forall got a 1x2x2 grid).
    s += "    %launch = transform.gpu.map_forall_to_blocks %grid "
         "generate_gpu_launch grid_dims = [" +
         std::to_string(t.blockCount()) +
         ", 1, 1] : (!transform.any_op) -> !transform.any_op\n"
         "    %mapped = transform.gpu.map_nested_forall_to_threads %launch "
         "block_dims = [" +
         std::to_string(t.threadCount()) +
         ", 1, 1] : (!transform.any_op) -> !transform.any_op\n";
  s += "    transform.yield\n  }\n}\n";
  return s;
}

struct ScheduleCUDAPass
    : public netrewrite::impl::ScheduleCUDABase<ScheduleCUDAPass> {
  using ScheduleCUDABase::ScheduleCUDABase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->getParentOfType<gpu::LaunchOp>())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      if (failed(scheduleOne(func, op)))
        return signalPassFailure();
    // The per-thread tiles, inside the loops the scripts made.
    SmallVector<linalg::LinalgOp> tiles;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kAccumulateAttr))
        tiles.push_back(op);
    });
    for (linalg::LinalgOp op : tiles) {
      op->removeAttr(kAccumulateAttr);
      (void)netrewrite::codegen::accumulateInRegisters(op, kMaxThreadOutputs);
    }
  }

  LogicalResult scheduleOne(func::FuncOp func, linalg::LinalgOp op) {
    std::optional<GPUTiling> tiling = tilingFor(op);
    if (!tiling)
      return success();
    std::string script = scriptFor(*tiling, mapToGPU);
    OwningOpRef<ModuleOp> transformModule =
        netrewrite::codegen::parseSchedule(func, op, script, printSchedules);
    if (!transformModule)
      return failure();
    // The script is generated for shapes it handles; a failure is a bug,
    // reported with the op's location.
    if (failed(netrewrite::codegen::applySchedule(
            func, {op.getOperation()}, *transformModule)))
      return func.emitError("internal error: the GPU schedule of ")
             << op->getName() << " at " << op->getLoc() << " failed";
    return success();
  }
};

} // namespace
