//===- Manifest.h - The compiled model's self-description -------*- C++ -*-===//
//
// Plain C++ (no LLVM). A compiled model object carries one NUL-terminated
// JSON string, `netrewrite_model_manifest`, describing the signature of each
// entry point. The runtime reads it instead of guessing argument orders, so
// a model compiled by a newer compiler fails with a message, not a crash.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_MANIFEST_H
#define NETREWRITE_RUNTIME_MANIFEST_H

#include <cstdint>
#include <string>
#include <vector>

namespace netrewrite::runtime {

/// One argument or result of an entry point.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
  /// input | trainable | frozen | state | opt_state (results: empty).
  std::string kind;

  int64_t numElements() const;
  std::string shapeString() const; ///< "3x3x1x8", or "scalar".
  /// True for the tensors that live between calls (weights, running stats,
  /// optimizer slots), as opposed to per-call data (x, labels, hyper).
  bool isPersistent() const { return kind != "input" && !kind.empty(); }
};

struct FunctionSpec {
  bool present = false;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

struct Manifest {
  FunctionSpec forward, trainStep, initParams;
  int64_t batch = 0;
  std::vector<int64_t> inputShape; ///< [B, H, W, C]
  int64_t numClasses = 0;
  std::string optimizer; ///< empty for a forward-only build
  /// "softmax" when forward already returns probabilities, "logits" when it
  /// returns logits, empty when the compiler did not say (then the runtime
  /// looks at the numbers).
  std::string outputActivation;
  /// "cpu" (the default), or "cuda" for netrewrite-compile --target=cuda:
  /// then every tensor the runtime passes must be GPU-accessible, and
  /// `gpuChip` names the architecture the kernels were compiled for.
  std::string target = "cpu";
  std::string gpuChip;
  /// FNV-1a of the manifest text: checkpoints remember it, so weights of
  /// another model are refused even when the tensor names happen to agree.
  uint64_t hash = 0;
  std::string text; ///< the JSON as compiled in

  /// Parses `text`; throws RuntimeError naming what is malformed.
  static Manifest parse(const char *text);
};

uint64_t fnv1a(const void *data, size_t size, uint64_t seed = 1469598103934665603ull);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_MANIFEST_H
