//===- ONNXExport.cpp - New initializer values in an ONNX model -----------===//
//
// The output is the source ModelProto with only the values of the trained
// tensors replaced: graph, node names, opset, metadata and every other
// tensor are the source's, byte for byte, so any ONNX runtime runs it.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Export/Export.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>

using namespace netrewrite::exporter;

namespace {

class ONNXSource : public SourceModel {
public:
  bool load(const std::string &path, std::string &error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "cannot open the file";
      return false;
    }
    if (!model.ParseFromIstream(&in) || !model.has_graph() ||
        model.opset_import_size() == 0) {
      error = "not a valid ONNX model (the protobuf does not parse, or it "
              "has no graph/opset)";
      return false;
    }
    return true;
  }

  bool read(const std::string &key, std::vector<int64_t> &shape,
            std::vector<float> &data, std::string &error) override {
    onnx::TensorProto *t = find(key, error);
    if (!t)
      return false;
    shape.assign(t->dims().begin(), t->dims().end());
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    const std::string &raw = t->raw_data();
    data.clear();
    if (t->data_type() == onnx::TensorProto::FLOAT) {
      if (t->has_raw_data()) {
        data.resize(raw.size() / 4);
        std::memcpy(data.data(), raw.data(), data.size() * 4);
      } else {
        data.assign(t->float_data().begin(), t->float_data().end());
      }
    } else if (t->data_type() == onnx::TensorProto::DOUBLE) {
      std::vector<double> d;
      if (t->has_raw_data()) {
        d.resize(raw.size() / 8);
        std::memcpy(d.data(), raw.data(), d.size() * 8);
      } else {
        d.assign(t->double_data().begin(), t->double_data().end());
      }
      data.assign(d.begin(), d.end());
    } else {
      error = "tensor '" + key + "' is not float32/float64";
      return false;
    }
    if (int64_t(data.size()) != n) {
      error = "tensor '" + key + "' holds " + std::to_string(data.size()) +
              " values for its shape (corrupt model?)";
      return false;
    }
    return true;
  }

  bool replace(const std::string &key, const std::vector<float> &data,
               std::string &error) override {
    onnx::TensorProto *t = find(key, error);
    if (!t)
      return false;
    // Raw little-endian bytes, in the tensor's own element type, so the
    // graph's declared types stay valid.
    std::string raw;
    if (t->data_type() == onnx::TensorProto::DOUBLE) {
      std::vector<double> d(data.begin(), data.end());
      raw.assign(reinterpret_cast<const char *>(d.data()), d.size() * 8);
      t->clear_double_data();
    } else {
      raw.assign(reinterpret_cast<const char *>(data.data()), data.size() * 4);
      t->clear_float_data();
    }
    t->set_raw_data(raw);
    return true;
  }

  bool save(const std::string &out, std::string &error) override {
    std::string bytes;
    if (!model.SerializeToString(&bytes)) {
      error = out + ": the model cannot be serialised (over 2 GiB?)";
      return false;
    }
    return writeFileAtomic(out, bytes, error);
  }

private:
  /// An initializer, or the `value` of the Constant node producing `key`.
  onnx::TensorProto *find(const std::string &key, std::string &error) {
    onnx::GraphProto *graph = model.mutable_graph();
    for (onnx::TensorProto &t : *graph->mutable_initializer())
      if (t.name() == key)
        return &t;
    for (onnx::NodeProto &node : *graph->mutable_node())
      if (node.op_type() == "Constant" && node.output_size() == 1 &&
          node.output(0) == key)
        for (onnx::AttributeProto &a : *node.mutable_attribute())
          if (a.name() == "value" && a.has_t())
            return a.mutable_t();
    error = "no initializer or Constant node named '" + key + "'";
    return nullptr;
  }

  onnx::ModelProto model;
};

} // namespace

std::unique_ptr<SourceModel> netrewrite::exporter::openONNX(
    const std::string &path, std::string &error) {
  auto source = std::make_unique<ONNXSource>();
  if (!source->load(path, error))
    return nullptr;
  return source;
}
