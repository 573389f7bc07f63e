//===- Manifest.cpp - Parsing netrewrite_model_manifest -------------------===//

#include "netrewrite/Runtime/Manifest.h"
#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Shape.h"

#include <nlohmann/json.hpp>

using namespace netrewrite::runtime;
using json = nlohmann::json;

uint64_t netrewrite::runtime::fnv1a(const void *data, size_t size,
                                    uint64_t seed) {
  uint64_t h = seed;
  const unsigned char *p = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

int64_t TensorSpec::numElements() const { return runtime::numElements(shape); }

std::string TensorSpec::shapeString() const {
  return runtime::shapeString(shape);
}

namespace {

[[noreturn]] void bad(const std::string &what) {
  fail("the model's manifest (netrewrite_model_manifest) is malformed: " +
       what);
}

std::vector<int64_t> parseShape(const json &j, const std::string &where) {
  if (!j.is_array())
    bad(where + ": 'shape' is not an array");
  std::vector<int64_t> shape;
  for (const json &d : j) {
    if (!d.is_number_integer() || d.get<int64_t>() <= 0)
      bad(where + ": 'shape' has a dimension that is not a positive integer");
    shape.push_back(d.get<int64_t>());
  }
  return shape;
}

std::vector<TensorSpec> parseTensors(const json &j, const std::string &where,
                                     bool isInput) {
  std::vector<TensorSpec> specs;
  if (j.is_null())
    return specs;
  if (!j.is_array())
    bad(where + " is not an array");
  for (size_t i = 0; i < j.size(); ++i) {
    const json &t = j[i];
    std::string at = where + "[" + std::to_string(i) + "]";
    if (!t.is_object())
      bad(at + " is not an object");
    TensorSpec spec;
    if (t.contains("name")) {
      if (!t["name"].is_string())
        bad(at + ": 'name' is not a string");
      spec.name = t["name"].get<std::string>();
    }
    if (!t.contains("shape"))
      bad(at + " has no 'shape'");
    spec.shape = parseShape(t["shape"], at);
    if (t.contains("kind")) {
      if (!t["kind"].is_string())
        bad(at + ": 'kind' is not a string");
      spec.kind = t["kind"].get<std::string>();
      static const char *kinds[] = {"input", "trainable", "frozen", "state",
                                    "opt_state"};
      bool known = false;
      for (const char *k : kinds)
        known |= spec.kind == k;
      if (!known)
        bad(at + ": unknown kind '" + spec.kind + "'");
    } else if (isInput) {
      spec.kind = "input";
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

FunctionSpec parseFunction(const json &functions, const char *name) {
  FunctionSpec fn;
  if (!functions.contains(name))
    return fn;
  const json &f = functions[name];
  std::string where = std::string("functions.") + name;
  if (!f.is_object())
    bad(where + " is not an object");
  fn.present = true;
  fn.inputs = parseTensors(f.value("inputs", json()), where + ".inputs", true);
  fn.outputs =
      parseTensors(f.value("outputs", json()), where + ".outputs", false);
  return fn;
}

} // namespace

Manifest Manifest::parse(const char *text) {
  if (!text)
    fail("this executable has no model manifest (netrewrite_model_manifest); "
         "was it linked by netrewrite-compile?");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    bad("not valid JSON");
  if (!j.is_object() || !j.contains("functions") ||
      !j["functions"].is_object())
    bad("no 'functions' object");
  Manifest m;
  m.text = text;
  m.hash = fnv1a(text, std::char_traits<char>::length(text));
  m.forward = parseFunction(j["functions"], "forward");
  m.trainStep = parseFunction(j["functions"], "train_step");
  m.initParams = parseFunction(j["functions"], "init_params");
  if (!m.forward.present)
    bad("no 'forward' function");
  if (!j.contains("input_shape"))
    bad("no 'input_shape'");
  m.inputShape = parseShape(j["input_shape"], "input_shape");
  if (m.inputShape.size() != 4)
    bad("'input_shape' must be [B, H, W, C], got " +
        std::to_string(m.inputShape.size()) + " dimensions");
  m.batch = m.inputShape[0];
  if (j.contains("batch")) {
    if (!j["batch"].is_number_integer() || j["batch"].get<int64_t>() != m.batch)
      bad("'batch' disagrees with input_shape[0]");
  }
  if (j.contains("num_classes")) {
    if (!j["num_classes"].is_number_integer() ||
        j["num_classes"].get<int64_t>() <= 0)
      bad("'num_classes' is not a positive integer");
    m.numClasses = j["num_classes"].get<int64_t>();
  } else if (!m.forward.outputs.empty() &&
             m.forward.outputs[0].shape.size() == 2) {
    m.numClasses = m.forward.outputs[0].shape[1];
  } else {
    bad("no 'num_classes'");
  }
  if (j.contains("optimizer")) {
    if (!j["optimizer"].is_string())
      bad("'optimizer' is not a string");
    m.optimizer = j["optimizer"].get<std::string>();
  }
  if (j.contains("output_activation") && j["output_activation"].is_string())
    m.outputActivation = j["output_activation"].get<std::string>();
  if (j.contains("target")) {
    if (!j["target"].is_string() ||
        (j["target"] != "cpu" && j["target"] != "cuda"))
      bad("'target' must be \"cpu\" or \"cuda\"");
    m.target = j["target"].get<std::string>();
  }
  if (j.contains("gpu_chip") && j["gpu_chip"].is_string())
    m.gpuChip = j["gpu_chip"].get<std::string>();
  return m;
}
