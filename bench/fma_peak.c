// Measures the FMA peak of this machine: 24 independent accumulator chains
// of the widest vector FMA the compiler targets with -march=native (16 f32
// lanes on AVX-512, 8 on AVX2), per thread, with OpenMP threads.
//   clang-22 -O2 -march=native -fopenmp fma_peak.c -o fma_peak
//   OMP_NUM_THREADS=1 ./fma_peak   -> prints GFLOP/s (CPU-time based first)
#include <omp.h>
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define LANES 16
#else
#define LANES 8
#endif
typedef float vec __attribute__((vector_size(LANES * 4)));

static double cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void) {
  const long iters = 200000000 / LANES;
  // Wall time undercounts the peak on a machine shared with other jobs;
  // the CPU time the threads actually got does not.
  double best = 0, bestCpu = 0;
  for (int rep = 0; rep < 3; ++rep) {
    double t0 = now(), c0 = cpu();
    float sink = 0;
#pragma omp parallel reduction(+ : sink)
    {
      vec a[24], m, c;
      for (int i = 0; i < 24; ++i)
        a[i] = (vec){} + (float)i * 1e-3f;
      m = (vec){} + 0.999999f;
      c = (vec){} + 1e-7f;
      for (long it = 0; it < iters; ++it) {
#pragma unroll
        for (int i = 0; i < 24; ++i)
          a[i] = a[i] * m + c; // contracted to one FMA
        __asm__ volatile("" : "+v"(a[0]), "+v"(a[5]), "+v"(a[23]));
      }
      for (int i = 0; i < 24; ++i)
        for (int l = 0; l < LANES; ++l)
          sink += a[i][l];
    }
    double dt = now() - t0, dc = (cpu() - c0) / omp_get_max_threads();
    double flops = 2.0 * 24 * LANES * iters * omp_get_max_threads();
    if (flops / dt > best)
      best = flops / dt;
    if (flops / dc > bestCpu)
      bestCpu = flops / dc;
    if (sink == 12345.f)
      printf("!");
  }
  printf("%.1f GFLOP/s per CPU time (%d threads, %d-lane FMA; wall clock "
         "%.1f GFLOP/s)\n",
         bestCpu * 1e-9, omp_get_max_threads(), LANES, best * 1e-9);
  return 0;
}
