//===- Checkpoint.cpp - Named float32 tensors on disk ---------------------===//
//
// Layout (all integers little-endian; see docs/checkpoints.md):
//   "NRCKPT\0\1"            8 bytes: magic + format version 1
//   u64 count
//   count x { u32 nameLength, name bytes, u32 rank, i64 dims[rank] }
//   zero padding to a multiple of 64 bytes
//   the tensors' float32 data, in order, each padded to 64 bytes
//   u64 FNV-1a hash of every byte before it
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Checkpoint.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <unistd.h>

using namespace netrewrite::runtime;

namespace {

constexpr char kMagic[8] = {'N', 'R', 'C', 'K', 'P', 'T', '\0', '\1'};
constexpr size_t kAlign = 64;
constexpr uint64_t kMaxRank = 16;

uint64_t fnv1a(const uint8_t *p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

template <typename T> void put(std::vector<uint8_t> &b, T v) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T)); // the format is little-endian, as x86
  b.insert(b.end(), bytes, bytes + sizeof(T));
}

void pad(std::vector<uint8_t> &b) { b.resize((b.size() + kAlign - 1) / kAlign * kAlign, 0); }

std::string shapeText(const std::vector<int64_t> &s) {
  if (s.empty())
    return "scalar";
  std::string t;
  for (size_t i = 0; i < s.size(); ++i)
    t += (i ? "x" : "") + std::to_string(s[i]);
  return t;
}

} // namespace

bool netrewrite::runtime::writeCheckpoint(
    const std::string &path, const std::vector<NamedTensor> &tensors,
    std::string &error) {
  std::set<std::string> names;
  std::vector<uint8_t> b(kMagic, kMagic + 8);
  put<uint64_t>(b, tensors.size());
  for (const NamedTensor &t : tensors) {
    if (t.name.empty() || !names.insert(t.name).second) {
      error = path + ": tensor names must be unique and non-empty ('" +
              t.name + "')";
      return false;
    }
    int64_t n = 1;
    for (int64_t d : t.shape)
      n *= d;
    if ((int64_t)t.data.size() != n) {
      error = path + ": tensor '" + t.name + "' has shape " +
              shapeText(t.shape) + " but " + std::to_string(t.data.size()) +
              " values";
      return false;
    }
    put<uint32_t>(b, t.name.size());
    b.insert(b.end(), t.name.begin(), t.name.end());
    put<uint32_t>(b, t.shape.size());
    for (int64_t d : t.shape)
      put<int64_t>(b, d);
  }
  pad(b);
  for (const NamedTensor &t : tensors) {
    const uint8_t *p = reinterpret_cast<const uint8_t *>(t.data.data());
    b.insert(b.end(), p, p + t.data.size() * sizeof(float));
    pad(b);
  }
  put<uint64_t>(b, fnv1a(b.data(), b.size()));

  std::string tmp = path + ".tmp." + std::to_string(getpid());
  FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    error = path + ": cannot create " + tmp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(b.data(), 1, b.size(), f) == b.size() &&
            std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": write failed: " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool netrewrite::runtime::readCheckpoint(const std::string &path,
                                         std::vector<NamedTensor> &tensors,
                                         std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open the checkpoint";
    return false;
  }
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  if (b.size() < 8 || std::memcmp(b.data(), kMagic, 6) != 0) {
    error = path + ": not a netrewrite checkpoint (bad magic)";
    return false;
  }
  if (b[6] != 0 || b[7] != 1) {
    error = path + ": unsupported checkpoint version " + std::to_string(b[7]);
    return false;
  }
  size_t pos = 8;
  auto need = [&](size_t n, const char *what) {
    if (b.size() < 8 || pos + n > b.size() - 8) {
      error = path + ": truncated checkpoint (while reading " + what + ")";
      return false;
    }
    return true;
  };
  auto get64 = [&]() { uint64_t v; std::memcpy(&v, &b[pos], 8); pos += 8; return v; };
  auto get32 = [&]() { uint32_t v; std::memcpy(&v, &b[pos], 4); pos += 4; return v; };
  if (!need(8, "the tensor count"))
    return false;
  uint64_t count = get64();
  if (count > b.size()) {
    error = path + ": corrupt checkpoint (tensor count " +
            std::to_string(count) + ")";
    return false;
  }
  tensors.assign(count, {});
  for (NamedTensor &t : tensors) {
    if (!need(4, "a tensor name"))
      return false;
    uint32_t len = get32();
    if (!need(len + 4, "a tensor name"))
      return false;
    t.name.assign(reinterpret_cast<char *>(&b[pos]), len);
    pos += len;
    uint32_t rank = get32();
    if (rank > kMaxRank || !need(8 * rank, "a tensor shape")) {
      if (rank > kMaxRank)
        error = path + ": corrupt checkpoint (tensor '" + t.name +
                "' has rank " + std::to_string(rank) + ")";
      return false;
    }
    for (uint32_t i = 0; i < rank; ++i) {
      int64_t d = (int64_t)get64();
      if (d < 0 || d > (int64_t)b.size()) {
        error = path + ": corrupt checkpoint (tensor '" + t.name +
                "' has dimension " + std::to_string(d) + ")";
        return false;
      }
      t.shape.push_back(d);
    }
  }
  pos = (pos + kAlign - 1) / kAlign * kAlign;
  for (NamedTensor &t : tensors) {
    size_t n = 1;
    for (int64_t d : t.shape)
      n *= d;
    if (!need(n * 4, "tensor data"))
      return false;
    t.data.resize(n);
    std::memcpy(t.data.data(), &b[pos], n * 4);
    pos = (pos + n * 4 + kAlign - 1) / kAlign * kAlign;
  }
  if (pos + 8 != b.size()) {
    error = path + ": corrupt checkpoint (" + std::to_string(b.size()) +
            " bytes, the header describes " + std::to_string(pos + 8) + ")";
    return false;
  }
  uint64_t stored;
  std::memcpy(&stored, &b[pos], 8);
  if (stored != fnv1a(b.data(), pos)) {
    error = path + ": corrupt checkpoint (checksum mismatch)";
    return false;
  }
  return true;
}

bool netrewrite::runtime::matchCheckpoint(const std::string &path,
                                          const std::vector<NamedTensor> &have,
                                          const std::vector<NamedTensor> &want,
                                          std::string &error) {
  for (const NamedTensor &w : want) {
    const NamedTensor *h = nullptr;
    for (const NamedTensor &t : have)
      if (t.name == w.name)
        h = &t;
    if (!h) {
      error = path + ": no tensor '" + w.name +
              "' (is this a checkpoint of another model?)";
      return false;
    }
    if (h->shape != w.shape) {
      error = path + ": tensor '" + w.name + "' has shape " +
              shapeText(h->shape) + " but the model's is " + shapeText(w.shape);
      return false;
    }
  }
  for (const NamedTensor &t : have) {
    bool known = false;
    for (const NamedTensor &w : want)
      known |= t.name == w.name;
    if (!known) {
      error = path + ": tensor '" + t.name + "' is not a weight of this model";
      return false;
    }
  }
  return true;
}
