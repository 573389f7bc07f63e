//===- CollapseContractions.cpp - Dense layers as plain matmuls -----------===//
//
// The importers' dense layers reach linalg in several shapes: a
// `linalg.batch_matmul` with a unit batch (TOSA's matmul is 3-D), or, when
// the input is a flattened NCHW activation, a generic contraction whose
// reduction runs over three dimensions (channels, rows, columns) after
// elementwise fusion folded the flatten into the weight. Every one of them
// is an (m, n, k) matrix product; scheduling and weight packing are written
// for that one form, so this pass brings each contraction to it: unit
// dimensions dropped, reduction dimensions that are contiguous in every
// operand collapsed into one, and the result specialised to `linalg.matmul`
// where it is one. A matrix-vector product (batch 1) stays a generic with
// one parallel and one reduction dimension.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace netrewrite {
#define GEN_PASS_DEF_COLLAPSECONTRACTIONS
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

/// The reduction dimensions of `op` as one group, when there are several,
/// they are consecutive loop dimensions, and every operand indexes them
/// contiguously in that order.
std::optional<ReassociationIndices> reductionGroup(linalg::GenericOp op) {
  ReassociationIndices group;
  for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray()))
    if (it == utils::IteratorType::reduction)
      group.push_back(d);
  if (group.size() < 2 ||
      group.back() - group.front() + 1 != (int64_t)group.size())
    return std::nullopt;
  if (!linalg::areDimSequencesPreserved(op.getIndexingMapsArray(), {group}))
    return std::nullopt;
  return group;
}

/// Rewrites one contraction into the canonical form, where it applies.
void canonicalize(RewriterBase &rewriter, linalg::LinalgOp op) {
  rewriter.setInsertionPoint(op);
  // Unit-batch matmuls: generalised here so that the unit dimension can be
  // dropped like any generic's.
  if (isa<linalg::BatchMatmulOp>(op.getOperation())) {
    if (op.getStaticLoopRanges()[0] != 1)
      return;
    FailureOr<linalg::GenericOp> generic =
        linalg::generalizeNamedOp(rewriter, op);
    if (failed(generic))
      return;
    op = *generic;
  }
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic)
    return;
  if (llvm::is_contained(generic.getStaticLoopRanges(), 1)) {
    linalg::ControlDropUnitDims options;
    FailureOr<linalg::DropUnitDimsResult> dropped =
        linalg::dropUnitDims(rewriter, generic, options);
    if (succeeded(dropped)) {
      rewriter.replaceOp(generic, dropped->replacements);
      generic = cast<linalg::GenericOp>(dropped->resultOp.getOperation());
    }
  }
  if (std::optional<ReassociationIndices> group = reductionGroup(generic)) {
    SmallVector<ReassociationIndices> folded = {*group};
    rewriter.setInsertionPoint(generic);
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(generic, folded, rewriter);
    if (succeeded(collapsed)) {
      rewriter.replaceOp(generic, collapsed->results);
      generic = cast<linalg::GenericOp>(collapsed->collapsedOp.getOperation());
    }
  }
  rewriter.setInsertionPoint(generic);
  // A failure leaves the generic as it is (a matrix-vector product, or a
  // contraction no named op describes).
  (void)linalg::specializeGenericOp(rewriter, generic);
}

struct CollapseContractionsPass
    : public netrewrite::impl::CollapseContractionsBase<
          CollapseContractionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> contractions;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          isa<linalg::BatchMatmulOp, linalg::GenericOp>(op.getOperation()) &&
          linalg::isaContractionOpInterface(op))
        contractions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : contractions)
      canonicalize(rewriter, op);
  }
};

} // namespace
