//===- Training.h - Shared pieces of the training transform -----*- C++ -*-===//
//
// Internal to lib/Training: the hyper-parameter layout, the training-mode
// expansion of nr ops and the reverse-mode differentiator.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_LIB_TRAINING_TRAINING_H
#define NETREWRITE_LIB_TRAINING_TRAINING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/DenseMap.h"

namespace netrewrite {
class TosaBuilder;
} // namespace netrewrite

namespace netrewrite::training {

/// Positions in the `hyper: tensor<8xf32>` argument of @train_step.
enum HyperIndex : int64_t {
  kLearningRate = 0,
  kStep = 1,        ///< 1-based step count (Adam bias correction, dropout)
  kBeta1 = 2,       ///< momentum (SGD), rho (RMSProp), beta1 (Adam)
  kBeta2 = 3,       ///< beta2 (Adam)
  kEpsilon = 4,     ///< RMSProp / Adam epsilon
  kWeightDecay = 5, ///< L2 added to the gradient; decoupled for AdamW
  kDropoutSeed = 6, ///< integer-valued, < 2^24
  kReserved = 7,
  kNumHyper = 8,
};

/// A batch norm in training form: y = (x - mean) * (gamma * invStd) + beta
/// with the batch's mean and invStd = 1/sqrt(var + eps) over `count`
/// elements per channel (gamma, beta, mean, invStd shaped [1, ..., 1, C]).
/// Keyed by the op that computes y, the differentiator applies the closed
/// form of its gradient there:
///   xhat = (x - mean) * invStd, dbeta = sum(dy), dgamma = sum(dy * xhat),
///   dx = gamma * invStd / count * (count * dy - dbeta - xhat * dgamma)
/// (two reductions and one element-wise pass) instead of differentiating
/// the statistics' reductions and broadcasts op by op.
struct BatchNormForm {
  mlir::Value x, gamma, beta, mean, invStd;
  int64_t count;
};
using BatchNormForms = llvm::DenseMap<mlir::Operation *, BatchNormForm>;

/// Replaces every nr op in `func` by its training-mode computation in TOSA
/// (batch norm) or TOSA + linalg (the dropout mask). `isFrozen` says whether
/// a value is a frozen parameter; a batch norm with frozen gamma and beta
/// runs in inference mode. The new running statistics are recorded in
/// `stateUpdates`, keyed by the old value, and each training-mode batch
/// norm in `batchNorms`.
mlir::LogicalResult
lowerToTrainingForm(mlir::func::FuncOp func, mlir::Value hyper,
                    llvm::function_ref<bool(mlir::Value)> isFrozen,
                    llvm::DenseMap<mlir::Value, mlir::Value> &stateUpdates,
                    BatchNormForms &batchNorms);

/// Per-channel sums of x [..., C], shaped [1, ..., 1, C].
mlir::Value sumPerChannel(TosaBuilder &t, mlir::Value x);

/// Reverse-mode differentiation of the ops of `block` that precede the
/// builder's insertion point: given d(loss)/d(output) = `seed`, returns
/// d(loss)/d(v) for each v in `wrt` (zeros where there is no path). Emits an
/// error at the op that has no gradient rule and fails.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
differentiate(mlir::ImplicitLocOpBuilder &b, mlir::Block &block,
              mlir::Value output, mlir::Value seed,
              llvm::ArrayRef<mlir::Value> wrt,
              const BatchNormForms &batchNorms);

} // namespace netrewrite::training

#endif // NETREWRITE_LIB_TRAINING_TRAINING_H
