//===- RegisterAccumulators.cpp - Reduction loops over scalar accumulators ===//
//
// A GPU thread's share of a convolution or matmul is a small output tile
// reduced over a chunk of inputs. convert-linalg-to-loops would load and
// store the output element at every multiply-add; LLVM cannot keep it in a
// register because the inputs come from shared memory through pointers it
// must assume may alias the output. Here the output elements become the
// iteration arguments of the reduction loops instead: loaded once, stored
// once.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

/// The indices `map` gives for loop indices `dims` (constants where known,
/// folded).
static SmallVector<Value> indicesOf(OpBuilder &b, Location loc, AffineMap map,
                                    ArrayRef<OpFoldResult> dims) {
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults()) {
    OpFoldResult index = affine::makeComposedFoldedAffineApply(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), dims);
    indices.push_back(getValueOrCreateConstantIndexOp(b, loc, index));
  }
  return indices;
}

LogicalResult
netrewrite::codegen::accumulateInRegisters(linalg::LinalgOp op,
                                           int64_t maxOutputs) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.hasIndexSemantics() || op->getNumResults() != 0)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return failure();
  SmallVector<unsigned> parallel, reduction;
  int64_t outputs = 1;
  for (auto [d, kind] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (kind == utils::IteratorType::parallel) {
      parallel.push_back(d);
      outputs *= ranges[d];
    } else {
      reduction.push_back(d);
    }
  }
  if (reduction.empty() || outputs > maxOutputs)
    return failure();

  OpBuilder b(op);
  Location loc = op.getLoc();
  // Every point of the parallel iteration space, as constant loop indices
  // (the reduction indices filled in per iteration).
  SmallVector<SmallVector<OpFoldResult>> points(1);
  points.front().assign(ranges.size(), b.getIndexAttr(0));
  for (unsigned d : parallel) {
    SmallVector<SmallVector<OpFoldResult>> next;
    for (const SmallVector<OpFoldResult> &p : points)
      for (int64_t i = 0; i < ranges[d]; ++i) {
        next.push_back(p);
        next.back()[d] = b.getIndexAttr(i);
      }
    points = std::move(next);
  }

  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap initMap = op.getMatchingIndexingMap(init);
  SmallVector<Value> accumulators;
  for (const SmallVector<OpFoldResult> &p : points)
    accumulators.push_back(memref::LoadOp::create(
        b, loc, init->get(), indicesOf(b, loc, initMap, p)));

  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(reduction.size(), zero), steps(reduction.size(), one),
      ubs;
  for (unsigned d : reduction)
    ubs.push_back(arith::ConstantIndexOp::create(b, loc, ranges[d]));

  Block *payload = op.getBlock();
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, accumulators,
      [&](OpBuilder &nb, Location nloc, ValueRange ivs,
          ValueRange accs) -> scf::ValueVector {
        scf::ValueVector updated;
        for (auto [p, acc] : llvm::zip(points, accs)) {
          SmallVector<OpFoldResult> dims = p;
          for (auto [d, iv] : llvm::zip(reduction, ivs))
            dims[d] = iv;
          IRMapping mapping;
          for (OpOperand *input : op.getDpsInputOperands()) {
            Value value = input->get();
            if (isa<MemRefType>(value.getType()))
              value = memref::LoadOp::create(
                  nb, nloc, value,
                  indicesOf(nb, nloc, op.getMatchingIndexingMap(input), dims));
            mapping.map(op.getMatchingBlockArgument(input), value);
          }
          mapping.map(op.getMatchingBlockArgument(init), acc);
          // `contract`: the multiply and the add may become one fused
          // multiply-add (NVPTX keeps them apart otherwise).
          for (Operation &bodyOp : payload->without_terminator()) {
            Operation *clone = nb.clone(bodyOp, mapping);
            if (auto fm = dyn_cast<arith::ArithFastMathInterface>(clone))
              clone->setAttr(fm.getFastMathAttrName(),
                             arith::FastMathFlagsAttr::get(
                                 clone->getContext(),
                                 arith::FastMathFlags::contract));
          }
          updated.push_back(
              mapping.lookupOrDefault(payload->getTerminator()->getOperand(0)));
        }
        return updated;
      });

  b.setInsertionPointAfter(nest.loops.front());
  for (auto [p, result] : llvm::zip(points, nest.results))
    memref::StoreOp::create(b, loc, result, init->get(),
                            indicesOf(b, loc, initMap, p));
  op->erase();
  return success();
}
