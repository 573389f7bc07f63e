//===- Dataset.cpp - Fashion-MNIST, CIFAR-10, .npy and image readers ------===//
//
// Every reader validates the whole file structure when it opens (magic
// numbers, counts, sizes, label ranges) so that a malformed dataset fails
// before a training run starts, with one message naming the file.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Dataset.h"
#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Npy.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-function"
#endif
#include <stb/stb_image.h>
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

using namespace netrewrite::runtime;

Dataset::~Dataset() = default;

std::string SubsetDataset::describe() const {
  return base_->describe() + ", " + std::to_string(indices_.size()) + " used";
}

uint64_t netrewrite::runtime::mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::vector<size_t> netrewrite::runtime::shuffledIndices(size_t n,
                                                         uint64_t seed) {
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; ++i)
    idx[i] = i;
  uint64_t state = seed;
  for (size_t i = n; i > 1; --i) {
    state = mix64(state);
    size_t j = state % i;
    std::swap(idx[i - 1], idx[j]);
  }
  return idx;
}

namespace {

bool exists(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool isDirectory(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// Reads a whole file, transparently gunzipping it when it is gzip data.
std::vector<unsigned char> readMaybeGz(const std::string &path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f)
    failAt(path, withErrno("cannot open"));
  gzbuffer(f, 1 << 17);
  std::vector<unsigned char> data;
  unsigned char buf[1 << 16];
  while (true) {
    int n = gzread(f, buf, sizeof(buf));
    if (n < 0) {
      int code;
      std::string msg = gzerror(f, &code);
      gzclose(f);
      failAt(path, "corrupt compressed data: " + msg);
    }
    if (n == 0)
      break;
    data.insert(data.end(), buf, buf + n);
  }
  int code = Z_OK;
  std::string msg = gzerror(f, &code);
  gzclose(f);
  if (code != Z_OK && code != Z_STREAM_END)
    failAt(path, "corrupt or truncated gzip data: " + msg);
  return data;
}

uint32_t bigEndian32(const unsigned char *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) |
         (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

/// Fashion-MNIST / MNIST in IDX format: images idx3 (magic 0x803) and
/// labels idx1 (magic 0x801), big-endian counts, then uint8 data.
class IdxDataset : public Dataset {
public:
  IdxDataset(const std::string &imagesPath, const std::string &labelsPath)
      : imagesPath_(imagesPath) {
    images_ = readMaybeGz(imagesPath);
    if (images_.size() < 16 || bigEndian32(images_.data()) != 0x00000803)
      failAt(imagesPath,
             "not an IDX image file (expected magic 0x00000803" +
                 (images_.size() >= 4
                      ? ", found 0x" + hex(bigEndian32(images_.data())) + ")"
                      : ", the file has only " +
                            std::to_string(images_.size()) + " bytes)"));
    count_ = bigEndian32(images_.data() + 4);
    rows_ = bigEndian32(images_.data() + 8);
    cols_ = bigEndian32(images_.data() + 12);
    if (rows_ == 0 || cols_ == 0 || rows_ > 65536 || cols_ > 65536)
      failAt(imagesPath, "implausible image size " + std::to_string(rows_) +
                             "x" + std::to_string(cols_));
    uint64_t need = 16 + uint64_t(count_) * rows_ * cols_;
    if (images_.size() != need)
      failAt(imagesPath,
             sizeMismatch(images_.size(), need) + ": the header announces " +
                 std::to_string(count_) + " images of " +
                 std::to_string(rows_) + "x" + std::to_string(cols_) + " (" +
                 std::to_string(need) + " bytes), the data has " +
                 std::to_string(images_.size()) + " bytes");
    std::vector<unsigned char> labels = readMaybeGz(labelsPath);
    if (labels.size() < 8 || bigEndian32(labels.data()) != 0x00000801)
      failAt(labelsPath, "not an IDX label file (expected magic 0x00000801)");
    uint32_t nLabels = bigEndian32(labels.data() + 4);
    if (labels.size() != 8 + uint64_t(nLabels))
      failAt(labelsPath,
             sizeMismatch(labels.size(), 8 + uint64_t(nLabels)) +
                 ": the header announces " + std::to_string(nLabels) +
                 " labels, the data has " + std::to_string(labels.size() - 8));
    if (nLabels != count_)
      failAt(labelsPath, "has " + std::to_string(nLabels) + " labels but " +
                             imagesPath + " has " + std::to_string(count_) +
                             " images");
    labels_.assign(labels.begin() + 8, labels.end());
  }
  size_t size() const override { return count_; }
  void image(size_t i, RawImage &out) const override {
    out.height = rows_;
    out.width = cols_;
    out.channels = 1;
    out.pixels.resize(size_t(rows_) * cols_);
    const unsigned char *p = images_.data() + 16 + i * size_t(rows_) * cols_;
    for (size_t k = 0; k < out.pixels.size(); ++k)
      out.pixels[k] = p[k];
  }
  int label(size_t i) const override { return labels_[i]; }
  std::string describe() const override {
    return "IDX " + imagesPath_ + " (" + std::to_string(count_) + " images " +
           std::to_string(rows_) + "x" + std::to_string(cols_) + ")";
  }

private:
  static std::string hex(uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "%08x", v);
    return b;
  }
  std::string imagesPath_;
  std::vector<unsigned char> images_, labels_;
  uint32_t count_ = 0, rows_ = 0, cols_ = 0;
};

/// CIFAR-10 binary batches: records of 1 label byte + 3072 bytes of a
/// 32x32 image stored plane by plane (R, G, B).
class CifarDataset : public Dataset {
public:
  explicit CifarDataset(const std::vector<std::string> &files) {
    constexpr size_t rec = 1 + 3072;
    for (const std::string &f : files) {
      std::vector<unsigned char> bytes = readMaybeGz(f);
      if (bytes.empty())
        failAt(f, "empty CIFAR-10 batch file");
      if (bytes.size() % rec != 0)
        failAt(f, "truncated or not a CIFAR-10 binary batch: " +
                      std::to_string(bytes.size()) +
                      " bytes is not a multiple of the 3073-byte record size");
      for (size_t r = 0; r < bytes.size() / rec; ++r)
        if (bytes[r * rec] > 9)
          failAt(f, "record " + std::to_string(r) + " has label " +
                        std::to_string(bytes[r * rec]) +
                        " (CIFAR-10 labels are 0..9)");
      data_.insert(data_.end(), bytes.begin(), bytes.end());
      names_ += (names_.empty() ? "" : ", ") + f;
    }
  }
  size_t size() const override { return data_.size() / 3073; }
  void image(size_t i, RawImage &out) const override {
    out.height = out.width = 32;
    out.channels = 3;
    out.pixels.resize(3072);
    const unsigned char *p = data_.data() + i * 3073 + 1;
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 1024; ++k)
        out.pixels[k * 3 + c] = p[c * 1024 + k];
  }
  int label(size_t i) const override { return data_[i * 3073]; }
  std::string describe() const override {
    return "CIFAR-10 " + names_ + " (" + std::to_string(size()) + " images)";
  }

private:
  std::vector<unsigned char> data_;
  std::string names_;
};

/// A directory with images.npy (N,H,W[,C] float32) and labels.npy (N class
/// ids, or N x K one-hot). Images are read record by record from the file.
class NpyDataset : public Dataset {
public:
  NpyDataset(const std::string &imagesPath, const std::string &labelsPath)
      : imagesPath_(imagesPath) {
    std::string err;
    if (!readNpyHeader(imagesPath, shape_, offset_, err))
      fail(err);
    if (shape_.size() != 3 && shape_.size() != 4)
      failAt(imagesPath, "expected shape N x H x W [x C], got " +
                             std::to_string(shape_.size()) + " dimensions");
    if (shape_.size() == 3)
      shape_.push_back(1);
    struct stat st;
    ::stat(imagesPath.c_str(), &st);
    int64_t need = offset_ + 4 * shape_[0] * shape_[1] * shape_[2] * shape_[3];
    if (st.st_size != need)
      failAt(imagesPath, sizeMismatch(st.st_size, need) + ": shape needs " +
                             std::to_string(need) + " bytes, file has " +
                             std::to_string(st.st_size));
    std::vector<int64_t> lshape;
    std::vector<double> lvals;
    if (!readNpyAsDouble(labelsPath, lshape, lvals, err))
      fail(err);
    if (lshape.empty() || lshape.size() > 2)
      failAt(labelsPath, "expected N class ids or an N x K one-hot array");
    if (lshape[0] != shape_[0])
      failAt(labelsPath, "has " + std::to_string(lshape[0]) + " labels but " +
                             imagesPath + " has " + std::to_string(shape_[0]) +
                             " images");
    int64_t k = lshape.size() == 2 ? lshape[1] : 1;
    for (int64_t i = 0; i < shape_[0]; ++i) {
      const double *row = lvals.data() + i * k;
      int lab;
      if (k == 1) {
        if (row[0] < 0 || row[0] != std::floor(row[0]) || row[0] > 1e6)
          failAt(labelsPath, "label #" + std::to_string(i) + " is " +
                                 std::to_string(row[0]) + ", not a class id");
        lab = int(row[0]);
      } else {
        lab = int(std::max_element(row, row + k) - row);
      }
      labels_.push_back(lab);
    }
    fd_ = ::open(imagesPath.c_str(), O_RDONLY);
    if (fd_ < 0)
      failAt(imagesPath, withErrno("cannot open"));
  }
  ~NpyDataset() override {
    if (fd_ >= 0)
      ::close(fd_);
  }
  size_t size() const override { return shape_[0]; }
  void image(size_t i, RawImage &out) const override {
    out.height = shape_[1];
    out.width = shape_[2];
    out.channels = shape_[3];
    size_t n = size_t(shape_[1]) * shape_[2] * shape_[3];
    out.pixels.resize(n);
    ssize_t got = ::pread(fd_, out.pixels.data(), n * 4, offset_ + i * n * 4);
    if (got != ssize_t(n * 4))
      failAt(imagesPath_, "read error at image " + std::to_string(i));
  }
  int label(size_t i) const override { return labels_[i]; }
  float defaultScale() const override { return 1.0f; }
  std::string describe() const override {
    return "npy " + imagesPath_ + " (" + std::to_string(shape_[0]) +
           " images " + std::to_string(shape_[1]) + "x" +
           std::to_string(shape_[2]) + "x" + std::to_string(shape_[3]) + ")";
  }

private:
  std::string imagesPath_;
  std::vector<int64_t> shape_;
  int64_t offset_ = 0;
  std::vector<int> labels_;
  int fd_ = -1;
};

class ImageFiles : public Dataset {
public:
  explicit ImageFiles(std::vector<std::string> paths)
      : paths_(std::move(paths)) {}
  size_t size() const override { return paths_.size(); }
  void image(size_t i, RawImage &out) const override {
    int w, h, c;
    unsigned char *p = stbi_load(paths_[i].c_str(), &w, &h, &c, 0);
    if (!p)
      fail(paths_[i] + ": cannot decode image: " +
           (exists(paths_[i]) ? std::string(stbi_failure_reason())
                              : std::string("no such file")));
    // Drop an alpha channel: models see grey or RGB.
    int keep = c == 2 ? 1 : c == 4 ? 3 : c;
    out.height = h;
    out.width = w;
    out.channels = keep;
    out.pixels.resize(size_t(h) * w * keep);
    for (size_t px = 0; px < size_t(h) * w; ++px)
      for (int k = 0; k < keep; ++k)
        out.pixels[px * keep + k] = p[px * c + k];
    stbi_image_free(p);
  }
  int label(size_t) const override { return -1; }
  std::string describe() const override {
    return std::to_string(paths_.size()) + " image file(s)";
  }

private:
  std::vector<std::string> paths_;
};

std::string firstExisting(const std::string &dir,
                          std::initializer_list<std::string> names) {
  for (const std::string &n : names)
    if (exists(dir + "/" + n))
      return dir + "/" + n;
  return "";
}

std::string fashionFile(const std::string &dir, const std::string &stem) {
  return firstExisting(dir, {stem + ".gz", stem});
}

} // namespace

std::shared_ptr<const Dataset>
netrewrite::runtime::openDataset(const std::string &pathIn,
                                 const std::string &formatIn,
                                 const std::string &split) {
  std::string path = pathIn;
  if (!exists(path) && (path == "fashion-mnist" || path == "fashion_mnist"))
    path = "/usr/share/datasets/fashion-mnist";
  if (!exists(path))
    failAt(path, "no such file or directory");
  if (split != "train" && split != "test")
    fail("--split: expected 'train' or 'test', got '" + split + "'");
  bool train = split == "train";
  if (!isDirectory(path)) {
    // A single file: an IDX image file (its labels file next to it) or one
    // CIFAR-10 batch. --split does not apply.
    std::string f = path, base = f.substr(f.rfind('/') + 1);
    std::string format = formatIn;
    if (format.empty())
      format = base.find("idx3") != std::string::npos ? "fashion-mnist"
               : base.size() > 4 && base.compare(base.size() - 4, 4, ".bin") == 0
                   ? "cifar10"
                   : "";
    if (format == "fashion-mnist" || format == "mnist" || format == "idx") {
      size_t at = f.rfind("images-idx3");
      if (at == std::string::npos || at < f.size() - base.size())
        failAt(f, "an IDX image file name contains 'images-idx3' (its "
                  "labels are read from the matching 'labels-idx1' file)");
      std::string labels = f;
      labels.replace(at, 11, "labels-idx1");
      if (!exists(labels))
        failAt(f, "no labels file " + labels + " next to it");
      return std::make_shared<IdxDataset>(f, labels);
    }
    if (format == "cifar10")
      return std::make_shared<CifarDataset>(std::vector<std::string>{f});
    failAt(path, "expected a dataset directory (Fashion-MNIST's four IDX "
                 "files, CIFAR-10 batches, or images.npy + labels.npy), an "
                 "IDX image file or a CIFAR-10 .bin batch");
  }
  std::string dir = path;
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();

  std::string format = formatIn;
  std::string idxPrefix = train ? "train" : "t10k";
  if (format.empty()) {
    if (!fashionFile(dir, "train-images-idx3-ubyte").empty() ||
        !fashionFile(dir, "t10k-images-idx3-ubyte").empty())
      format = "fashion-mnist";
    else if (!firstExisting(dir, {"data_batch_1.bin", "test_batch.bin",
                                  "cifar-10-batches-bin"})
                  .empty())
      format = "cifar10";
    else if (!firstExisting(dir, {"images.npy", "x.npy", "train/images.npy",
                                  "test/images.npy", "train/x.npy",
                                  "test/x.npy"})
                  .empty())
      format = "npy-dir";
    else
      failAt(dir, "cannot tell the dataset format (no *-images-idx3-ubyte"
                  "[.gz], data_batch_*.bin/test_batch.bin or images.npy); "
                  "pass --format");
  }
  if (format == "fashion-mnist" || format == "mnist" || format == "idx") {
    std::string images = fashionFile(dir, idxPrefix + "-images-idx3-ubyte");
    std::string labels = fashionFile(dir, idxPrefix + "-labels-idx1-ubyte");
    if (images.empty())
      failAt(dir, "no " + idxPrefix + "-images-idx3-ubyte[.gz] for the " +
                      split + " split");
    if (labels.empty())
      failAt(dir, "no " + idxPrefix + "-labels-idx1-ubyte[.gz] for the " +
                      split + " split");
    return std::make_shared<IdxDataset>(images, labels);
  }
  if (format == "cifar10") {
    if (isDirectory(dir + "/cifar-10-batches-bin"))
      dir += "/cifar-10-batches-bin";
    std::vector<std::string> files;
    if (train) {
      for (int i = 1; i <= 5; ++i)
        if (exists(dir + "/data_batch_" + std::to_string(i) + ".bin"))
          files.push_back(dir + "/data_batch_" + std::to_string(i) + ".bin");
    } else if (exists(dir + "/test_batch.bin")) {
      files.push_back(dir + "/test_batch.bin");
    }
    if (files.empty())
      failAt(dir,
             "no CIFAR-10 " +
                 std::string(train ? "data_batch_1..5.bin" : "test_batch.bin") +
                 " for the " + split + " split");
    return std::make_shared<CifarDataset>(files);
  }
  if (format == "npy-dir") {
    std::string sub = dir + "/" + split;
    std::string base = isDirectory(sub) ? sub : dir;
    std::string images = firstExisting(base, {"images.npy", "x.npy"});
    if (images.empty())
      failAt(dir, "an npy-dir dataset needs images.npy (or x.npy), also "
                  "accepted in " +
                      split + "/");
    std::string labels = firstExisting(base, {"labels.npy", "y.npy"});
    if (labels.empty())
      failAt(base, "no labels.npy (or y.npy) next to " + images);
    return std::make_shared<NpyDataset>(images, labels);
  }
  fail("--format: unknown dataset format '" + format +
       "' (expected fashion-mnist, cifar10 or npy-dir)");
}

std::shared_ptr<const Dataset>
netrewrite::runtime::openImageFiles(const std::vector<std::string> &paths) {
  return std::make_shared<ImageFiles>(paths);
}

void netrewrite::runtime::resizeBilinear(const float *in, int inH, int inW,
                                         int c, float *out, int outH,
                                         int outW) {
  float sy = float(inH) / outH, sx = float(inW) / outW;
  for (int y = 0; y < outH; ++y) {
    float fy = std::max(0.0f, (y + 0.5f) * sy - 0.5f);
    int y0 = std::min(int(fy), inH - 1);
    int y1 = std::min(y0 + 1, inH - 1);
    float wy = fy - y0;
    for (int x = 0; x < outW; ++x) {
      float fx = std::max(0.0f, (x + 0.5f) * sx - 0.5f);
      int x0 = std::min(int(fx), inW - 1);
      int x1 = std::min(x0 + 1, inW - 1);
      float wx = fx - x0;
      for (int k = 0; k < c; ++k) {
        float a = in[(size_t(y0) * inW + x0) * c + k];
        float b = in[(size_t(y0) * inW + x1) * c + k];
        float d = in[(size_t(y1) * inW + x0) * c + k];
        float e = in[(size_t(y1) * inW + x1) * c + k];
        out[(size_t(y) * outW + x) * c + k] =
            (1 - wy) * ((1 - wx) * a + wx * b) + wy * ((1 - wx) * d + wx * e);
      }
    }
  }
}

void Preprocess::apply(const RawImage &in, float *out,
                       uint64_t augmentSeed) const {
  // 1. Channels.
  std::vector<float> chan;
  const float *src = in.pixels.data();
  if (in.channels != channels) {
    size_t px = size_t(in.height) * in.width;
    chan.resize(px * channels);
    if (in.channels == 1) {
      for (size_t p = 0; p < px; ++p)
        for (int k = 0; k < channels; ++k)
          chan[p * channels + k] = src[p];
    } else if (channels == 1) {
      for (size_t p = 0; p < px; ++p) {
        float s = 0;
        for (int k = 0; k < in.channels; ++k)
          s += src[p * in.channels + k];
        chan[p] = s / in.channels;
      }
    } else {
      fail("cannot feed a " + std::to_string(in.channels) +
           "-channel image to a model that expects " +
           std::to_string(channels) + " channels");
    }
    src = chan.data();
  }
  // 2. Size.
  std::vector<float> resized;
  if (in.height != height || in.width != width) {
    resized.resize(size_t(height) * width * channels);
    resizeBilinear(src, in.height, in.width, channels, resized.data(), height,
                   width);
    src = resized.data();
  }
  // 3. Augmentation: a flip and a shift, both pure functions of the seed.
  uint64_t r = mix64(augmentSeed);
  bool doFlip = flip && (r & 1);
  int dy = 0, dx = 0;
  if (crop) {
    int my = std::max(1, height / 8), mx = std::max(1, width / 8);
    dy = int(mix64(r ^ 0x51) % uint64_t(2 * my + 1)) - my;
    dx = int(mix64(r ^ 0xa3) % uint64_t(2 * mx + 1)) - mx;
  }
  // 4. Values.
  auto meanOf = [&](int k) {
    return mean.empty() ? 0.0f : mean.size() == 1 ? mean[0] : mean[k];
  };
  auto stdOf = [&](int k) {
    return std.empty() ? 1.0f : std.size() == 1 ? std[0] : std[k];
  };
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int sy = y + dy, sx = doFlip ? width - 1 - x : x;
      sx += dx;
      bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
      for (int k = 0; k < channels; ++k) {
        float v = inside ? src[(size_t(sy) * width + sx) * channels + k] : 0.0f;
        out[(size_t(y) * width + x) * channels + k] =
            (v * scale - meanOf(k)) / stdOf(k);
      }
    }
}
