//===- Export.h - Trained weights back into the source model ----*- C++ -*-===//
//
// netrewrite-export writes a training run's weights (a checkpoint or the
// executable's `export` directory) into a copy of the model they started
// from: the same ONNX graph with new initializers, the same TFJS model.json
// with a new weight shard, the same Keras .h5 with new datasets.
//
// How a trained tensor finds its place: the source model is imported again
// with ImportOptions::recordWeightSources, so every weight constant carries
// `nr.source` (source tensor + the layout steps the importer applied), and
// --netrewrite-extract-params names the constants exactly as it named them
// for training (`<layer>/<role>`). Inverting the recorded steps turns a
// trained NHWC/OHWI/HWCM tensor back into the source's own layout. No layout
// is restated here: the importer is the single definition of each mapping.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_EXPORT_EXPORT_H
#define NETREWRITE_EXPORT_EXPORT_H

#include "netrewrite/Import/Import.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace netrewrite::exporter {

/// A trained tensor as the runtime names it (`conv1/kernel`, kind
/// trainable/frozen/state).
struct Tensor {
  std::string name, kind;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// A source model opened to have some of its float tensors replaced. Keys
/// are WeightSource::tensor (ONNX initializer / Constant output name, TFJS
/// manifest name, HDF5 dataset path). Errors are one line, no file name.
class SourceModel {
public:
  virtual ~SourceModel();
  /// The stored values as float32 and the stored shape.
  virtual bool read(const std::string &key, std::vector<int64_t> &shape,
                    std::vector<float> &data, std::string &error) = 0;
  /// Replaces the values (same shape), kept in the tensor's stored dtype
  /// where that is float32/float64 (ONNX, HDF5) or as float32 (TFJS).
  virtual bool replace(const std::string &key, const std::vector<float> &data,
                       std::string &error) = 0;
  /// Writes the whole model to `out` atomically: every file goes to a
  /// temporary name and is renamed into place once complete.
  virtual bool save(const std::string &out, std::string &error) = 0;

  /// A batch norm a rewrite inserted behind the source layer `after` (its
  /// output, channels axis), with trained `gamma, beta, mean, variance`.
  /// Formats that cannot grow layers say so in `error`.
  virtual bool insertBatchNorm(const std::string &after,
                               const std::string &name,
                               const std::vector<float> (&values)[4],
                               float epsilon, float momentum,
                               std::string &error);
};

std::unique_ptr<SourceModel> openONNX(const std::string &path,
                                      std::string &error);
std::unique_ptr<SourceModel> openTFJS(const std::string &path,
                                      std::string &error);
std::unique_ptr<SourceModel> openKerasH5(const std::string &path,
                                         std::string &error);

/// What an export did, for the tool's summary line.
struct Summary {
  size_t replaced = 0;   ///< source tensors written with trained values
  size_t parameters = 0; ///< trained tensors used
  size_t unchanged = 0;  ///< parameters without a source tensor, unchanged
  size_t folded = 0;     ///< made-up biases moved into the next layer
  size_t inserted = 0;   ///< batch norms added to the source graph
  size_t identities = 0; ///< source batch norms folded away, kept as identity
};

/// The whole export. Import diagnostics go to the context's handler; every
/// other failure is one message in `error` (without the "error: " prefix).
/// `trained` null: the source's own weights as imported (netrewrite-export
/// --check), each of which must then come back bit for bit; `outPath` empty:
/// write nothing.
/// `rewritten`: the module that was trained (after rewrites, before
/// --train), or null. With it, batch norms a rewrite inserted are added to
/// an ONNX source as BatchNormalization nodes instead of being refused.
bool exportWeights(ModelFormat format, const std::string &sourcePath,
                   const std::vector<Tensor> *trained,
                   const std::string &outPath, const ImportOptions &options,
                   mlir::MLIRContext *context, Summary &summary,
                   std::string &error, mlir::ModuleOp rewritten = nullptr);

/// Writes `contents` to `path` via a temporary file in the same directory,
/// fsync and rename.
bool writeFileAtomic(const std::string &path, const std::string &contents,
                     std::string &error);
/// fsync of the directory holding `path` (after a rename into it).
void syncDirectoryOf(const std::string &path);

} // namespace netrewrite::exporter

#endif // NETREWRITE_EXPORT_EXPORT_H
