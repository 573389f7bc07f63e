//===- Datasets.h - Labelled image datasets, read batch by batch -*- C++ -*-===//
//
// Plain C++ (no LLVM): linked into generated executables. Datasets keep
// their pixels in their stored form (uint8 for IDX and CIFAR-10); only the
// batch being evaluated is converted to float32 (see Preprocess.h), so a
// dataset never exists in memory as float32 as a whole.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_DATASETS_H
#define NETREWRITE_RUNTIME_DATASETS_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace netrewrite::runtime {

/// One example as stored: HxWxC values (uint8 0..255 or float) and a label.
class Dataset {
public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  virtual int64_t height() const = 0;
  virtual int64_t width() const = 0;
  virtual int64_t channels() const = 0;
  /// Writes example `index` as float HxWxC values in the stored range
  /// (0..255 for uint8 formats) into `out`, and returns its label.
  virtual int64_t get(int64_t index, float *out) const = 0;
  /// Whether `get` returns raw 0..255 bytes (so the default scale is 1/255).
  virtual bool isBytes() const = 0;
};

/// Opens `path` as `format` ("fashion-mnist", "cifar10", "npy-dir" or ""
/// for guessing from the path). `split` is "test" or "train" and chooses the
/// files of a directory. On failure returns null and sets `error` to one
/// line that names the file and says what is wrong.
std::unique_ptr<Dataset> openDataset(const std::string &path,
                                     const std::string &format,
                                     const std::string &split,
                                     std::string &error);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_DATASETS_H
