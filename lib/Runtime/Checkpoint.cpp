//===- Checkpoint.cpp - Atomic, verified checkpoints ----------------------===//

#include "netrewrite/Runtime/Checkpoint.h"
#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Shape.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace netrewrite::runtime;
using json = nlohmann::json;

static const char kMagic[8] = {'N', 'R', 'C', 'K', 'P', 'T', '0', '1'};
static const char kEnd[8] = {'N', 'R', 'C', 'K', 'E', 'N', 'D', '1'};

namespace {

std::string hex64(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

void putLE64(std::string &out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(char((v >> (8 * i)) & 0xff));
}

uint64_t getLE64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

std::string dirOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

namespace {
/// A file written under a temporary name and renamed into place by commit();
/// destroyed without commit, it removes the temporary. Streaming, so a
/// checkpoint of a large model is never held twice in memory.
class AtomicFile {
public:
  explicit AtomicFile(std::string path)
      : path_(std::move(path)),
        tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_ < 0)
      fail(path_ + ": cannot write: " + std::strerror(errno));
  }
  ~AtomicFile() {
    if (fd_ >= 0)
      ::close(fd_);
    if (!committed_)
      ::unlink(tmp_.c_str());
  }
  void write(const void *data, size_t size) {
    const char *p = static_cast<const char *>(data);
    while (size) {
      ssize_t n = ::write(fd_, p, size);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        fail(path_ + ": write failed: " + std::strerror(errno));
      }
      p += n;
      size -= size_t(n);
    }
  }
  void commit() {
    int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0 || ::close(fd) != 0)
      fail(path_ + ": cannot flush to disk: " + std::strerror(errno));
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
      fail(path_ + ": cannot rename the temporary file into place: " +
           std::strerror(errno));
    committed_ = true;
    // Make the rename itself durable.
    int dfd = ::open(dirOf(path_).c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }

private:
  std::string path_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
};
} // namespace

void netrewrite::runtime::writeFileAtomic(const std::string &path,
                                          const std::string &contents) {
  AtomicFile f(path);
  f.write(contents.data(), contents.size());
  f.commit();
}

void netrewrite::runtime::writeCheckpoint(const std::string &path,
                                          const Checkpoint &ckpt) {
  json header;
  header["format"] = "netrewrite-checkpoint";
  header["version"] = 1;
  header["epoch"] = ckpt.state.epoch;
  header["step"] = ckpt.state.step;
  header["rng"] = hex64(ckpt.state.rng);
  header["optimizer"] = ckpt.state.optimizer;
  header["manifest_hash"] = hex64(ckpt.state.manifestHash);
  json config = json::parse(ckpt.state.configJson, nullptr, false);
  header["config"] = config.is_discarded() ? json::object() : config;
  json tensors = json::array();
  uint64_t offset = 0;
  for (const NamedTensor &t : ckpt.tensors) {
    tensors.push_back({{"name", t.name},
                       {"kind", t.kind},
                       {"shape", t.shape},
                       {"offset", offset},
                       {"count", t.data.size()}});
    offset += t.data.size() * 4;
  }
  header["tensors"] = tensors;
  std::string text = header.dump();

  std::string head(kMagic, 8);
  putLE64(head, text.size());
  head += text;
  AtomicFile f(path);
  uLong crc = crc32_z(0L, reinterpret_cast<const Bytef *>(head.data()),
                      head.size());
  f.write(head.data(), head.size());
  for (const NamedTensor &t : ckpt.tensors) {
    // Little-endian hosts only (x86-64, arm64), like the format.
    size_t bytes = t.data.size() * 4;
    crc = crc32_z(crc, reinterpret_cast<const Bytef *>(t.data.data()), bytes);
    f.write(t.data.data(), bytes);
  }
  std::string tail;
  for (int i = 0; i < 4; ++i)
    tail.push_back(char((crc >> (8 * i)) & 0xff));
  tail.append(kEnd, 8);
  f.write(tail.data(), tail.size());
  f.commit();
}

Checkpoint netrewrite::runtime::readCheckpoint(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(path + ": cannot open checkpoint: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  const unsigned char *p = reinterpret_cast<const unsigned char *>(bytes.data());
  if (bytes.size() < 8 || std::memcmp(p, kMagic, 8) != 0)
    fail(path + ": not a netrewrite checkpoint (bad magic)");
  if (bytes.size() < 8 + 8 + 12 ||
      std::memcmp(p + bytes.size() - 8, kEnd, 8) != 0)
    fail(path + ": truncated checkpoint (no end marker; " +
         std::to_string(bytes.size()) + " bytes)");
  uint64_t headerLen = getLE64(p + 8);
  if (headerLen > bytes.size() - 28)
    fail(path + ": truncated checkpoint (header length " +
         std::to_string(headerLen) + " exceeds the file)");
  size_t body = bytes.size() - 12;
  uLong crc = crc32_z(0L, p, body);
  uint32_t stored = uint32_t(p[body]) | (uint32_t(p[body + 1]) << 8) |
                    (uint32_t(p[body + 2]) << 16) |
                    (uint32_t(p[body + 3]) << 24);
  if (uint32_t(crc) != stored)
    fail(path + ": corrupt checkpoint (CRC-32 mismatch)");
  json header = json::parse(bytes.begin() + 16, bytes.begin() + 16 + headerLen,
                            nullptr, false);
  if (header.is_discarded() || !header.is_object() ||
      header.value("format", "") != "netrewrite-checkpoint")
    fail(path + ": corrupt checkpoint header");
  if (header.value("version", 0) != 1)
    fail(path + ": checkpoint version " +
         std::to_string(header.value("version", 0)) +
         " is not supported (this runtime reads version 1)");
  Checkpoint ck;
  try {
    ck.state.epoch = header.at("epoch").get<int64_t>();
    ck.state.step = header.at("step").get<int64_t>();
    ck.state.rng = std::stoull(header.at("rng").get<std::string>(), nullptr, 16);
    ck.state.optimizer = header.at("optimizer").get<std::string>();
    ck.state.manifestHash =
        std::stoull(header.at("manifest_hash").get<std::string>(), nullptr, 16);
    ck.state.configJson = header.value("config", json::object()).dump();
    size_t dataStart = 16 + headerLen;
    size_t dataLen = body - dataStart;
    for (const json &t : header.at("tensors")) {
      NamedTensor n;
      n.name = t.at("name").get<std::string>();
      n.kind = t.at("kind").get<std::string>();
      n.shape = t.at("shape").get<std::vector<int64_t>>();
      uint64_t off = t.at("offset").get<uint64_t>();
      uint64_t count = t.at("count").get<uint64_t>();
      uint64_t expect = 1;
      for (int64_t d : n.shape)
        expect *= uint64_t(d);
      if (count != expect || off > dataLen || count * 4 > dataLen - off)
        fail(path + ": corrupt checkpoint: tensor '" + n.name +
             "' does not fit its data");
      n.data.resize(count);
      std::memcpy(n.data.data(), p + dataStart + off, count * 4);
      ck.tensors.push_back(std::move(n));
    }
  } catch (const json::exception &e) {
    fail(path + ": corrupt checkpoint header: " + e.what());
  } catch (const std::logic_error &) {
    fail(path + ": corrupt checkpoint header: bad rng or manifest_hash");
  }
  return ck;
}

void netrewrite::runtime::loadIntoState(const Checkpoint &ckpt,
                                        const std::string &path,
                                        ModelState &state, bool withOptState) {
  auto load = [&](NamedTensor &dst) {
    const NamedTensor *src = nullptr;
    for (const NamedTensor &t : ckpt.tensors)
      if (t.name == dst.name)
        src = &t;
    if (!src)
      fail(path + ": checkpoint has no tensor '" + dst.name +
           "' (expected shape " + shapeString(dst.shape) +
           "); is it a checkpoint of another model?");
    if (src->shape != dst.shape)
      fail(path + ": tensor '" + dst.name + "' has shape " +
           shapeString(src->shape) + ", the model expects " +
           shapeString(dst.shape));
    dst.data = src->data;
  };
  for (NamedTensor &t : state.params)
    load(t);
  if (withOptState)
    for (NamedTensor &t : state.optState)
      load(t);
}
