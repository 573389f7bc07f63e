//===- Passes.h - netrewrite analysis passes --------------------*- C++ -*-===//

#ifndef NETREWRITE_ANALYSIS_PASSES_H
#define NETREWRITE_ANALYSIS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace netrewrite {

#define GEN_PASS_DECL
#include "netrewrite/Analysis/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "netrewrite/Analysis/Passes.h.inc"

} // namespace netrewrite

#endif // NETREWRITE_ANALYSIS_PASSES_H
