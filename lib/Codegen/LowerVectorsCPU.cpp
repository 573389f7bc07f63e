//===- LowerVectorsCPU.cpp - Hoist and lower vector ops for the CPU -------===//
//
// The second half of the CPU schedule, after bufferization: only on buffers
// can accumulator transfers be hoisted out of reduction loops (on tensors
// they are loop-carried values). The patterns are upstream ones, collected in
// one transform script so the step can be replayed with mlir-opt.
//
// Why these patterns: `outerproduct` contraction lowering gives broadcast-FMA
// chains, the shape AVX-512/AVX2 register blocking wants; transfers are
// lowered to rank 1 (unrolled) so the memory accesses become plain vector
// loads/stores. Generic vectorisation of matmuls gives broadcast + multiply +
// multi-reduction; `reduction_to_contract` turns that back into a contraction
// first. Canonicalization is kept out of the lowering set: mixed with the
// broadcast lowering it ping-pongs forever.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace netrewrite {
#define GEN_PASS_DEF_LOWERVECTORSCPU
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kLowerVectorsScript = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.reduction_to_contract
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    %f2 = transform.structured.hoist_redundant_vector_transfers %f : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
)mlir";

/// Transfers whose innermost dimension has fewer bits than this (one zmm
/// register) are flattened where their memory is contiguous.
constexpr unsigned kNarrowTransferBits = 512;

constexpr llvm::StringLiteral kLowerVectorsScript2 = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f2 = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %f2 {
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "innerparallel"
      transform.apply_patterns.vector.transfer_to_scf max_transfer_rank = 1 full_unroll = true
      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_transpose lowering_strategy = "shuffle_1d"
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.lower_broadcast
    } : !transform.any_op
    transform.yield
  }
}
)mlir";

/// `memref.copy %alloc (or a collapse_shape of it) -> %outParam` at the end
/// of a function: results become out-parameters after bufferization, and the
/// network's last buffer is then copied into the caller's. Computing into
/// the out-parameter directly saves a pass over the output.
void forwardResultCopies(func::FuncOp func) {
  SmallVector<memref::CopyOp> copies;
  func.walk([&](memref::CopyOp op) {
    auto arg = dyn_cast<BlockArgument>(op.getTarget());
    if (arg && arg.getOwner() == &func.getBody().front() &&
        op->getBlock() == &func.getBody().front())
      copies.push_back(op);
  });
  for (memref::CopyOp copy : copies) {
    Value dst = copy.getTarget();
    auto dstType = dyn_cast<MemRefType>(dst.getType());
    if (!dstType || !dstType.getLayout().isIdentity())
      continue;
    auto collapse = copy.getSource().getDefiningOp<memref::CollapseShapeOp>();
    Value allocValue = collapse ? collapse.getSrc() : copy.getSource();
    auto alloc = allocValue.getDefiningOp<memref::AllocOp>();
    if (!alloc || alloc->getBlock() != copy->getBlock() ||
        !alloc.getType().getLayout().isIdentity() ||
        (collapse && !collapse->hasOneUse()))
      continue;
    if (!collapse && alloc.getType() != dstType)
      continue;
    // Every other use must come before the copy (or be its dealloc), so the
    // out-parameter is not read or written after the copy would have run.
    bool safe = true;
    SmallVector<Operation *> deallocs;
    for (Operation *user : alloc->getUsers()) {
      if (isa<memref::DeallocOp>(user)) {
        deallocs.push_back(user);
        continue;
      }
      Operation *top = copy->getBlock()->findAncestorOpInBlock(*user);
      if (!top || (user != collapse.getOperation() &&
                   !top->isBeforeInBlock(copy)))
        safe = false;
    }
    if (!safe)
      continue;
    OpBuilder b(alloc);
    Value replacement = dst;
    if (collapse) {
      if (collapse.getType() != dstType)
        continue;
      replacement = memref::ExpandShapeOp::create(
          b, alloc.getLoc(), alloc.getType(), dst,
          collapse.getReassociationIndices());
    }
    for (Operation *d : deallocs)
      d->erase();
    copy->erase();
    if (collapse)
      collapse->erase();
    alloc->replaceAllUsesWith(ValueRange{replacement});
    alloc->erase();
  }
}

/// The allocation (or function argument, or global) a memref is a view of.
Value rootOf(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// Whether two roots may be the same memory. Distinct allocations and
/// globals do not alias anything else, and neither do distinct arguments of
/// a function (one-shot bufferization already assumes that of the buffers
/// it computes in place); any other block argument (a memref carried by a
/// loop or a branch) may alias any other.
bool mayAlias(Value a, Value b) {
  if (a == b)
    return true;
  auto isFuncArg = [](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && isa<FunctionOpInterface>(arg.getOwner()->getParentOp());
  };
  auto isOtherArg = [&](Value v) {
    return isa<BlockArgument>(v) && !isFuncArg(v);
  };
  return isOtherArg(a) || isOtherArg(b);
}

/// Whether `op` or anything nested in it (except the ops in `ignore`) may
/// read or write memory that `root` is a view of: it has memory effects and
/// uses a memref whose root may alias `root`, or it calls something.
bool mayTouch(Operation *op, Value root,
              ArrayRef<Operation *> ignore = {}) {
  WalkResult r = op->walk([&](Operation *o) {
    if (llvm::is_contained(ignore, o))
      return WalkResult::advance();
    if (isa<CallOpInterface>(o))
      return WalkResult::interrupt();
    if (isMemoryEffectFree(o) && o->getNumRegions() == 0)
      return WalkResult::advance();
    for (Value v : o->getOperands())
      if (isa<BaseMemRefType>(v.getType()) && mayAlias(rootOf(v), root))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return r.wasInterrupted();
}

/// The transfer_write in `loop`'s body that stores `read`'s vector back to
/// where it was read from, when the pair can be hoisted: both access the
/// same loop-invariant memref at the same loop-invariant indices, and
/// nothing else in the loop touches that buffer.
vector::TransferWriteOp hoistablePartner(scf::ForOp loop,
                                         vector::TransferReadOp read) {
  if (read.getMask() || !loop.isDefinedOutsideOfLoop(read.getBase()) ||
      !llvm::all_of(read.getIndices(), [&](Value i) {
        return loop.isDefinedOutsideOfLoop(i);
      }))
    return {};
  vector::TransferWriteOp write;
  for (Operation *user : read.getBase().getUsers()) {
    auto w = dyn_cast<vector::TransferWriteOp>(user);
    if (!w || w->getBlock() != read->getBlock())
      continue;
    if (write)
      return {};
    write = w;
  }
  if (!write || write.getMask() || !read->isBeforeInBlock(write) ||
      write.getIndices() != read.getIndices() ||
      write.getVectorType() != read.getVectorType() ||
      write.getPermutationMap() != read.getPermutationMap() ||
      write.getInBoundsValues() != read.getInBoundsValues())
    return {};
  if (mayTouch(loop, rootOf(read.getBase()), {read, write}))
    return {};
  return write;
}

/// Keeps accumulators in registers across reduction loops: a
/// transfer_read / transfer_write pair of the same tile inside an scf.for
/// (the accumulator of a convolution's or matmul's register tile, read and
/// written back every reduction step) becomes a read before the loop, a
/// loop-carried vector and a write after it. Upstream
/// `hoist_redundant_vector_transfers` does this too but gives up on any
/// memref that is a view (every tile here is a subview), so without this
/// the accumulators went through memory on every kernel position and
/// channel chunk. Loops are visited innermost first, so a pair climbs out
/// of a whole nest (kernel rows, kernel columns, channel chunks).
void hoistAccumulators(func::FuncOp func) {
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  IRRewriter rewriter(func.getContext());
  for (scf::ForOp loop : loops) {
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
    bool changed = true;
    while (changed) {
      changed = false;
      for (auto read : loop.getBody()->getOps<vector::TransferReadOp>()) {
        vector::TransferWriteOp write = hoistablePartner(loop, read);
        if (!write)
          continue;
        read->moveBefore(loop);
        Value written = write.getVector();
        rewriter.setInsertionPoint(loop);
        FailureOr<LoopLikeOpInterface> newLoop =
            cast<LoopLikeOpInterface>(loop.getOperation())
                .replaceWithAdditionalYields(
                    rewriter, read.getResult(),
                    /*replaceInitOperandUsesInLoop=*/true,
                    [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                      return SmallVector<Value>{written};
                    });
        if (failed(newLoop))
          return;
        loop = cast<scf::ForOp>(newLoop->getOperation());
        write->moveAfter(loop);
        write.getValueToStoreMutable().assign(loop->getResults().back());
        changed = true;
        break;
      }
    }
  }
}

/// Whether a transfer covers all of its memref in one unmasked, in-bounds
/// access at index 0 with the identity map (unit dimensions aside).
bool coversWholeMemRef(VectorTransferOpInterface t) {
  auto type = dyn_cast<MemRefType>(t.getShapedType());
  if (!type || !type.hasStaticShape() || t.getMask() ||
      !t.getPermutationMap().isMinorIdentity() ||
      t.getPermutationMap().getNumResults() != type.getRank() ||
      llvm::any_of(t.getInBoundsValues(), [](bool b) { return !b; }) ||
      t.getVectorType().getShape() != type.getShape())
    return false;
  return llvm::all_of(t.getIndices(),
                      [](Value i) { return isConstantIntValue(i, 0); });
}

/// Whether `a` and `b` are the same memory: the same value, or one a
/// subview of the other that only drops unit dimensions.
bool sameRegion(Value a, Value b) {
  auto isRankReduction = [](Value sub, Value of) {
    auto view = sub.getDefiningOp<memref::SubViewOp>();
    if (!view || view.getSource() != of)
      return false;
    auto srcShape = view.getSourceType().getShape();
    return llvm::all_of(view.getMixedOffsets(),
                        [](OpFoldResult o) { return isConstantIntValue(o, 0); }) &&
           llvm::all_of(view.getMixedStrides(),
                        [](OpFoldResult o) { return isConstantIntValue(o, 1); }) &&
           llvm::equal(view.getStaticSizes(), srcShape);
  };
  return a == b || isRankReduction(a, b) || isRankReduction(b, a);
}

/// Starts accumulators from their init in registers. The CPU schedule fuses
/// a convolution's init (bias broadcast or zero fill) into its register-tile
/// loops, so after hoisting each tile reads:
///
///   vector.transfer_write %init, %tile          (the fused init)
///   %acc0 = vector.transfer_read %tile'         (%tile' = %tile minus unit dims)
///   %acc = scf.for ... iter_args(%acc0)         (the reduction)
///   vector.transfer_write %acc, %tile'
///
/// The read becomes %init itself, and the first write is dead (the last one
/// overwrites the tile, and nothing in between touches its buffer): the
/// accumulators start from the bias in registers instead of a store and a
/// load per tile (a memset of every output row, ~8% of MobileNetV2's time).
void forwardInitStores(func::FuncOp func) {
  SmallVector<vector::TransferWriteOp> writes;
  func.walk([&](vector::TransferWriteOp w) {
    if (coversWholeMemRef(w))
      writes.push_back(w);
  });
  for (vector::TransferWriteOp w : writes) {
    Value root = rootOf(w.getBase());
    bool forwarded = false;
    Operation *next = nullptr;
    for (Operation *o = w->getNextNode(); o; o = next) {
      next = o->getNextNode();
      auto r = dyn_cast<vector::TransferReadOp>(o);
      if (!forwarded && r && coversWholeMemRef(r) &&
          sameRegion(r.getBase(), w.getBase()) &&
          r.getVectorType().getNumElements() ==
              w.getVectorType().getNumElements()) {
        OpBuilder b(r);
        Value v = w.getVector();
        if (v.getType() != r.getVectorType())
          v = vector::ShapeCastOp::create(b, r.getLoc(), r.getVectorType(), v);
        r.replaceAllUsesWith(v);
        r->erase();
        forwarded = true;
        continue;
      }
      auto w2 = dyn_cast<vector::TransferWriteOp>(o);
      if (forwarded && w2 && coversWholeMemRef(w2) &&
          sameRegion(w2.getBase(), w.getBase())) {
        w->erase();
        break;
      }
      if (mayTouch(o, root))
        break;
    }
  }
}

/// The row indices of an n-D vector type (all dimensions but the last), in
/// order; empty unless it has 2 to 64 rows of a fixed-size vector.
SmallVector<SmallVector<int64_t>> rowIndices(Type t) {
  auto type = dyn_cast_or_null<VectorType>(t);
  if (!type || type.getRank() < 2 || type.isScalable())
    return {};
  ArrayRef<int64_t> lead = type.getShape().drop_back();
  int64_t rows = 1;
  for (int64_t d : lead)
    rows *= d;
  // A register tile has at most a few dozen rows; bigger values are left to
  // LLVM.
  if (rows > 64)
    return {};
  SmallVector<int64_t> strides = computeSuffixProduct(lead);
  SmallVector<SmallVector<int64_t>> indices;
  for (int64_t r = 0; r < rows; ++r)
    indices.push_back(delinearize(r, strides));
  return indices;
}

/// The n-D vector of type `type` made of `rows` (rowIndices order).
Value insertRows(PatternRewriter &rewriter, Location loc, VectorType type,
                 ValueRange rows) {
  Value result = arith::ConstantOp::create(
      rewriter, loc, type, cast<TypedAttr>(rewriter.getZeroAttr(type)));
  for (auto [row, index] : llvm::zip(rows, rowIndices(type)))
    result = vector::InsertOp::create(rewriter, loc, row, result, index);
  return result;
}

/// An element-wise op on an n-D vector (a fused epilogue on its register
/// tile, vector<1x1x4x96xf32>) becomes one op per innermost row. The tile's
/// rows are 1-D accumulators inserted into the n-D value and extracted again
/// for the stores; per row, those extracts fold into the accumulators and
/// the inserts die. Left n-D, the later canonicalization turns the insert
/// chain into `to_elements` + `from_elements` of every lane, which LLVM did
/// not fold back for rows of 24 or 96 lanes: MobileNetV2's projections and
/// expansions spent 12-15% of their time in `vinsertps` and `vmovss`.
/// (The LLVM conversion unrolls n-D element-wise ops into rows anyway.)
struct UnrollElementwiseToRows : RewritePattern {
  explicit UnrollElementwiseToRows(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!OpTrait::hasElementwiseMappableTraits(op) ||
        op->getNumResults() != 1 || op->getNumRegions() != 0)
      return failure();
    auto type = dyn_cast<VectorType>(op->getResult(0).getType());
    SmallVector<SmallVector<int64_t>> indices = rowIndices(type);
    if (indices.empty())
      return failure();
    for (Value v : op->getOperands()) {
      auto t = dyn_cast<VectorType>(v.getType());
      if (!t || t.getShape() != type.getShape())
        return failure();
    }
    Location loc = op->getLoc();
    auto rowType = VectorType::get(type.getShape().back(),
                                   type.getElementType());
    SmallVector<Value> rows;
    for (ArrayRef<int64_t> index : indices) {
      SmallVector<Value> operands;
      for (Value v : op->getOperands())
        operands.push_back(vector::ExtractOp::create(rewriter, loc, v, index));
      rows.push_back(rewriter
                         .create(loc, op->getName().getIdentifier(), operands,
                                 TypeRange{rowType}, op->getAttrs())
                         ->getResult(0));
    }
    rewriter.replaceOp(op, insertRows(rewriter, loc, type, rows));
    return success();
  }
};

/// A piece of a vector a loop carries: row `index` (all dimensions but the
/// last), lanes [offset, offset + size).
struct Piece {
  SmallVector<int64_t> index;
  int64_t offset, size;
};

/// The pieces an `scf.for` carries a vector in (SplitLoopCarriedPieces):
/// its rows, each cut into 16-lane registers and a smaller power-of-two
/// rest (24 lanes: 16 + 8; 48: 3 x 16) unless its length is a power of two.
/// Empty for a 1-D vector of a power-of-two length and for non-vectors.
SmallVector<Piece> carriedPieces(Type t) {
  auto type = dyn_cast_or_null<VectorType>(t);
  if (!type || type.getRank() == 0 || type.isScalable())
    return {};
  int64_t lanes = type.getShape().back();
  bool ragged = !llvm::isPowerOf2_64(lanes) && lanes > 16;
  if (type.getRank() == 1 && !ragged)
    return {};
  SmallVector<SmallVector<int64_t>> rows =
      type.getRank() == 1 ? SmallVector<SmallVector<int64_t>>{{}}
                          : rowIndices(type);
  SmallVector<Piece> pieces;
  for (ArrayRef<int64_t> row : rows) {
    if (!ragged) {
      pieces.push_back({llvm::to_vector(row), 0, lanes});
      continue;
    }
    for (int64_t offset = 0; offset < lanes;) {
      int64_t size = 16;
      while (size > lanes - offset)
        size /= 2;
      pieces.push_back({llvm::to_vector(row), offset, size});
      offset += size;
    }
  }
  return pieces;
}

/// The 16-lane pieces a 1-D vector op is unrolled into when its vectors are
/// a multiple of 16 lanes but not a power of two (48, 96, 144: the register
/// tiles of 1x1 convolutions over all or 3 vectors of their channels). LLVM
/// splits such vectors evenly within a basic block, but a value that lives
/// across blocks (a filter row hoisted out of the column loop) is broken
/// into scalars: 48-lane filter rows were loaded with `vmovss` and
/// reassembled with `vinsertps` in every tile (MobileNetV2's 32->192
/// expansions: a third of their samples).
std::optional<SmallVector<int64_t>> nativeVectorShape(Operation *op) {
  Type t;
  if (auto store = dyn_cast<vector::StoreOp>(op))
    t = store.getValueToStore().getType();
  else if (op->getNumResults() == 1)
    t = op->getResult(0).getType();
  auto type = dyn_cast_or_null<VectorType>(t);
  if (!type || type.getRank() != 1 || type.isScalable())
    return std::nullopt;
  int64_t lanes = type.getShape().back();
  if (lanes <= 16 || lanes % 16 != 0 || llvm::isPowerOf2_64(lanes))
    return std::nullopt;
  return SmallVector<int64_t>{16};
}

/// An `scf.for` carrying an n-D vector (the accumulators of a register
/// tile, hoisted out of the reduction loop as one vector<1x4x24xf32>)
/// carries its rows instead, and rows whose length is not a power of two in
/// register-sized pieces (16 + 8 lanes for 24), for the same reason as
/// UnrollElementwiseToRows: the rows the loop body computes are yielded as
/// they are, not packed into an n-D value lane by lane. LLVM carried a
/// 24-lane vector across the loop through the stack, reassembled with
/// `vinsertps` on every iteration (MobileNetV2's 96->24 and 144->24
/// projections: 12-19% of their samples).
struct SplitLoopCarriedPieces : OpRewritePattern<scf::ForOp> {
  using OpRewritePattern::OpRewritePattern;

  static Value extractPiece(PatternRewriter &rewriter, Location loc, Value v,
                            const Piece &p) {
    auto type = cast<VectorType>(v.getType());
    if (!p.index.empty())
      v = vector::ExtractOp::create(rewriter, loc, v, p.index);
    if (p.size == type.getShape().back())
      return v;
    return vector::ExtractStridedSliceOp::create(
        rewriter, loc, v, ArrayRef<int64_t>{p.offset},
        ArrayRef<int64_t>{p.size}, ArrayRef<int64_t>{1});
  }

  /// Rows are assembled 1-D and then inserted whole, so that the body's
  /// extracts of rows fold to them.
  static Value insertPieces(PatternRewriter &rewriter, Location loc,
                            VectorType type, ValueRange pieces) {
    auto zero = [&](VectorType t) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc, t, cast<TypedAttr>(rewriter.getZeroAttr(t)));
    };
    auto rowType =
        VectorType::get(type.getShape().back(), type.getElementType());
    Value result = type.getRank() == 1 ? Value() : zero(type);
    Value row;
    for (auto [v, p] : llvm::zip(pieces, carriedPieces(type))) {
      if (p.size == type.getShape().back()) {
        row = v;
      } else {
        if (p.offset == 0)
          row = zero(rowType);
        row = vector::InsertStridedSliceOp::create(
            rewriter, loc, v, row, ArrayRef<int64_t>{p.offset},
            ArrayRef<int64_t>{1});
        if (p.offset + p.size != type.getShape().back())
          continue;
      }
      if (type.getRank() == 1)
        return row;
      result = vector::InsertOp::create(rewriter, loc, row, result, p.index);
    }
    return result;
  }

  static SmallVector<Value> split(PatternRewriter &rewriter, Location loc,
                                  ValueRange values) {
    SmallVector<Value> flat;
    for (Value v : values) {
      SmallVector<Piece> pieces = carriedPieces(v.getType());
      if (pieces.empty())
        flat.push_back(v);
      for (const Piece &p : pieces)
        flat.push_back(extractPiece(rewriter, loc, v, p));
    }
    return flat;
  }

  /// The loop's original values from the carried pieces (`flat`: new block
  /// arguments or results).
  static SmallVector<Value> regroup(PatternRewriter &rewriter, Location loc,
                                    ValueRange flat, TypeRange types) {
    SmallVector<Value> values;
    unsigned pos = 0;
    for (Type t : types) {
      size_t n = carriedPieces(t).size();
      if (n == 0) {
        values.push_back(flat[pos++]);
        continue;
      }
      values.push_back(
          insertPieces(rewriter, loc, cast<VectorType>(t), flat.slice(pos, n)));
      pos += n;
    }
    return values;
  }

  LogicalResult matchAndRewrite(scf::ForOp loop,
                                PatternRewriter &rewriter) const override {
    if (llvm::none_of(loop.getInitArgs(), [](Value v) {
          return !carriedPieces(v.getType()).empty();
        }))
      return failure();
    Location loc = loop.getLoc();
    auto newLoop = scf::ForOp::create(
        rewriter, loc, loop.getLowerBound(), loop.getUpperBound(),
        loop.getStep(), split(rewriter, loc, loop.getInitArgs()),
        /*bodyBuilder=*/nullptr, loop.getUnsignedCmp());
    Block *body = newLoop.getBody();
    rewriter.setInsertionPointToStart(body);
    SmallVector<Value> args{newLoop.getInductionVar()};
    llvm::append_range(args,
                       regroup(rewriter, loc, body->getArguments().drop_front(),
                               loop.getInitArgs().getTypes()));
    rewriter.mergeBlocks(loop.getBody(), body, args);
    auto yield = cast<scf::YieldOp>(body->getTerminator());
    rewriter.setInsertionPoint(yield);
    rewriter.replaceOpWithNewOp<scf::YieldOp>(
        yield, split(rewriter, loc, yield.getOperands()));
    rewriter.setInsertionPointAfter(newLoop);
    rewriter.replaceOp(loop, regroup(rewriter, loc, newLoop.getResults(),
                                     loop.getResultTypes()));
    return success();
  }
};

struct LowerVectorsCPUPass
    : public netrewrite::impl::LowerVectorsCPUBase<LowerVectorsCPUPass> {
  using LowerVectorsCPUBase::LowerVectorsCPUBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    module.walk([](func::FuncOp f) { forwardResultCopies(f); });
    // Bufferization spells copies (padding, slices inserted into a bigger
    // buffer) as memref.copy, which lowers to a call of the runtime's
    // element-by-element memrefCopy; as linalg.copy it becomes a loop nest
    // whose contiguous innermost loop LLVM vectorises.
    SmallVector<memref::CopyOp> copies;
    module.walk([&](memref::CopyOp op) {
      auto type = dyn_cast<MemRefType>(op.getSource().getType());
      if (type && type.hasStaticShape() && type.getRank() > 0)
        copies.push_back(op);
    });
    for (memref::CopyOp op : copies) {
      OpBuilder b(op);
      linalg::CopyOp::create(b, op.getLoc(), op.getSource(), op.getTarget());
      op.erase();
    }
    if (failed(applyScript(module, kLowerVectorsScript)))
      return signalPassFailure();
    module.walk([](func::FuncOp f) {
      hoistAccumulators(f);
      forwardInitStores(f);
    });
    // Transfers whose innermost dimension is narrower than a vector register
    // over memory that is contiguous across their trailing dimensions (an
    // RGB image's 8 pixels x 3 channels) as one 1-D transfer: unrolled per
    // row instead, each row is a 3-lane masked load or store.
    {
      RewritePatternSet narrow(&getContext());
      vector::populateFlattenVectorTransferPatterns(narrow,
                                                    kNarrowTransferBits);
      if (failed(applyPatternsGreedily(module, std::move(narrow))))
        return signalPassFailure();
    }
    if (failed(applyScript(module, kLowerVectorsScript2)))
      return signalPassFailure();
    // Register tiles as rows and 16-lane pieces, with the ops' folders
    // (extract of insert, of a splat constant) and the strided-slice
    // canonicalizations that cancel the unrolling's slices; not the full
    // canonicalization, which would rebuild the insert chains this removes.
    RewritePatternSet rows(&getContext());
    rows.add<UnrollElementwiseToRows, SplitLoopCarriedPieces>(&getContext());
    vector::populateVectorUnrollPatterns(
        rows, vector::UnrollVectorOptions().setNativeShapeFn(nativeVectorShape));
    vector::ExtractStridedSliceOp::getCanonicalizationPatterns(rows,
                                                               &getContext());
    if (failed(applyPatternsGreedily(module, std::move(rows))))
      return signalPassFailure();
  }

  LogicalResult applyScript(ModuleOp module, llvm::StringRef text) {
    OwningOpRef<ModuleOp> script =
        parseSourceString<ModuleOp>(text, &getContext());
    if (!script)
      return module.emitError(
          "internal error: the vector lowering script does not parse");
    Operation *entry = transform::detail::findTransformEntryPoint(
        module, *script, "__transform_main");
    if (!entry)
      return failure();
    return transform::applyTransformNamedSequence(
        module, entry, *script, transform::TransformOptions());
  }
};

} // namespace
