//===- ONNXImporterImpl.h - State of one ONNX import -------------*- C++ -*-===//
//
// Private to lib/Import/ONNX. The importer walks the (topologically sorted)
// ONNX graph once. Every ONNX value is either a host constant (weights,
// Constant nodes and everything computed from them: shape arithmetic is
// folded at import) or an SSA value. 4-D activations live NHWC inside the
// function: an SSA value remembers its logical (ONNX, NCHW) form and/or its
// NHWC form, and the converters ask for the form they need, so transposes
// appear only where the layout really changes (the boundary, Flatten,
// Reshape, ...).
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_LIB_IMPORT_ONNX_ONNXIMPORTERIMPL_H
#define NETREWRITE_LIB_IMPORT_ONNX_ONNXIMPORTERIMPL_H

#include "netrewrite/Import/Import.h"
#include "netrewrite/Support/TosaBuilder.h"
#include "netrewrite/Import/WeightSource.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <vector>

namespace netrewrite::onnximport {

/// A tensor known at import time. Integer tensors (shapes, axes, indices)
/// keep int64 values; everything floating point is held as float.
struct HostTensor {
  llvm::SmallVector<int64_t> shape;
  bool isInt = false;
  std::vector<float> f;
  std::vector<int64_t> i;
  /// Float tensors read from an initializer or a Constant node, and kept
  /// through pure layout changes (reshape, transpose, scaling): where the
  /// values come from, for netrewrite-export. Any other computation drops it.
  std::optional<WeightSource> source;

  int64_t numElements() const;
  double at(size_t k) const { return isInt ? double(i[k]) : double(f[k]); }
  int64_t intAt(size_t k) const { return isInt ? i[k] : int64_t(f[k]); }
  static HostTensor ints(llvm::ArrayRef<int64_t> shape,
                         std::vector<int64_t> values);
  static HostTensor floats(llvm::ArrayRef<int64_t> shape,
                           std::vector<float> values);
};

/// One ONNX value: a host constant or an SSA activation.
struct ValueInfo {
  llvm::SmallVector<int64_t> shape; ///< logical (ONNX) shape
  std::optional<HostTensor> constant;
  mlir::Value logical; ///< ONNX layout
  mlir::Value nhwc;    ///< NHWC form of a 4-D value (channels last)
};

/// Strided row-major index helpers.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);
int64_t product(llvm::ArrayRef<int64_t> shape);
/// Permutes a host tensor's axes (out axis k = in axis perm[k]).
HostTensor permute(const HostTensor &t, llvm::ArrayRef<int64_t> perm);

class ONNXImporter {
public:
  ONNXImporter(llvm::StringRef path, const ImportOptions &options,
               mlir::MLIRContext *ctx);
  mlir::OwningOpRef<mlir::ModuleOp> run();

  // ----- Used by the op converters (ONNXOps.cpp) -------------------------
  const onnx::NodeProto &node() const { return *current; }
  int64_t opset() const { return opsetVersion; }
  TosaBuilder &tb() { return builder; }

  /// An error about the current node: "node 'n' (Op, opset k): ...".
  mlir::InFlightDiagnostic nodeError();
  /// An error about the model as a whole.
  mlir::InFlightDiagnostic modelError();

  // Attributes (with defaults).
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t> attrInts(llvm::StringRef name) const;
  llvm::SmallVector<float> attrFloats(llvm::StringRef name) const;
  /// Fails (with an error) on attributes the importer does not know for
  /// this op, so an unknown semantic never passes silently.
  mlir::LogicalResult checkAttrs(llvm::ArrayRef<llvm::StringRef> known);

  // Inputs and outputs of the current node.
  size_t numInputs() const;
  bool hasInput(size_t k) const; ///< present and non-empty name
  ValueInfo &input(size_t k);
  llvm::ArrayRef<int64_t> inputShape(size_t k) { return input(k).shape; }
  const HostTensor *inputConst(size_t k);
  /// The input as a host constant, or an error naming what must be constant.
  mlir::FailureOr<const HostTensor *> requireConst(size_t k,
                                                   llvm::StringRef what);
  bool isOutputUsed(size_t k) const;

  /// The SSA value of input k in ONNX layout (materialising constants).
  mlir::Value logical(size_t k);
  /// The SSA value of 4-D input k in NHWC.
  mlir::Value nhwc(size_t k);
  bool preferNHWC(size_t k); ///< input k is 4-D and already has an NHWC form
  mlir::Value toLogical(ValueInfo &v);
  mlir::Value toNHWC(ValueInfo &v);
  mlir::Value materialize(const HostTensor &t, llvm::StringRef what);

  /// Defines output k of the current node.
  mlir::LogicalResult setLogical(size_t k, mlir::Value v);
  mlir::LogicalResult setNHWC(size_t k, mlir::Value v);
  mlir::LogicalResult setConst(size_t k, HostTensor t);

  /// Validates a shape the converter computed against ONNX's inferred one.
  mlir::LogicalResult checkShape(size_t k, llvm::ArrayRef<int64_t> shape);
  /// Converting a node through a rewritten copy (1-D ops as 2-D): swaps the
  /// current node and gives raw access to the value table.
  void setCurrentNode(const onnx::NodeProto *node) { current = node; }
  ValueInfo *lookup(const std::string &name);
  void define(const std::string &name, ValueInfo info) {
    values[name] = std::move(info);
  }

  /// A TensorProto (initializer, Constant value) as a host tensor.
  mlir::FailureOr<HostTensor> tensorFromProto(const onnx::TensorProto &t);

private:
  mlir::LogicalResult load();
  mlir::LogicalResult fixInputShapes();
  mlir::LogicalResult convertNode(const onnx::NodeProto &node, size_t index);
  /// Names the node and makes it current (diagnostics, NameLocs).
  void enterNode(const onnx::NodeProto &node, size_t index);

  std::string path;
  ImportOptions options;
  mlir::MLIRContext *ctx;
  mlir::OpBuilder opBuilder;
  TosaBuilder builder;
  onnx::ModelProto model;
  int64_t opsetVersion = 0;
  llvm::StringMap<ValueInfo> values;
  llvm::StringMap<llvm::SmallVector<int64_t>> inferredShapes;
  llvm::StringMap<unsigned> useCounts;
  const onnx::NodeProto *current = nullptr;
  std::string currentName;
};

/// Per-axis start, step and element count of a Slice node, normalised
/// against `shape` (all axes; untouched axes are start 0, step 1, full).
struct SliceSpec {
  llvm::SmallVector<int64_t> start, step, count;
};
mlir::FailureOr<SliceSpec> sliceSpec(ONNXImporter &im,
                                     llvm::ArrayRef<int64_t> shape);
/// Reshape's target shape (0 copies a dimension unless allowzero, -1 is
/// inferred), checked against the element count.
mlir::FailureOr<llvm::SmallVector<int64_t>>
reshapeTarget(ONNXImporter &im, llvm::ArrayRef<int64_t> in,
              const HostTensor &target);
/// Axes of Squeeze/Unsqueeze/ReduceMean: an attribute before `inputSince`,
/// input 1 from then on; normalised to [0, rank).
mlir::FailureOr<llvm::SmallVector<int64_t>>
axesOf(ONNXImporter &im, int64_t inputSince, int64_t rank, bool &present);
/// The output shape of Squeeze (`axes` empty: all 1s) / Unsqueeze.
llvm::SmallVector<int64_t> squeezeShape(llvm::ArrayRef<int64_t> in,
                                        llvm::ArrayRef<int64_t> axes);
llvm::SmallVector<int64_t> unsqueezeShape(llvm::ArrayRef<int64_t> in,
                                          llvm::ArrayRef<int64_t> axes);
/// Normalises a possibly negative axis; -1 when out of range.
int64_t normAxis(int64_t axis, int64_t rank);

using Converter = mlir::LogicalResult (*)(ONNXImporter &);

// NHWC window ops (ONNXWindowOps.cpp).
mlir::LogicalResult convertConv(ONNXImporter &im);
mlir::LogicalResult convertConvTranspose(ONNXImporter &im);
mlir::LogicalResult convertBatchNorm(ONNXImporter &im);
mlir::LogicalResult convertPool(ONNXImporter &im);       ///< Max/AveragePool
mlir::LogicalResult convertGlobalPool(ONNXImporter &im); ///< Global*Pool
mlir::LogicalResult convertResize(ONNXImporter &im);     ///< Resize, Upsample
/// Runs a 2-D window converter on a 1-D node (H = 1).
mlir::LogicalResult convertAs2D(ONNXImporter &im, Converter fn);

/// Checks the current node's input/output arity before anything reads them
/// (a malformed model must not index past a node's inputs).
mlir::LogicalResult checkArity(ONNXImporter &im);

/// Whether the importer converts or folds `opType` (default domain).
bool isKnownOp(llvm::StringRef opType);

/// Converts the current node; an unknown op type is reported here.
mlir::LogicalResult convertOp(ONNXImporter &im);
/// Folds the current node if all its inputs are host constants and the op
/// is one of the folded ones; returns failure() (no diagnostic) otherwise.
std::optional<mlir::LogicalResult> tryFold(ONNXImporter &im);

} // namespace netrewrite::onnximport

#endif // NETREWRITE_LIB_IMPORT_ONNX_ONNXIMPORTERIMPL_H
