//===- ExecutableMain.cpp - main() of executables netrewrite-compile emits -===//
//
// The generated object file provides the model:
//   void _mlir_ciface_forward(MemRef4 *input, MemRef2 *output);
//   const char netrewrite_model_signature[];   // "BxHxWxC->BxK"
// and this file provides everything else: flags, datasets, preprocessing,
// metrics, progress, timing. Subcommands are rows of one table; `train` gets
// its row once the training step (`@train_step`) is compiled in, next to
// `eval`, reusing the same Model/Batcher plumbing.
//
// Batch size: the batch is static in the IR, so the executable always calls
// the model with its compiled batch B; the last partial batch of a dataset
// is padded with zeros and the padded rows are ignored by the metrics.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Datasets.h"
#include "netrewrite/Runtime/Npy.h"

#include <malloc.h>
#include <omp.h>
#include <unistd.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <vector>

extern "C" void _mlir_ciface_forward(void *input, void *output);
extern "C" const char netrewrite_model_signature[];

using namespace netrewrite::runtime;

namespace {

template <int Rank> struct MemRef {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

template <int Rank>
MemRef<Rank> describe(float *data, const std::vector<int64_t> &shape) {
  MemRef<Rank> m;
  m.allocated = m.aligned = data;
  m.offset = 0;
  int64_t stride = 1;
  for (int i = Rank - 1; i >= 0; --i) {
    m.sizes[i] = shape[i];
    m.strides[i] = stride;
    stride *= shape[i];
  }
  return m;
}

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::exit(1);
}

/// The compiled model: fixed input BxHxWxC and output BxK.
struct Model {
  int64_t batch = 0, height = 0, width = 0, channels = 0, classes = 0;

  Model() {
    long long b, h, w, c, b2, k;
    if (std::sscanf(netrewrite_model_signature, "%lldx%lldx%lldx%lld->%lldx%lld",
                    &b, &h, &w, &c, &b2, &k) != 6 || b != b2)
      die(std::string("internal error: bad model signature '") +
          netrewrite_model_signature + "'");
    batch = b, height = h, width = w, channels = c, classes = k;
  }
  int64_t imageSize() const { return height * width * channels; }
  /// Runs the network on `input` (batch x H x W x C) into `output`.
  void run(std::vector<float> &input, std::vector<float> &output) const {
    // Sized once; the network overwrites every element.
    if ((int64_t)output.size() != batch * classes)
      output.assign(batch * classes, 0.0f);
    auto in = describe<4>(input.data(), {batch, height, width, channels});
    auto out = describe<2>(output.data(), {batch, classes});
    _mlir_ciface_forward(&in, &out);
  }
};

/// `--name=value` flags after the subcommand; positional arguments kept.
struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;
  std::vector<std::string> known;

  Flags(int argc, char **argv, std::vector<std::string> knownFlags)
      : known(std::move(knownFlags)) {
    for (int i = 0; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) {
        positional.push_back(a);
        continue;
      }
      std::string name = a.substr(2), value = "true";
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (std::find(known.begin(), known.end(), name) == known.end())
        die("unknown flag --" + name);
      values[name] = value;
    }
  }
  bool has(const std::string &n) const { return values.count(n); }
  std::string get(const std::string &n, const std::string &d = "") const {
    auto it = values.find(n);
    return it == values.end() ? d : it->second;
  }
  double number(const std::string &n, double d) const {
    if (!has(n))
      return d;
    char *end = nullptr;
    std::string v = get(n);
    double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end)
      die("--" + n + "=" + v + ": not a number");
    return x;
  }
  int64_t integer(const std::string &n, int64_t d, int64_t min = 1) const {
    double x = number(n, d);
    if (x != std::floor(x) || x < min)
      die("--" + n + "=" + get(n) + ": expected an integer >= " +
          std::to_string(min));
    return (int64_t)x;
  }
};

/// Per-batch preprocessing: value = (x * scale - mean) / std, grey -> RGB,
/// bilinear resize to the model's input size.
struct Preprocess {
  double scale = 1.0;
  std::vector<float> mean{0.0f}, stddev{1.0f};

  static std::vector<float> parseList(const std::string &flag,
                                      const std::string &s) {
    std::vector<float> out;
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string item = s.substr(start, comma == std::string::npos
                                             ? std::string::npos
                                             : comma - start);
      char *end = nullptr;
      float v = std::strtof(item.c_str(), &end);
      if (item.empty() || *end)
        die("--" + flag + "=" + s + ": expected numbers separated by commas");
      out.push_back(v);
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
    return out;
  }

  void configure(const Flags &flags, bool bytes, int64_t channels) {
    scale = flags.number("scale", bytes ? 1.0 / 255.0 : 1.0);
    if (flags.has("mean"))
      mean = parseList("mean", flags.get("mean"));
    if (flags.has("std"))
      stddev = parseList("std", flags.get("std"));
    for (auto *list : {&mean, &stddev}) {
      if (list->size() != 1 && (int64_t)list->size() != channels)
        die(std::string("--") + (list == &mean ? "mean" : "std") +
            " has " + std::to_string(list->size()) +
            " values but the model has " + std::to_string(channels) +
            " channels");
    }
    for (float s : stddev)
      if (s == 0.0f)
        die("--std: a standard deviation of 0");
  }

  /// `src` is h x w x c (stored range); writes the model's H x W x C.
  void apply(const float *src, int64_t h, int64_t w, int64_t c, float *dst,
             int64_t H, int64_t W, int64_t C) const {
    for (int64_t y = 0; y < H; ++y) {
      // Align corners off (half-pixel centres), like most image libraries.
      double sy = std::clamp((y + 0.5) * h / H - 0.5, 0.0, double(h - 1));
      int64_t y0 = (int64_t)sy, y1 = std::min(y0 + 1, h - 1);
      double fy = sy - y0;
      for (int64_t x = 0; x < W; ++x) {
        double sx = std::clamp((x + 0.5) * w / W - 0.5, 0.0, double(w - 1));
        int64_t x0 = (int64_t)sx, x1 = std::min(x0 + 1, w - 1);
        double fx = sx - x0;
        for (int64_t k = 0; k < C; ++k) {
          int64_t ck = c == 1 ? 0 : k;
          auto at = [&](int64_t yy, int64_t xx) {
            return src[(yy * w + xx) * c + ck];
          };
          double v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) +
                     fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
          float m = mean.size() == 1 ? mean[0] : mean[k];
          float s = stddev.size() == 1 ? stddev[0] : stddev[k];
          dst[(y * W + x) * C + k] = float((v * scale - m) / s);
        }
      }
    }
  }
};

void setThreads(const Flags &flags) {
  if (flags.has("threads"))
    omp_set_num_threads((int)flags.integer("threads", 1));
}

void checkBatchFlag(const Flags &flags, const Model &model) {
  if (flags.has("batch") && flags.integer("batch", model.batch) != model.batch)
    die("--batch=" + flags.get("batch") +
        ": this executable was compiled for batch " +
        std::to_string(model.batch) +
        " (the batch is static in the IR; recompile the model with another "
        "batch size)");
}

void checkResize(const Flags &flags, const Model &model) {
  if (!flags.has("resize"))
    return;
  long long h, w;
  char tail;
  std::string v = flags.get("resize");
  if (std::sscanf(v.c_str(), "%lldx%lld%c", &h, &w, &tail) != 2)
    die("--resize=" + v + ": expected HxW, e.g. 224x224");
  if (h != model.height || w != model.width)
    die("--resize=" + v + ": the model's input is " +
        std::to_string(model.height) + "x" + std::to_string(model.width));
}

/// CPU time of the whole process: on a machine shared with other jobs,
/// wall time overstates the cost of a single-threaded run.
double cpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

double seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void progress(int64_t done, int64_t total, double elapsed) {
  if (!isatty(2))
    return;
  int width = 30, filled = total ? int(width * done / total) : width;
  std::fprintf(stderr, "\r[%s%s] %lld/%lld  %.1f img/s", 
               std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), (long long)done,
               (long long)total, elapsed > 0 ? done / elapsed : 0.0);
  if (done == total)
    std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

int evalCommand(int argc, char **argv) {
  Flags flags(argc, argv,
              {"data", "format", "split", "batch", "resize", "json", "scale",
               "mean", "std", "threads", "limit", "weights"});
  Model model;
  setThreads(flags);
  checkBatchFlag(flags, model);
  checkResize(flags, model);
  if (flags.has("weights"))
    die("--weights=" + flags.get("weights") +
        ": this executable was compiled with its weights as constants; "
        "overriding weights from a checkpoint is not supported yet");
  if (!flags.has("data"))
    die("eval needs --data=PATH");
  std::string error;
  auto data = openDataset(flags.get("data"), flags.get("format"),
                          flags.get("split", "test"), error);
  if (!data)
    die(error);
  if (data->channels() != 1 && data->channels() != model.channels)
    die(flags.get("data") + ": images have " +
        std::to_string(data->channels()) + " channels but the model takes " +
        std::to_string(model.channels));
  Preprocess pre;
  pre.configure(flags, data->isBytes(), model.channels);
  int64_t total = data->size();
  if (flags.has("limit"))
    total = std::min(total, flags.integer("limit", total));

  std::vector<float> raw(data->height() * data->width() * data->channels());
  std::vector<float> input(model.batch * model.imageSize()), output;
  std::vector<int64_t> labels(model.batch);
  int64_t correct = 0, top5 = 0;
  double lossSum = 0, computeTime = 0;
  double start = seconds();
  for (int64_t first = 0; first < total; first += model.batch) {
    int64_t n = std::min(model.batch, total - first);
    std::fill(input.begin(), input.end(), 0.0f);
    for (int64_t i = 0; i < n; ++i) {
      labels[i] = data->get(first + i, raw.data());
      if (labels[i] >= model.classes)
        die(flags.get("data") + ": example " + std::to_string(first + i) +
            " has label " + std::to_string(labels[i]) + " but the model has " +
            std::to_string(model.classes) + " classes");
      pre.apply(raw.data(), data->height(), data->width(), data->channels(),
                input.data() + i * model.imageSize(), model.height,
                model.width, model.channels);
    }
    double t0 = seconds();
    model.run(input, output);
    computeTime += seconds() - t0;
    for (int64_t i = 0; i < n; ++i) {
      const float *logits = output.data() + i * model.classes;
      float target = logits[labels[i]];
      int64_t above = 0;
      float maxv = *std::max_element(logits, logits + model.classes);
      double sum = 0;
      for (int64_t k = 0; k < model.classes; ++k) {
        above += logits[k] > target;
        sum += std::exp(double(logits[k]) - maxv);
      }
      correct += above == 0;
      top5 += above < 5;
      lossSum += std::log(sum) + maxv - target;
    }
    progress(first + n, total, seconds() - start);
  }
  double elapsed = seconds() - start;
  double acc = total ? double(correct) / total : 0,
         t5 = total ? double(top5) / total : 0,
         loss = total ? lossSum / total : 0;
  double ips = elapsed > 0 ? total / elapsed : 0;
  if (flags.has("json"))
    std::printf("{\"examples\": %lld, \"accuracy\": %.6f, \"top5\": %.6f, "
                "\"loss\": %.6f, \"images_per_s\": %.2f, "
                "\"compute_images_per_s\": %.2f}\n",
                (long long)total, acc, t5, loss, ips,
                computeTime > 0 ? total / computeTime : 0.0);
  else
    std::printf("examples %lld  accuracy %.4f  top-5 %.4f  loss %.4f  "
                "%.1f img/s\n",
                (long long)total, acc, t5, loss, ips);
  return 0;
}

std::vector<std::string> readLabels(const std::string &path) {
  std::vector<std::string> labels;
  if (path.empty())
    return labels;
  std::ifstream in(path);
  if (!in)
    die(path + ": cannot open the labels file");
  for (std::string line; std::getline(in, line);)
    labels.push_back(line);
  return labels;
}

int predictCommand(int argc, char **argv) {
  Flags flags(argc, argv,
              {"input", "output", "labels", "top", "scale", "mean", "std",
               "threads", "json"});
  Model model;
  setThreads(flags);
  std::vector<float> input(model.batch * model.imageSize()), output;
  if (flags.has("input")) {
    std::string path = flags.get("input");
    if (!path.empty() && path[0] == '@')
      path = path.substr(1);
    NpyArray x;
    std::string error;
    if (!readNpy(path, x, error))
      die(error);
    std::vector<int64_t> want{model.batch, model.height, model.width,
                              model.channels};
    if (x.shape.size() != 4 || x.shape[0] > model.batch ||
        !std::equal(x.shape.begin() + 1, x.shape.end(), want.begin() + 1))
      die(path + ": shape " + x.shapeString() + " does not fit the model's "
              "input " + std::to_string(model.batch) + "x" +
              std::to_string(model.height) + "x" + std::to_string(model.width) +
              "x" + std::to_string(model.channels) +
              " (batch may be smaller)");
    std::copy(x.data.begin(), x.data.end(), input.begin());
    model.run(input, output);
    NpyArray y;
    y.shape = {x.shape[0], model.classes};
    y.data.assign(output.begin(), output.begin() + x.shape[0] * model.classes);
    if (flags.has("output")) {
      std::string out = flags.get("output");
      if (!out.empty() && out[0] == '@')
        out = out.substr(1);
      if (!writeNpy(out, y, error))
        die(error);
    }
    if (!flags.has("output"))
      for (int64_t i = 0; i < y.shape[0]; ++i) {
        for (int64_t k = 0; k < model.classes; ++k)
          std::printf("%s%.8g", k ? " " : "", y.data[i * model.classes + k]);
        std::printf("\n");
      }
    return 0;
  }
  if (flags.positional.empty())
    die("predict needs image files or --input=@x.npy");
  std::vector<std::string> labels = readLabels(flags.get("labels"));
  Preprocess pre;
  pre.configure(flags, true, model.channels);
  int64_t top = flags.integer("top", 5);
  const auto &files = flags.positional;
  for (size_t first = 0; first < files.size(); first += model.batch) {
    size_t n = std::min<size_t>(model.batch, files.size() - first);
    std::fill(input.begin(), input.end(), 0.0f);
    for (size_t i = 0; i < n; ++i) {
      int w, h, c;
      unsigned char *pixels =
          stbi_load(files[first + i].c_str(), &w, &h, &c, 0);
      if (!pixels)
        die(files[first + i] + ": cannot decode the image (" +
            stbi_failure_reason() + ")");
      int64_t want = model.channels == 1 ? 1 : 3;
      std::vector<float> raw((size_t)w * h * want);
      for (int64_t p = 0; p < (int64_t)w * h; ++p)
        for (int64_t k = 0; k < want; ++k) {
          // Grey -> RGB by repetition, RGB(A) -> grey by the mean.
          if (want == 1 && c >= 3)
            raw[p] = (pixels[p * c] + pixels[p * c + 1] + pixels[p * c + 2]) /
                     3.0f;
          else
            raw[p * want + k] = pixels[p * c + (c >= 3 ? k : 0)];
        }
      stbi_image_free(pixels);
      pre.apply(raw.data(), h, w, want, input.data() + i * model.imageSize(),
                model.height, model.width, model.channels);
    }
    model.run(input, output);
    for (size_t i = 0; i < n; ++i) {
      const float *logits = output.data() + i * model.classes;
      std::vector<int64_t> order(model.classes);
      std::iota(order.begin(), order.end(), 0);
      int64_t k = std::min<int64_t>(top, model.classes);
      std::partial_sort(order.begin(), order.begin() + k, order.end(),
                        [&](int64_t a, int64_t b) {
                          return logits[a] > logits[b];
                        });
      std::printf("%s:", files[first + i].c_str());
      for (int64_t j = 0; j < k; ++j) {
        int64_t c = order[j];
        std::string name = c < (int64_t)labels.size() ? labels[c]
                                                      : std::to_string(c);
        std::printf(" %s(%.4g)", name.c_str(), logits[c]);
      }
      std::printf("\n");
    }
  }
  return 0;
}

int benchCommand(int argc, char **argv) {
  Flags flags(argc, argv, {"batch", "threads", "seconds", "json"});
  Model model;
  setThreads(flags);
  checkBatchFlag(flags, model);
  double budget = flags.number("seconds", 3.0);
  std::vector<float> input(model.batch * model.imageSize()), output;
  uint32_t state = 12345;
  for (float &v : input) {
    state = state * 1664525u + 1013904223u;
    v = (state >> 8) * (1.0f / 16777216.0f) - 0.5f;
  }
  model.run(input, output); // warm-up: page in weights, start threads
  std::vector<double> times;
  double start = seconds(), cpuStart = cpuSeconds();
  while (times.size() < 3 || (seconds() - start < budget && times.size() < 10000)) {
    double t0 = seconds();
    model.run(input, output);
    times.push_back(seconds() - t0);
  }
  double cpuPerRun = (cpuSeconds() - cpuStart) / times.size();
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];
  double ips = model.batch / median;
  if (flags.has("json"))
    std::printf("{\"batch\": %lld, \"threads\": %d, \"runs\": %zu, "
                "\"ms_per_batch\": %.4f, \"images_per_s\": %.2f, "
                "\"cpu_ms_per_batch\": %.4f}\n",
                (long long)model.batch, omp_get_max_threads(), times.size(),
                median * 1e3, ips, cpuPerRun * 1e3);
  else
    std::printf("%.2f img/s  %.3f ms/batch  (batch %lld, %d threads, median "
                "of %zu runs; %.3f ms CPU time per batch)\n",
                ips, median * 1e3, (long long)model.batch,
                omp_get_max_threads(), times.size(), cpuPerRun * 1e3);
  return 0;
}

int infoCommand(int, char **) {
  Model model;
  std::printf("input %lldx%lldx%lldx%lld float32 (NHWC), output %lldx%lld\n",
              (long long)model.batch, (long long)model.height,
              (long long)model.width, (long long)model.channels,
              (long long)model.batch, (long long)model.classes);
  return 0;
}

struct Subcommand {
  const char *name;
  const char *usage;
  int (*run)(int, char **);
};

// `train` joins this table once the training step is compiled in.
const Subcommand kSubcommands[] = {
    {"eval",
     "eval --data=PATH [--format=fashion-mnist|cifar10|npy-dir] "
     "[--split=test|train] [--batch=N] [--resize=HxW] [--scale=S] "
     "[--mean=M[,..]] [--std=S[,..]] [--limit=N] [--threads=N] [--json]",
     evalCommand},
    {"predict",
     "predict IMAGE... [--labels=FILE] [--top=K] | predict --input=@x.npy "
     "[--output=@y.npy]",
     predictCommand},
    {"bench", "bench [--batch=N] [--threads=N] [--seconds=S] [--json]",
     benchCommand},
    {"info", "info", infoCommand},
};

} // namespace

int main(int argc, char **argv) {
  // The compiled network allocates its intermediate buffers on every call.
  // Above glibc's default mmap threshold each of those is a fresh mapping,
  // page-faulted in and unmapped again per call (measured: most of the time
  // of a depthwise layer). Keeping freed memory in the heap reuses it.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  auto usage = [&](FILE *to) {
    std::fprintf(to, "usage:\n");
    for (const Subcommand &s : kSubcommands)
      std::fprintf(to, "  %s %s\n", argv[0], s.usage);
  };
  if (argc < 2) {
    usage(stderr);
    return 1;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "help" || cmd == "-h") {
    usage(stdout);
    return 0;
  }
  for (const Subcommand &s : kSubcommands)
    if (cmd == s.name)
      return s.run(argc - 2, argv + 2);
  std::fprintf(stderr, "error: unknown subcommand '%s'\n", cmd.c_str());
  usage(stderr);
  return 1;
}
