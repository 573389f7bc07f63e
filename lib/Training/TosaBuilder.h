//===- TosaBuilder.h - Terse TOSA construction for the autodiff -*- C++ -*-===//
//
// Gradient rules build many small TOSA ops whose result types follow from
// their operands; this builder infers those types so the rules read like
// the maths they implement. Internal to lib/Training.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_LIB_TRAINING_TOSABUILDER_H
#define NETREWRITE_LIB_TRAINING_TOSABUILDER_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace netrewrite::training {

class TosaBuilder {
public:
  explicit TosaBuilder(mlir::ImplicitLocOpBuilder &b) : b(b) {}

  mlir::ImplicitLocOpBuilder &b;

  static mlir::RankedTensorType typeOf(mlir::Value v) {
    return mlir::cast<mlir::RankedTensorType>(v.getType());
  }
  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value v) {
    return typeOf(v).getShape();
  }
  mlir::RankedTensorType f32(llvm::ArrayRef<int64_t> shape) {
    return mlir::RankedTensorType::get(shape, b.getF32Type());
  }

  /// A tosa.const of `shape` filled with `value`.
  mlir::Value splat(llvm::ArrayRef<int64_t> shape, double value);
  /// A [1, ..., 1] constant that broadcasts against any tensor of `rank`.
  mlir::Value scalar(double value, int64_t rank);
  mlir::Value zerosLike(mlir::Value v) { return splat(shapeOf(v), 0.0); }

  // Elementwise ops with TOSA's same-rank broadcasting.
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value neg(mlir::Value x) { return mul(x, scalar(-1.0, rank(x))); }
  mlir::Value scale(mlir::Value x, double s) {
    return mul(x, scalar(s, rank(x)));
  }
  mlir::Value reciprocal(mlir::Value x);
  mlir::Value rsqrt(mlir::Value x);
  mlir::Value exp(mlir::Value x);
  mlir::Value log(mlir::Value x);
  mlir::Value pow(mlir::Value x, mlir::Value y);
  /// i1 tensors for comparisons; `select` picks x where cond holds.
  mlir::Value greater(mlir::Value x, mlir::Value y);
  mlir::Value greaterEqual(mlir::Value x, mlir::Value y);
  mlir::Value equal(mlir::Value x, mlir::Value y);
  mlir::Value logicalAnd(mlir::Value x, mlir::Value y);
  mlir::Value select(mlir::Value cond, mlir::Value x, mlir::Value y);
  /// 1.0 where cond holds, else 0.0.
  mlir::Value maskOf(mlir::Value cond);

  // Shape ops.
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int32_t> perms);
  mlir::Value slice(mlir::Value x, llvm::ArrayRef<int64_t> start,
                    llvm::ArrayRef<int64_t> size);
  /// Zero padding with `lo`/`hi` elements before/after each axis.
  mlir::Value pad(mlir::Value x, llvm::ArrayRef<int64_t> lo,
                  llvm::ArrayRef<int64_t> hi, double value = 0.0);
  /// Pads (positive) or crops (negative) each end of each axis.
  mlir::Value padOrCrop(mlir::Value x, llvm::ArrayRef<int64_t> lo,
                        llvm::ArrayRef<int64_t> hi, double value = 0.0);
  mlir::Value reverse(mlir::Value x, int32_t axis);
  mlir::Value tile(mlir::Value x, llvm::ArrayRef<int64_t> multiples);
  mlir::Value reduceSum(mlir::Value x, int32_t axis);
  mlir::Value reduceMax(mlir::Value x, int32_t axis);
  /// Sums `x` over the axes where `shape` has a 1 and x does not: the
  /// adjoint of broadcasting to x's shape.
  mlir::Value sumToShape(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  /// Broadcasts x (size-1 axes) to `shape`.
  mlir::Value broadcastTo(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  /// Inserts stride-1 zeros between the elements of axes 1 and 2 (NHWC):
  /// [N,H,W,C] -> [N,(H-1)*sh+1,(W-1)*sw+1,C].
  mlir::Value dilateSpatial(mlir::Value x, int64_t sh, int64_t sw);

  // Layers, all NHWC / OHWI, zero bias and zero points.
  mlir::Value conv2d(mlir::Value x, mlir::Value w, llvm::ArrayRef<int64_t> pad,
                     llvm::ArrayRef<int64_t> stride,
                     llvm::ArrayRef<int64_t> dilation);
  mlir::Value depthwiseConv2d(mlir::Value x, mlir::Value w,
                              llvm::ArrayRef<int64_t> pad,
                              llvm::ArrayRef<int64_t> stride,
                              llvm::ArrayRef<int64_t> dilation);
  mlir::Value matmul(mlir::Value x, mlir::Value y);

  static int64_t rank(mlir::Value v) { return typeOf(v).getRank(); }
};

} // namespace netrewrite::training

#endif // NETREWRITE_LIB_TRAINING_TOSABUILDER_H
