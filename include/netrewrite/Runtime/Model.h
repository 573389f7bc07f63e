//===- Model.h - Calling a compiled model through its C interface -*- C++ -*-===//
//
// Plain C++ (no LLVM). Every entry point has MLIR's C interface: each argument
// is a pointer to a ranked memref descriptor {allocated, aligned, offset,
// sizes[r], strides[r]} and results are trailing out-parameters the caller
// allocates. The number of arguments is only known from the manifest at run
// time, so calls go through a small trampoline (CallPointers.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_MODEL_H
#define NETREWRITE_RUNTIME_MODEL_H

#include "netrewrite/Runtime/Executable.h"
#include "netrewrite/Runtime/Manifest.h"

#include <memory>
#include <string>
#include <vector>

namespace netrewrite::runtime {

/// Calls `fn(args[0], ..., args[n-1])` where every argument is a pointer.
void callWithPointers(void *fn, void *const *args, size_t n);

/// A named float32 tensor held by the runtime (weights, optimizer slots).
struct NamedTensor {
  std::string name;
  std::string kind;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

struct DeviceMirror;

/// The tensors that persist between calls, in the order of forward's (or
/// train_step's) persistent inputs.
///
/// In a --target=cuda build the first call into the model copies them into
/// GPU (managed) memory, `device`, where they stay: train steps update the
/// GPU copy only, and the host vectors are stale until Model::syncToHost.
/// Change the host vectors only before the first call.
struct ModelState {
  std::vector<NamedTensor> params;   ///< trainable, frozen and state
  std::vector<NamedTensor> optState; ///< optimizer slots (train builds)
  mutable std::shared_ptr<DeviceMirror> device; ///< GPU copies (cuda)
  NamedTensor *find(const std::string &name);
};

/// The hyper-parameter vector train_step reads (tensor<8xf32>).
enum HyperIndex {
  kHyperLr = 0,
  kHyperStep = 1,
  kHyperMomentum = 2, ///< momentum | rho | beta1
  kHyperBeta2 = 3,
  kHyperEpsilon = 4,
  kHyperWeightDecay = 5,
  kHyperDropoutSeed = 6,
  kHyperCount = 8,
};

class Model {
public:
  /// Parses and cross-checks the manifest; throws RuntimeError.
  explicit Model(const ModelEntryPoints &entries);

  const Manifest &manifest() const { return manifest_; }
  bool canTrain() const { return entries_.trainStep && manifest_.trainStep.present; }
  /// True when forward takes the weights as arguments (a --train build).
  bool forwardTakesParams() const { return !forwardParamIdx_.empty(); }
  int64_t batch() const { return manifest_.batch; }
  int64_t height() const { return manifest_.inputShape[1]; }
  int64_t width() const { return manifest_.inputShape[2]; }
  int64_t channels() const { return manifest_.inputShape[3]; }
  int64_t numClasses() const { return manifest_.numClasses; }
  int64_t inputElements() const; ///< B*H*W*C

  /// Fresh state: init_params' values (or an error when forward needs
  /// weights and the object has no init_params) and zero optimizer slots.
  /// With runInitParams=false the parameters are zero, to be loaded from a
  /// checkpoint.
  ModelState initialState(bool runInitParams = true) const;

  /// logits (or probabilities) for one batch: out has B*K floats.
  void forward(const ModelState &state, const float *x, float *out) const;

  /// One optimizer step; updates `state` in place and returns the loss.
  float trainStep(ModelState &state, const float *x, const float *labels,
                  const float *hyper, float *logits) const;

  void setNumThreads(int n) const;

  /// True for a --target=cuda build.
  bool onGpu() const { return manifest_.target == "cuda"; }
  /// "cpu", or "cuda (sm_90)".
  std::string targetDescription() const;
  /// For a GPU build: fails (RuntimeError) with one line naming CUDA, the
  /// GPU and the reason when no usable GPU is present. No-op on the CPU.
  void requireDevice() const;
  /// Brings the host vectors of `state` up to date with the GPU copies.
  void syncToHost(ModelState &state) const;

private:
  void checkSignature();
  DeviceMirror &mirror(const ModelState &state) const;
  float trainStepOnGpu(ModelState &state, const float *x, const float *labels,
                       const float *hyper, float *logits) const;
  /// A GPU-accessible buffer of `floats` floats, kept for the model's life.
  float *scratch(size_t slot, size_t floats) const;

  ModelEntryPoints entries_;
  std::string signatureManifest_; ///< declared before manifest_: used by it
  Manifest manifest_;
  std::vector<size_t> forwardParamIdx_; ///< forward input index per param
  size_t forwardXIdx_ = 0;
  // train_step layout: input index of x, labels, hyper; for each persistent
  // input the index of its updated result (or -1 when not returned).
  size_t trainX_ = 0, trainLabels_ = 0, trainHyper_ = 0;
  std::vector<int> trainResultOf_;
  /// For each train_step input: index into ModelState::params (parameters)
  /// or ModelState::optState (opt_state), or -1 for x/labels/hyper.
  std::vector<int> trainStateIdx_;
  size_t trainLoss_ = 0, trainLogits_ = 0;
  /// Per-call buffers in GPU memory (x, labels, hyper, results), by slot.
  mutable std::vector<std::pair<float *, size_t>> scratch_;
  mutable bool deviceChecked_ = false;

public:
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  ~Model();
};

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_MODEL_H
