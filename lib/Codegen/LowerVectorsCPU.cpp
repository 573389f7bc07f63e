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

#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Parser/Parser.h"

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
    OwningOpRef<ModuleOp> script =
        parseSourceString<ModuleOp>(kLowerVectorsScript, &getContext());
    if (!script) {
      module.emitError("internal error: the vector lowering script does not parse");
      return signalPassFailure();
    }
    Operation *entry = transform::detail::findTransformEntryPoint(
        module, *script, "__transform_main");
    if (!entry ||
        failed(transform::applyTransformNamedSequence(
            module, entry, *script, transform::TransformOptions())))
      return signalPassFailure();
  }
};

} // namespace
