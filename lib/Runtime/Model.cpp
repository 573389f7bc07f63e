//===- Model.cpp - Calling a compiled model through its C interface -------===//

#include "netrewrite/Runtime/Model.h"
#include "netrewrite/Runtime/Error.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

using namespace netrewrite::runtime;

/// The GPU copies of a ModelState's tensors (--target=cuda builds). Every
/// tensor train_step updates gets a second buffer: the step reads the
/// current one and writes the other, then they swap, so parameters and
/// optimizer slots never leave the GPU and no argument aliases a result.
struct netrewrite::runtime::DeviceMirror {
  DeviceHooks hooks;
  std::vector<float *> params, optState;     ///< current values
  std::vector<float *> paramsNext, optNext;  ///< the step's outputs
  bool hostStale = false; ///< the GPU copies are newer than the host's
  ~DeviceMirror() {
    for (auto *list : {&params, &optState, &paramsNext, &optNext})
      for (float *p : *list)
        if (p)
          hooks.free(p);
  }
};

NamedTensor *ModelState::find(const std::string &name) {
  for (auto &t : params)
    if (t.name == name)
      return &t;
  for (auto &t : optState)
    if (t.name == name)
      return &t;
  return nullptr;
}

namespace {

/// A ranked memref descriptor laid out as 8-byte words: allocated, aligned,
/// offset, sizes[r], strides[r] (identity layout).
std::vector<int64_t> descriptor(const float *data,
                                const std::vector<int64_t> &shape) {
  std::vector<int64_t> words(3 + 2 * shape.size());
  words[0] = words[1] = reinterpret_cast<int64_t>(data);
  words[2] = 0;
  int64_t stride = 1;
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    words[3 + i] = shape[i];
    words[3 + shape.size() + i] = stride;
    stride *= shape[i];
  }
  return words;
}

/// Builds descriptors for `buffers` and calls `fn`.
void callDescriptors(void *fn,
                     const std::vector<std::pair<const float *,
                                                 const std::vector<int64_t> *>>
                         &buffers) {
  std::vector<std::vector<int64_t>> descs;
  descs.reserve(buffers.size());
  std::vector<void *> ptrs;
  ptrs.reserve(buffers.size());
  for (auto &[data, shape] : buffers) {
    descs.push_back(descriptor(data, *shape));
    ptrs.push_back(descs.back().data());
  }
  callWithPointers(fn, ptrs.data(), ptrs.size());
}

std::string describe(const TensorSpec &t, size_t i) {
  return (t.name.empty() ? "#" + std::to_string(i) : "'" + t.name + "'") +
         " (" + t.shapeString() + ")";
}

[[noreturn]] void bad(const std::string &what) {
  fail("the model's manifest does not match its entry points: " + what);
}

bool isParamKind(const std::string &k) {
  return k == "trainable" || k == "frozen" || k == "state";
}

} // namespace

namespace {
/// Scratch slots for per-call GPU buffers: forward's and train_step's
/// results get separate ranges so that validation between training steps
/// does not reallocate them.
enum ScratchSlot : size_t {
  kSlotX = 0,
  kSlotLabels = 1,
  kSlotHyper = 2,
  kSlotForwardResults = 100,
  kSlotTrainResults = 1000,
};

float *uploadTensor(const DeviceHooks &hooks, const std::vector<float> &host) {
  size_t bytes = std::max<size_t>(1, host.size()) * sizeof(float);
  auto *dev = static_cast<float *>(hooks.allocManaged(bytes));
  hooks.memcpy(dev, host.data(), host.size() * sizeof(float));
  return dev;
}

/// A manifest for an object that only carries "BxHxWxC->BxK" (forward-only,
/// weights compiled in).
std::string manifestFromSignature(const char *sig) {
  long long b, h, w, c, b2, k;
  char tail;
  if (std::sscanf(sig, "%lldx%lldx%lldx%lld->%lldx%lld%c", &b, &h, &w, &c, &b2,
                  &k, &tail) != 6 ||
      b != b2)
    fail(std::string("the model's signature (netrewrite_model_signature) is "
                     "malformed: '") + sig + "', expected BxHxWxC->BxK");
  std::string in = "[" + std::to_string(b) + "," + std::to_string(h) + "," +
                   std::to_string(w) + "," + std::to_string(c) + "]";
  return "{\"functions\": {\"forward\": {\"inputs\": [{\"name\": \"x\", "
         "\"shape\": " + in + ", \"kind\": \"input\"}], \"outputs\": "
         "[{\"shape\": [" + std::to_string(b) + "," + std::to_string(k) +
         "]}]}}, \"batch\": " + std::to_string(b) + ", \"input_shape\": " + in +
         ", \"num_classes\": " + std::to_string(k) + "}";
}

const char *manifestText(const ModelEntryPoints &e, std::string &storage) {
  if (e.manifest || !e.legacySignature)
    return e.manifest;
  storage = manifestFromSignature(e.legacySignature);
  return storage.c_str();
}
} // namespace

Model::Model(const ModelEntryPoints &entries)
    : entries_(entries),
      manifest_(Manifest::parse(manifestText(entries, signatureManifest_))) {
  if (!entries_.forward)
    fail("this executable has no forward function (_mlir_ciface_forward)");
  checkSignature();
}

int64_t Model::inputElements() const {
  int64_t n = 1;
  for (int64_t d : manifest_.inputShape)
    n *= d;
  return n;
}

void Model::checkSignature() {
  const FunctionSpec &fw = manifest_.forward;
  bool haveX = false;
  for (size_t i = 0; i < fw.inputs.size(); ++i) {
    const TensorSpec &t = fw.inputs[i];
    if (isParamKind(t.kind)) {
      forwardParamIdx_.push_back(i);
    } else if (t.kind == "input") {
      if (haveX)
        bad("forward has more than one data input");
      haveX = true;
      forwardXIdx_ = i;
      if (t.shape != manifest_.inputShape)
        bad("forward's input " + describe(t, i) +
            " differs from input_shape");
    } else {
      bad("forward's input " + describe(t, i) + " has kind '" + t.kind + "'");
    }
  }
  if (!haveX)
    bad("forward has no data input");
  if (fw.outputs.empty())
    bad("forward has no outputs");
  const TensorSpec &out = fw.outputs[0];
  if (out.shape.size() != 2 || out.shape[0] != manifest_.batch ||
      out.shape[1] != manifest_.numClasses)
    bad("forward's first output is " + out.shapeString() + ", expected " +
        std::to_string(manifest_.batch) + "x" +
        std::to_string(manifest_.numClasses));

  if (manifest_.initParams.present) {
    if (manifest_.initParams.outputs.size() != forwardParamIdx_.size())
      bad("init_params returns " +
          std::to_string(manifest_.initParams.outputs.size()) +
          " tensors, forward takes " + std::to_string(forwardParamIdx_.size()) +
          " parameters");
    for (size_t i = 0; i < forwardParamIdx_.size(); ++i)
      if (manifest_.initParams.outputs[i].shape !=
          fw.inputs[forwardParamIdx_[i]].shape)
        bad("init_params result #" + std::to_string(i) + " is " +
            manifest_.initParams.outputs[i].shapeString() +
            ", forward's parameter " +
            describe(fw.inputs[forwardParamIdx_[i]], i) + " differs");
  }

  if (!entries_.trainStep || !manifest_.trainStep.present)
    return;
  const FunctionSpec &ts = manifest_.trainStep;
  std::vector<size_t> data, persistent;
  for (size_t i = 0; i < ts.inputs.size(); ++i)
    (ts.inputs[i].isPersistent() ? persistent : data).push_back(i);
  if (data.size() != 3)
    bad("train_step must take exactly three data inputs (x, labels, hyper), "
        "it has " + std::to_string(data.size()));
  trainX_ = data[0];
  trainLabels_ = data[1];
  trainHyper_ = data[2];
  auto expect = [&](size_t idx, std::vector<int64_t> shape, const char *what) {
    if (ts.inputs[idx].shape != shape)
      bad(std::string("train_step's ") + what + " input is " +
          ts.inputs[idx].shapeString());
  };
  expect(trainX_, manifest_.inputShape, "x");
  expect(trainLabels_, {manifest_.batch, manifest_.numClasses}, "labels");
  expect(trainHyper_, {kHyperCount}, "hyper");

  // Results: the updated persistent tensors (all of them, or all but the
  // frozen ones), then the loss and the logits.
  std::vector<size_t> updated;
  if (ts.outputs.size() == persistent.size() + 2) {
    updated = persistent;
  } else {
    for (size_t i : persistent)
      if (ts.inputs[i].kind != "frozen")
        updated.push_back(i);
    if (ts.outputs.size() != updated.size() + 2)
      bad("train_step returns " + std::to_string(ts.outputs.size()) +
          " results for " + std::to_string(persistent.size()) +
          " persistent inputs; expected one updated tensor each, then loss "
          "and logits");
  }
  trainResultOf_.assign(ts.inputs.size(), -1);
  for (size_t r = 0; r < updated.size(); ++r) {
    const TensorSpec &in = ts.inputs[updated[r]];
    if (ts.outputs[r].shape != in.shape)
      bad("train_step result #" + std::to_string(r) + " (" +
          ts.outputs[r].shapeString() + ") does not match its input " +
          describe(in, updated[r]));
    trainResultOf_[updated[r]] = static_cast<int>(r);
  }
  trainLoss_ = updated.size();
  trainLogits_ = updated.size() + 1;
  if (!ts.outputs[trainLoss_].shape.empty())
    bad("train_step's loss result must be a scalar, it is " +
        ts.outputs[trainLoss_].shapeString());
  if (ts.outputs[trainLogits_].shape !=
      std::vector<int64_t>{manifest_.batch, manifest_.numClasses})
    bad("train_step's logits result is " +
        ts.outputs[trainLogits_].shapeString());
  // Every parameter of train_step must be one of forward's: matched by name
  // (the compiler may order them differently), by position when unnamed.
  trainStateIdx_.assign(ts.inputs.size(), -1);
  std::vector<bool> used(forwardParamIdx_.size(), false);
  size_t params = 0, slots = 0;
  for (size_t i : persistent) {
    const TensorSpec &t = ts.inputs[i];
    if (t.kind == "opt_state") {
      trainStateIdx_[i] = int(slots++);
      continue;
    }
    int match = -1;
    for (size_t k = 0; k < forwardParamIdx_.size() && match < 0; ++k) {
      const TensorSpec &f = fw.inputs[forwardParamIdx_[k]];
      if (!used[k] && (t.name.empty() ? k == params : f.name == t.name))
        match = int(k);
    }
    if (match < 0)
      bad("train_step's parameter " + describe(t, i) +
          " is not a parameter of forward");
    const TensorSpec &f = fw.inputs[forwardParamIdx_[match]];
    if (f.shape != t.shape)
      bad("train_step's parameter " + describe(t, i) +
          " differs from forward's " + describe(f, forwardParamIdx_[match]));
    used[match] = true;
    trainStateIdx_[i] = match;
    ++params;
  }
  if (params != forwardParamIdx_.size())
    bad("train_step takes " + std::to_string(params) +
        " parameters, forward takes " + std::to_string(forwardParamIdx_.size()));
}

ModelState Model::initialState(bool runInitParams) const {
  ModelState s;
  const FunctionSpec &fw = manifest_.forward;
  for (size_t k = 0; k < forwardParamIdx_.size(); ++k) {
    const TensorSpec &t = fw.inputs[forwardParamIdx_[k]];
    NamedTensor n;
    n.name = t.name.empty() ? "param_" + std::to_string(k) : t.name;
    n.kind = t.kind;
    n.shape = t.shape;
    n.data.assign(t.numElements(), 0.0f);
    s.params.push_back(std::move(n));
  }
  if (!s.params.empty() && runInitParams) {
    if (!entries_.initParams || !manifest_.initParams.present)
      fail("this executable has no init_params: pass --weights=CHECKPOINT");
    std::vector<std::pair<const float *, const std::vector<int64_t> *>> bufs;
    if (onGpu()) {
      // init_params writes with kernels or device copies: give it GPU
      // buffers, then bring the values to the host once.
      requireDevice();
      const DeviceHooks &h = entries_.device;
      std::vector<float *> dev;
      for (auto &p : s.params) {
        dev.push_back(uploadTensor(h, p.data));
        bufs.push_back({dev.back(), &p.shape});
      }
      callDescriptors(entries_.initParams, bufs);
      for (size_t i = 0; i < dev.size(); ++i) {
        h.memcpy(s.params[i].data.data(), dev[i],
                 s.params[i].data.size() * sizeof(float));
        h.free(dev[i]);
      }
    } else {
      for (auto &p : s.params)
        bufs.push_back({p.data.data(), &p.shape});
      callDescriptors(entries_.initParams, bufs);
    }
  }
  if (canTrain()) {
    const FunctionSpec &ts = manifest_.trainStep;
    for (size_t i = 0; i < ts.inputs.size(); ++i) {
      const TensorSpec &t = ts.inputs[i];
      if (t.kind != "opt_state")
        continue;
      NamedTensor n;
      n.name = t.name.empty() ? "opt_state_" + std::to_string(i) : t.name;
      n.kind = t.kind;
      n.shape = t.shape;
      n.data.assign(t.numElements(), 0.0f);
      s.optState.push_back(std::move(n));
    }
  }
  return s;
}

void Model::forward(const ModelState &state, const float *x,
                    float *out) const {
  const FunctionSpec &fw = manifest_.forward;
  if (onGpu()) {
    // Weights stay on the GPU; only the batch goes in and the scores out.
    DeviceMirror &d = mirror(state);
    const DeviceHooks &h = entries_.device;
    std::vector<std::pair<const float *, const std::vector<int64_t> *>> bufs(
        fw.inputs.size());
    for (size_t k = 0; k < forwardParamIdx_.size(); ++k)
      bufs[forwardParamIdx_[k]] = {d.params[k], &state.params[k].shape};
    float *dx = scratch(kSlotX, size_t(inputElements()));
    h.memcpy(dx, x, size_t(inputElements()) * sizeof(float));
    bufs[forwardXIdx_] = {dx, &manifest_.inputShape};
    for (size_t r = 0; r < fw.outputs.size(); ++r)
      bufs.push_back(
          {scratch(kSlotForwardResults + r,
                   size_t(std::max<int64_t>(1, fw.outputs[r].numElements()))),
           &fw.outputs[r].shape});
    callDescriptors(entries_.forward, bufs);
    h.memcpy(out, bufs[fw.inputs.size()].first,
             size_t(fw.outputs[0].numElements()) * sizeof(float));
    return;
  }
  std::vector<std::pair<const float *, const std::vector<int64_t> *>> bufs(
      fw.inputs.size());
  for (size_t k = 0; k < forwardParamIdx_.size(); ++k)
    bufs[forwardParamIdx_[k]] = {state.params[k].data.data(),
                                 &state.params[k].shape};
  bufs[forwardXIdx_] = {x, &manifest_.inputShape};
  // Results beyond the first (if any) go to scratch space.
  std::vector<std::vector<float>> extra;
  bufs.push_back({out, &fw.outputs[0].shape});
  for (size_t r = 1; r < fw.outputs.size(); ++r) {
    extra.emplace_back(fw.outputs[r].numElements());
    bufs.push_back({extra.back().data(), &fw.outputs[r].shape});
  }
  callDescriptors(entries_.forward, bufs);
}

float Model::trainStep(ModelState &state, const float *x, const float *labels,
                       const float *hyper, float *logits) const {
  const FunctionSpec &ts = manifest_.trainStep;
  if (onGpu())
    return trainStepOnGpu(state, x, labels, hyper, logits);
  std::vector<std::pair<const float *, const std::vector<int64_t> *>> bufs(
      ts.inputs.size() + ts.outputs.size());
  std::vector<NamedTensor *> persistentOf(ts.inputs.size(), nullptr);
  for (size_t i = 0; i < ts.inputs.size(); ++i) {
    const TensorSpec &t = ts.inputs[i];
    if (i == trainX_)
      bufs[i] = {x, &t.shape};
    else if (i == trainLabels_)
      bufs[i] = {labels, &t.shape};
    else if (i == trainHyper_)
      bufs[i] = {hyper, &t.shape};
    else {
      NamedTensor *n = t.kind == "opt_state"
                           ? &state.optState[trainStateIdx_[i]]
                           : &state.params[trainStateIdx_[i]];
      persistentOf[i] = n;
      bufs[i] = {n->data.data(), &n->shape};
    }
  }
  std::vector<std::vector<float>> results(ts.outputs.size());
  for (size_t r = 0; r < ts.outputs.size(); ++r) {
    results[r].assign(std::max<int64_t>(1, ts.outputs[r].numElements()), 0.f);
    bufs[ts.inputs.size() + r] = {results[r].data(), &ts.outputs[r].shape};
  }
  callDescriptors(entries_.trainStep, bufs);
  for (size_t i = 0; i < ts.inputs.size(); ++i)
    if (trainResultOf_[i] >= 0)
      persistentOf[i]->data.swap(results[trainResultOf_[i]]);
  std::memcpy(logits, results[trainLogits_].data(),
              results[trainLogits_].size() * sizeof(float));
  return results[trainLoss_][0];
}

void Model::setNumThreads(int n) const {
  if (entries_.setNumThreads)
    entries_.setNumThreads(n);
  if (entries_.ompSetNumThreads)
    entries_.ompSetNumThreads(n);
}

//===----------------------------------------------------------------------===//
// --target=cuda: tensors in GPU memory
//===----------------------------------------------------------------------===//

std::string Model::targetDescription() const {
  if (!onGpu())
    return manifest_.target;
  return "cuda (" + (manifest_.gpuChip.empty() ? std::string("NVIDIA GPU")
                                               : manifest_.gpuChip) +
         ")";
}

void Model::requireDevice() const {
  if (!onGpu() || deviceChecked_)
    return;
  std::string gpu = "an NVIDIA GPU" + (manifest_.gpuChip.empty()
                                           ? std::string()
                                           : " (" + manifest_.gpuChip + ")");
  if (!entries_.device.present())
    fail("this executable was compiled for " + gpu +
         " but lacks netrewrite's CUDA runtime; link it with "
         "netrewrite-compile --target=cuda");
  const char *why = nullptr;
  if (entries_.device.probe(&why) != 0)
    fail(std::string(why ? why : "no usable CUDA GPU") +
         ": this executable was compiled for " + gpu +
         "; run it on a machine with one, or compile the model with "
         "netrewrite-compile --target=cpu");
  deviceChecked_ = true;
}

float *Model::scratch(size_t slot, size_t floats) const {
  if (slot >= scratch_.size())
    scratch_.resize(slot + 1, {nullptr, 0});
  auto &[ptr, size] = scratch_[slot];
  if (ptr && size == floats)
    return ptr;
  if (ptr)
    entries_.device.free(ptr);
  ptr = static_cast<float *>(
      entries_.device.allocManaged(std::max<size_t>(1, floats) * sizeof(float)));
  size = floats;
  return ptr;
}

Model::~Model() {
  for (auto &[ptr, size] : scratch_)
    if (ptr)
      entries_.device.free(ptr);
}

DeviceMirror &Model::mirror(const ModelState &state) const {
  requireDevice();
  if (!state.device) {
    auto d = std::make_shared<DeviceMirror>();
    d->hooks = entries_.device;
    for (const NamedTensor &p : state.params)
      d->params.push_back(uploadTensor(d->hooks, p.data));
    d->paramsNext.assign(d->params.size(), nullptr);
    state.device = std::move(d);
  }
  return *state.device;
}

void Model::syncToHost(ModelState &state) const {
  if (!state.device || !state.device->hostStale)
    return;
  DeviceMirror &d = *state.device;
  for (size_t k = 0; k < d.params.size(); ++k)
    d.hooks.memcpy(state.params[k].data.data(), d.params[k],
                   state.params[k].data.size() * sizeof(float));
  for (size_t k = 0; k < d.optState.size(); ++k)
    d.hooks.memcpy(state.optState[k].data.data(), d.optState[k],
                   state.optState[k].data.size() * sizeof(float));
  d.hostStale = false;
}

float Model::trainStepOnGpu(ModelState &state, const float *x,
                            const float *labels, const float *hyper,
                            float *logits) const {
  const FunctionSpec &ts = manifest_.trainStep;
  DeviceMirror &d = mirror(state);
  const DeviceHooks &h = entries_.device;
  if (d.optState.size() != state.optState.size()) {
    // Optimizer slots go to the GPU with the first step (eval never needs
    // them).
    for (const NamedTensor &t : state.optState)
      d.optState.push_back(uploadTensor(h, t.data));
    d.optNext.assign(d.optState.size(), nullptr);
  }
  size_t nin = ts.inputs.size();
  std::vector<std::pair<const float *, const std::vector<int64_t> *>> bufs(
      nin + ts.outputs.size());
  auto upload = [&](size_t slot, const float *src, const TensorSpec &t) {
    size_t n = size_t(std::max<int64_t>(1, t.numElements()));
    float *dev = scratch(slot, n);
    h.memcpy(dev, src, size_t(t.numElements()) * sizeof(float));
    return dev;
  };
  // For each persistent input: where its current value lives and where its
  // next value goes.
  std::vector<float **> current(nin, nullptr), next(nin, nullptr);
  for (size_t i = 0; i < nin; ++i) {
    const TensorSpec &t = ts.inputs[i];
    if (i == trainX_) {
      bufs[i] = {upload(kSlotX, x, t), &t.shape};
    } else if (i == trainLabels_) {
      bufs[i] = {upload(kSlotLabels, labels, t), &t.shape};
    } else if (i == trainHyper_) {
      bufs[i] = {upload(kSlotHyper, hyper, t), &t.shape};
    } else {
      bool slot = t.kind == "opt_state";
      size_t k = size_t(trainStateIdx_[i]);
      current[i] = slot ? &d.optState[k] : &d.params[k];
      next[i] = slot ? &d.optNext[k] : &d.paramsNext[k];
      bufs[i] = {*current[i], &t.shape};
      if (trainResultOf_[i] >= 0) {
        if (!*next[i])
          *next[i] = static_cast<float *>(h.allocManaged(
              size_t(std::max<int64_t>(1, t.numElements())) * sizeof(float)));
        bufs[nin + size_t(trainResultOf_[i])] = {
            *next[i], &ts.outputs[size_t(trainResultOf_[i])].shape};
      }
    }
  }
  for (size_t r = trainLoss_; r < ts.outputs.size(); ++r)
    bufs[nin + r] = {
        scratch(kSlotTrainResults + r,
                size_t(std::max<int64_t>(1, ts.outputs[r].numElements()))),
        &ts.outputs[r].shape};
  callDescriptors(entries_.trainStep, bufs);
  for (size_t i = 0; i < nin; ++i)
    if (trainResultOf_[i] >= 0)
      std::swap(*current[i], *next[i]);
  d.hostStale = true;
  float loss = 0;
  h.memcpy(&loss, bufs[nin + trainLoss_].first, sizeof(float));
  h.memcpy(logits, bufs[nin + trainLogits_].first,
           size_t(ts.outputs[trainLogits_].numElements()) * sizeof(float));
  return loss;
}
