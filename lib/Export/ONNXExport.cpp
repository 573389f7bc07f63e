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

  bool insertBatchNorm(const std::string &after, const std::string &name,
                       const std::vector<float> (&values)[4], float epsilon,
                       float momentum, std::string &error) override {
    onnx::GraphProto *graph = model.mutable_graph();
    int64_t opset = 0;
    for (const auto &op : model.opset_import())
      if (op.domain().empty() || op.domain() == "ai.onnx")
        opset = op.version();
    if (opset < 7) {
      error = "the model's opset " + std::to_string(opset) +
              " predates BatchNormalization's current form (opset 7)";
      return false;
    }
    int index = -1;
    for (int i = 0; i < graph->node_size(); ++i)
      if (graph->node(i).name() == after) {
        if (index >= 0) {
          error = "two nodes are named '" + after + "'";
          return false;
        }
        index = i;
      }
    if (index < 0 || graph->node(index).output_size() < 1 ||
        graph->node(index).output(0).empty()) {
      error = "no node named '" + after + "' with an output";
      return false;
    }
    // The BN takes over the layer's output name, so every consumer, graph
    // output and value_info entry keeps referring to the right tensor; the
    // layer's own output gets a fresh name.
    std::string output = graph->node(index).output(0);
    std::string input = unique(name + "/input");
    graph->mutable_node(index)->set_output(0, input);
    onnx::NodeProto bn;
    bn.set_name(uniqueNode(name));
    bn.set_op_type("BatchNormalization");
    bn.add_input(input);
    static const char *roles[4] = {"gamma", "beta", "moving_mean",
                                   "moving_variance"};
    for (int k = 0; k < 4; ++k) {
      std::string tensorName = unique(name + "/" + roles[k]);
      onnx::TensorProto *t = graph->add_initializer();
      t->set_name(tensorName);
      t->set_data_type(onnx::TensorProto::FLOAT);
      t->add_dims(int64_t(values[k].size()));
      t->set_raw_data(std::string(
          reinterpret_cast<const char *>(values[k].data()),
          values[k].size() * sizeof(float)));
      if (model.ir_version() < 4) {
        // Before IR 4 every initializer is also a graph input.
        onnx::ValueInfoProto *in = graph->add_input();
        in->set_name(tensorName);
        auto *type = in->mutable_type()->mutable_tensor_type();
        type->set_elem_type(onnx::TensorProto::FLOAT);
        type->mutable_shape()->add_dim()->set_dim_value(
            int64_t(values[k].size()));
      }
      bn.add_input(tensorName);
    }
    bn.add_output(output);
    onnx::AttributeProto *eps = bn.add_attribute();
    eps->set_name("epsilon");
    eps->set_type(onnx::AttributeProto::FLOAT);
    eps->set_f(epsilon);
    onnx::AttributeProto *mom = bn.add_attribute();
    mom->set_name("momentum");
    mom->set_type(onnx::AttributeProto::FLOAT);
    mom->set_f(momentum);
    // Right behind the layer: nodes stay topologically sorted.
    *graph->add_node() = bn;
    for (int i = graph->node_size() - 1; i > index + 1; --i)
      graph->mutable_node()->SwapElements(i, i - 1);
    return true;
  }

private:
  /// `base`, or `base_1`, `base_2`...: the first name `taken` rejects not.
  template <typename Taken>
  static std::string firstFree(const std::string &base, Taken taken) {
    std::string name = base;
    for (int k = 1; taken(name); ++k)
      name = base + "_" + std::to_string(k);
    return name;
  }
  /// A tensor name nothing uses yet.
  std::string unique(const std::string &base) {
    const onnx::GraphProto &g = model.graph();
    return firstFree(base, [&](const std::string &n) {
      for (const auto &t : g.initializer())
        if (t.name() == n)
          return true;
      for (const auto &v : g.input())
        if (v.name() == n)
          return true;
      for (const auto &node : g.node())
        for (const std::string &o : node.output())
          if (o == n)
            return true;
      return false;
    });
  }
  /// A node name nothing uses yet.
  std::string uniqueNode(const std::string &base) {
    return firstFree(base, [&](const std::string &n) {
      for (const auto &node : model.graph().node())
        if (node.name() == n)
          return true;
      return false;
    });
  }

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
