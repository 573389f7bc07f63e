//===- KerasReaders.cpp - TFJS / .h5 / .keras containers -> KerasModel ----===//
//
// Only container formats live here: JSON, weight shards and their TFJS
// quantisation, HDF5 groups and zip members. What the layers mean is the
// importer's business.
//
//===----------------------------------------------------------------------===//

#include "KerasModel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

// HDF5's C++ headers predate `override`.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wsuggest-override"
#pragma clang diagnostic ignored "-Winconsistent-missing-override"
#include <H5Cpp.h>
#pragma clang diagnostic pop
#include <zip.h>

#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace netrewrite::keras;
using llvm::StringRef;

static bool fail(ReadError &error, StringRef file, const std::string &message,
                 unsigned line = 0, unsigned column = 0) {
  error.file = file.str();
  error.line = line;
  error.column = column;
  error.message = message;
  return false;
}

static std::string shapeStr(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

bool netrewrite::keras::parseJSON(StringRef text, StringRef file,
                                  nlohmann::json &out, ReadError &error) {
  try {
    out = nlohmann::json::parse(text.begin(), text.end());
    return true;
  } catch (const nlohmann::json::parse_error &e) {
    // e.byte is 1-based; turn it into line:column for the diagnostic.
    size_t offset = e.byte ? std::min<size_t>(e.byte - 1, text.size()) : 0;
    unsigned line = 1, column = 1;
    for (size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    // Keep nlohmann's "at line L, column C" only where it adds something.
    if (line == 1 && column > 200)
      return fail(error, file, "invalid JSON: " + what, 0, 0);
    // nlohmann's message repeats the position: keep only the reason.
    size_t reason = what.find("error while parsing");
    if (reason == std::string::npos)
      reason = what.find(": ");
    return fail(error, file,
                "invalid JSON: " +
                    (reason == std::string::npos ? what : what.substr(reason)),
                line, column);
  }
}

//===----------------------------------------------------------------------===//
// TFJS layers format
//===----------------------------------------------------------------------===//

/// IEEE half -> float, exactly (TFJS's float16 decoder does the same).
static float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // subnormal: value = mantissa * 2^-24, exact in float
      float v = std::ldexp(float(mantissa), -24);
      return sign ? -v : v;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// Splits "layer/kernel:0" into ("layer", "kernel").
static std::pair<std::string, std::string> splitWeightName(StringRef full) {
  if (full.ends_with(":0"))
    full = full.drop_back(2);
  auto [layer, shortName] = full.rsplit('/');
  if (shortName.empty())
    return {"", layer.str()};
  return {layer.str(), shortName.str()};
}

/// The model config inside a TFJS `modelTopology`: Keras-converted models
/// wrap it in `model_config`; models saved by TFJS itself are the config.
static const nlohmann::json *findModelConfig(const nlohmann::json &topology) {
  if (!topology.is_object())
    return nullptr;
  if (topology.contains("model_config") && topology["model_config"].is_object())
    return &topology["model_config"];
  if (topology.contains("class_name"))
    return &topology;
  return nullptr;
}

static bool readTFJSImpl(StringRef path, KerasModel &model,
                         ReadError &error);

bool netrewrite::keras::readTFJS(StringRef path, KerasModel &model,
                                 ReadError &error) {
  // A manifest entry of the wrong JSON type makes nlohmann throw.
  try {
    return readTFJSImpl(path, model, error);
  } catch (const nlohmann::json::exception &e) {
    return fail(error, path, std::string("malformed model.json: ") + e.what());
  }
}

static bool readTFJSImpl(StringRef path, KerasModel &model,
                         ReadError &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(error, path, "cannot read: " + buffer.getError().message());
  model.configText = (*buffer)->getBuffer().str();
  model.configFile = path.str();
  nlohmann::json root;
  if (!parseJSON(model.configText, path, root, error))
    return false;
  if (!root.is_object() || !root.contains("modelTopology"))
    return fail(error, path, "not a TFJS layers model: no 'modelTopology'");
  if (root.contains("format") && root["format"] == "graph-model")
    return fail(error, path,
                "a TFJS graph model; only the layers format is supported");
  const nlohmann::json *config = findModelConfig(root["modelTopology"]);
  if (!config)
    return fail(error, path,
                "'modelTopology' holds no Keras model config (class_name)");
  model.modelConfig = *config;

  if (!root.contains("weightsManifest"))
    return true; // A model without weights is legal (e.g. only pooling).
  const auto &manifest = root["weightsManifest"];
  if (!manifest.is_array())
    return fail(error, path, "'weightsManifest' is not a list");
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  for (auto [groupIndex, group] : llvm::enumerate(manifest)) {
    if (!group.is_object() || !group.contains("paths") ||
        !group.contains("weights"))
      return fail(error, path,
                  "weightsManifest[" + std::to_string(groupIndex) +
                      "] needs 'paths' and 'weights'");
    // A group's shards are one byte stream cut into files.
    std::string bytes;
    for (const auto &shard : group["paths"]) {
      if (!shard.is_string())
        return fail(error, path, "weight shard paths must be strings");
      llvm::SmallString<256> shardPath(dir);
      llvm::sys::path::append(shardPath, shard.get<std::string>());
      auto data = llvm::MemoryBuffer::getFile(shardPath, false, false);
      if (!data)
        return fail(error, path,
                    "weight shard '" + shard.get<std::string>() +
                        "' listed in weightsManifest cannot be read (" +
                        std::string(shardPath) + ": " +
                        data.getError().message() + ")");
      bytes += (*data)->getBuffer().str();
    }
    size_t offset = 0;
    for (const auto &spec : group["weights"]) {
      std::string name = spec.value("name", "");
      if (name.empty() || !spec.contains("shape") || !spec["shape"].is_array())
        return fail(error, path, "a weight in weightsManifest[" +
                                     std::to_string(groupIndex) +
                                     "] lacks 'name' or 'shape'");
      Array array;
      size_t count = 1;
      for (const auto &d : spec["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0)
          return fail(error, path, "weight '" + name + "' has a bad shape");
        array.shape.push_back(d.get<int64_t>());
        count *= size_t(d.get<int64_t>());
      }
      std::string dtype = spec.value("dtype", "float32");
      // int32 weights exist (e.g. Normalization's sample count); they are
      // read as float like every other weight.
      if (dtype != "float32" && dtype != "int32")
        return fail(error, path,
                    "weight '" + name + "' has dtype '" + dtype +
                        "'; only float32 and int32 weights are supported");
      std::string storage = dtype;
      double qmin = 0, qscale = 1;
      if (spec.contains("quantization")) {
        const auto &q = spec["quantization"];
        storage = q.value("dtype", "");
        if (storage == "uint8" || storage == "uint16") {
          if (!q.contains("min") || !q.contains("scale"))
            return fail(error, path,
                        "weight '" + name +
                            "': quantization needs 'min' and 'scale'");
          qmin = q["min"].get<double>();
          qscale = q["scale"].get<double>();
        } else if (storage != "float16") {
          return fail(error, path,
                      "weight '" + name + "': unsupported quantization dtype '" +
                          storage + "'");
        }
      }
      size_t width = storage == "uint8"                          ? 1
                     : storage == "float32" || storage == "int32" ? 4
                                                                   : 2;
      if (offset + count * width > bytes.size())
        return fail(error, path,
                    "weight shards of weightsManifest[" +
                        std::to_string(groupIndex) + "] hold " +
                        std::to_string(bytes.size()) + " bytes, but weight '" +
                        name + "' " + shapeStr(array.shape) + " needs bytes " +
                        std::to_string(offset) + ".." +
                        std::to_string(offset + count * width) +
                        " (truncated shard?)");
      const char *p = bytes.data() + offset;
      array.data.resize(count);
      for (size_t i = 0; i < count; ++i) {
        if (storage == "float32") {
          std::memcpy(&array.data[i], p + 4 * i, 4);
        } else if (storage == "int32") {
          int32_t v;
          std::memcpy(&v, p + 4 * i, 4);
          array.data[i] = float(v);
        } else if (storage == "float16") {
          uint16_t h;
          std::memcpy(&h, p + 2 * i, 2);
          array.data[i] = halfToFloat(h);
        } else {
          // TFJS: values[i] = v * scale + min in JS numbers (float64), then
          // stored into a Float32Array (round to nearest).
          double v = storage == "uint8"
                         ? double(uint8_t(p[i]))
                         : double(uint16_t(uint8_t(p[2 * i]) |
                                           (uint8_t(p[2 * i + 1]) << 8)));
          // (int32 weights are rounded: Math.round, i.e. half up.)
          double deq = v * qscale + qmin;
          array.data[i] = dtype == "int32" ? float(std::floor(deq + 0.5))
                                           : float(deq);
        }
      }
      offset += count * width;
      if (dtype == "float32")
        array.source = netrewrite::WeightSource(name, array.shape);
      auto [layer, shortName] = splitWeightName(name);
      model.weights[layer].push_back({shortName, std::move(array)});
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// HDF5 (legacy .h5 and Keras 3's model.weights.h5)
//===----------------------------------------------------------------------===//

namespace {
/// HDF5 prints its error stack to stderr by default; our diagnostics say it.
struct QuietHDF5 {
  QuietHDF5() { H5::Exception::dontPrint(); }
};
} // namespace

static std::vector<std::string> readStringAttr(const H5::H5Object &object,
                                               const char *name) {
  H5::Attribute attr = object.openAttribute(name);
  H5::DataType type = attr.getDataType();
  H5::DataSpace space = attr.getSpace();
  hssize_t n = space.getSimpleExtentNpoints();
  std::vector<std::string> out;
  // Keras writes an empty list (a layer without weights) as an empty float
  // array.
  if (n == 0)
    return out;
  if (type.getClass() != H5T_STRING)
    throw H5::AttributeIException("readStringAttr",
                                  std::string("attribute '") + name +
                                      "' is not a string");
  H5::StrType strType = attr.getStrType();
  if (strType.isVariableStr()) {
    std::vector<char *> ptrs(n, nullptr);
    attr.read(strType, ptrs.data());
    for (char *s : ptrs)
      out.emplace_back(s ? s : "");
    H5Dvlen_reclaim(strType.getId(), space.getId(), H5P_DEFAULT, ptrs.data());
  } else {
    size_t width = strType.getSize();
    std::vector<char> raw(width * n + 1, 0);
    attr.read(strType, raw.data());
    for (hssize_t i = 0; i < n; ++i) {
      std::string s(raw.data() + i * width, width);
      s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
      out.push_back(s);
    }
  }
  return out;
}

/// Keras splits attributes over 64 KiB into `name0`, `name1`, ...
static std::vector<std::string> readStringListAttr(const H5::H5Object &object,
                                                   const std::string &name) {
  if (object.attrExists(name))
    return readStringAttr(object, name.c_str());
  std::vector<std::string> out;
  for (int chunk = 0; object.attrExists(name + std::to_string(chunk)); ++chunk) {
    auto part = readStringAttr(object, (name + std::to_string(chunk)).c_str());
    out.insert(out.end(), part.begin(), part.end());
  }
  if (out.empty() && !object.attrExists(name + "0"))
    throw H5::AttributeIException("readStringListAttr",
                                  "missing attribute '" + name + "'");
  return out;
}

static Array readDataset(const H5::DataSet &dataset) {
  Array array;
  H5::DataSpace space = dataset.getSpace();
  int rank = space.getSimpleExtentNdims();
  std::vector<hsize_t> dims(rank);
  space.getSimpleExtentDims(dims.data());
  size_t count = 1;
  for (hsize_t d : dims) {
    array.shape.push_back(int64_t(d));
    count *= d;
  }
  array.data.resize(count);
  // HDF5 converts float16/float64 storage to float32 for us.
  if (count)
    dataset.read(array.data.data(), H5::PredType::NATIVE_FLOAT);
  return array;
}

static std::string h5Message(const H5::Exception &e) {
  std::string detail = e.getDetailMsg();
  return detail.empty() ? e.getFuncName() : detail;
}

/// Keras 2's `model_weights/<layer>/...`, named by `weight_names`.
static bool readLegacyWeights(const H5::Group &weightsGroup,
                              const std::string &prefix, StringRef path,
                              KerasModel &model, ReadError &error) {
  std::vector<std::string> layerNames =
      readStringListAttr(weightsGroup, "layer_names");
  for (const std::string &layer : layerNames) {
    if (!weightsGroup.nameExists(layer))
      return fail(error, path,
                  "model_weights lists layer '" + layer +
                      "' but has no group for it");
    H5::Group group = weightsGroup.openGroup(layer);
    std::vector<std::string> names = readStringListAttr(group, "weight_names");
    auto &weights = model.weights[layer];
    for (const std::string &name : names) {
      if (!group.nameExists(name))
        return fail(error, path,
                    "layer '" + layer + "' lists weight '" + name +
                        "' but the file lacks it");
      Array array = readDataset(group.openDataSet(name));
      array.source = netrewrite::WeightSource(prefix + layer + "/" + name, array.shape);
      weights.push_back({splitWeightName(name).second, std::move(array)});
    }
  }
  return true;
}

static bool readKerasH5Impl(StringRef path, KerasModel &model,
                            ReadError &error) {
  static QuietHDF5 quiet;
  try {
    if (!H5::H5File::isHdf5(path.str().c_str()))
      return fail(error, path, "not an HDF5 file (bad signature or truncated)");
    H5::H5File file;
    try {
      file.openFile(path.str(), H5F_ACC_RDONLY);
    } catch (const H5::Exception &) {
      return fail(error, path,
                  "cannot open the HDF5 file (truncated or corrupt)");
    }
    if (!file.attrExists("model_config"))
      return fail(error, path,
                  "no 'model_config' attribute: a weights-only file? The "
                  "importer needs a whole model saved with model.save()");
    model.configText = readStringAttr(file, "model_config").at(0);
    model.configFile = (path + ":model_config").str();
    if (!parseJSON(model.configText, model.configFile, model.modelConfig,
                   error))
      return false;
    bool nested = file.nameExists("model_weights");
    H5::Group weights =
        nested ? file.openGroup("model_weights") : file.openGroup("/");
    // The HDF5 path of each dataset is its key for netrewrite-export.
    return readLegacyWeights(weights, nested ? "/model_weights/" : "/", path,
                             model, error);
  } catch (const H5::Exception &e) {
    return fail(error, path, "corrupt HDF5 file: " + h5Message(e));
  }
}

/// Keras 3's `layers/<key>/vars/<i>`: keys are kept as they are, the
/// importer maps them to layers.
static bool readKeras3Weights(const std::string &image, StringRef path,
                              KerasModel &model, ReadError &error) {
  static QuietHDF5 quiet;
  try {
    // Open the zip member in memory: no temporary file to leave behind.
    H5::FileAccPropList fapl;
    if (H5Pset_fapl_core(fapl.getId(), 1 << 20, 0) < 0 ||
        H5Pset_file_image(fapl.getId(), const_cast<char *>(image.data()),
                          image.size()) < 0)
      return fail(error, path, "cannot open model.weights.h5 in memory");
    hid_t id = H5Fopen("model.weights.h5", H5F_ACC_RDONLY, fapl.getId());
    if (id < 0)
      return fail(error, path,
                  "model.weights.h5 inside the archive is not a readable HDF5 "
                  "file (corrupt or truncated)");
    H5::H5File file(id);
    H5Fclose(id); // H5File holds its own reference.
    if (!file.nameExists("layers"))
      return true;
    H5::Group layers = file.openGroup("layers");
    for (hsize_t i = 0, e = layers.getNumObjs(); i < e; ++i) {
      std::string key = layers.getObjnameByIdx(i);
      if (layers.getObjTypeByIdx(i) != H5G_GROUP)
        continue;
      H5::Group layer = layers.openGroup(key);
      if (!layer.nameExists("vars"))
        continue;
      H5::Group vars = layer.openGroup("vars");
      auto &weights = model.keras3Weights[key];
      for (hsize_t v = 0, n = vars.getNumObjs(); v < n; ++v) {
        std::string index = std::to_string(v);
        if (!vars.nameExists(index))
          return fail(error, path,
                      "model.weights.h5: layers/" + key + "/vars lacks '" +
                          index + "'");
        Array array = readDataset(vars.openDataSet(index));
        array.source = netrewrite::WeightSource("layers/" + key + "/vars/" + index,
                                    array.shape);
        weights.push_back({index, std::move(array)});
      }
    }
    return true;
  } catch (const H5::Exception &e) {
    return fail(error, path,
                "corrupt model.weights.h5 in the archive: " + h5Message(e));
  }
}

/// Reads one member of an open zip archive.
static bool readZipMember(zip_t *archive, const char *name, StringRef path,
                          std::string &out, ReadError &error) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive, name, 0, &stat) != 0)
    return fail(error, path, std::string("the archive has no '") + name + "'");
  zip_file_t *member = zip_fopen(archive, name, 0);
  if (!member)
    return fail(error, path, std::string("cannot open '") + name +
                                 "' in the archive: " +
                                 zip_strerror(archive));
  out.resize(stat.size);
  zip_int64_t got = zip_fread(member, out.data(), stat.size);
  bool ok = got == zip_int64_t(stat.size);
  std::string why = ok ? "" : zip_file_strerror(member);
  zip_fclose(member);
  if (!ok)
    return fail(error, path, std::string("cannot read '") + name +
                                 "' from the archive (corrupt?): " + why);
  return true;
}

static bool readKeras3Impl(StringRef path, KerasModel &model,
                           ReadError &error) {
  int code = 0;
  zip_t *archive = zip_open(path.str().c_str(), ZIP_RDONLY | ZIP_CHECKCONS,
                            &code);
  if (!archive) {
    zip_error_t zerr;
    zip_error_init_with_code(&zerr, code);
    std::string why = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    return fail(error, path, "not a readable .keras (zip) archive: " + why);
  }
  llvm::scope_exit closer([&] { zip_discard(archive); });
  std::string weights;
  if (!readZipMember(archive, "config.json", path, model.configText, error))
    return false;
  model.configFile = (path + ":config.json").str();
  model.keras3 = true;
  if (!parseJSON(model.configText, model.configFile, model.modelConfig, error))
    return false;
  zip_stat_t stat;
  if (zip_stat(archive, "model.weights.h5", 0, &stat) != 0)
    return true; // No weights: only weight-free layers can be imported.
  if (!readZipMember(archive, "model.weights.h5", path, weights, error))
    return false;
  return readKeras3Weights(weights, path, model, error);
}

//===----------------------------------------------------------------------===//
// Crash isolation for HDF5
//===----------------------------------------------------------------------===//

/// HDF5 1.10 trusts the offsets stored in a file: a corrupted global heap
/// makes it read out of bounds and crash (found by flipping bytes of test
/// files). So an HDF5-based container is read once in a forked child
/// first; if the child dies, the parent reports a corrupt file instead of
/// dying. Reads are cheap next to compilation; doing it twice is fine.
static bool hdf5SurvivesInChild(bool (*read)(StringRef, KerasModel &,
                                             ReadError &),
                                StringRef path, ReadError &error) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0)
    return true; // Cannot isolate: read directly.
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    // A corrupt file could also send HDF5 into a loop; reading even a
    // VGG-sized file takes seconds.
    alarm(300);
    KerasModel model;
    ReadError ignored;
    _exit(read(path, model, ignored) ? 0 : 1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFSIGNALED(status))
    return fail(error, path,
                "corrupt HDF5 data: the HDF5 library crashed or hung reading it (" +
                    std::string(strsignal(WTERMSIG(status))) + ")");
  return true;
}

bool netrewrite::keras::readKerasH5(StringRef path, KerasModel &model,
                                    ReadError &error) {
  return hdf5SurvivesInChild(readKerasH5Impl, path, error) &&
         readKerasH5Impl(path, model, error);
}

bool netrewrite::keras::readKeras3(StringRef path, KerasModel &model,
                                   ReadError &error) {
  return hdf5SurvivesInChild(readKeras3Impl, path, error) &&
         readKeras3Impl(path, model, error);
}
