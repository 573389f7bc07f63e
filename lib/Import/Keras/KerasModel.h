//===- KerasModel.h - A Keras model as read from disk -----------*- C++ -*-===//
//
// The three Keras containers (TFJS layers model.json + shards, legacy .h5,
// Keras 3 .keras zip) all boil down to the same two things: the model's
// JSON config and, per layer, its weight arrays in Keras order. The readers
// fill a KerasModel; the graph builder (KerasImporter.cpp) never sees the
// container again.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_LIB_IMPORT_KERAS_KERASMODEL_H
#define NETREWRITE_LIB_IMPORT_KERAS_KERASMODEL_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include "netrewrite/Import/WeightSource.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netrewrite::keras {

/// A float32 array in Keras's own layout (row-major, e.g. HWIO kernels).
struct Array {
  std::vector<int64_t> shape;
  std::vector<float> data;
  /// The container's key for this array (for netrewrite-export), kept
  /// through permutations.
  std::optional<WeightSource> source;
};

/// One weight of a layer: `name` is Keras's short name ("kernel", "gamma")
/// where the container records it, or the position ("0", "1") in Keras 3's
/// `vars/` groups, which only keep the order.
struct NamedArray {
  std::string name;
  Array array;
};

/// A reader's failure: the message and, where the input is text, the place.
struct ReadError {
  std::string file;
  unsigned line = 0, column = 0;
  std::string message;
};

struct KerasModel {
  /// `{"class_name": "Functional"|"Model"|"Sequential", "config": {...}}`.
  nlohmann::json modelConfig;
  /// The config's text and the file it came from (for error locations);
  /// `configFile` names the member for configs inside a container.
  std::string configText;
  std::string configFile;
  /// Keras 3 (`.keras`) changed some defaults (hard_sigmoid, layer names of
  /// the weight groups).
  bool keras3 = false;
  /// Weights per layer name, in the order the container lists them.
  llvm::StringMap<std::vector<NamedArray>> weights;
  /// Keras 3 stores weights under `layers/<auto name>` rather than the layer
  /// name; the reader keeps them here and the importer maps them once it
  /// knows the layers' classes.
  llvm::StringMap<std::vector<NamedArray>> keras3Weights;
};

/// TFJS layers format: `model.json` plus the weight shards it names.
bool readTFJS(llvm::StringRef path, KerasModel &model, ReadError &error);
/// Legacy Keras `.h5` (`model_config` attribute + `model_weights` group).
bool readKerasH5(llvm::StringRef path, KerasModel &model, ReadError &error);
/// Keras 3 `.keras` (zip of config.json + model.weights.h5).
bool readKeras3(llvm::StringRef path, KerasModel &model, ReadError &error);

/// Parses JSON, reporting the line and column of a syntax error.
bool parseJSON(llvm::StringRef text, llvm::StringRef file, nlohmann::json &out,
               ReadError &error);

} // namespace netrewrite::keras

#endif // NETREWRITE_LIB_IMPORT_KERAS_KERASMODEL_H
