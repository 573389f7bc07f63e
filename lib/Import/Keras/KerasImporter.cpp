//===- KerasImporter.cpp - Keras / TFJS models -> TOSA + nr ---------------===//
//
// Reads the container (KerasReaders.cpp), normalises Sequential and
// Functional configs of Keras 2, TFJS and Keras 3 into one list of layer
// calls, and emits them in dependency order into `func.func @forward`
// (KerasLayers.cpp emits each call).
//
//===----------------------------------------------------------------------===//

#include "KerasLayers.h"
#include "KerasModel.h"
#include "netrewrite/Import/Import.h"
#include "netrewrite/Support/TosaBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Regex.h"

#include <map>
#include <tuple>

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::keras;
using nlohmann::json;

namespace {

/// A reference to one output of one call of a layer: Keras's
/// (layer name, node index, tensor index).
using TensorRef = std::tuple<std::string, int64_t, int64_t>;

/// A layer as the config describes it, with its calls' inputs.
struct LayerSpec {
  std::string name, className;
  const json *config;
  std::vector<std::vector<TensorRef>> calls;
};

class KerasGraphImporter {
public:
  KerasGraphImporter(KerasModel &model, const ImportOptions &options,
                     MLIRContext *ctx)
      : model(model), options(options), ctx(ctx), builder(ctx), tb(builder) {
    tb.setRecordWeightSources(options.recordWeightSources);
  }

  OwningOpRef<ModuleOp> run();

private:
  InFlightDiagnostic error(StringRef layer = {});
  Location configLoc(StringRef layer);
  LogicalResult collectLayers();
  LogicalResult parseCalls(LayerSpec &spec, const json &layer);
  LogicalResult parseRefs(const json &list, std::vector<TensorRef> &out,
                          StringRef layer);
  FailureOr<SmallVector<int64_t>> inputShape(const LayerSpec &spec);
  void mapKeras3Weights();
  LogicalResult emitCall(LayerSpec &spec, size_t callIndex,
                         ArrayRef<Value> inputs);

  KerasModel &model;
  const ImportOptions &options;
  MLIRContext *ctx;
  OpBuilder builder;
  TosaBuilder tb;

  std::vector<LayerSpec> layers;
  std::vector<TensorRef> inputRefs, outputRefs;
  /// Sequential models get their InputLayer synthesised.
  json syntheticInput;
  std::map<TensorRef, Value> tensors;
  llvm::StringMap<llvm::StringMap<Value>> constants;
};

} // namespace

/// file:line:col in `text`. MLIR's diagnostic printer quotes the source
/// line; a minified model.json is one line of megabytes, so there only the
/// file is named (messages name the layer).
static Location textLoc(MLIRContext *ctx, StringRef file, StringRef text,
                        unsigned line, unsigned col) {
  size_t start = 0;
  for (unsigned l = 1; l < line && start != StringRef::npos; ++l) {
    start = text.find('\n', start);
    if (start != StringRef::npos)
      ++start;
  }
  size_t end = start == StringRef::npos ? start : text.find('\n', start);
  bool longLine = start == StringRef::npos ||
                  (end == StringRef::npos ? text.size() : end) - start > 200;
  // Line 0 means "the file as a whole" (binary containers, or no place).
  if (line == 0 || longLine)
    return FileLineColLoc::get(ctx, file, 0, 0);
  return FileLineColLoc::get(ctx, file, line, col);
}

Location KerasGraphImporter::configLoc(StringRef layer) {
  StringRef text = model.configText;
  size_t offset = StringRef::npos;
  if (!layer.empty()) {
    // The first `"name": "<layer>"` in the config is the layer's entry.
    llvm::Regex re("\"name\"[ \t\r\n]*:[ \t\r\n]*\"" + llvm::Regex::escape(layer) +
                   "\"");
    SmallVector<StringRef> match;
    if (re.match(text, &match))
      offset = match[0].data() - text.data();
  }
  if (offset == StringRef::npos)
    return textLoc(ctx, model.configFile, text, 0, 0);
  unsigned line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n')
      ++line, col = 1;
    else
      ++col;
  }
  return textLoc(ctx, model.configFile, text, line, col);
}

InFlightDiagnostic KerasGraphImporter::error(StringRef layer) {
  return emitError(configLoc(layer));
}

/// Keras 2 / TFJS: `[[name, node, tensor, kwargs], ...]`; Keras 3:
/// nested args holding `{"class_name": "__keras_tensor__", "config":
/// {"keras_history": [name, node, tensor]}}`.
LogicalResult KerasGraphImporter::parseRefs(const json &v,
                                            std::vector<TensorRef> &out,
                                            StringRef layer) {
  if (v.is_object()) {
    if (v.value("class_name", "") == "__keras_tensor__") {
      const json &h = v["config"]["keras_history"];
      if (!h.is_array() || h.size() < 3 || !h[0].is_string())
        return error(layer) << "layer '" << layer
                            << "': malformed keras_history " << h.dump();
      out.emplace_back(h[0].get<std::string>(), h[1].get<int64_t>(),
                       h[2].get<int64_t>());
      return success();
    }
    for (const auto &[key, item] : v.items())
      if (key == "args" && failed(parseRefs(item, out, layer)))
        return failure();
    return success();
  }
  if (v.is_array()) {
    if (v.size() >= 3 && v[0].is_string() && v[1].is_number_integer() &&
        v[2].is_number_integer()) {
      out.emplace_back(v[0].get<std::string>(), v[1].get<int64_t>(),
                       v[2].get<int64_t>());
      return success();
    }
    for (const json &item : v)
      if (failed(parseRefs(item, out, layer)))
        return failure();
  }
  return success();
}

LogicalResult KerasGraphImporter::parseCalls(LayerSpec &spec,
                                             const json &layer) {
  if (!layer.contains("inbound_nodes"))
    return success();
  const json &nodes = layer["inbound_nodes"];
  if (!nodes.is_array())
    return error(spec.name) << "layer '" << spec.name
                            << "': 'inbound_nodes' is not a list";
  for (const json &node : nodes) {
    std::vector<TensorRef> refs;
    if (failed(parseRefs(node, refs, spec.name)))
      return failure();
    spec.calls.push_back(std::move(refs));
  }
  return success();
}

static std::vector<TensorRef> parseEndpoints(const json &v) {
  std::vector<TensorRef> out;
  if (!v.is_array())
    return out;
  // Keras 3 writes a single endpoint unwrapped: ["name", 0, 0].
  if (v.size() == 3 && v[0].is_string()) {
    out.emplace_back(v[0].get<std::string>(), v[1].get<int64_t>(),
                     v[2].get<int64_t>());
    return out;
  }
  for (const json &e : v)
    if (e.is_array() && e.size() >= 3 && e[0].is_string())
      out.emplace_back(e[0].get<std::string>(), e[1].get<int64_t>(),
                       e[2].get<int64_t>());
  return out;
}

LogicalResult KerasGraphImporter::collectLayers() {
  const json &top = model.modelConfig;
  if (!top.is_object() || !top.contains("class_name") ||
      !top.contains("config"))
    return error() << "the model config has no 'class_name'/'config'";
  std::string cls = top["class_name"].get<std::string>();
  const json &config = top["config"];
  // Keras <= 2.2.2 wrote a Sequential's config as the bare layer list.
  static const json none;
  const json &list = config.is_array()       ? config
                     : config.is_object() && config.contains("layers")
                         ? config["layers"]
                         : none;
  if (!list.is_array() || list.empty())
    return error() << "the model config lists no layers";
  bool sequential = cls == "Sequential";
  if (!sequential && cls != "Functional" && cls != "Model")
    return error() << "model class '" << cls
                   << "' is not supported (Sequential, Functional, Model)";

  llvm::StringSet<> seen;
  for (const json &layer : list) {
    LayerSpec spec;
    spec.className = layer.value("class_name", "");
    if (!layer.contains("config") || !layer["config"].is_object())
      return error() << "a layer of class '" << spec.className
                     << "' has no config";
    spec.config = &layer["config"];
    spec.name = layer.contains("name") && layer["name"].is_string()
                    ? layer["name"].get<std::string>()
                    : spec.config->value("name", "");
    if (spec.name.empty())
      return error() << "a layer of class '" << spec.className
                     << "' has no name";
    if (!seen.insert(spec.name).second)
      return error(spec.name) << "two layers are named '" << spec.name << "'";
    if (!sequential && failed(parseCalls(spec, layer)))
      return failure();
    layers.push_back(std::move(spec));
  }

  if (!sequential) {
    inputRefs = parseEndpoints(config.value("input_layers", json()));
    outputRefs = parseEndpoints(config.value("output_layers", json()));
    if (inputRefs.empty() || outputRefs.empty())
      return error() << "the functional model lists no input_layers or "
                        "output_layers";
    return success();
  }

  // Sequential: chain the layers behind one input.
  if (layers.front().className != "InputLayer") {
    const json &first = *layers.front().config;
    // Keras 2 puts the shape on the first layer; a built Keras 3 model
    // without an InputLayer entry keeps it in build_config.
    const json *shape = nullptr;
    if (first.contains("batch_input_shape"))
      shape = &first["batch_input_shape"];
    else if (first.contains("batch_shape"))
      shape = &first["batch_shape"];
    else if (top.contains("build_config") && top["build_config"].is_object() &&
             top["build_config"].contains("input_shape"))
      shape = &top["build_config"]["input_shape"];
    if (!shape || !shape->is_array())
      return error(layers.front().name)
             << "the Sequential model's first layer '" << layers.front().name
             << "' declares no input shape (batch_input_shape)";
    syntheticInput = {{"name", layers.front().name + "_input"},
                      {"batch_input_shape", *shape}};
    LayerSpec input{syntheticInput["name"].get<std::string>(), "InputLayer",
                    &syntheticInput, {}};
    layers.insert(layers.begin(), std::move(input));
  }
  for (size_t i = 1; i < layers.size(); ++i)
    layers[i].calls.push_back({TensorRef(layers[i - 1].name, 0, 0)});
  inputRefs = {TensorRef(layers.front().name, 0, 0)};
  outputRefs = {TensorRef(layers.back().name, 0, 0)};
  return success();
}

FailureOr<SmallVector<int64_t>>
KerasGraphImporter::inputShape(const LayerSpec &spec) {
  const json &c = *spec.config;
  const json *shape = nullptr;
  for (const char *key : {"batch_input_shape", "batch_shape", "batchInputShape"})
    if (c.contains(key) && c[key].is_array()) {
      shape = &c[key];
      break;
    }
  if (!shape)
    return error(spec.name) << "input layer '" << spec.name
                            << "' has no batch_input_shape";
  SmallVector<int64_t> dims;
  for (const json &d : *shape)
    dims.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
  if (!options.inputShape.empty()) {
    if (inputRefs.size() != 1)
      return error(spec.name)
             << "--input-shape applies to single-input models; this one has "
             << inputRefs.size() << " inputs";
    if (options.inputShape.size() != dims.size())
      return error(spec.name)
             << "--input-shape has rank " << options.inputShape.size()
             << " but input '" << spec.name << "' has rank " << dims.size();
    // The override may change fixed dimensions too (e.g. a CNN saved for
    // 224x224 run at 96x96): layers whose weights do not fit the new shape
    // report it, naming the layer.
    return SmallVector<int64_t>(options.inputShape.begin(),
                                options.inputShape.end());
  }
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] >= 0)
      continue;
    if (i == 0) {
      dims[i] = 1; // An open batch defaults to 1.
      continue;
    }
    return error(spec.name) << "input layer '" << spec.name
                            << "' has an unknown dimension " << i
                            << "; fix it with --input-shape";
  }
  return dims;
}

/// Keras 3 names weight groups by the layer's class in snake case plus a
/// counter ("conv2d", "conv2d_1", ...) in layer order; older writers used
/// the layer name. Prefer the layer name where it exists.
void KerasGraphImporter::mapKeras3Weights() {
  llvm::StringMap<int> used;
  for (const LayerSpec &spec : layers) {
    std::string snake;
    StringRef cls = spec.className;
    for (size_t i = 0; i < cls.size(); ++i) {
      char c = cls[i];
      bool upper = c >= 'A' && c <= 'Z';
      // "(.)([A-Z][a-z]+)" and "([a-z])([A-Z])" get an underscore.
      if (upper && i > 0 &&
          ((i + 1 < cls.size() && cls[i + 1] >= 'a' && cls[i + 1] <= 'z') ||
           (cls[i - 1] >= 'a' && cls[i - 1] <= 'z')))
        snake += '_';
      snake += upper ? char(c - 'A' + 'a') : c;
    }
    auto it = used.find(snake);
    std::string key = snake;
    if (it == used.end())
      used[snake] = 0;
    else
      key = snake + "_" + std::to_string(++it->second);
    auto byName = model.keras3Weights.find(spec.name);
    auto byKey = model.keras3Weights.find(key);
    if (byName != model.keras3Weights.end())
      model.weights[spec.name] = byName->second;
    else if (byKey != model.keras3Weights.end())
      model.weights[spec.name] = byKey->second;
  }
}

/// Layers that take several inputs; every other layer takes exactly one.
static bool isMerge(StringRef cls) {
  return llvm::is_contained({"Add", "Multiply", "Subtract", "Average",
                             "Maximum", "Minimum", "Concatenate"},
                            cls);
}

LogicalResult KerasGraphImporter::emitCall(LayerSpec &spec, size_t callIndex,
                                           ArrayRef<Value> inputs) {
  LayerEmitter emitter = lookupLayerEmitter(spec.className);
  if (!emitter)
    return error(spec.name) << "layer '" << spec.name << "': unsupported layer "
                            << "class '" << spec.className << "'";
  if (!isMerge(spec.className) && inputs.size() != 1)
    return error(spec.name) << "layer '" << spec.name << "' ("
                            << spec.className << ") expects one input, got "
                            << inputs.size();
  tb.setLayer(spec.name);
  auto weights = model.weights.find(spec.name);
  LayerCall call{tb,
                 spec.name,
                 spec.className,
                 *spec.config,
                 weights == model.weights.end() ? nullptr : &weights->second,
                 constants[spec.name],
                 [this, &spec] { return configLoc(spec.name); },
                 model.keras3};
  auto outputs = emitter(call, inputs);
  if (failed(outputs))
    return failure();
  for (auto [i, v] : llvm::enumerate(*outputs))
    tensors[TensorRef(spec.name, callIndex, i)] = v;
  return success();
}

OwningOpRef<ModuleOp> KerasGraphImporter::run() {
  if (failed(collectLayers()))
    return nullptr;
  if (model.keras3)
    mapKeras3Weights();

  // Weights for a layer the config does not have mean the files disagree.
  llvm::StringSet<> names;
  for (const LayerSpec &spec : layers)
    names.insert(spec.name);
  for (const auto &entry : model.weights)
    if (!names.contains(entry.getKey()))
      return error() << "the weights name layer '" << entry.getKey().str()
                     << "', which the model config does not have",
             nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(ctx));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, NameLoc::get(StringAttr::get(ctx, model.configFile)),
                                   "forward", builder.getFunctionType({}, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);

  // Inputs become the function's arguments, in input_layers order.
  SmallVector<Type> argTypes;
  for (const TensorRef &ref : inputRefs) {
    auto spec = llvm::find_if(
        layers, [&](const LayerSpec &s) { return s.name == std::get<0>(ref); });
    if (spec == layers.end() || spec->className != "InputLayer")
      return error() << "input '" << std::get<0>(ref)
                     << "' is not an InputLayer of the model",
             nullptr;
    auto shape = inputShape(*spec);
    if (failed(shape))
      return nullptr;
    auto type = TosaBuilder::f32(*shape, ctx);
    argTypes.push_back(type);
    tensors[ref] = body->addArgument(
        type, NameLoc::get(StringAttr::get(ctx, spec->name)));
  }

  // Emit calls once their inputs exist; Keras's own loader also defers
  // layers whose inputs come from layers listed later (shared layers).
  std::vector<std::pair<size_t, size_t>> pending;
  for (auto [i, spec] : llvm::enumerate(layers)) {
    if (spec.className == "InputLayer") {
      if (!tensors.count(TensorRef(spec.name, 0, 0)))
        return error(spec.name) << "InputLayer '" << spec.name
                                << "' is not among the model's inputs",
               nullptr;
      continue;
    }
    for (size_t c = 0; c < spec.calls.size(); ++c)
      pending.emplace_back(i, c);
  }
  while (!pending.empty()) {
    bool progress = false;
    std::vector<std::pair<size_t, size_t>> later;
    for (auto [li, ci] : pending) {
      LayerSpec &spec = layers[li];
      SmallVector<Value> inputs;
      bool ready = true;
      for (const TensorRef &ref : spec.calls[ci]) {
        auto it = tensors.find(ref);
        if (it == tensors.end()) {
          ready = false;
          break;
        }
        inputs.push_back(it->second);
      }
      if (!ready) {
        later.emplace_back(li, ci);
        continue;
      }
      if (failed(emitCall(spec, ci, inputs)))
        return nullptr;
      progress = true;
    }
    if (!progress) {
      auto [li, ci] = later.front();
      for (const TensorRef &ref : layers[li].calls[ci])
        if (!tensors.count(ref))
          return error(layers[li].name)
                     << "layer '" << layers[li].name << "' takes output "
                     << std::get<2>(ref) << " of call " << std::get<1>(ref)
                     << " of layer '" << std::get<0>(ref)
                     << "', which the model never produces",
                 nullptr;
    }
    pending = std::move(later);
  }

  SmallVector<Value> results;
  for (const TensorRef &ref : outputRefs) {
    auto it = tensors.find(ref);
    if (it == tensors.end())
      return error(std::get<0>(ref)) << "output '" << std::get<0>(ref)
                                     << "' is not produced by the model",
             nullptr;
    results.push_back(it->second);
  }
  builder.setInsertionPointToEnd(body);
  func::ReturnOp::create(builder, NameLoc::get(StringAttr::get(ctx, model.configFile)),
                         results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  return module;
}

OwningOpRef<ModuleOp> netrewrite::importKeras(StringRef path,
                                              ModelFormat format,
                                              const ImportOptions &options,
                                              MLIRContext *context) {
  context->loadDialect<func::FuncDialect>();
  KerasModel model;
  ReadError readError;
  bool ok = false;
  switch (format) {
  case ModelFormat::TFJS:
    ok = readTFJS(path, model, readError);
    break;
  case ModelFormat::KerasH5:
    ok = readKerasH5(path, model, readError);
    break;
  case ModelFormat::Keras3:
    ok = readKeras3(path, model, readError);
    break;
  default:
    readError = {path.str(), 0, 0, "not a Keras model format"};
  }
  if (!ok) {
    StringRef text = readError.file == model.configFile
                         ? StringRef(model.configText)
                         : StringRef();
    emitError(textLoc(context, readError.file, text, readError.line,
                      readError.column))
        << readError.message;
    return nullptr;
  }
  // The readers and emitters check what they rely on; a value of the wrong
  // JSON type somewhere deeper still must not crash the tool.
  try {
    return KerasGraphImporter(model, options, context).run();
  } catch (const nlohmann::json::exception &e) {
    emitError(textLoc(context, model.configFile, model.configText, 0, 0))
        << "malformed model config: " << e.what();
    return nullptr;
  }
}
