//===- Dataset.h - Streamed image datasets and per-batch preprocessing -*- C++ -*-===//
//
// Plain C++ (no LLVM). Datasets keep their images in their stored form
// (uint8 for IDX and CIFAR-10, a file offset for .npy) and hand out one
// image at a time; conversion to float, resizing and normalisation happen
// per batch, so a dataset never exists in memory as float32.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_DATASET_H
#define NETREWRITE_RUNTIME_DATASET_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace netrewrite::runtime {

/// One decoded image, HWC, in the dataset's own value range.
struct RawImage {
  int height = 0, width = 0, channels = 0;
  std::vector<float> pixels;
};

class Dataset {
public:
  virtual ~Dataset();
  virtual size_t size() const = 0;
  virtual void image(size_t index, RawImage &out) const = 0;
  /// Class id, or -1 for unlabelled data (single images).
  virtual int label(size_t index) const = 0;
  /// What --scale defaults to: 1/255 for 8-bit sources, 1 for float .npy.
  virtual float defaultScale() const { return 1.0f / 255.0f; }
  /// "fashion-mnist /usr/share/.../t10k-images-idx3-ubyte.gz (10000 images)"
  virtual std::string describe() const = 0;
};

/// A view of `indices` of another dataset (--limit, --val-split).
class SubsetDataset : public Dataset {
public:
  SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<size_t> indices)
      : base_(std::move(base)), indices_(std::move(indices)) {}
  size_t size() const override { return indices_.size(); }
  void image(size_t i, RawImage &out) const override {
    base_->image(indices_[i], out);
  }
  int label(size_t i) const override { return base_->label(indices_[i]); }
  float defaultScale() const override { return base_->defaultScale(); }
  std::string describe() const override;

private:
  std::shared_ptr<const Dataset> base_;
  std::vector<size_t> indices_;
};

/// Opens `path` as `format` (fashion-mnist | cifar10 | npy-dir, or empty to
/// detect it from the directory's files) and picks `split` (train | test).
/// "fashion-mnist" as a path names Debian's dataset-fashion-mnist directory.
/// Throws RuntimeError naming the file on any malformed input.
std::shared_ptr<const Dataset> openDataset(const std::string &path,
                                           const std::string &format,
                                           const std::string &split);

/// Single image files (PNG, JPEG, BMP, ...), decoded lazily; unlabelled.
std::shared_ptr<const Dataset>
openImageFiles(const std::vector<std::string> &paths);

/// Per-batch preprocessing, in this order: channel adaptation (grey -> RGB by
/// repetition, RGB -> grey by averaging), bilinear resize (half-pixel
/// centres, like torch's align_corners=False), augmentation (horizontal flip
/// with p=1/2; crop = a random shift of up to 1/8 of the size, zero fill),
/// then value = (pixel * scale - mean[c]) / std[c].
struct Preprocess {
  int height = 0, width = 0, channels = 0; ///< the model's input
  float scale = 1.0f / 255.0f;
  std::vector<float> mean, std; ///< one value, or one per channel; may be empty
  bool flip = false, crop = false;

  /// Writes one HxWxC image to `out`; `augmentSeed` drives flip/crop.
  void apply(const RawImage &in, float *out, uint64_t augmentSeed) const;
};

/// Bilinear resize of an HWC float image (half-pixel centres).
void resizeBilinear(const float *in, int inH, int inW, int c, float *out,
                    int outH, int outW);

/// A 64-bit mixing function (splitmix64's finaliser) used for every random
/// decision of the runtime, so each is a pure function of (seed, counters).
uint64_t mix64(uint64_t x);

/// A seeded Fisher-Yates permutation of 0..n-1.
std::vector<size_t> shuffledIndices(size_t n, uint64_t seed);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_DATASET_H
