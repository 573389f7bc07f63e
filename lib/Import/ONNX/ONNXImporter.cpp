//===- ONNXImporter.cpp - ONNX -> TOSA + nr -------------------------------===//
//
// Reads the model with Debian's ONNX/protobuf libraries, fixes dynamic input
// dimensions, runs ONNX shape inference (its shapes cross-check ours), then
// converts node by node (ONNXOps.cpp) into `func.func @forward`. Weights and
// shape arithmetic stay host constants until an op needs them as tensors.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"

#include <onnx/shape_inference/implementation.h>

#include <cstring>
#include <fstream>

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::onnximport;

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

int64_t onnximport::product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

SmallVector<int64_t> onnximport::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t k = int64_t(shape.size()) - 2; k >= 0; --k)
    strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}

int64_t HostTensor::numElements() const { return product(shape); }

HostTensor HostTensor::ints(ArrayRef<int64_t> shape,
                            std::vector<int64_t> values) {
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.isInt = true;
  t.i = std::move(values);
  return t;
}

HostTensor HostTensor::floats(ArrayRef<int64_t> shape,
                              std::vector<float> values) {
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.f = std::move(values);
  return t;
}

HostTensor onnximport::permute(const HostTensor &t, ArrayRef<int64_t> perm) {
  HostTensor out;
  out.isInt = t.isInt;
  if (t.source && !t.isInt) {
    out.source = t.source;
    out.source->permute(t.shape, perm);
  }
  for (int64_t p : perm)
    out.shape.push_back(t.shape[p]);
  SmallVector<int64_t> inStrides = stridesOf(t.shape);
  int64_t n = t.numElements();
  if (t.isInt)
    out.i.resize(n);
  else
    out.f.resize(n);
  SmallVector<int64_t> idx(perm.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t src = 0;
    for (size_t a = 0; a < perm.size(); ++a)
      src += idx[a] * inStrides[perm[a]];
    if (t.isInt)
      out.i[k] = t.i[src];
    else
      out.f[k] = t.f[src];
    for (int64_t a = int64_t(perm.size()) - 1; a >= 0; --a) {
      if (++idx[a] < out.shape[a])
        break;
      idx[a] = 0;
    }
  }
  return out;
}

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [k, d] : llvm::enumerate(shape))
    s += (k ? "," : "") + std::to_string(d);
  return s + "]";
}

static const char *typeName(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT: return "float32";
  case onnx::TensorProto::UINT8: return "uint8";
  case onnx::TensorProto::INT8: return "int8";
  case onnx::TensorProto::UINT16: return "uint16";
  case onnx::TensorProto::INT16: return "int16";
  case onnx::TensorProto::INT32: return "int32";
  case onnx::TensorProto::INT64: return "int64";
  case onnx::TensorProto::STRING: return "string";
  case onnx::TensorProto::BOOL: return "bool";
  case onnx::TensorProto::FLOAT16: return "float16";
  case onnx::TensorProto::DOUBLE: return "float64";
  case onnx::TensorProto::UINT32: return "uint32";
  case onnx::TensorProto::UINT64: return "uint64";
  case onnx::TensorProto::BFLOAT16: return "bfloat16";
  default: return "an unknown type";
  }
}

template <typename T>
static std::vector<T> rawAs(const std::string &raw) {
  std::vector<T> v(raw.size() / sizeof(T));
  std::memcpy(v.data(), raw.data(), v.size() * sizeof(T));
  return v;
}

FailureOr<HostTensor>
ONNXImporter::tensorFromProto(const onnx::TensorProto &t) {
  HostTensor out;
  for (int64_t d : t.dims())
    out.shape.push_back(d);
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    modelError() << "tensor '" << t.name()
                 << "' keeps its data in an external file, which is not "
                    "supported; save the model with its weights inside";
    return failure();
  }
  int64_t n = out.numElements();
  const std::string &raw = t.raw_data();
  bool hasRaw = t.has_raw_data();
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    out.f = hasRaw ? rawAs<float>(raw)
                   : std::vector<float>(t.float_data().begin(),
                                        t.float_data().end());
    break;
  case onnx::TensorProto::DOUBLE: {
    std::vector<double> d = hasRaw ? rawAs<double>(raw)
                                   : std::vector<double>(t.double_data().begin(),
                                                         t.double_data().end());
    out.f.assign(d.begin(), d.end());
    break;
  }
  case onnx::TensorProto::INT64:
    out.isInt = true;
    out.i = hasRaw ? rawAs<int64_t>(raw)
                   : std::vector<int64_t>(t.int64_data().begin(),
                                          t.int64_data().end());
    break;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::BOOL: {
    out.isInt = true;
    if (hasRaw) {
      auto type = t.data_type();
      size_t width = type == onnx::TensorProto::INT32 ? 4
                     : (type == onnx::TensorProto::INT16 ||
                        type == onnx::TensorProto::UINT16)
                         ? 2
                         : 1;
      for (size_t k = 0; k + width <= raw.size(); k += width) {
        int64_t v = 0;
        switch (type) {
        case onnx::TensorProto::INT32: { int32_t x; std::memcpy(&x, &raw[k], 4); v = x; break; }
        case onnx::TensorProto::INT16: { int16_t x; std::memcpy(&x, &raw[k], 2); v = x; break; }
        case onnx::TensorProto::UINT16: { uint16_t x; std::memcpy(&x, &raw[k], 2); v = x; break; }
        case onnx::TensorProto::INT8: v = int8_t(raw[k]); break;
        default: v = uint8_t(raw[k]); break;
        }
        out.i.push_back(v);
      }
    } else {
      out.i.assign(t.int32_data().begin(), t.int32_data().end());
    }
    break;
  }
  default:
    modelError() << "unsupported element type: tensor '" << t.name()
                 << "' holds " << typeName(t.data_type())
                 << " (float32/64 and integers are supported)";
    return failure();
  }
  int64_t have = out.isInt ? int64_t(out.i.size()) : int64_t(out.f.size());
  if (have != n) {
    modelError() << "tensor '" << t.name() << "' of shape "
                 << shapeStr(out.shape) << " holds " << have
                 << " values instead of " << n << " (corrupt model?)";
    return failure();
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Diagnostics and attributes
//===----------------------------------------------------------------------===//

ONNXImporter::ONNXImporter(StringRef path, const ImportOptions &options,
                           MLIRContext *ctx)
    : path(path.str()), options(options), ctx(ctx), opBuilder(ctx),
      builder(opBuilder) {
  builder.setRecordWeightSources(options.recordWeightSources);
}

InFlightDiagnostic ONNXImporter::modelError() {
  return emitError(FileLineColLoc::get(ctx, path, 0, 0));
}

InFlightDiagnostic ONNXImporter::nodeError() {
  auto diag = modelError();
  diag << "node '" << currentName << "' (" << current->op_type()
       << ", opset " << opsetVersion << "): ";
  return diag;
}

const onnx::AttributeProto *ONNXImporter::attr(StringRef name) const {
  for (const auto &a : current->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t ONNXImporter::attrInt(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float ONNXImporter::attrFloat(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string ONNXImporter::attrString(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t> ONNXImporter::attrInts(StringRef name) const {
  SmallVector<int64_t> v;
  if (const auto *a = attr(name))
    v.assign(a->ints().begin(), a->ints().end());
  return v;
}

SmallVector<float> ONNXImporter::attrFloats(StringRef name) const {
  SmallVector<float> v;
  if (const auto *a = attr(name))
    v.assign(a->floats().begin(), a->floats().end());
  return v;
}

LogicalResult ONNXImporter::checkAttrs(ArrayRef<StringRef> known) {
  for (const auto &a : current->attribute())
    if (!llvm::is_contained(known, a.name()))
      return nodeError() << "unsupported attribute '" << a.name() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// Values and layouts
//===----------------------------------------------------------------------===//

ValueInfo *ONNXImporter::lookup(const std::string &name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

size_t ONNXImporter::numInputs() const { return current->input_size(); }

bool ONNXImporter::hasInput(size_t k) const {
  return k < size_t(current->input_size()) && !current->input(k).empty();
}

ValueInfo &ONNXImporter::input(size_t k) {
  // convertNode has checked that every named input exists.
  return *lookup(current->input(k));
}

const HostTensor *ONNXImporter::inputConst(size_t k) {
  if (!hasInput(k))
    return nullptr;
  ValueInfo &v = input(k);
  return v.constant ? &*v.constant : nullptr;
}

FailureOr<const HostTensor *> ONNXImporter::requireConst(size_t k,
                                                         StringRef what) {
  if (const HostTensor *t = inputConst(k))
    return t;
  nodeError() << "unsupported: the " << what << " (input " << k << ", '"
              << current->input(k)
              << "') must be a constant known at import time";
  return failure();
}

bool ONNXImporter::isOutputUsed(size_t k) const {
  if (k >= size_t(current->output_size()) || current->output(k).empty())
    return false;
  return useCounts.lookup(current->output(k)) != 0;
}

Value ONNXImporter::materialize(const HostTensor &t, StringRef what) {
  if (t.isInt) {
    std::vector<float> f(t.i.begin(), t.i.end());
    return builder.dense(t.shape, f);
  }
  // Small constants stay inline and readable; weights become blobs.
  Value v = t.numElements() <= 16 ? builder.dense(t.shape, t.f)
                                  : builder.weight(what, t.shape, t.f);
  if (t.source) {
    WeightSource source = *t.source;
    source.reshape(t.shape); // a reshape done by assigning the shape
    if (builder.recordsWeightSources())
      attachWeightSource(v, source);
  }
  return v;
}

Value ONNXImporter::toLogical(ValueInfo &v) {
  if (!v.logical) {
    if (v.constant)
      v.logical = materialize(*v.constant, "const");
    else
      v.logical = builder.nhwcToNchw(v.nhwc);
  }
  return v.logical;
}

Value ONNXImporter::toNHWC(ValueInfo &v) {
  assert(v.shape.size() == 4 && "NHWC needs a 4-D value");
  if (!v.nhwc) {
    if (v.constant)
      v.nhwc = materialize(permute(*v.constant, {0, 2, 3, 1}), "const");
    else
      v.nhwc = builder.nchwToNhwc(v.logical);
  }
  return v.nhwc;
}

Value ONNXImporter::logical(size_t k) {
  ValueInfo &v = input(k);
  if (v.constant && !v.logical)
    v.logical = materialize(*v.constant, current->input(k));
  return toLogical(v);
}

Value ONNXImporter::nhwc(size_t k) {
  ValueInfo &v = input(k);
  if (v.constant && !v.nhwc)
    v.nhwc = materialize(permute(*v.constant, {0, 2, 3, 1}), current->input(k));
  return toNHWC(v);
}

bool ONNXImporter::preferNHWC(size_t k) {
  ValueInfo &v = input(k);
  return v.shape.size() == 4 && v.nhwc;
}

LogicalResult ONNXImporter::checkShape(size_t k, ArrayRef<int64_t> shape) {
  const std::string &name = current->output(k);
  auto it = inferredShapes.find(name);
  if (it != inferredShapes.end() && ArrayRef<int64_t>(it->second) != shape)
    return nodeError() << "shape mismatch: output '" << name
                       << "' computes to " << shapeStr(shape)
                       << " but the model declares/infers "
                       << shapeStr(it->second);
  return success();
}

LogicalResult ONNXImporter::setLogical(size_t k, Value v) {
  ValueInfo info;
  info.shape.assign(TosaBuilder::shapeOf(v).begin(),
                    TosaBuilder::shapeOf(v).end());
  info.logical = v;
  if (failed(checkShape(k, info.shape)))
    return failure();
  values[current->output(k)] = std::move(info);
  return success();
}

LogicalResult ONNXImporter::setNHWC(size_t k, Value v) {
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(v);
  ValueInfo info;
  info.shape = {s[0], s[3], s[1], s[2]};
  info.nhwc = v;
  if (failed(checkShape(k, info.shape)))
    return failure();
  values[current->output(k)] = std::move(info);
  return success();
}

LogicalResult ONNXImporter::setConst(size_t k, HostTensor t) {
  ValueInfo info;
  info.shape = t.shape;
  if (failed(checkShape(k, info.shape)))
    return failure();
  info.constant = std::move(t);
  values[current->output(k)] = std::move(info);
  return success();
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

LogicalResult ONNXImporter::load() {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return modelError() << "cannot open the file";
  if (!model.ParseFromIstream(&in))
    return modelError()
           << "not a valid ONNX model: the protobuf does not parse "
              "(truncated or corrupt file)";
  // Garbage can still parse as a protobuf; a real model names its opset and
  // has a graph.
  for (const auto &op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx")
      opsetVersion = op.version();
  if (model.ir_version() <= 0 || !model.has_graph() || opsetVersion == 0)
    return modelError() << "not a valid ONNX model: no IR version, graph or "
                           "default-domain opset (truncated or corrupt file)";
  if (opsetVersion > 17)
    return modelError() << "unsupported opset " << opsetVersion
                        << " (the importer handles opsets up to 17)";
  return success();
}

LogicalResult ONNXImporter::fixInputShapes() {
  onnx::GraphProto *graph = model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const auto &t : graph->initializer())
    initializers.insert(t.name());
  bool shapeUsed = false;
  for (auto &input : *graph->mutable_input()) {
    if (initializers.contains(input.name()))
      continue;
    if (!input.type().has_tensor_type())
      return modelError() << "input '" << input.name()
                          << "' is not a tensor; only tensor inputs are "
                             "supported";
    auto *tensorType = input.mutable_type()->mutable_tensor_type();
    if (tensorType->elem_type() != onnx::TensorProto::FLOAT)
      return modelError() << "unsupported: input '" << input.name()
                          << "' has element type "
                          << typeName(tensorType->elem_type())
                          << "; only float32 inputs are supported";
    auto *shape = tensorType->mutable_shape();
    if (!options.inputShape.empty() && !shapeUsed) {
      shapeUsed = true;
      if (size_t(shape->dim_size()) != options.inputShape.size())
        return modelError() << "shape mismatch: --input-shape has "
                            << options.inputShape.size()
                            << " dimensions but input '" << input.name()
                            << "' has rank " << shape->dim_size();
      for (auto [k, dim] : llvm::enumerate(*shape->mutable_dim())) {
        if (dim.has_dim_value() && dim.dim_value() != options.inputShape[k])
          return modelError()
                 << "shape mismatch: --input-shape gives dimension " << k
                 << " of input '" << input.name() << "' as "
                 << options.inputShape[k] << " but the model fixes it to "
                 << dim.dim_value();
        dim.set_dim_value(options.inputShape[k]);
      }
      continue;
    }
    // Dynamic dimensions (the batch, usually) default to 1.
    for (auto &dim : *shape->mutable_dim()) {
      if (dim.has_dim_value() && dim.dim_value() == 0)
        return modelError() << "unsupported: input '" << input.name()
                            << "' has a zero-size dimension";
      if (!dim.has_dim_value() || dim.dim_value() < 0)
        dim.set_dim_value(1);
    }
  }
  // Unknown operators are reported before shape inference runs: ONNX's
  // inference functions are only as robust as the ops they know, and a
  // malformed unknown node can crash them (e.g. LayerNormalization with an
  // out-of-range axis in libonnx 1.12).
  for (auto [index, node] : llvm::enumerate(graph->node())) {
    enterNode(node, index);
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      return nodeError() << "unsupported operator " << node.op_type()
                         << " from domain '" << node.domain() << "'";
    if (!isKnownOp(node.op_type()))
      return nodeError() << "unsupported operator " << node.op_type();
    // Window sizes ONNX's inference divides by (a 0 stride is a SIGFPE).
    for (const auto &a : node.attribute()) {
      StringRef name = a.name();
      bool positive = name == "strides" || name == "dilations" ||
                      name == "kernel_shape";
      if (positive && llvm::any_of(a.ints(), [](int64_t v) { return v <= 0; }))
        return nodeError() << "invalid attribute value: " << name
                           << " must be positive";
      if (name == "group" && a.i() <= 0)
        return nodeError() << "invalid attribute value: group must be "
                              "positive";
    }
  }
  current = nullptr;
  // Shapes inferred from the fixed inputs; node-level inference errors are
  // not fatal here because our own converters check every shape.
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception &e) {
    return modelError() << "ONNX shape inference failed: " << e.what();
  }
  auto record = [&](const onnx::ValueInfoProto &vi) {
    if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape())
      return;
    SmallVector<int64_t> shape;
    for (const auto &dim : vi.type().tensor_type().shape().dim()) {
      if (!dim.has_dim_value())
        return;
      shape.push_back(dim.dim_value());
    }
    inferredShapes[vi.name()] = shape;
  };
  for (const auto &vi : graph->value_info())
    record(vi);
  for (const auto &vi : graph->output())
    record(vi);
  return success();
}

void ONNXImporter::enterNode(const onnx::NodeProto &node, size_t index) {
  current = &node;
  currentName =
      node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                          : node.name();
  builder.setLayer(currentName);
}

LogicalResult ONNXImporter::convertNode(const onnx::NodeProto &node,
                                        size_t index) {
  enterNode(node, index);
  for (const std::string &name : node.input())
    if (!name.empty() && !lookup(name))
      return nodeError() << "missing input: '" << name
                         << "' is not produced by any initializer, graph "
                            "input or earlier node";
  if (failed(checkArity(*this)))
    return failure();
  if (std::optional<LogicalResult> folded = tryFold(*this))
    return *folded;
  if (failed(convertOp(*this)))
    return failure();
  for (auto [k, name] : llvm::enumerate(node.output()))
    if (!name.empty() && !lookup(name) && isOutputUsed(k))
      return nodeError() << "unsupported: output " << k << " ('" << name
                         << "') is used but the importer does not compute it";
  return success();
}

OwningOpRef<ModuleOp> ONNXImporter::run() {
  if (failed(load()) || failed(fixInputShapes()))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();

  for (const auto &n : graph.node())
    for (const std::string &name : n.input())
      ++useCounts[name];
  for (const auto &o : graph.output())
    ++useCounts[o.name()];

  for (const auto &t : graph.initializer()) {
    FailureOr<HostTensor> host = tensorFromProto(t);
    if (failed(host))
      return nullptr;
    if (!host->isInt)
      host->source = WeightSource(t.name(), host->shape);
    ValueInfo info;
    info.shape = host->shape;
    info.constant = std::move(*host);
    values[t.name()] = std::move(info);
  }

  Location funcLoc = NameLoc::get(StringAttr::get(ctx, graph.name().empty()
                                                           ? "forward"
                                                           : graph.name()));
  OwningOpRef<ModuleOp> module = ModuleOp::create(funcLoc);
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const auto &input : graph.input()) {
    if (values.count(input.name()))
      continue; // an initializer listed as input (IR < 4)
    SmallVector<int64_t> shape;
    for (const auto &dim : input.type().tensor_type().shape().dim())
      shape.push_back(dim.dim_value());
    argTypes.push_back(TosaBuilder::f32(shape, ctx));
    args.push_back(&input);
  }
  opBuilder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(opBuilder, funcLoc, "forward",
                                   opBuilder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  opBuilder.setInsertionPointToEnd(entry);
  for (auto [k, input] : llvm::enumerate(args)) {
    ValueInfo info;
    ArrayRef<int64_t> argShape = cast<RankedTensorType>(argTypes[k]).getShape();
    info.shape.assign(argShape.begin(), argShape.end());
    info.logical = entry->getArgument(k);
    values[input->name()] = std::move(info);
  }

  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(convertNode(node, index)))
      return nullptr;

  builder.setLayer("output");
  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    ValueInfo *v = lookup(output.name());
    if (!v)
    {
      modelError() << "missing input: graph output '" << output.name()
                   << "' is not produced by any node";
      return nullptr;
    }
    if (v->constant && v->constant->isInt) {
      modelError() << "unsupported: graph output '" << output.name()
                   << "' is an integer tensor; only float32 outputs are "
                      "supported";
      return nullptr;
    }
    if (v->constant && !v->logical)
      v->logical = materialize(*v->constant, output.name());
    results.push_back(toLogical(*v));
  }
  func::ReturnOp::create(opBuilder, NameLoc::get(opBuilder.getStringAttr("output")),
                         results);
  func.setFunctionType(
      opBuilder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  return module;
}

OwningOpRef<ModuleOp> netrewrite::importONNX(StringRef path,
                                             const ImportOptions &options,
                                             MLIRContext *context) {
  context->loadDialect<func::FuncDialect, tosa::TosaDialect>();
  return ONNXImporter(path, options, context).run();
}
