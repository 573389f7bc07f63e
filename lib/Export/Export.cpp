//===- Export.cpp - Trained weights back into the source model ------------===//
//
// Re-imports the source model with weight provenance, names its weights as
// --netrewrite-extract-params named them for training, matches those names
// with the trained tensors, inverts the importer's layout steps and hands
// the results to the format's writer. Every mismatch between checkpoint and
// source is collected and reported in one message that names the tensors.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Export/Export.h"
#include "netrewrite/Dialect/NR/NR.h"
#include "netrewrite/Import/WeightSource.h"
#include "netrewrite/Training/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <deque>
#include <set>
#include <numeric>
#include <unistd.h>

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::exporter;

SourceModel::~SourceModel() = default;

bool SourceModel::insertBatchNorm(const std::string &, const std::string &,
                                  const std::vector<float> (&)[4], float,
                                  float, std::string &error) {
  error = "adding layers to this format is not supported (only to ONNX)";
  return false;
}

namespace {

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [k, d] : llvm::enumerate(shape))
    s += (k ? "x" : "") + std::to_string(d);
  return s + "]";
}

/// "a, b, c and 4 more".
std::string nameList(const std::vector<std::string> &names) {
  std::string s;
  size_t shown = std::min<size_t>(names.size(), 8);
  for (size_t k = 0; k < shown; ++k)
    s += (k ? ", '" : "'") + names[k] + "'";
  if (names.size() > shown)
    s += " and " + std::to_string(names.size() - shown) + " more";
  return s;
}

/// A constant's float values (inline dense or a dense_resource blob).
bool constValues(tosa::ConstOp c, std::vector<float> &out) {
  Attribute a = c.getValues();
  if (auto dense = dyn_cast<DenseElementsAttr>(a)) {
    if (!isa<FloatType>(dense.getElementType()))
      return false;
    for (APFloat v : dense.getValues<APFloat>())
      out.push_back(v.convertToFloat());
    return true;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(a)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return false;
    ArrayRef<char> bytes = blob->getData();
    out.resize(bytes.size() / sizeof(float));
    std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
    return true;
  }
  return false;
}

/// One parameter of the re-imported source, as training named it.
struct Param {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> init;
  std::optional<WeightSource> source;
};

bool sameBits(ArrayRef<float> a, ArrayRef<float> b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool nearlyEqual(ArrayRef<float> a, ArrayRef<float> b, double rtol) {
  if (a.size() != b.size())
    return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (std::fabs(double(a[k]) - double(b[k])) >
        rtol * std::max(std::fabs(double(a[k])), std::fabs(double(b[k]))) +
            1e-30)
      return false;
  return true;
}

/// The name a @forward argument carries, or "" (not a parameter).
std::string paramOf(Value v) {
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg)
    return "";
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!func)
    return "";
  auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "nr.param");
  return name ? name.str() : "";
}

/// The first NameLoc inside a location (the layer an op belongs to).
std::optional<std::string> layerOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = layerOf(inner))
        return name;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return layerOf(callSite.getCallee());
  return std::nullopt;
}

/// A batch norm a rewrite inserted: where it sits and its parameter names.
struct InsertedBN {
  std::string after; ///< the source layer whose output it normalises
  std::string name;  ///< the BN's own layer name
  std::string params[4];
  float epsilon, momentum;
};

/// Finds, in the trained (rewritten) module, the nr.batch_norm whose
/// parameters are called `gammaName` etc. after --netrewrite-extract-params,
/// and the source layer in front of it. The BN must sit on the *output* of
/// that layer: none of the layer's own ops may consume the BN's result,
/// else it was inserted inside the layer and has no ONNX equivalent.
FailureOr<InsertedBN> findInsertedBN(func::FuncOp forward,
                                     const std::string &gammaName,
                                     std::string &error) {
  for (BlockArgument arg : forward.getArguments()) {
    if (paramOf(arg) != gammaName)
      continue;
    for (OpOperand &use : arg.getUses()) {
      auto bn = dyn_cast<nr::BatchNormOp>(use.getOwner());
      if (!bn || use.getOperandNumber() != 1)
        continue;
      InsertedBN found;
      for (int k = 0; k < 4; ++k)
        found.params[k] = paramOf(bn->getOperand(1 + k));
      found.epsilon = bn.getEpsilon().convertToFloat();
      found.momentum = bn.getMomentum().convertToFloat();
      std::optional<std::string> self = layerOf(bn.getLoc());
      Operation *producer = bn.getInput().getDefiningOp();
      std::optional<std::string> after =
          producer ? layerOf(producer->getLoc()) : std::nullopt;
      if (!self || !after) {
        error = "the batch norm of '" + gammaName +
                "' or the layer in front of it has no name";
        return failure();
      }
      for (Operation *user : bn->getResult(0).getUsers())
        if (layerOf(user->getLoc()) == after) {
          error = "batch norm '" + *self + "' sits inside layer '" + *after +
                  "', not behind it";
          return failure();
        }
      found.after = *after;
      found.name = *self;
      return found;
    }
  }
  error = "no batch norm in the trained module has parameter '" + gammaName +
          "'";
  return failure();
}

/// A bias the importer made up (zeros for a conv the source gives no bias:
/// Keras use_bias=False, an ONNX Conv without B, the depthwise half of a
/// SeparableConv2D) that training moved by `delta`. When the conv feeds
/// exactly one layer that can absorb the shift, move it there:
///  * nr.batch_norm: BN(x + d) = BN'(x) with moving_mean' = moving_mean - d
///    (inference form; in training form the batch mean cancels d anyway);
///  * a 1x1 unpadded conv2d (SeparableConv2D's pointwise half):
///    conv(x + d) = conv(x) + W.d, added to that conv's bias.
/// Returns the parameter changed, or "" when the shift has no such home.
std::string foldBiasShift(func::FuncOp forward, const std::string &name,
                          ArrayRef<float> delta,
                          std::map<std::string, std::vector<float>> &values) {
  for (BlockArgument arg : forward.getArguments()) {
    if (paramOf(arg) != name || !arg.hasOneUse())
      continue;
    OpOperand &use = *arg.use_begin();
    Operation *conv = use.getOwner();
    if (use.getOperandNumber() != 2 ||
        !isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::TransposeConv2DOp>(
            conv) ||
        !conv->getResult(0).hasOneUse())
      return "";
    // Dropout is the identity in the inference form the export describes.
    OpOperand *nextUse = &*conv->getResult(0).use_begin();
    while (isa<nr::DropoutOp>(nextUse->getOwner()) &&
           nextUse->getOwner()->getResult(0).hasOneUse())
      nextUse = &*nextUse->getOwner()->getResult(0).use_begin();
    OpOperand &next = *nextUse;
    Operation *user = next.getOwner();
    if (isa<nr::BatchNormOp>(user) && next.getOperandNumber() == 0) {
      std::string mean = paramOf(user->getOperand(3));
      auto it = values.find(mean);
      if (mean.empty() || it == values.end() || it->second.size() != delta.size())
        return "";
      for (size_t c = 0; c < delta.size(); ++c)
        it->second[c] -= delta[c];
      return mean;
    }
    auto pointwise = dyn_cast<tosa::Conv2DOp>(user);
    if (pointwise && next.getOperandNumber() == 0 &&
        llvm::all_of(pointwise.getPad(), [](int64_t p) { return p == 0; })) {
      std::string kernel = paramOf(pointwise.getWeight());
      std::string bias = paramOf(pointwise.getBias());
      auto w = values.find(kernel), b = values.find(bias);
      auto wType = cast<RankedTensorType>(pointwise.getWeight().getType());
      if (kernel.empty() || bias.empty() || w == values.end() ||
          b == values.end() || wType.getDimSize(1) != 1 ||
          wType.getDimSize(2) != 1 ||
          wType.getDimSize(3) != int64_t(delta.size()))
        return "";
      int64_t outs = wType.getDimSize(0), ins = wType.getDimSize(3);
      for (int64_t o = 0; o < outs; ++o) {
        double sum = 0;
        for (int64_t c = 0; c < ins; ++c)
          sum += double(w->second[o * ins + c]) * double(delta[c]);
        b->second[o] = float(double(b->second[o]) + sum);
      }
      return bias;
    }
    return "";
  }
  return "";
}

} // namespace

void exporter::syncDirectoryOf(const std::string &path) {
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

bool exporter::writeFileAtomic(const std::string &path,
                               const std::string &contents,
                               std::string &error) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    error = path + ": cannot write: " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error = path + ": cannot write: " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = path + ": cannot write: " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": cannot rename into place: " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  // The rename itself must reach the disk too.
  syncDirectoryOf(path);
  return true;
}

bool exporter::exportWeights(ModelFormat format, const std::string &sourcePath,
                             const std::vector<Tensor> *trainedOrNull,
                             const std::string &outPath,
                             const ImportOptions &options, MLIRContext *ctx,
                             Summary &summary, std::string &error,
                             ModuleOp rewritten) {
  // The writer first: an unreadable source fails before anything else.
  std::unique_ptr<SourceModel> source;
  std::string openError;
  switch (format) {
  case ModelFormat::ONNX:
    source = openONNX(sourcePath, openError);
    break;
  case ModelFormat::TFJS:
    source = openTFJS(sourcePath, openError);
    break;
  case ModelFormat::KerasH5:
    source = openKerasH5(sourcePath, openError);
    break;
  case ModelFormat::Keras3:
    error = sourcePath + ": writing Keras 3 .keras archives is not supported; "
                         "export into the model's TFJS or .h5 form";
    return false;
  case ModelFormat::Unknown:
    error = sourcePath + ": unknown model format (expected .onnx, a TFJS "
                         "model.json or a Keras .h5; or pass --format)";
    return false;
  }
  if (!source) {
    error = sourcePath + ": " + openError;
    return false;
  }

  // Re-import with provenance and name the weights as training did.
  ImportOptions recording = options;
  recording.recordWeightSources = true;
  OwningOpRef<ModuleOp> module =
      format == ModelFormat::ONNX
          ? importONNX(sourcePath, recording, ctx)
          : importKeras(sourcePath, format, recording, ctx);
  if (!module) {
    error = sourcePath + ": the importer cannot read the source model (see "
                         "the diagnostics above)";
    return false;
  }
  PassManager pm(ctx);
  pm.addPass(createExtractParams());
  if (failed(pm.run(*module))) {
    error = sourcePath + ": naming the source model's weights failed (see "
                         "the diagnostics above)";
    return false;
  }
  auto init = module->lookupSymbol<func::FuncOp>("init_params");
  if (!init) {
    error = sourcePath + ": the source model has no weights";
    return false;
  }
  std::vector<Param> params;
  auto ret = cast<func::ReturnOp>(init.getBody().front().getTerminator());
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    Param p;
    if (auto name = init.getResultAttrOfType<StringAttr>(i, "nr.param"))
      p.name = name.str();
    auto c = value.getDefiningOp<tosa::ConstOp>();
    if (!c || !constValues(c, p.init)) {
      error = "internal error: the value of source parameter '" + p.name +
              "' cannot be read";
      return false;
    }
    auto type = cast<RankedTensorType>(c.getType());
    p.shape.assign(type.getShape().begin(), type.getShape().end());
    if (Attribute attr = c->getAttr(WeightSource::kAttrName)) {
      FailureOr<WeightSource> ws = WeightSource::fromAttr(attr);
      if (failed(ws)) {
        error = "internal error: malformed nr.source on '" + p.name + "'";
        return false;
      }
      p.source = *ws;
    }
    params.push_back(std::move(p));
  }

  // --check: the imported values themselves, as an executable's `export`
  // of init_params would give them.
  std::vector<Tensor> own;
  if (!trainedOrNull)
    for (const Param &p : params)
      own.push_back({p.name, "trainable", p.shape, p.init});
  const std::vector<Tensor> &trained = trainedOrNull ? *trainedOrNull : own;

  // Match names and shapes; collect every misfit before reporting.
  llvm::StringMap<const Tensor *> byName;
  for (const Tensor &t : trained)
    if (t.kind != "opt_state")
      byName[t.name] = &t;
  // The values to export; importer-made biases that training moved are
  // folded into the layer behind them first (foldBiasShift).
  std::map<std::string, std::vector<float>> values;
  for (const Tensor &t : trained)
    if (t.kind != "opt_state")
      values[t.name] = t.data;
  // Biases are folded along the structure that was trained: the rewritten
  // module's when given (an inserted BN may sit between conv and the
  // source's BN), else the source's.
  func::FuncOp rforward;
  if (rewritten) {
    // Accept the module before or after --netrewrite-extract-params.
    auto f = rewritten.lookupSymbol<func::FuncOp>("forward");
    bool named = f && llvm::any_of(llvm::seq(f.getNumArguments()),
                                   [&](unsigned i) {
                                     return f.getArgAttr(i, "nr.param");
                                   });
    PassManager rpm(ctx);
    if (!named)
      rpm.addPass(createExtractParams());
    if (failed(rpm.run(rewritten))) {
      error = "naming the trained module's weights failed (see the "
              "diagnostics above)";
      return false;
    }
    rforward = rewritten.lookupSymbol<func::FuncOp>("forward");
    if (!rforward) {
      error = "the trained module has no @forward";
      return false;
    }
  }
  // A batch norm of the source that the trained module no longer has
  // (--fold-bn folded it into the conv in front, whose trained kernel and
  // bias now carry it): the source keeps the layer, as an identity.
  std::deque<Tensor> identities;
  auto sourceForward = module->lookupSymbol<func::FuncOp>("forward");
  if (rforward && sourceForward) {
    std::set<std::string> trainedLayers;
    rforward.walk([&](nr::BatchNormOp bn) {
      if (auto layer = layerOf(bn.getLoc()))
        trainedLayers.insert(*layer);
    });
    llvm::StringMap<const Param *> paramByName;
    for (const Param &p : params)
      paramByName[p.name] = &p;
    sourceForward.walk([&](nr::BatchNormOp bn) {
      std::optional<std::string> layer = layerOf(bn.getLoc());
      if (!layer || trainedLayers.count(*layer))
        return;
      std::string names[4];
      for (int k = 0; k < 4; ++k) {
        names[k] = paramOf(bn->getOperand(1 + k));
        if (names[k].empty() || byName.count(names[k]) ||
            !paramByName.count(names[k]))
          return;
      }
      // y = gamma (x - 0) / sqrt(var + eps) + 0 = x: gamma = sqrt(1 + eps)
      // with var = 1, or var = 1 - eps where gamma is not stored (1).
      float eps = bn.getEpsilon().convertToFloat();
      bool gammaStored = paramByName[names[0]]->source.has_value();
      float fill[4] = {gammaStored ? float(std::sqrt(1.0 + double(eps))) : 1.0f,
                       0.0f, 0.0f, gammaStored ? 1.0f : 1.0f - eps};
      for (int k = 0; k < 4; ++k) {
        const Param &p = *paramByName[names[k]];
        identities.push_back(
            {p.name, "state", p.shape,
             std::vector<float>(p.init.size(), fill[k])});
        byName[p.name] = &identities.back();
        values[p.name] = identities.back().data;
      }
      ++summary.identities;
    });
  }

  auto forward = rforward ? rforward : sourceForward;
  for (const Param &p : params) {
    auto it = values.find(p.name);
    if (p.source || it == values.end() || it->second.size() != p.init.size() ||
        sameBits(it->second, p.init))
      continue;
    std::vector<float> delta(p.init.size());
    for (size_t k = 0; k < delta.size(); ++k)
      delta[k] = it->second[k] - p.init[k];
    if (forward && !foldBiasShift(forward, p.name, delta, values).empty()) {
      it->second = p.init;
      ++summary.folded;
    }
  }
  llvm::StringMap<bool> used;
  std::vector<std::string> missing, noPlace, changedNoSource, misshapen;
  struct Update {
    std::vector<float> data;
    std::string param;
  };
  std::map<std::string, Update> updates; // ordered: deterministic output
  for (const Param &p : params) {
    auto it = byName.find(p.name);
    if (it == byName.end()) {
      missing.push_back(p.name);
      continue;
    }
    const Tensor &t = *it->second;
    used[p.name] = true;
    if (t.shape != p.shape) {
      misshapen.push_back("'" + p.name + "' has shape " + shapeStr(t.shape) +
                          " in the trained weights but " + shapeStr(p.shape) +
                          " in the source");
      continue;
    }
    if (t.data.size() != size_t(std::max<int64_t>(
                             1, std::accumulate(p.shape.begin(), p.shape.end(),
                                                int64_t(1),
                                                std::multiplies<int64_t>())))) {
      error = "tensor '" + p.name + "' holds " +
              std::to_string(t.data.size()) + " values for shape " +
              shapeStr(p.shape);
      return false;
    }
    const std::vector<float> &value = values[p.name];
    if (!p.source) {
      // A constant the importer made up (Keras BN without `scale`, a
      // folded expression): fine while training left it alone.
      if (sameBits(value, p.init))
        ++summary.unchanged;
      else
        changedNoSource.push_back(p.name);
      continue;
    }
    const WeightSource &ws = *p.source;
    // Check the recorded steps against the stored tensor: applying them to
    // the source must give exactly what the importer built.
    std::vector<int64_t> storedShape;
    std::vector<float> stored;
    std::string readError;
    if (!source->read(ws.tensor, storedShape, stored, readError)) {
      error = sourcePath + ": " + readError;
      return false;
    }
    bool scaled = llvm::any_of(ws.steps, [](const WeightSource::Step &s) {
      return s.kind == WeightSource::Step::Scale;
    });
    std::vector<float> rebuilt = ws.apply(stored);
    if (storedShape != ws.shape ||
        !(scaled ? nearlyEqual(rebuilt, p.init, 1e-6) : sameBits(rebuilt, p.init))) {
      error = "internal error: the recorded layout of source tensor '" +
              ws.tensor + "' does not reproduce parameter '" + p.name + "'";
      return false;
    }
    std::vector<float> back = ws.invert(value);
    if (!trainedOrNull &&
        !(scaled ? nearlyEqual(back, stored, 1e-6) : sameBits(back, stored))) {
      error = "tensor '" + ws.tensor + "' of " + sourcePath +
              " does not come back unchanged from parameter '" + p.name + "'";
      return false;
    }
    auto [slot, fresh] = updates.try_emplace(ws.tensor, Update{back, p.name});
    if (!fresh && !sameBits(slot->second.data, back)) {
      error = "parameters '" + slot->second.param + "' and '" + p.name +
              "' both come from source tensor '" + ws.tensor +
              "' but were trained to different values; the source model "
              "can hold only one (freeze one of them, or train with the "
              "weight shared)";
      return false;
    }
    ++summary.parameters;
  }
  for (const Tensor &t : trained)
    if (t.kind != "opt_state" && !used.count(t.name))
      noPlace.push_back(t.name);

  // Batch norms a rewrite inserted: with the trained module at hand, find
  // each one's place and add it to the source (ONNX), so its four
  // parameters have a home after all.
  std::vector<InsertedBN> inserts;
  std::vector<std::string> insertProblems;
  if (rforward && !noPlace.empty()) {
    std::set<std::string> homeless(noPlace.begin(), noPlace.end());
    for (const std::string &name : noPlace) {
      if (!homeless.count(name) || !StringRef(name).ends_with("/gamma"))
        continue;
      std::string findError;
      FailureOr<InsertedBN> bn = findInsertedBN(rforward, name, findError);
      if (failed(bn)) {
        insertProblems.push_back(findError); // stays homeless
        continue;
      }
      bool complete = true;
      for (const std::string &p : bn->params)
        complete &= homeless.count(p) && byName.count(p) &&
                    byName[p]->data.size() == byName[name]->data.size();
      if (!complete) {
        insertProblems.push_back("the batch norm of '" + name +
                                 "' lacks some of its four tensors");
        continue;
      }
      for (const std::string &p : bn->params)
        homeless.erase(p);
      inserts.push_back(*bn);
    }
    noPlace.assign(homeless.begin(), homeless.end());
  }

  if (!noPlace.empty() || !missing.empty() || !changedNoSource.empty() ||
      !misshapen.empty()) {
    std::string msg = "the trained weights do not fit " + sourcePath + ":";
    if (!misshapen.empty()) {
      msg += " " + std::to_string(misshapen.size()) +
             " tensor(s) have another shape (weights of another model?): ";
      for (size_t k = 0; k < misshapen.size() && k < 4; ++k)
        msg += (k ? ", " : "") + misshapen[k];
      if (misshapen.size() > 4)
        msg += " and " + std::to_string(misshapen.size() - 4) + " more";
      msg += ";";
    }
    if (!noPlace.empty())
      msg += " " + std::to_string(noPlace.size()) +
             " trained tensor(s) have no place in the source model (" +
             nameList(noPlace) +
             ((format == ModelFormat::ONNX || format == ModelFormat::TFJS) &&
                      !rewritten &&
                      llvm::any_of(noPlace,
                                   [](const std::string &n) {
                                     return StringRef(n).ends_with("/gamma");
                                   })
                  ? "; batch norms a rewrite inserted can be added to the "
                    "source model: pass the trained module with --rewritten);"
                  : "; layers added by a rewrite such as --insert-bn cannot "
                    "be written back: export the rewritten model's weights "
                    "with the executable's `export` subcommand instead);");
    if (!missing.empty())
      msg += " " + std::to_string(missing.size()) +
             " weight(s) of the source model are missing from the trained "
             "weights (" +
             nameList(missing) +
             (rewritten ? std::string("; weights of another model?);")
                        : std::string("; weights of another model, or a "
                                      "rewrite such as --fold-bn removed "
                                      "them: then pass the trained module "
                                      "with --rewritten);"));
    for (const std::string &problem : insertProblems)
      msg += " " + problem + ";";
    if (llvm::any_of(noPlace, [](const std::string &n) {
          return StringRef(n).starts_with("param") && n.size() > 5 &&
                 isdigit(static_cast<unsigned char>(n[5]));
        }))
      msg += " names like '" + noPlace.front() +
             "' mean the trained module had lost its layer names (a textual "
             ".mlir written without --mlir-print-debuginfo; use .mlirbc);";
    if (!changedNoSource.empty())
      msg += " " + std::to_string(changedNoSource.size()) +
             " trained tensor(s) were made up by the importer and have no "
             "tensor in the source model, but training changed them (" +
             nameList(changedNoSource) + "; freeze them with --freeze);";
    msg.pop_back();
    error = msg;
    return false;
  }

  for (auto &[key, update] : updates) {
    std::string replaceError;
    if (!source->replace(key, update.data, replaceError)) {
      error = sourcePath + ": " + replaceError;
      return false;
    }
  }
  summary.replaced = updates.size();
  for (const InsertedBN &bn : inserts) {
    std::vector<float> v[4];
    for (int k = 0; k < 4; ++k)
      v[k] = values[bn.params[k]];
    std::string insertError;
    if (!source->insertBatchNorm(bn.after, bn.name, v, bn.epsilon,
                                 bn.momentum, insertError)) {
      error = sourcePath + ": cannot add batch norm '" + bn.name +
              "' behind '" + bn.after + "': " + insertError;
      return false;
    }
    ++summary.inserted;
  }
  if (outPath.empty())
    return true;
  std::string saveError;
  if (!source->save(outPath, saveError)) {
    error = saveError;
    return false;
  }
  return true;
}
