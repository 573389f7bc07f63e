//===- CopyToLinalg.cpp - memref.copy -> linalg.copy ----------------------===//
//
// Part of the CUDA pipeline: run before linalg becomes parallel loops, so
// that buffer copies become kernels instead of host loops over managed
// memory (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Conversion/Passes.h"

#include "mlir/IR/Builders.h"

namespace netrewrite {
#define GEN_PASS_DEF_COPYTOLINALG
#include "netrewrite/Conversion/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

struct CopyToLinalgPass
    : netrewrite::impl::CopyToLinalgBase<CopyToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      // linalg.copy needs ranked operands of one element type.
      if (source && target && source.getRank() > 0 &&
          source.getElementType() == target.getElementType())
        copies.push_back(copy);
    });
    OpBuilder b(&getContext());
    for (memref::CopyOp copy : copies) {
      b.setInsertionPoint(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
