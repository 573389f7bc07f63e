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

namespace netrewrite::runtime {

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
};

/// The command line of a compiled model: eval, predict, bench, train,
/// preprocess, info. Returns the process exit status.
int runExecutable(int argc, char **argv, const ModelEntryPoints &model);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_EXECUTABLE_H
