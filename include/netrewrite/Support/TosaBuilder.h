//===- TosaBuilder.h - Layer-level construction of TOSA + nr ----*- C++ -*-===//
//
// The importers describe networks layer by layer and the training transform
// writes gradient rules op by op; both build TOSA (and nr) ops with static
// shapes, NHWC activations, OHWI conv weights, HWCM depthwise weights and
// [K, N] dense weights through this one builder. Result types follow from
// the operands, and the MLIR 22 TOSA details (zero-point and shift operands,
// !tosa.shape operands, same-rank broadcasting) stay in here, so callers
// read like the model or the maths they implement.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_SUPPORT_TOSABUILDER_H
#define NETREWRITE_SUPPORT_TOSABUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/ArrayRef.h"

#include <array>
#include <vector>

namespace netrewrite {

/// Explicit padding of a 2-D window op: top, bottom, left, right.
using Pad4 = std::array<int64_t, 4>;
/// A 2-D pair: (height, width).
using HW = std::array<int64_t, 2>;

class TosaBuilder {
public:
  /// Ops are created at `builder`'s insertion point with location `loc`
  /// (unknown when omitted) until setLayer or setLoc changes it.
  explicit TosaBuilder(mlir::OpBuilder &builder)
      : TosaBuilder(builder, builder.getUnknownLoc()) {}
  TosaBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), currentLoc(loc) {}

  /// Every op built after this call carries `NameLoc(name)`, and weight
  /// blobs are named `<name>/<what>`.
  void setLayer(llvm::StringRef name);
  /// Every op built after this call carries `loc`.
  void setLoc(mlir::Location loc) { currentLoc = loc; }
  mlir::Location loc() const { return currentLoc; }
  mlir::OpBuilder &builder() { return b; }

  static mlir::RankedTensorType typeOf(mlir::Value v) {
    return mlir::cast<mlir::RankedTensorType>(v.getType());
  }
  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value v) {
    return typeOf(v).getShape();
  }
  static int64_t rank(mlir::Value v) { return typeOf(v).getRank(); }
  static mlir::RankedTensorType f32(llvm::ArrayRef<int64_t> shape,
                                    mlir::MLIRContext *ctx);
  mlir::RankedTensorType f32(llvm::ArrayRef<int64_t> shape) {
    return f32(shape, b.getContext());
  }

  // ----- Constants ---------------------------------------------------------
  /// A float32 constant held as a `dense_resource` blob named `<layer>/<what>`
  /// (the blob owns a copy of `data`).
  mlir::Value weight(llvm::StringRef what, llvm::ArrayRef<int64_t> shape,
                     llvm::ArrayRef<float> data);
  /// A small inline constant of `shape` filled with `value`.
  mlir::Value splat(float value, llvm::ArrayRef<int64_t> shape);
  /// A [1, ..., 1] constant that broadcasts against any tensor of `rank`.
  mlir::Value scalar(float value, int64_t rank);
  mlir::Value zerosLike(mlir::Value v) { return splat(0.0f, shapeOf(v)); }
  /// A small inline constant with explicit values.
  mlir::Value dense(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> data);
  /// The importers' ImportOptions::recordWeightSources, carried to the code
  /// that builds weight constants (attachWeightSource, Import/WeightSource.h).
  void setRecordWeightSources(bool on) { recordSources = on; }
  bool recordsWeightSources() const { return recordSources; }

  // ----- Convolutions and dense ----------------------------------------------
  // pad is (top, bottom, left, right), stride and dilation (height, width);
  // a null bias means zeros.
  /// x: NHWC, w: OHWI, bias: [O].
  mlir::Value conv2d(mlir::Value x, mlir::Value w, mlir::Value bias,
                     llvm::ArrayRef<int64_t> pad,
                     llvm::ArrayRef<int64_t> stride,
                     llvm::ArrayRef<int64_t> dilation);
  /// x: NHWC, w: HWCM (C input channels, M multiplier), bias: [C*M].
  mlir::Value depthwiseConv2d(mlir::Value x, mlir::Value w, mlir::Value bias,
                              llvm::ArrayRef<int64_t> pad,
                              llvm::ArrayRef<int64_t> stride,
                              llvm::ArrayRef<int64_t> dilation);
  /// x: NHWC, w: OHWI, out_pad as TOSA's (top, bottom, left, right), bias: [O]
  /// or null.
  mlir::Value transposeConv2d(mlir::Value x, mlir::Value w, mlir::Value bias,
                              Pad4 outPad, HW stride);
  /// Batched or plain matrix product with numpy semantics for rank 2 and 3
  /// (a: [.., M, K], b: [.., K, N]); higher ranks are flattened to 3-D.
  mlir::Value matmul(mlir::Value a, mlir::Value b);
  /// x: [N, K], w: [K, N'] , bias: [N'] or null.
  mlir::Value dense(mlir::Value x, mlir::Value w, mlir::Value bias);

  // ----- Elementwise (numpy broadcasting; ranks are equalised) ---------------
  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value sub(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, mlir::Value b);
  mlir::Value div(mlir::Value a, mlir::Value b);
  mlir::Value maximum(mlir::Value a, mlir::Value b);
  mlir::Value minimum(mlir::Value a, mlir::Value b);
  mlir::Value pow(mlir::Value a, mlir::Value b);
  mlir::Value clamp(mlir::Value x, float lo, float hi);
  mlir::Value relu(mlir::Value x);
  mlir::Value sigmoid(mlir::Value x);
  mlir::Value tanh(mlir::Value x);
  mlir::Value exp(mlir::Value x);
  mlir::Value log(mlir::Value x);
  mlir::Value abs(mlir::Value x);
  mlir::Value neg(mlir::Value x);
  mlir::Value reciprocal(mlir::Value x);
  mlir::Value sqrt(mlir::Value x);
  mlir::Value rsqrt(mlir::Value x);
  mlir::Value erf(mlir::Value x);
  /// max(x, alpha * x) for 0 <= alpha <= 1.
  mlir::Value leakyRelu(mlir::Value x, float alpha);
  /// clamp(alpha * x + beta, 0, 1).
  mlir::Value hardSigmoid(mlir::Value x, float alpha, float beta);
  /// x * clamp(x + 3, 0, 6) / 6.
  mlir::Value hardSwish(mlir::Value x);
  /// Multiplies by a scalar constant.
  mlir::Value scale(mlir::Value x, float factor);

  // ----- Comparisons and selection (i1 results) ------------------------------
  mlir::Value greater(mlir::Value a, mlir::Value b);
  mlir::Value greaterEqual(mlir::Value a, mlir::Value b);
  mlir::Value equal(mlir::Value a, mlir::Value b);
  mlir::Value logicalAnd(mlir::Value a, mlir::Value b);
  /// Picks `a` where `cond` holds, else `b`.
  mlir::Value select(mlir::Value cond, mlir::Value a, mlir::Value b);
  /// 1.0 where cond holds, else 0.0.
  mlir::Value maskOf(mlir::Value cond);

  // ----- Pooling and reductions ------------------------------------------
  mlir::Value maxPool2d(mlir::Value x, HW kernel, HW stride, Pad4 pad);
  /// TOSA's average excludes padded elements from the count; with
  /// `countIncludePad` the padding is made explicit zeros first.
  mlir::Value avgPool2d(mlir::Value x, HW kernel, HW stride, Pad4 pad,
                        bool countIncludePad = false);
  /// Mean over H and W of NHWC; keeps [N, 1, 1, C] when `keepDims`.
  mlir::Value globalAvgPool(mlir::Value x, bool keepDims);
  mlir::Value reduceSum(mlir::Value x, int64_t axis);  ///< keeps the axis
  mlir::Value reduceMax(mlir::Value x, int64_t axis);  ///< keeps the axis
  mlir::Value reduceMean(mlir::Value x, int64_t axis); ///< keeps the axis
  /// exp(x - max) / sum, along `axis`.
  mlir::Value softmax(mlir::Value x, int64_t axis);
  /// Sums `x` over the axes where `shape` has a 1 and x does not: the
  /// adjoint of broadcasting to x's shape.
  mlir::Value sumToShape(mlir::Value x, llvm::ArrayRef<int64_t> shape);

  // ----- Data movement ---------------------------------------------------
  // reshape, slice and tile return `x` itself when they would not change it.
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int32_t> perms);
  mlir::Value concat(llvm::ArrayRef<mlir::Value> inputs, int64_t axis);
  /// `padding` holds (before, after) per axis: 2 * rank values.
  mlir::Value pad(mlir::Value x, llvm::ArrayRef<int64_t> padding, float value);
  /// Pads with `lo`/`hi` elements before/after each axis; `x` itself when
  /// all are zero.
  mlir::Value padEnds(mlir::Value x, llvm::ArrayRef<int64_t> lo,
                      llvm::ArrayRef<int64_t> hi, float value = 0.0f);
  /// Pads (positive) or crops (negative) each end of each axis.
  mlir::Value padOrCrop(mlir::Value x, llvm::ArrayRef<int64_t> lo,
                        llvm::ArrayRef<int64_t> hi, float value = 0.0f);
  mlir::Value slice(mlir::Value x, llvm::ArrayRef<int64_t> start,
                    llvm::ArrayRef<int64_t> size);
  mlir::Value tile(mlir::Value x, llvm::ArrayRef<int64_t> multiples);
  /// Broadcasts x (size-1 axes) to `shape`.
  mlir::Value broadcastTo(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value reverse(mlir::Value x, int32_t axis);
  /// Inserts stride-1 zeros between the elements of axes 1 and 2 (NHWC):
  /// [N,H,W,C] -> [N,(H-1)*sh+1,(W-1)*sw+1,C].
  mlir::Value dilateSpatial(mlir::Value x, int64_t sh, int64_t sw);
  /// Picks `indices` (in range, repeats allowed) along `axis`:
  /// out.shape[axis] = indices.size(). One tosa.gather; serves Gather,
  /// strided Slice and edge/reflect Pad.
  mlir::Value gather(mlir::Value x, int64_t axis,
                     llvm::ArrayRef<int64_t> indices);
  /// Separable 2-D resampling of NHWC `x` to [N, outH, outW, C]:
  /// out[n,i,j,c] = sum_{p,q} rows[i*inH + p] * x[n,p,q,c] * cols[j*inW + q].
  /// With matrices from interpolationMatrix this is exact nearest, linear or
  /// cubic interpolation under any coordinate mapping (two tosa.matmul; an
  /// identity axis is skipped).
  mlir::Value resize2d(mlir::Value x, int64_t outH, int64_t outW,
                       llvm::ArrayRef<float> rows, llvm::ArrayRef<float> cols);

  enum class ResizeMode { Nearest, Linear, Cubic };
  /// How an output coordinate maps back to the input (ONNX's names).
  enum class CoordMode {
    HalfPixel,
    PytorchHalfPixel,
    AlignCorners,
    Asymmetric,
    TFHalfPixelForNN
  };
  /// Rounding of nearest-neighbour coordinates; `Simple` is ONNX opset-10
  /// Resize/Upsample (floor when upsampling, ceil when downsampling).
  enum class NearestMode {
    RoundPreferFloor,
    RoundPreferCeil,
    Floor,
    Ceil,
    Simple
  };
  /// The [out x in] interpolation matrix of one axis (row-major). `scale`
  /// is out/in unless the model gives it explicitly.
  static std::vector<float>
  interpolationMatrix(int64_t in, int64_t out, double scale, ResizeMode mode,
                      CoordMode coord, NearestMode nearest,
                      double cubicA = -0.75, bool excludeOutside = false);

  /// NCHW <-> NHWC for rank-4 tensors.
  mlir::Value nchwToNhwc(mlir::Value x);
  mlir::Value nhwcToNchw(mlir::Value x);

  // ----- nr layers --------------------------------------------------------
  mlir::Value batchNorm(mlir::Value x, mlir::Value gamma, mlir::Value beta,
                        mlir::Value mean, mlir::Value var, float epsilon,
                        float momentum);
  mlir::Value dropout(mlir::Value x, float rate, int64_t seed = 0);

  /// Equalises ranks by reshaping the lower-rank operand with leading 1s.
  std::pair<mlir::Value, mlir::Value> broadcastRanks(mlir::Value a,
                                                     mlir::Value b);
  /// The numpy broadcast shape of two equal-rank shapes, or failure.
  static mlir::FailureOr<llvm::SmallVector<int64_t>>
  broadcastShape(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

private:
  mlir::Value zeroPoint();
  mlir::Value shift();
  mlir::Value constShape(llvm::ArrayRef<int64_t> shape);
  /// conv2d and depthwise_conv2d: `kernel` is the window's (height, width)
  /// within w's shape, `channels` the output channels.
  template <typename OpTy>
  mlir::Value
  convolution(mlir::Value x, mlir::Value w, mlir::Value bias, HW kernel,
              int64_t channels, llvm::ArrayRef<int64_t> pad,
              llvm::ArrayRef<int64_t> stride, llvm::ArrayRef<int64_t> dilation);
  /// The single result of a 2-D window op on NHWC `x`.
  mlir::RankedTensorType windowResultType(mlir::Value x, HW kernel,
                                          int64_t channels,
                                          llvm::ArrayRef<int64_t> pad,
                                          llvm::ArrayRef<int64_t> stride,
                                          llvm::ArrayRef<int64_t> dilation);
  template <typename OpTy> mlir::Value unary(mlir::Value x);
  /// A broadcasting binary op whose result holds `element` (f32 when null).
  template <typename OpTy>
  mlir::Value binary(mlir::Value a, mlir::Value b,
                     mlir::Type element = nullptr);
  template <typename OpTy> mlir::Value reduce(mlir::Value x, int64_t axis);
  /// tosa.matmul of two 3-D operands with equal batch.
  mlir::Value matmul3d(mlir::Value a, mlir::Value b);

  mlir::OpBuilder &b;
  mlir::Location currentLoc;
  std::string currentLayer;
  bool recordSources = false;
};

} // namespace netrewrite

#endif // NETREWRITE_SUPPORT_TOSABUILDER_H
