//===- ExecutableMain.cpp - main() of a compiled netrewrite model ---------===//
//
// Kept apart from libNetrewriteRuntime so that the model's symbols can be
// declared weak here: a forward-only build has no train_step or init_params,
// and its executable still links; `train` then explains what is missing.
//
//===----------------------------------------------------------------------===//

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
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
void kmp_set_defaults(const char *) __attribute__((weak));
extern const char netrewrite_model_signature[] __attribute__((weak));
// The CUDA runtime, present only in --target=cuda builds.
int netrewriteCudaProbe(const char **) __attribute__((weak));
void *netrewriteCudaAllocManaged(uint64_t) __attribute__((weak));
void netrewriteCudaFree(void *) __attribute__((weak));
void netrewriteCudaMemcpy(void *, const void *, uint64_t) __attribute__((weak));
}

int main(int argc, char **argv) {
  // A compiled @train_step keeps large stack frames (one function, thousands
  // of loops), more than the usual 8 MiB soft limit. Raise the soft limit to
  // 4 GiB (or the hard limit) and re-execute once, because the kernel lays
  // out the main thread's stack room at exec time.
  struct rlimit stack;
  const rlim_t wanted = rlim_t(4) << 30;
  if (!getenv("NETREWRITE_STACK_RAISED") && getrlimit(RLIMIT_STACK, &stack) == 0 &&
      stack.rlim_cur != RLIM_INFINITY && stack.rlim_cur < wanted) {
    stack.rlim_cur = stack.rlim_max == RLIM_INFINITY
                         ? wanted
                         : std::min<rlim_t>(wanted, stack.rlim_max);
    if (setrlimit(RLIMIT_STACK, &stack) == 0) {
      setenv("NETREWRITE_STACK_RAISED", "1", 1);
      execv("/proc/self/exe", argv);
      // exec failed: carry on with the limit as it is.
    }
  }
  // The compiled forward allocates its activations with malloc and frees
  // them before returning. glibc serves blocks over 128 KiB-32 MiB with mmap
  // and unmaps them on free, so every call faulted its activations in again
  // (zeroed pages, ~20% of a ResNet18 run at batch 1 was kernel time).
  // Served from the heap and never trimmed, the pages stay mapped and are
  // reused from call to call, like an inference runtime's arena. Peak memory
  // is unchanged.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, INT32_MAX);
  // Every parallel region ends in a barrier that waits for all threads of
  // its team. On a machine shared with other jobs a descheduled worker then
  // holds up the region for a scheduler time slice (a small CNN at batch 32
  // ran 1.5x slower on 2 threads than on 1 under load). libomp's dynamic
  // load-balance mode sizes each team from the cores that are idle (it
  // counts running threads system-wide, at most once a second), so under
  // load regions shrink instead of waiting; `--threads=N` stays the upper
  // bound. OMP_DYNAMIC / KMP_DYNAMIC_MODE in the environment still decide
  // (OMP_DYNAMIC=false pins the team size): kmp_set_defaults would
  // override them, so it is only called for the ones not set.
  if (kmp_set_defaults) {
    if (!getenv("OMP_DYNAMIC"))
      kmp_set_defaults("OMP_DYNAMIC=true");
    if (!getenv("KMP_DYNAMIC_MODE"))
      kmp_set_defaults("KMP_DYNAMIC_MODE=load_balance");
  }
  netrewrite::runtime::ModelEntryPoints model;
  model.forward = reinterpret_cast<void *>(&_mlir_ciface_forward);
  model.trainStep = reinterpret_cast<void *>(&_mlir_ciface_train_step);
  model.initParams = reinterpret_cast<void *>(&_mlir_ciface_init_params);
  model.manifest = netrewrite_model_manifest;
  model.setNumThreads = &netrewrite_set_num_threads;
  model.ompSetNumThreads = &omp_set_num_threads;
  model.legacySignature = netrewrite_model_signature;
  model.device.probe = &netrewriteCudaProbe;
  model.device.allocManaged = &netrewriteCudaAllocManaged;
  model.device.free = &netrewriteCudaFree;
  model.device.memcpy = &netrewriteCudaMemcpy;
  return netrewrite::runtime::runExecutable(argc, argv, model);
}
