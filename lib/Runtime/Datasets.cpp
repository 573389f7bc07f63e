//===- Datasets.cpp - Fashion-MNIST IDX, CIFAR-10 binary, .npy dirs -------===//

#include "netrewrite/Runtime/Datasets.h"
#include "netrewrite/Runtime/Npy.h"

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace netrewrite::runtime;

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Reads a whole file, gunzipping it when it is gzip-compressed (zlib reads
/// plain files through the same call).
bool readMaybeGzip(const std::string &path, std::vector<uint8_t> &bytes,
                   std::string &error) {
  if (!fs::is_regular_file(path)) {
    error = path + ": no such file";
    return false;
  }
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": cannot open";
    return false;
  }
  bytes.clear();
  std::vector<uint8_t> chunk(1 << 20);
  while (true) {
    int n = gzread(f, chunk.data(), chunk.size());
    if (n < 0) {
      int errnum = 0;
      const char *msg = gzerror(f, &errnum);
      error = path + ": corrupt gzip data (" + msg + ")";
      gzclose(f);
      return false;
    }
    if (n == 0)
      break;
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
  }
  // zlib reports a truncated gzip stream only through gzclose/gzerror.
  int errnum = 0;
  gzerror(f, &errnum);
  int rc = gzclose(f);
  if (errnum != Z_OK && errnum != Z_STREAM_END) {
    error = path + ": truncated or corrupt gzip data";
    return false;
  }
  if (rc == Z_BUF_ERROR) {
    error = path + ": truncated gzip data";
    return false;
  }
  return true;
}

uint32_t bigEndian32(const uint8_t *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) |
         (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

/// Fashion-MNIST / MNIST: an IDX3 image file and an IDX1 label file.
class IdxDataset : public Dataset {
public:
  std::vector<uint8_t> images, labels;
  int64_t n = 0, rows = 0, cols = 0;

  int64_t size() const override { return n; }
  int64_t height() const override { return rows; }
  int64_t width() const override { return cols; }
  int64_t channels() const override { return 1; }
  bool isBytes() const override { return true; }
  int64_t get(int64_t i, float *out) const override {
    const uint8_t *p = images.data() + 16 + i * rows * cols;
    for (int64_t k = 0; k < rows * cols; ++k)
      out[k] = p[k];
    return labels[8 + i];
  }

  bool load(const std::string &imagePath, const std::string &labelPath,
            std::string &error) {
    if (!readMaybeGzip(imagePath, images, error) ||
        !readMaybeGzip(labelPath, labels, error))
      return false;
    if (images.size() < 16 || bigEndian32(images.data()) != 0x803) {
      error = imagePath + ": not an IDX image file (expected magic 0x00000803)";
      return false;
    }
    if (labels.size() < 8 || bigEndian32(labels.data()) != 0x801) {
      error = labelPath + ": not an IDX label file (expected magic 0x00000801)";
      return false;
    }
    n = bigEndian32(images.data() + 4);
    rows = bigEndian32(images.data() + 8);
    cols = bigEndian32(images.data() + 12);
    if (rows <= 0 || cols <= 0 || rows > 65536 || cols > 65536) {
      error = imagePath + ": implausible image size " + std::to_string(rows) +
              "x" + std::to_string(cols);
      return false;
    }
    if ((int64_t)images.size() != 16 + n * rows * cols) {
      error = imagePath + ": truncated: header promises " + std::to_string(n) +
              " images of " + std::to_string(rows) + "x" +
              std::to_string(cols) + " (" +
              std::to_string(16 + n * rows * cols) + " bytes) but it has " +
              std::to_string(images.size()) + " bytes";
      return false;
    }
    int64_t nl = bigEndian32(labels.data() + 4);
    if ((int64_t)labels.size() != 8 + nl) {
      error = labelPath + ": truncated: header promises " + std::to_string(nl) +
              " labels but it has " + std::to_string(labels.size() - 8) +
              " bytes of labels";
      return false;
    }
    if (nl != n) {
      error = labelPath + ": has " + std::to_string(nl) + " labels but " +
              imagePath + " has " + std::to_string(n) + " images";
      return false;
    }
    return true;
  }
};

/// CIFAR-10 binary: records of 1 label byte + 3072 bytes (3x32x32, planar).
class CifarDataset : public Dataset {
public:
  std::vector<uint8_t> records;
  int64_t n = 0;
  static constexpr int64_t kRecord = 1 + 3 * 32 * 32;

  int64_t size() const override { return n; }
  int64_t height() const override { return 32; }
  int64_t width() const override { return 32; }
  int64_t channels() const override { return 3; }
  bool isBytes() const override { return true; }
  int64_t get(int64_t i, float *out) const override {
    const uint8_t *r = records.data() + i * kRecord;
    // Planar CHW on disk; the models are NHWC.
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t p = 0; p < 1024; ++p)
        out[p * 3 + c] = r[1 + c * 1024 + p];
    return r[0];
  }

  bool addFile(const std::string &path, std::string &error) {
    std::vector<uint8_t> bytes;
    if (!readMaybeGzip(path, bytes, error))
      return false;
    if (bytes.empty() || bytes.size() % kRecord != 0) {
      error = path + ": truncated CIFAR-10 batch: " +
              std::to_string(bytes.size()) +
              " bytes is not a multiple of the 3073-byte record";
      return false;
    }
    for (size_t off = 0; off < bytes.size(); off += kRecord)
      if (bytes[off] > 9) {
        error = path + ": record " + std::to_string(off / kRecord) +
                " has label " + std::to_string(bytes[off]) +
                " (CIFAR-10 labels are 0..9)";
        return false;
      }
    records.insert(records.end(), bytes.begin(), bytes.end());
    n += bytes.size() / kRecord;
    return true;
  }
};

/// A directory with x.npy (NxHxWxC float32) and y.npy (N float32 labels).
class NpyDataset : public Dataset {
public:
  NpyArray x, y;
  int64_t size() const override { return x.shape[0]; }
  int64_t height() const override { return x.shape[1]; }
  int64_t width() const override { return x.shape[2]; }
  int64_t channels() const override { return x.shape[3]; }
  bool isBytes() const override { return false; }
  int64_t get(int64_t i, float *out) const override {
    int64_t per = x.shape[1] * x.shape[2] * x.shape[3];
    std::memcpy(out, x.data.data() + i * per, per * sizeof(float));
    return (int64_t)y.data[i];
  }
  bool load(const std::string &dir, std::string &error) {
    std::string xp = (fs::path(dir) / "x.npy").string();
    std::string yp = (fs::path(dir) / "y.npy").string();
    if (!fs::exists(xp)) {
      error = dir + ": an npy-dir dataset needs x.npy (NxHxWxC float32) and "
                    "y.npy (N labels); x.npy is missing";
      return false;
    }
    if (!readNpy(xp, x, error) || !readNpy(yp, y, error))
      return false;
    if (x.shape.size() == 3) // NxHxW grey
      x.shape.push_back(1);
    if (x.shape.size() != 4) {
      error = xp + ": expected shape NxHxWxC, got " + x.shapeString();
      return false;
    }
    if (y.shape.size() != 1 || y.shape[0] != x.shape[0]) {
      error = yp + ": expected " + std::to_string(x.shape[0]) +
              " labels (shape " + std::to_string(x.shape[0]) + "), got " +
              y.shapeString();
      return false;
    }
    for (size_t i = 0; i < y.data.size(); ++i)
      if (y.data[i] < 0 || y.data[i] != (float)(int64_t)y.data[i]) {
        error = yp + ": label #" + std::to_string(i) +
                " is not a non-negative integer";
        return false;
      }
    return true;
  }
};

std::string firstExisting(const std::string &dir,
                          const std::vector<std::string> &names) {
  for (const std::string &n : names)
    if (fs::exists(fs::path(dir) / n))
      return (fs::path(dir) / n).string();
  return (fs::path(dir) / names.front()).string();
}

} // namespace

std::unique_ptr<Dataset>
netrewrite::runtime::openDataset(const std::string &path,
                                 const std::string &formatIn,
                                 const std::string &split, std::string &error) {
  if (!fs::exists(path)) {
    error = path + ": no such file or directory";
    return nullptr;
  }
  if (split != "test" && split != "train") {
    error = "--split=" + split + ": expected 'test' or 'train'";
    return nullptr;
  }
  bool isDir = fs::is_directory(path);
  std::string format = formatIn;
  if (format.empty()) {
    if (isDir && fs::exists(fs::path(path) / "x.npy"))
      format = "npy-dir";
    else if ((isDir && (fs::exists(fs::path(path) / "test_batch.bin") ||
                        fs::exists(fs::path(path) / "data_batch_1.bin"))) ||
             endsWith(path, ".bin"))
      format = "cifar10";
    else
      format = "fashion-mnist";
  }
  if (format == "fashion-mnist" || format == "mnist") {
    std::string prefix = split == "test" ? "t10k" : "train";
    std::string images, labels;
    if (isDir) {
      images = firstExisting(path, {prefix + "-images-idx3-ubyte.gz",
                                    prefix + "-images-idx3-ubyte"});
      labels = firstExisting(path, {prefix + "-labels-idx1-ubyte.gz",
                                    prefix + "-labels-idx1-ubyte"});
    } else {
      // An image file given directly: the label file sits next to it.
      images = path;
      labels = path;
      size_t at = labels.find("images-idx3");
      if (at == std::string::npos) {
        error = path + ": expected a Fashion-MNIST directory or a "
                       "*-images-idx3-ubyte[.gz] file";
        return nullptr;
      }
      labels.replace(at, 11, "labels-idx1");
    }
    auto ds = std::make_unique<IdxDataset>();
    if (!ds->load(images, labels, error))
      return nullptr;
    return ds;
  }
  if (format == "cifar10") {
    auto ds = std::make_unique<CifarDataset>();
    std::vector<std::string> files;
    if (isDir) {
      if (split == "test")
        files.push_back(firstExisting(path, {"test_batch.bin"}));
      else
        for (int i = 1; i <= 5; ++i)
          files.push_back(
              firstExisting(path, {"data_batch_" + std::to_string(i) + ".bin"}));
    } else {
      files.push_back(path);
    }
    for (const std::string &f : files)
      if (!ds->addFile(f, error))
        return nullptr;
    return ds;
  }
  if (format == "npy-dir") {
    if (!isDir) {
      error = path + ": --format=npy-dir expects a directory with x.npy and "
                     "y.npy";
      return nullptr;
    }
    auto ds = std::make_unique<NpyDataset>();
    if (!ds->load(path, error))
      return nullptr;
    return ds;
  }
  error = "--format=" + format +
          ": unknown dataset format (expected fashion-mnist, cifar10 or "
          "npy-dir)";
  return nullptr;
}
