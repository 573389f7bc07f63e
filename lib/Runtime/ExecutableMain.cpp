//===- ExecutableMain.cpp - main() of a compiled netrewrite model ---------===//
//
// Kept apart from libNetrewriteRuntime so that the model's symbols can be
// declared weak here: a forward-only build has no train_step or init_params,
// and its executable still links; `train` then explains what is missing.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Executable.h"

extern "C" {
// The generated entry points take one memref descriptor pointer per tensor;
// their exact types are not needed here, only their addresses.
void _mlir_ciface_forward() __attribute__((weak));
void _mlir_ciface_train_step() __attribute__((weak));
void _mlir_ciface_init_params() __attribute__((weak));
extern const char netrewrite_model_manifest[] __attribute__((weak));
void netrewrite_set_num_threads(int) __attribute__((weak));
void omp_set_num_threads(int) __attribute__((weak));
extern const char netrewrite_model_signature[] __attribute__((weak));
}

int main(int argc, char **argv) {
  netrewrite::runtime::ModelEntryPoints model;
  model.forward = reinterpret_cast<void *>(&_mlir_ciface_forward);
  model.trainStep = reinterpret_cast<void *>(&_mlir_ciface_train_step);
  model.initParams = reinterpret_cast<void *>(&_mlir_ciface_init_params);
  model.manifest = netrewrite_model_manifest;
  model.setNumThreads = &netrewrite_set_num_threads;
  model.ompSetNumThreads = &omp_set_num_threads;
  model.legacySignature = netrewrite_model_signature;
  return netrewrite::runtime::runExecutable(argc, argv, model);
}
