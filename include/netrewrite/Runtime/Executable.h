//===- Executable.h - main() of a compiled netrewrite model -----*- C++ -*-===//
//
// Plain C++ (no LLVM). netrewrite-compile links a model object with
// libNetrewriteExecutableMain.a (main) and libNetrewriteRuntime.a (this), so
// the model's symbols are resolved at link time. main() collects the model's
// entry points through weak declarations -- a forward-only build has no
// train_step -- and hands them to runExecutable.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_EXECUTABLE_H
#define NETREWRITE_RUNTIME_EXECUTABLE_H

#include <cstdint>

namespace netrewrite::runtime {

/// The CUDA runtime's entry points (lib/Runtime/CUDA), linked into
/// executables built with --target=cuda and null in CPU builds, so that this
/// library itself never depends on CUDA.
struct DeviceHooks {
  /// 0 when a GPU is usable, else 1 with a one-line reason.
  int (*probe)(const char **message) = nullptr;
  void *(*allocManaged)(uint64_t bytes) = nullptr;
  void (*free)(void *ptr) = nullptr;
  /// Copies between any two host, device or managed addresses (blocking).
  void (*memcpy)(void *dst, const void *src, uint64_t bytes) = nullptr;
  bool present() const {
    return probe && allocManaged && free && memcpy;
  }
};

/// Addresses of the model's symbols; null where the object lacks one.
struct ModelEntryPoints {
  void *forward = nullptr;    ///< _mlir_ciface_forward
  void *trainStep = nullptr;  ///< _mlir_ciface_train_step
  void *initParams = nullptr; ///< _mlir_ciface_init_params
  const char *manifest = nullptr; ///< netrewrite_model_manifest
  void (*setNumThreads)(int) = nullptr; ///< netrewrite_set_num_threads
  /// omp_set_num_threads, when the model's OpenMP runtime is linked in.
  void (*ompSetNumThreads)(int) = nullptr;
  /// netrewrite_model_signature ("BxHxWxC->BxK"): the description early
  /// forward-only objects carry instead of a manifest.
  const char *legacySignature = nullptr;
  DeviceHooks device; ///< set in --target=cuda builds
};

/// The command line of a compiled model: eval, predict, bench, train,
/// preprocess, info. Returns the process exit status.
int runExecutable(int argc, char **argv, const ModelEntryPoints &model);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_EXECUTABLE_H
