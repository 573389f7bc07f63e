//===- FakeModel.cpp - A hand-written model behind the compiled-model ABI -===//
//
// Stands in for netrewrite-compile's object file in the runtime tests: a
// linear softmax classifier logits = flatten(x) W + b with the same C
// interface (memref descriptors), manifest and entry points a compiled model
// has. Its train_step is SGD with momentum (v = mu v + g + wd w; w -= lr v)
// and counts its calls in a "state" tensor, so the tests can follow every
// kind of persistent tensor through checkpoints and --resume.
//
// Configured by macros: FAKE_B, FAKE_H, FAKE_W, FAKE_C, FAKE_K, FAKE_D
// (= H*W*C), FAKE_TRAIN (1: a --train build whose forward takes the weights;
// 0: weights baked into forward, no train_step), FAKE_GPU (1: the manifest
// says --target=cuda and this file supplies the CUDA runtime's hooks over
// "device" memory from malloc: every tensor the runtime passes to an entry
// point must come from it, and the bytes copied each way are reported on
// stderr at exit, so tests can see what stays resident).
//
//===----------------------------------------------------------------------===//

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#define STR2(x) #x
#define STR(x) STR2(x)

namespace {
constexpr int64_t B = FAKE_B, K = FAKE_K, D = FAKE_D;
static_assert(D == FAKE_H * FAKE_W * FAKE_C, "FAKE_D must be H*W*C");

/// The prefix every ranked memref descriptor shares.
struct Desc {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[1]; // followed by more sizes and the strides
};

#if FAKE_GPU
/// The fake device's allocations (base address -> bytes) and traffic.
struct FakeDevice {
  std::set<std::pair<const char *, size_t>> blocks;
  uint64_t toDevice = 0, toHost = 0, allocs = 0;
  bool owns(const void *p) const {
    auto it = blocks.upper_bound({static_cast<const char *>(p), SIZE_MAX});
    if (it == blocks.begin())
      return false;
    --it;
    const char *c = static_cast<const char *>(p);
    return c >= it->first && c < it->first + it->second;
  }
  ~FakeDevice() {
    std::fprintf(stderr,
                 "fake-gpu: %llu allocations, %llu bytes to the device, %llu "
                 "bytes to the host\n",
                 (unsigned long long)allocs, (unsigned long long)toDevice,
                 (unsigned long long)toHost);
  }
};
FakeDevice &device() {
  static FakeDevice d;
  return d;
}
#endif

float *data(void *d) {
  Desc *m = static_cast<Desc *>(d);
#if FAKE_GPU
  // A kernel cannot dereference host memory: neither may this model.
  if (!device().owns(m->aligned)) {
    std::fprintf(stderr, "fake-gpu: a host pointer was passed to the GPU\n");
    std::abort();
  }
#endif
  return m->aligned + m->offset;
}

float initialWeight(int64_t i) {
  return 0.01f * std::sin(0.37f * float(i));
}

void linear(const float *w, const float *b, const float *x, float *out) {
  for (int64_t n = 0; n < B; ++n)
    for (int64_t k = 0; k < K; ++k) {
      double s = b[k];
      for (int64_t d = 0; d < D; ++d)
        s += double(x[n * D + d]) * w[d * K + k];
      out[n * K + k] = float(s);
    }
}

int threads = 0;
} // namespace

extern "C" {

void netrewrite_set_num_threads(int n) { threads = n; }

#if FAKE_GPU
int netrewriteCudaProbe(const char **message) {
  if (std::getenv("FAKE_GPU_ABSENT")) {
    *message = "no NVIDIA CUDA driver found (libcuda.so.1 is not installed)";
    return 1;
  }
  *message = "Fake GPU";
  return 0;
}
void *netrewriteCudaAllocManaged(uint64_t bytes) {
  char *p = static_cast<char *>(std::malloc(bytes));
  device().blocks.insert({p, size_t(bytes)});
  ++device().allocs;
  return p;
}
void netrewriteCudaFree(void *p) {
  auto &blocks = device().blocks;
  for (auto it = blocks.begin(); it != blocks.end(); ++it)
    if (it->first == p) {
      blocks.erase(it);
      std::free(p);
      return;
    }
  std::fprintf(stderr, "fake-gpu: free of a pointer not from the device\n");
  std::abort();
}
void netrewriteCudaMemcpy(void *dst, const void *src, uint64_t bytes) {
  bool d = device().owns(dst), s = device().owns(src);
  if (d && !s)
    device().toDevice += bytes;
  else if (s && !d)
    device().toHost += bytes;
  std::memcpy(dst, src, bytes);
}
#define FAKE_TARGET ", \"target\": \"cuda\", \"gpu_chip\": \"sm_90\""
#else
#define FAKE_TARGET ""
#endif

#if FAKE_TRAIN
extern const char netrewrite_model_manifest[] =
    "{\"functions\": {"
    "\"forward\": {\"inputs\": ["
    "{\"name\": \"dense/kernel\", \"shape\": [" STR(FAKE_D) ", " STR(FAKE_K) "], \"kind\": \"trainable\"},"
    "{\"name\": \"dense/bias\", \"shape\": [" STR(FAKE_K) "], \"kind\": \"trainable\"},"
    "{\"name\": \"steps\", \"shape\": [1], \"kind\": \"state\"},"
    "{\"name\": \"x\", \"shape\": [" STR(FAKE_B) "," STR(FAKE_H) "," STR(FAKE_W) "," STR(FAKE_C) "], \"kind\": \"input\"}],"
    "\"outputs\": [{\"shape\": [" STR(FAKE_B) ", " STR(FAKE_K) "]}]},"
    "\"train_step\": {\"inputs\": ["
    "{\"name\": \"dense/kernel\", \"shape\": [" STR(FAKE_D) ", " STR(FAKE_K) "], \"kind\": \"trainable\"},"
    "{\"name\": \"dense/bias\", \"shape\": [" STR(FAKE_K) "], \"kind\": \"trainable\"},"
    "{\"name\": \"steps\", \"shape\": [1], \"kind\": \"state\"},"
    "{\"name\": \"momentum/dense/kernel\", \"shape\": [" STR(FAKE_D) ", " STR(FAKE_K) "], \"kind\": \"opt_state\"},"
    "{\"name\": \"momentum/dense/bias\", \"shape\": [" STR(FAKE_K) "], \"kind\": \"opt_state\"},"
    "{\"name\": \"x\", \"shape\": [" STR(FAKE_B) "," STR(FAKE_H) "," STR(FAKE_W) "," STR(FAKE_C) "], \"kind\": \"input\"},"
    "{\"name\": \"labels\", \"shape\": [" STR(FAKE_B) ", " STR(FAKE_K) "], \"kind\": \"input\"},"
    "{\"name\": \"hyper\", \"shape\": [8], \"kind\": \"input\"}],"
    "\"outputs\": [{\"shape\": [" STR(FAKE_D) ", " STR(FAKE_K) "]}, {\"shape\": [" STR(FAKE_K) "]},"
    "{\"shape\": [1]}, {\"shape\": [" STR(FAKE_D) ", " STR(FAKE_K) "]}, {\"shape\": [" STR(FAKE_K) "]},"
    "{\"shape\": []}, {\"shape\": [" STR(FAKE_B) ", " STR(FAKE_K) "]}]},"
    "\"init_params\": {\"inputs\": [], \"outputs\": ["
    "{\"shape\": [" STR(FAKE_D) ", " STR(FAKE_K) "]}, {\"shape\": [" STR(FAKE_K) "]}, {\"shape\": [1]}]}},"
    "\"batch\": " STR(FAKE_B) ", \"input_shape\": [" STR(FAKE_B) "," STR(FAKE_H) "," STR(FAKE_W) "," STR(FAKE_C) "],"
    "\"num_classes\": " STR(FAKE_K) ", \"optimizer\": \"momentum\"" FAKE_TARGET "}";

void _mlir_ciface_forward(void *w, void *b, void *steps, void *x, void *out) {
  (void)steps;
  linear(data(w), data(b), data(x), data(out));
}

void _mlir_ciface_init_params(void *w, void *b, void *steps) {
  for (int64_t i = 0; i < D * K; ++i)
    data(w)[i] = initialWeight(i);
  std::memset(data(b), 0, K * sizeof(float));
  data(steps)[0] = 0;
}

void _mlir_ciface_train_step(void *w, void *b, void *steps, void *vw, void *vb,
                             void *xd, void *labelsd, void *hyperd, void *wOut,
                             void *bOut, void *stepsOut, void *vwOut,
                             void *vbOut, void *lossOut, void *logitsOut) {
  const float *x = data(xd), *y = data(labelsd), *hyper = data(hyperd);
  float lr = hyper[0], mu = hyper[2], wd = hyper[5];
  float *logits = data(logitsOut);
  linear(data(w), data(b), x, logits);
  std::vector<double> dz(B * K);
  double loss = 0;
  for (int64_t n = 0; n < B; ++n) {
    const float *z = logits + n * K;
    double mx = z[0];
    for (int64_t k = 1; k < K; ++k)
      mx = std::max(mx, double(z[k]));
    double s = 0;
    for (int64_t k = 0; k < K; ++k)
      s += std::exp(z[k] - mx);
    for (int64_t k = 0; k < K; ++k) {
      double p = std::exp(z[k] - mx) / s;
      dz[n * K + k] = (p - y[n * K + k]) / B;
      if (y[n * K + k] > 0)
        loss -= y[n * K + k] * (z[k] - mx - std::log(s));
    }
  }
  data(lossOut)[0] = float(loss / B);
  for (int64_t d = 0; d < D; ++d)
    for (int64_t k = 0; k < K; ++k) {
      double g = 0;
      for (int64_t n = 0; n < B; ++n)
        g += double(x[n * D + d]) * dz[n * K + k];
      int64_t i = d * K + k;
      float v = mu * data(vw)[i] + float(g) + wd * data(w)[i];
      data(vwOut)[i] = v;
      data(wOut)[i] = data(w)[i] - lr * v;
    }
  for (int64_t k = 0; k < K; ++k) {
    double g = 0;
    for (int64_t n = 0; n < B; ++n)
      g += dz[n * K + k];
    float v = mu * data(vb)[k] + float(g);
    data(vbOut)[k] = v;
    data(bOut)[k] = data(b)[k] - lr * v;
  }
  data(stepsOut)[0] = data(steps)[0] + 1;
}

#else // forward-only: the weights are part of the code

extern const char netrewrite_model_manifest[] =
    "{\"functions\": {\"forward\": {\"inputs\": ["
    "{\"name\": \"x\", \"shape\": [" STR(FAKE_B) "," STR(FAKE_H) "," STR(FAKE_W) "," STR(FAKE_C) "], \"kind\": \"input\"}],"
    "\"outputs\": [{\"shape\": [" STR(FAKE_B) ", " STR(FAKE_K) "]}]}},"
    "\"batch\": " STR(FAKE_B) ", \"input_shape\": [" STR(FAKE_B) "," STR(FAKE_H) "," STR(FAKE_W) "," STR(FAKE_C) "],"
    "\"num_classes\": " STR(FAKE_K) "}";

void _mlir_ciface_forward(void *x, void *out) {
  static std::vector<float> w, b(K, 0.0f);
  if (w.empty()) {
    w.resize(D * K);
    for (int64_t i = 0; i < D * K; ++i)
      w[i] = initialWeight(i);
  }
  linear(w.data(), b.data(), data(x), data(out));
}
#endif
}
