// Measures the FMA peak of this machine: 12 independent accumulator chains
// of the widest vector FMA the compiler targets with -march=native (16 f32
// lanes on AVX-512, 8 on AVX2), per thread, with OpenMP threads.
//   clang-22 -O2 -march=native -fopenmp fma_peak.c -o fma_peak
//   OMP_NUM_THREADS=1 ./fma_peak   -> prints GFLOP/s
#include <omp.h>
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define LANES 16
#else
#define LANES 8
#endif
typedef float vec __attribute__((vector_size(LANES * 4)));

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void) {
  const long iters = 200000000 / LANES;
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    double t0 = now();
    float sink = 0;
#pragma omp parallel reduction(+ : sink)
    {
      vec a[12], m, c;
      for (int i = 0; i < 12; ++i)
        a[i] = (vec){} + (float)i * 1e-3f;
      m = (vec){} + 0.999999f;
      c = (vec){} + 1e-7f;
      for (long it = 0; it < iters; ++it) {
#pragma unroll
        for (int i = 0; i < 12; ++i)
          a[i] = a[i] * m + c; // contracted to one FMA
        __asm__ volatile("" : "+v"(a[0]), "+v"(a[5]), "+v"(a[11]));
      }
      for (int i = 0; i < 12; ++i)
        for (int l = 0; l < LANES; ++l)
          sink += a[i][l];
    }
    double dt = now() - t0;
    double flops = 2.0 * 12 * LANES * iters * omp_get_max_threads();
    if (flops / dt > best)
      best = flops / dt;
    if (sink == 12345.f)
      printf("!");
  }
  printf("%.1f GFLOP/s (%d threads, %d-lane FMA)\n", best * 1e-9,
         omp_get_max_threads(), LANES);
  return 0;
}
