//===- KerasExport.cpp - Trained weights into TFJS and Keras .h5 ----------===//
//
// TFJS layers model: model.json keeps its topology and every other key; its
// weightsManifest becomes one group whose single shard `<stem>.weights.bin`
// (next to the output model.json) holds every weight in the source's order,
// as float32 (quantised weights are stored dequantised: the values the
// importer and TFJS compute with). Legacy Keras .h5: a copy of the source
// file whose trained datasets are overwritten in place (HDF5 converts to
// each dataset's stored type), so everything else in the file is kept.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Export/Export.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <H5Cpp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <unistd.h>

using namespace netrewrite::exporter;
using json = nlohmann::json;

namespace {

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31, exp = (h >> 10) & 0x1f,
           mant = h & 0x3ff;
  if (exp == 0) // zero or subnormal: mant * 2^-24
    return (sign ? -1.0f : 1.0f) * std::ldexp(float(mant), -24);
  uint32_t bits = exp == 31 ? sign | 0x7f800000u | (mant << 13)
                            : sign | ((exp + 112) << 23) | (mant << 13);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

bool readFile(const std::string &path, std::string &out, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = path + ": " + buffer.getError().message();
    return false;
  }
  out = (*buffer)->getBuffer().str();
  return true;
}

//===----------------------------------------------------------------------===//
// TFJS layers model
//===----------------------------------------------------------------------===//

class TFJSSource : public SourceModel {
  struct Entry {
    std::string name;
    std::vector<int64_t> shape;
    bool isInt = false; ///< int32 weights (Normalization's count) stay int32
    std::vector<float> data;
  };

public:
  bool load(const std::string &path, std::string &error) {
    try {
      return loadImpl(path, error);
    } catch (const json::exception &e) {
      // A value of the wrong JSON type somewhere in the manifest.
      error = std::string("malformed weightsManifest: ") + e.what();
      return false;
    }
  }

  bool loadImpl(const std::string &path, std::string &error) {
    std::string text;
    if (!readFile(path, text, error))
      return false;
    root = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object() ||
        !root.contains("modelTopology")) {
      error = "not a TFJS layers model.json (no JSON object with "
              "'modelTopology')";
      return false;
    }
    if (!root.contains("weightsManifest") || !root["weightsManifest"].is_array()) {
      error = "the model.json has no 'weightsManifest'";
      return false;
    }
    llvm::SmallString<256> dir(path);
    llvm::sys::path::remove_filename(dir);
    for (const json &group : root["weightsManifest"]) {
      if (!group.is_object() || !group.contains("paths") ||
          !group.contains("weights")) {
        error = "a weightsManifest group lacks 'paths' or 'weights'";
        return false;
      }
      std::string bytes;
      for (const json &shard : group["paths"]) {
        llvm::SmallString<256> p(dir);
        llvm::sys::path::append(p, shard.get<std::string>());
        std::string chunk;
        if (!readFile(std::string(p), chunk, error)) {
          error = "weight shard: " + error;
          return false;
        }
        bytes += chunk;
      }
      size_t offset = 0;
      for (const json &spec : group["weights"]) {
        Entry e;
        e.name = spec.value("name", "");
        for (const json &d : spec.value("shape", json::array()))
          e.shape.push_back(d.get<int64_t>());
        size_t n = 1;
        for (int64_t d : e.shape)
          n *= size_t(d);
        std::string dtype = spec.value("dtype", "float32"), storage = dtype;
        double qmin = 0, qscale = 1;
        if (spec.contains("quantization")) {
          const json &q = spec["quantization"];
          storage = q.value("dtype", "");
          qmin = q.value("min", 0.0);
          qscale = q.value("scale", 1.0);
        }
        if ((dtype != "float32" && dtype != "int32") ||
            (storage != dtype && storage != "uint8" && storage != "uint16" &&
             storage != "float16")) {
          error = "weight '" + e.name + "' has an unsupported dtype";
          return false;
        }
        size_t width = storage == "uint8" ? 1
                       : storage == "uint16" || storage == "float16" ? 2
                                                                     : 4;
        if (offset + n * width > bytes.size()) {
          error = "the weight shards are shorter than the manifest says "
                  "(truncated?)";
          return false;
        }
        const char *p = bytes.data() + offset;
        e.isInt = dtype == "int32";
        e.data.resize(n);
        for (size_t i = 0; i < n; ++i) {
          if (storage == "float32") {
            std::memcpy(&e.data[i], p + 4 * i, 4);
          } else if (storage == "int32") {
            int32_t v;
            std::memcpy(&v, p + 4 * i, 4);
            e.data[i] = float(v);
          } else if (storage == "float16") {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            e.data[i] = halfToFloat(h);
          } else {
            // As TFJS (and the importer): q * scale + min in float64.
            double q = storage == "uint8"
                           ? double(uint8_t(p[i]))
                           : double(uint16_t(uint8_t(p[2 * i]) |
                                             (uint8_t(p[2 * i + 1]) << 8)));
            double v = q * qscale + qmin;
            e.data[i] = e.isInt ? float(std::floor(v + 0.5)) : float(v);
          }
        }
        offset += n * width;
        entries.push_back(std::move(e));
      }
    }
    return true;
  }

  bool read(const std::string &key, std::vector<int64_t> &shape,
            std::vector<float> &data, std::string &error) override {
    Entry *e = find(key, error);
    if (!e)
      return false;
    shape = e->shape;
    data = e->data;
    return true;
  }

  bool replace(const std::string &key, const std::vector<float> &data,
               std::string &error) override {
    Entry *e = find(key, error);
    if (!e)
      return false;
    e->data = data;
    return true;
  }

  bool save(const std::string &out, std::string &error) override {
    std::string shard = llvm::sys::path::stem(out).str() + ".weights.bin";
    llvm::SmallString<256> shardPath(out);
    llvm::sys::path::remove_filename(shardPath);
    llvm::sys::path::append(shardPath, shard);
    std::string bytes;
    json weights = json::array();
    for (const Entry &e : entries) {
      weights.push_back({{"name", e.name},
                         {"shape", e.shape},
                         {"dtype", e.isInt ? "int32" : "float32"}});
      for (float v : e.data) {
        char b[4];
        if (e.isInt) {
          int32_t i = int32_t(v);
          std::memcpy(b, &i, 4);
        } else {
          std::memcpy(b, &v, 4);
        }
        bytes.append(b, 4);
      }
    }
    json model = root;
    model["weightsManifest"] =
        json::array({{{"paths", json::array({shard})}, {"weights", weights}}});
    // The shard first, model.json last: model.json is what names the model,
    // and it only ever points at a complete shard.
    return writeFileAtomic(std::string(shardPath), bytes, error) &&
           writeFileAtomic(out, model.dump(1) + "\n", error);
  }

  bool insertBatchNorm(const std::string &after, const std::string &name,
                       const std::vector<float> (&values)[4], float epsilon,
                       float momentum, std::string &error) override {
    json &topology = root["modelTopology"];
    json *model = topology.contains("model_config") &&
                          topology["model_config"].is_object()
                      ? &topology["model_config"]
                      : &topology;
    if (!model->contains("config")) {
      error = "modelTopology holds no model config";
      return false;
    }
    bool sequential = model->value("class_name", "") == "Sequential";
    json &config = (*model)["config"];
    json *layers = config.is_array() ? &config
                   : config.contains("layers") ? &config["layers"]
                                               : nullptr;
    if (!layers || !layers->is_array()) {
      error = "the model config has no list of layers";
      return false;
    }
    auto layerName = [](const json &l) {
      if (l.contains("name") && l["name"].is_string())
        return l["name"].get<std::string>();
      if (l.contains("config") && l["config"].contains("name"))
        return l["config"]["name"].get<std::string>();
      return std::string();
    };
    int index = -1;
    for (size_t i = 0; i < layers->size(); ++i)
      if (layerName((*layers)[i]) == after)
        index = int(i);
    if (index < 0) {
      error = "no layer named '" + after + "'";
      return false;
    }
    // TFJS names weights `<layer>/<weight>`: a layer name holds no '/'.
    std::string base = name;
    std::replace(base.begin(), base.end(), '/', '_');
    std::string bnName = base;
    for (int k = 1;; ++k) {
      bool taken = false;
      for (const json &l : *layers)
        taken |= layerName(l) == bnName;
      if (!taken)
        break;
      bnName = base + "_" + std::to_string(k);
    }
    json zeros = {{"class_name", "Zeros"}, {"config", json::object()}};
    json ones = {{"class_name", "Ones"}, {"config", json::object()}};
    json entry = {
        {"class_name", "BatchNormalization"},
        {"name", bnName},
        {"config",
         {{"name", bnName}, {"trainable", true}, {"dtype", "float32"},
          {"axis", -1}, {"momentum", momentum}, {"epsilon", epsilon},
          {"center", true}, {"scale", true}, {"beta_initializer", zeros},
          {"gamma_initializer", ones}, {"moving_mean_initializer", zeros},
          {"moving_variance_initializer", ones},
          {"beta_regularizer", nullptr}, {"gamma_regularizer", nullptr},
          {"beta_constraint", nullptr}, {"gamma_constraint", nullptr}}}};
    if (!sequential) {
      // Functional: the BN reads `after`'s output, and everything that read
      // it (layers, model outputs) reads the BN's instead.
      const json &inbound = (*layers)[index].value("inbound_nodes", json());
      if (!inbound.is_array() || inbound.size() != 1) {
        error = "layer '" + after + "' is called " +
                std::to_string(inbound.is_array() ? inbound.size() : 0) +
                " times; a batch norm behind a shared layer has no single "
                "place";
        return false;
      }
      auto rewire = [&](json &ref) -> bool {
        if (!ref.is_array() || ref.empty() || !ref[0].is_string())
          return false;
        if (ref[0] == after) {
          if (ref.size() < 3 || ref[1] != 0 || ref[2] != 0)
            return false;
          ref[0] = bnName;
        }
        return true;
      };
      for (json &l : *layers) {
        if (!l.contains("inbound_nodes"))
          continue;
        for (json &node : l["inbound_nodes"]) {
          if (!node.is_array()) {
            error = "layer '" + layerName(l) +
                    "' has inbound nodes in a form other than Keras 2's";
            return false;
          }
          for (json &ref : node)
            if (!rewire(ref)) {
              error = "layer '" + layerName(l) + "' has an unexpected inbound "
                      "node";
              return false;
            }
        }
      }
      if (config.is_object() && config.contains("output_layers"))
        for (json &ref : config["output_layers"])
          if (!rewire(ref)) {
            error = "unexpected output_layers entry";
            return false;
          }
      entry["inbound_nodes"] = json::array(
          {json::array({json::array({after, 0, 0, json::object()})})});
    }
    layers->insert(layers->begin() + index + 1, entry);
    static const char *roles[4] = {"gamma", "beta", "moving_mean",
                                   "moving_variance"};
    for (int k = 0; k < 4; ++k)
      entries.push_back({bnName + "/" + roles[k],
                         {int64_t(values[k].size())}, false, values[k]});
    return true;
  }

private:
  Entry *find(const std::string &key, std::string &error) {
    Entry *found = nullptr;
    for (Entry &e : entries)
      if (e.name == key) {
        if (found) {
          error = "weightsManifest names '" + key + "' twice";
          return nullptr;
        }
        found = &e;
      }
    if (!found)
      error = "weightsManifest has no weight '" + key + "'";
    return found;
  }

  json root;
  std::vector<Entry> entries;
};

//===----------------------------------------------------------------------===//
// Legacy Keras .h5
//===----------------------------------------------------------------------===//

struct QuietHDF5 {
  QuietHDF5() { H5::Exception::dontPrint(); }
};

std::string h5Message(const H5::Exception &e) {
  std::string detail = e.getDetailMsg();
  return detail.empty() ? e.getFuncName() : detail;
}

class H5Source : public SourceModel {
public:
  bool load(const std::string &p, std::string &error) {
    static QuietHDF5 quiet;
    path = p;
    try {
      if (!H5::H5File::isHdf5(path.c_str())) {
        error = "not an HDF5 file (bad signature or truncated)";
        return false;
      }
      file.openFile(path, H5F_ACC_RDONLY);
    } catch (const H5::Exception &e) {
      error = "cannot open the HDF5 file: " + h5Message(e);
      return false;
    }
    return true;
  }

  bool read(const std::string &key, std::vector<int64_t> &shape,
            std::vector<float> &data, std::string &error) override {
    try {
      H5::DataSet ds = file.openDataSet(key);
      H5::DataSpace space = ds.getSpace();
      int rank = space.getSimpleExtentNdims();
      std::vector<hsize_t> dims(rank);
      space.getSimpleExtentDims(dims.data());
      size_t n = 1;
      shape.clear();
      for (hsize_t d : dims) {
        shape.push_back(int64_t(d));
        n *= d;
      }
      data.resize(n);
      if (n)
        ds.read(data.data(), H5::PredType::NATIVE_FLOAT);
    } catch (const H5::Exception &e) {
      error = "cannot read dataset '" + key + "': " + h5Message(e);
      return false;
    }
    return true;
  }

  bool replace(const std::string &key, const std::vector<float> &data,
               std::string &) override {
    pending[key] = data;
    return true;
  }

  bool save(const std::string &out, std::string &error) override {
    std::string tmp = out + ".tmp." + std::to_string(::getpid());
    if (std::error_code ec = llvm::sys::fs::copy_file(path, tmp)) {
      error = out + ": cannot write: " + ec.message();
      return false;
    }
    try {
      H5::H5File copy(tmp, H5F_ACC_RDWR);
      for (auto &[key, data] : pending) {
        H5::DataSet ds = copy.openDataSet(key);
        if (!data.empty())
          ds.write(data.data(), H5::PredType::NATIVE_FLOAT);
      }
      copy.close();
    } catch (const H5::Exception &e) {
      ::unlink(tmp.c_str());
      error = out + ": writing the HDF5 copy failed: " + h5Message(e);
      return false;
    }
    int fd = ::open(tmp.c_str(), O_RDONLY);
    bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0)
      ::close(fd);
    if (!synced || ::rename(tmp.c_str(), out.c_str()) != 0) {
      error = out + ": cannot write: " + std::strerror(errno);
      ::unlink(tmp.c_str());
      return false;
    }
    syncDirectoryOf(out);
    return true;
  }

private:
  std::string path;
  H5::H5File file;
  std::map<std::string, std::vector<float>> pending;
};

} // namespace

template <typename Source>
static std::unique_ptr<SourceModel> open(const std::string &path,
                                         std::string &error) {
  auto source = std::make_unique<Source>();
  if (!source->load(path, error))
    return nullptr;
  return source;
}

std::unique_ptr<SourceModel>
netrewrite::exporter::openTFJS(const std::string &path, std::string &error) {
  return open<TFJSSource>(path, error);
}

std::unique_ptr<SourceModel>
netrewrite::exporter::openKerasH5(const std::string &path, std::string &error) {
  return open<H5Source>(path, error);
}
