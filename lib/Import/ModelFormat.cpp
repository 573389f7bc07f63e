//===- ModelFormat.cpp - Recognise model file formats ---------------------===//

#include "netrewrite/Import/Import.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

#include <fstream>

using namespace netrewrite;

ModelFormat netrewrite::parseModelFormat(llvm::StringRef name) {
  return llvm::StringSwitch<ModelFormat>(name.lower())
      .Case("onnx", ModelFormat::ONNX)
      .Case("tfjs", ModelFormat::TFJS)
      .Cases({"keras", "h5", "keras-h5"}, ModelFormat::KerasH5)
      .Case("keras3", ModelFormat::Keras3)
      .Default(ModelFormat::Unknown);
}

ModelFormat netrewrite::guessModelFormat(llvm::StringRef path) {
  std::string ext = llvm::sys::path::extension(path).lower();
  if (ext == ".onnx")
    return ModelFormat::ONNX;
  if (ext == ".json")
    return ModelFormat::TFJS;
  if (ext == ".h5" || ext == ".hdf5")
    return ModelFormat::KerasH5;
  if (ext == ".keras")
    return ModelFormat::Keras3;
  // No telling extension: look at the first bytes.
  std::ifstream in(path.str(), std::ios::binary);
  char magic[8] = {0};
  in.read(magic, sizeof(magic));
  if (std::string(magic, 8) == "\x89HDF\r\n\x1a\n")
    return ModelFormat::KerasH5;
  if (magic[0] == 'P' && magic[1] == 'K')
    return ModelFormat::Keras3;
  if (magic[0] == '{')
    return ModelFormat::TFJS;
  if (magic[0] == 0x08) // protobuf field 1 (ir_version), varint
    return ModelFormat::ONNX;
  return ModelFormat::Unknown;
}

static llvm::StringRef formatName(ModelFormat format) {
  switch (format) {
  case ModelFormat::ONNX:
    return "onnx";
  case ModelFormat::TFJS:
    return "tfjs";
  case ModelFormat::KerasH5:
    return "keras";
  case ModelFormat::Keras3:
    return "keras3";
  case ModelFormat::Unknown:
    break;
  }
  return "unknown";
}

ModelFormat netrewrite::resolveModelFormat(llvm::StringRef path,
                                           llvm::StringRef name,
                                           llvm::ArrayRef<ModelFormat> offered,
                                           std::string &error) {
  ModelFormat format =
      name.empty() ? guessModelFormat(path) : parseModelFormat(name);
  if (format != ModelFormat::Unknown)
    return format;
  std::string bar, list;
  for (auto [i, f] : llvm::enumerate(offered)) {
    bar += (i ? "|" : "") + formatName(f).str();
    list += (i == 0 ? "" : i + 1 == offered.size() ? " or " : ", ") +
            formatName(f).str();
  }
  error = name.empty() ? (path + ": cannot tell the model format; pass "
                                 "--format=" + bar).str()
                       : ("--format='" + name + "': expected " + list).str();
  return ModelFormat::Unknown;
}

bool netrewrite::parseInputShape(llvm::StringRef text,
                                 std::vector<int64_t> &shape) {
  shape.clear();
  llvm::SmallVector<llvm::StringRef> dims;
  text.split(dims, 'x');
  for (llvm::StringRef d : dims) {
    int64_t v;
    if (d.getAsInteger(10, v) || v <= 0)
      return false;
    shape.push_back(v);
  }
  return !shape.empty();
}
