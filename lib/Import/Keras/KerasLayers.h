//===- KerasLayers.h - One Keras layer call -> TOSA + nr --------*- C++ -*-===//
//
// The graph walk (KerasImporter.cpp) hands every call of a layer to the
// emitter registered for its class in KerasLayers.cpp. A LayerCall carries
// what an emitter needs: the layer's config, its weights, the builder, and
// an error channel that names the layer.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_LIB_IMPORT_KERAS_KERASLAYERS_H
#define NETREWRITE_LIB_IMPORT_KERAS_KERASLAYERS_H

#include "KerasModel.h"
#include "netrewrite/Import/TosaBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace netrewrite::keras {

/// One call of one layer.
struct LayerCall {
  importer::TosaBuilder &tb;
  std::string name;      ///< the layer's name (Keras's `name`)
  std::string className; ///< e.g. "Conv2D"
  const nlohmann::json &config;
  /// The layer's weights as the container lists them (null: none stored).
  std::vector<NamedArray> *weights;
  /// Constants already built for this layer (shared layers are called more
  /// than once but hold one set of weights).
  llvm::StringMap<mlir::Value> &constants;
  mlir::Location errorLoc;
  bool keras3;

  /// An error located at the layer's config, prefixed with its name/class.
  mlir::InFlightDiagnostic error() const;
};

/// One expected weight: its names ("depthwise_kernel|kernel") and shape.
struct WeightSpec {
  llvm::StringRef names;
  std::vector<int64_t> shape;
};

/// Finds the layer's weights by name (or by position where the container
/// keeps no names) and checks their shapes. Null entries on failure.
mlir::FailureOr<std::vector<const Array *>>
takeWeights(LayerCall &call, llvm::ArrayRef<WeightSpec> specs);

using LayerEmitter = mlir::FailureOr<llvm::SmallVector<mlir::Value>> (*)(
    LayerCall &call, llvm::ArrayRef<mlir::Value> inputs);

/// The emitter for a Keras class name, or null when it is unsupported.
LayerEmitter lookupLayerEmitter(llvm::StringRef className);

/// Applies a Keras activation by name (as in `Conv2D(activation=...)`).
mlir::FailureOr<mlir::Value> applyActivation(LayerCall &call, mlir::Value x,
                                             const nlohmann::json &activation);

} // namespace netrewrite::keras

#endif // NETREWRITE_LIB_IMPORT_KERAS_KERASLAYERS_H
