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
#include "netrewrite/Support/TosaBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

namespace netrewrite::keras {

/// One call of one layer.
struct LayerCall {
  TosaBuilder &tb;
  std::string name;      ///< the layer's name (Keras's `name`)
  std::string className; ///< e.g. "Conv2D"
  const nlohmann::json &config;
  /// The layer's weights as the container lists them (null: none stored).
  std::vector<NamedArray> *weights;
  /// Constants already built for this layer (shared layers are called more
  /// than once but hold one set of weights).
  llvm::StringMap<mlir::Value> &constants;
  /// Where errors point (the layer's entry in the config). Computed only
  /// when needed: finding it means searching the config text.
  std::function<mlir::Location()> errorLoc;
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

/// Reads a layer config leniently where Keras versions differ (ints or
/// pairs, missing keys with Keras's defaults) and strictly elsewhere.
struct LayerConfig {
  LayerCall &call;
  const nlohmann::json &c;

  bool has(const char *key) const {
    return c.contains(key) && !c[key].is_null();
  }
  double number(const char *key, double dflt) const {
    if (!has(key))
      return dflt;
    if (c[key].is_number())
      return c[key].get<double>();
    // Keras 3 may serialise a scalar as a one-element list.
    if (c[key].is_array() && c[key].size() == 1 && c[key][0].is_number())
      return c[key][0].get<double>();
    return dflt;
  }
  std::string string(const char *key, const char *dflt) const {
    return has(key) && c[key].is_string() ? c[key].get<std::string>() : dflt;
  }
  bool boolean(const char *key, bool dflt) const {
    return has(key) && c[key].is_boolean() ? c[key].get<bool>() : dflt;
  }
  /// An int or an [h, w] pair.
  mlir::FailureOr<HW> pair(const char *key, HW dflt) const {
    if (!has(key))
      return dflt;
    const nlohmann::json &v = c[key];
    if (v.is_number_integer())
      return HW{v.get<int64_t>(), v.get<int64_t>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number_integer() &&
        v[1].is_number_integer())
      return HW{v[0].get<int64_t>(), v[1].get<int64_t>()};
    call.error() << "'" << key << "' must be an int or a pair of ints, got "
                 << v.dump();
    return mlir::failure();
  }
  /// The layer's `axis` as an index into a rank-`rank` input: an int or a
  /// one-element list of one (Keras 3), absent or null meaning -1, negative
  /// values counted from the end. Another form, or an axis outside the
  /// input, is an error naming the layer.
  mlir::FailureOr<int64_t> axis(int64_t rank) const {
    int64_t a = -1;
    if (has("axis")) {
      const nlohmann::json &v = c["axis"];
      if (v.is_number_integer()) {
        a = v.get<int64_t>();
      } else if (v.is_array() && v.size() == 1 && v[0].is_number_integer()) {
        a = v[0].get<int64_t>();
      } else {
        call.error() << "axis " << v.dump() << " is not supported";
        return mlir::failure();
      }
    }
    if (a < 0)
      a += rank;
    if (a < 0 || a >= rank) {
      call.error() << "axis out of range for rank-" << rank << " inputs";
      return mlir::failure();
    }
    return a;
  }
  /// `data_format` must be channels_last (Keras's default).
  mlir::LogicalResult channelsLast() const {
    std::string f = string("data_format", "channels_last");
    if (f == "channels_last")
      return mlir::success();
    call.error() << "data_format '" << f
                 << "' is not supported (only channels_last)";
    return mlir::failure();
  }
};

/// "[1, 2, 3]".
std::string shapeStr(llvm::ArrayRef<int64_t> shape);

/// Explicit padding of a 2-D window under Keras's `padding`: 'valid', or
/// TF's 'same' (the odd pixel at the bottom/right). Errors name the layer.
mlir::FailureOr<Pad4> windowPadding(LayerCall &call, const std::string &mode,
                                    llvm::ArrayRef<int64_t> in, HW kernel,
                                    HW stride, HW dilation);

mlir::LogicalResult expectRank(LayerCall &call, mlir::Value x, int64_t rank);

/// The emitters of KerasStructuralLayers.cpp (merging, pooling, reshaping).
LayerEmitter lookupStructuralLayerEmitter(llvm::StringRef className);

} // namespace netrewrite::keras

#endif // NETREWRITE_LIB_IMPORT_KERAS_KERASLAYERS_H
