//===- Executable.cpp - The command line of a compiled model --------------===//
//
// eval, predict, bench, preprocess and info; train lives in Train.cpp. The
// compiled batch size is static, so every loop pads its last partial batch
// and ignores the padded rows.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Executable.h"
#include "CommandLine.h"
#include "netrewrite/Runtime/Checkpoint.h"
#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Npy.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace netrewrite::runtime;
using namespace netrewrite::runtime::cli;
using json = nlohmann::json;

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

std::string Options::get(const std::string &name, const std::string &def) const {
  auto it = values.find(name);
  return it == values.end() ? def : it->second;
}

int64_t Options::getInt(const std::string &name, int64_t def,
                        int64_t min) const {
  if (!has(name))
    return def;
  std::string v = get(name);
  char *end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || n < min)
    fail("--" + name + ": expected an integer >= " + std::to_string(min) +
         ", got '" + v + "'");
  return n;
}

double Options::getDouble(const std::string &name, double def) const {
  if (!has(name))
    return def;
  std::string v = get(name);
  char *end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end || !std::isfinite(d))
    fail("--" + name + ": expected a number, got '" + v + "'");
  return d;
}

std::vector<float> Options::getFloats(const std::string &name) const {
  std::vector<float> out;
  if (!has(name))
    return out;
  std::string v = get(name);
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t comma = v.find(',', pos);
    std::string item = v.substr(pos, comma == std::string::npos
                                         ? std::string::npos
                                         : comma - pos);
    char *end = nullptr;
    double d = std::strtod(item.c_str(), &end);
    if (item.empty() || *end || !std::isfinite(d))
      fail("--" + name + ": expected comma-separated numbers, got '" + v + "'");
    out.push_back(float(d));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return out;
}

Options cli::parseOptions(const std::string &command, int argc, char **argv,
                          const std::map<std::string, bool> &flags) {
  Options o;
  o.command = command;
  o.program = argv[0];
  if (size_t slash = o.program.rfind('/'); slash != std::string::npos)
    o.program = o.program.substr(slash + 1);
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a.substr(2), value;
      size_t eq = name.find('=');
      bool hasValue = eq != std::string::npos;
      if (hasValue) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      auto it = flags.find(name);
      if (it == flags.end())
        fail(command + ": unknown option --" + name + " (see '" +
             std::string(argv[0]) + " help')");
      if (it->second && !hasValue) {
        if (i + 1 >= argc)
          fail("--" + name + " needs a value");
        value = argv[++i];
      } else if (!it->second && hasValue) {
        fail("--" + name + " takes no value");
      }
      o.values[name] = value;
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

double cli::secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

void cli::applyThreads(const Model &model, const Options &opts) {
  if (!opts.has("threads"))
    return;
  int64_t n = opts.getInt("threads", 0, 1);
  std::string s = std::to_string(n);
  // The compiled code's thread pool reads one of these when it starts; the
  // setter covers a pool that is already running.
  ::setenv("NETREWRITE_NUM_THREADS", s.c_str(), 1);
  ::setenv("OMP_NUM_THREADS", s.c_str(), 1);
  model.setNumThreads(int(n));
}

std::shared_ptr<const Dataset> cli::openData(const Options &opts,
                                             const std::string &dataFlag,
                                             const std::string &defaultSplit) {
  if (!opts.has(dataFlag) || opts.get(dataFlag).empty())
    fail(opts.command + ": --" + dataFlag + "=PATH is required");
  std::shared_ptr<const Dataset> data =
      openDataset(opts.get(dataFlag), opts.get("format"),
                  opts.get("split", defaultSplit));
  if (data->size() == 0)
    fail(opts.get(dataFlag) + ": the dataset is empty (" + data->describe() +
         ")");
  if (opts.has("limit")) {
    size_t limit = size_t(opts.getInt("limit", 0, 1));
    if (limit < data->size()) {
      std::vector<size_t> idx(limit);
      for (size_t i = 0; i < limit; ++i)
        idx[i] = i;
      data = std::make_shared<SubsetDataset>(data, std::move(idx));
    }
  }
  return data;
}

Preprocess cli::makePreprocess(const Options &opts, const Model &model,
                               const Dataset &data, bool allowAugment) {
  Preprocess pp;
  pp.height = int(model.height());
  pp.width = int(model.width());
  pp.channels = int(model.channels());
  if (opts.has("resize")) {
    // The model's input size is fixed at compile time; --resize states it
    // (and catches a mismatch) rather than changing it.
    std::string r = opts.get("resize");
    int h = 0, w = 0;
    char tail = 0;
    int got = std::sscanf(r.c_str(), "%dx%d%c", &h, &w, &tail);
    if (got == 1 || (got == 0 && std::sscanf(r.c_str(), "%d%c", &h, &tail) == 1))
      w = h, got = 2;
    if (got != 2 || h <= 0 || w <= 0)
      fail("--resize: expected HxW or N, got '" + r + "'");
    if (h != pp.height || w != pp.width)
      fail("--resize=" + r + ": this executable was compiled for " +
           std::to_string(pp.height) + "x" + std::to_string(pp.width) +
           " inputs; recompile the model for another size");
  }
  pp.scale = float(opts.getDouble("scale", data.defaultScale()));
  pp.mean = opts.getFloats("mean");
  pp.std = opts.getFloats("std");
  for (auto *v : {&pp.mean, &pp.std})
    if (v->size() > 1 && int(v->size()) != pp.channels)
      fail("--mean/--std: give one value or " + std::to_string(pp.channels) +
           " (one per channel), got " + std::to_string(v->size()));
  for (float s : pp.std)
    if (s == 0)
      fail("--std: must not be zero");
  if (opts.has("augment")) {
    if (!allowAugment)
      fail("--augment is only for train");
    std::string a = opts.get("augment");
    size_t pos = 0;
    while (pos <= a.size()) {
      size_t comma = a.find(',', pos);
      std::string item = a.substr(pos, comma == std::string::npos
                                           ? std::string::npos
                                           : comma - pos);
      if (item == "flip")
        pp.flip = true;
      else if (item == "crop")
        pp.crop = true;
      else if (!(item == "none" || item.empty()))
        fail("--augment: unknown augmentation '" + item +
             "' (expected flip, crop)");
      if (comma == std::string::npos)
        break;
      pos = comma + 1;
    }
  }
  return pp;
}

void cli::checkBatch(const Options &opts, const Model &model) {
  if (!opts.has("batch"))
    return;
  int64_t b = opts.getInt("batch", 0, 1);
  if (b != model.batch())
    fail("--batch=" + std::to_string(b) +
         ": this executable was compiled for batch " +
         std::to_string(model.batch()) +
         " (the batch size is static); import the model again with "
         "netrewrite-import --input-shape=" +
         std::to_string(b) + "x" + std::to_string(model.height()) + "x" +
         std::to_string(model.width()) + "x" +
         std::to_string(model.channels()) + " and compile that");
}

ModelState cli::loadWeights(const Options &opts, const Model &model) {
  if (!opts.has("weights"))
    return model.initialState();
  std::string path = opts.get("weights");
  if (!model.forwardTakesParams())
    fail("--weights=" + path +
         ": this executable has its weights compiled in; build it with "
         "netrewrite-compile --train to evaluate checkpoints");
  Checkpoint ck = readCheckpoint(path);
  ModelState state = model.initialState(/*runInitParams=*/false);
  loadIntoState(ck, path, state, /*withOptState=*/false);
  return state;
}

void cli::fillBatch(const Dataset &data, const std::vector<size_t> *order,
                    size_t begin, size_t n, const Preprocess &pp,
                    const Model &model, std::vector<float> &x,
                    std::vector<int> &labels, uint64_t augmentSeed) {
  size_t per = size_t(model.height() * model.width() * model.channels());
  x.assign(size_t(model.batch()) * per, 0.0f);
  labels.assign(model.batch(), -1);
  RawImage img;
  for (size_t i = 0; i < n; ++i) {
    size_t idx = order ? (*order)[begin + i] : begin + i;
    data.image(idx, img);
    pp.apply(img, x.data() + i * per, mix64(augmentSeed + idx));
    labels[i] = data.label(idx);
  }
}

BatchBuffers &BatchPipeline::next() {
  if (pending_.valid())
    pending_.get();
  else
    fill_(current_, buffers_[current_ % 2]);
  size_t i = current_++;
  if (current_ < numBatches_) {
    size_t j = current_;
    pending_ = std::async(std::launch::async,
                          [this, j] { fill_(j, buffers_[j % 2]); });
  }
  return buffers_[i % 2];
}

bool cli::outputsAreProbabilities(const Model &model, const float *out,
                                  size_t rows) {
  const std::string &act = model.manifest().outputActivation;
  if (act == "softmax" || act == "probabilities")
    return true;
  if (act == "logits" || act == "none")
    return false;
  int64_t k = model.numClasses();
  for (size_t r = 0; r < rows; ++r) {
    double s = 0;
    for (int64_t j = 0; j < k; ++j) {
      float v = out[r * k + j];
      if (!(v >= 0 && v <= 1))
        return false;
      s += v;
    }
    if (std::fabs(s - 1) > 1e-3)
      return false;
  }
  return rows > 0;
}

void cli::accumulate(Metrics &m, const float *out, const int *labels,
                     size_t rows, int64_t k, bool probabilities) {
  for (size_t r = 0; r < rows; ++r) {
    if (labels[r] < 0)
      continue;
    const float *row = out + r * k;
    int lab = labels[r];
    double loss;
    if (probabilities) {
      // Keras clips probabilities to [eps, 1 - eps] with eps = 1e-7.
      double p = std::min(std::max(double(row[lab]), 1e-7), 1 - 1e-7);
      loss = -std::log(p);
    } else {
      double mx = *std::max_element(row, row + k);
      double s = 0;
      for (int64_t j = 0; j < k; ++j)
        s += std::exp(double(row[j]) - mx);
      loss = std::log(s) + mx - row[lab];
    }
    m.lossSum += loss;
    int64_t above = 0;
    for (int64_t j = 0; j < k; ++j)
      if (row[j] > row[lab] || (row[j] == row[lab] && j < lab))
        ++above;
    m.correct += above == 0;
    m.top5 += above < 5;
    ++m.count;
  }
}

Metrics cli::evaluate(const Model &model, const ModelState &state,
                      const Dataset &data, const Preprocess &pp,
                      const std::string &title, double *seconds) {
  Metrics m;
  size_t b = size_t(model.batch());
  std::vector<float> out(b * model.numClasses());
  Progress bar(title, data.size());
  auto start = std::chrono::steady_clock::now();
  int probabilities = -1;
  BatchPipeline pipeline((data.size() + b - 1) / b,
                         [&](size_t i, BatchBuffers &buf) {
                           size_t begin = i * b;
                           fillBatch(data, nullptr, begin,
                                     std::min(b, data.size() - begin), pp,
                                     model, buf.x, buf.labels, 0);
                         });
  for (size_t begin = 0; begin < data.size(); begin += b) {
    size_t n = std::min(b, data.size() - begin);
    BatchBuffers &batch = pipeline.next();
    std::vector<int> &labels = batch.labels;
    for (size_t i = 0; i < n; ++i)
      if (labels[i] < 0 || labels[i] >= model.numClasses())
        fail(data.describe() + ": label " + std::to_string(labels[i]) +
             " of image #" + std::to_string(begin + i) +
             " is out of range for a model with " +
             std::to_string(model.numClasses()) + " classes");
    model.forward(state, batch.x.data(), out.data());
    if (probabilities < 0)
      probabilities = outputsAreProbabilities(model, out.data(), n);
    accumulate(m, out.data(), labels.data(), n, model.numClasses(),
               probabilities);
    char extra[96];
    std::snprintf(extra, sizeof extra, "acc %.4f loss %.4f", m.accuracy(),
                  m.loss());
    bar.update(begin + n, extra);
  }
  bar.finish();
  if (seconds)
    *seconds = secondsSince(start);
  return m;
}

Progress::Progress(std::string title, size_t total)
    : title_(std::move(title)), total_(total) {
  const char *env = std::getenv("NETREWRITE_PROGRESS");
  enabled_ = env ? std::string(env) == "1" : ::isatty(2);
  // Into a log file (nohup, CI): a plain line a minute, so a long run shows
  // it is alive without filling the log with redraws.
  logLines_ = !env && !enabled_;
  start_ = last_ = std::chrono::steady_clock::now();
}

void Progress::update(size_t done, const std::string &extra) {
  auto now = std::chrono::steady_clock::now();
  if (logLines_) {
    if (done >= total_ ||
        std::chrono::duration<double>(now - last_).count() < 60)
      return;
    last_ = now;
    double el = secondsSince(start_);
    double rate = el > 0 ? done / el : 0;
    std::fprintf(stderr, "%s %zu/%zu %s %.0f img/s ETA %.0fs\n",
                 title_.c_str(), done, total_, extra.c_str(), rate,
                 rate > 0 ? (total_ - done) / rate : 0);
    std::fflush(stderr);
    return;
  }
  if (!enabled_)
    return;
  if (done < total_ && drawn_ &&
      std::chrono::duration<double>(now - last_).count() < 0.1)
    return;
  last_ = now;
  drawn_ = true;
  double el = secondsSince(start_);
  double rate = el > 0 ? done / el : 0;
  double eta = rate > 0 ? (total_ - done) / rate : 0;
  int width = 30, filled = total_ ? int(width * double(done) / total_) : width;
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %zu/%zu %s %.0f img/s ETA %.0fs\033[K",
               title_.c_str(), bar.c_str(), done, total_, extra.c_str(), rate,
               eta);
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
}

//===----------------------------------------------------------------------===//
// Subcommands
//===----------------------------------------------------------------------===//

namespace {

const std::map<std::string, bool> kPreprocessFlags = {
    {"resize", true}, {"scale", true}, {"mean", true}, {"std", true}};

std::map<std::string, bool>
withPreprocess(std::map<std::string, bool> flags) {
  flags.insert(kPreprocessFlags.begin(), kPreprocessFlags.end());
  flags["threads"] = true;
  return flags;
}

std::string fmt(const char *f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

int runEval(const Model &model, const Options &opts) {
  checkBatch(opts, model);
  applyThreads(model, opts);
  auto data = openData(opts, "data", "test");
  Preprocess pp = makePreprocess(opts, model, *data, false);
  ModelState state = loadWeights(opts, model);
  double seconds = 0;
  Metrics m = evaluate(model, state, *data, pp, "eval", &seconds);
  double ips = seconds > 0 ? m.count / seconds : 0;
  if (opts.has("json")) {
    json j = {{"accuracy", m.accuracy()},
              {"top5_accuracy", m.top5Accuracy()},
              {"loss", m.loss()},
              {"images", m.count},
              {"examples", m.count},
              {"correct", m.correct},
              {"seconds", seconds},
              {"images_per_s", ips},
              {"batch", model.batch()},
              {"dataset", data->describe()}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "dataset: " << data->describe() << "\n"
              << "images: " << m.count << "\n"
              << "accuracy: " << fmt("%.4f", m.accuracy()) << " ("
              << m.correct << "/" << m.count << ")\n"
              << "top-5 accuracy: " << fmt("%.4f", m.top5Accuracy()) << "\n"
              << "loss: " << fmt("%.4f", m.loss()) << "\n"
              << "images/s: " << fmt("%.1f", ips) << "\n";
  }
  return 0;
}

std::vector<std::string> readLabels(const std::string &path, int64_t k) {
  std::ifstream in(path);
  if (!in)
    fail(path + ": cannot open labels file");
  std::vector<std::string> labels;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    labels.push_back(line);
  }
  while (!labels.empty() && labels.back().empty())
    labels.pop_back();
  if (int64_t(labels.size()) != k)
    fail(path + ": has " + std::to_string(labels.size()) +
         " labels (one per line), the model has " + std::to_string(k) +
         " classes");
  return labels;
}

std::string stripAt(const std::string &s) {
  return !s.empty() && s[0] == '@' ? s.substr(1) : s;
}

int runPredictNpy(const Model &model, const ModelState &state,
                  const Options &opts) {
  if (!opts.has("input") || !opts.has("output"))
    fail("predict: --input=@x.npy and --output=@y.npy go together");
  if (!opts.positional.empty())
    fail("predict: give either image files or --input/--output, not both");
  std::string inPath = stripAt(opts.get("input"));
  std::string outPath = stripAt(opts.get("output"));
  NpyArray x;
  std::string err;
  if (!readNpy(inPath, x, err))
    fail(err);
  std::vector<int64_t> hwc = {model.height(), model.width(), model.channels()};
  std::vector<int64_t> shape = x.shape;
  if (shape == hwc)
    shape.insert(shape.begin(), 1);
  if (shape.size() != 4 || std::vector<int64_t>(shape.begin() + 1, shape.end()) != hwc)
    fail(inPath + ": shape " + x.shapeString() + " does not fit the model's " +
         "input N x " + std::to_string(hwc[0]) + "x" + std::to_string(hwc[1]) +
         "x" + std::to_string(hwc[2]));
  size_t n = size_t(shape[0]), b = size_t(model.batch());
  size_t per = size_t(hwc[0] * hwc[1] * hwc[2]);
  int64_t k = model.numClasses();
  NpyArray y;
  y.shape = {int64_t(n), k};
  y.data.resize(n * k);
  std::vector<float> batch(b * per), out(b * k);
  for (size_t begin = 0; begin < n; begin += b) {
    size_t m = std::min(b, n - begin);
    std::fill(batch.begin(), batch.end(), 0.0f);
    std::copy(x.data.begin() + begin * per, x.data.begin() + (begin + m) * per,
              batch.begin());
    model.forward(state, batch.data(), out.data());
    std::copy(out.begin(), out.begin() + m * k, y.data.begin() + begin * k);
  }
  if (!writeNpy(outPath, y, err))
    fail(err);
  return 0;
}

int runPredict(const Model &model, const Options &opts) {
  applyThreads(model, opts);
  ModelState state = loadWeights(opts, model);
  if (opts.has("input") || opts.has("output"))
    return runPredictNpy(model, state, opts);
  if (opts.positional.empty())
    fail("predict: give image files, or --input=@x.npy --output=@y.npy");
  int64_t k = model.numClasses();
  int64_t top = std::min(opts.getInt("top", 5, 1), k);
  std::vector<std::string> names;
  if (opts.has("labels"))
    names = readLabels(opts.get("labels"), k);
  auto files = openImageFiles(opts.positional);
  Preprocess pp = makePreprocess(opts, model, *files, false);
  size_t b = size_t(model.batch());
  std::vector<float> x, out(b * k);
  std::vector<int> labels;
  json results = json::array();
  for (size_t begin = 0; begin < files->size(); begin += b) {
    size_t n = std::min(b, files->size() - begin);
    fillBatch(*files, nullptr, begin, n, pp, model, x, labels, 0);
    model.forward(state, x.data(), out.data());
    bool probs = outputsAreProbabilities(model, out.data(), n);
    for (size_t i = 0; i < n; ++i) {
      float *row = out.data() + i * k;
      std::vector<double> p(row, row + k);
      if (!probs) {
        double mx = *std::max_element(p.begin(), p.end()), s = 0;
        for (double &v : p)
          s += (v = std::exp(v - mx));
        for (double &v : p)
          v /= s;
      }
      std::vector<int64_t> order(k);
      for (int64_t j = 0; j < k; ++j)
        order[j] = j;
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t c) { return p[a] > p[c]; });
      json entry = {{"file", opts.positional[begin + i]}, {"top", json::array()}};
      if (!opts.has("json"))
        std::cout << opts.positional[begin + i] << ":\n";
      for (int64_t t = 0; t < top; ++t) {
        int64_t c = order[t];
        std::string label = names.empty() ? std::to_string(c) : names[c];
        entry["top"].push_back(
            {{"class", c}, {"label", label}, {"probability", p[c]}});
        if (!opts.has("json"))
          std::cout << "  " << t + 1 << ". " << label << " "
                    << fmt("%.4f", p[c]) << "\n";
      }
      results.push_back(entry);
    }
  }
  if (opts.has("json"))
    std::cout << results.dump() << "\n";
  return 0;
}

int runBench(const Model &model, const Options &opts) {
  checkBatch(opts, model);
  applyThreads(model, opts);
  ModelState state = loadWeights(opts, model);
  int64_t iterations = opts.getInt("iterations", 10, 1);
  int64_t warmup = opts.getInt("warmup", 2, 0);
  std::vector<float> x(model.inputElements()), out(model.batch() * model.numClasses());
  uint64_t r = 1;
  for (float &v : x)
    v = float((r = mix64(r)) >> 40) / float(1 << 24);
  for (int64_t i = 0; i < warmup; ++i)
    model.forward(state, x.data(), out.data());
  std::vector<double> times;
  for (int64_t i = 0; i < iterations; ++i) {
    auto t = std::chrono::steady_clock::now();
    model.forward(state, x.data(), out.data());
    times.push_back(secondsSince(t));
  }
  // The median resists the odd slow iteration of a shared machine.
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted[sorted.size() / 2];
  double ips = median > 0 ? model.batch() / median : 0;
  const char *threads = std::getenv("NETREWRITE_NUM_THREADS");
  if (opts.has("json")) {
    std::cout << json({{"images_per_s", ips},
                       {"ms_per_batch", median * 1e3},
                       {"batch", model.batch()},
                       {"iterations", iterations},
                       {"threads", threads ? threads : "default"}})
                     .dump()
              << "\n";
  } else {
    std::cout << fmt("%.1f", ips) << " img/s\n"
              << fmt("%.3f", median * 1e3) << " ms/batch (batch "
              << model.batch() << ", " << iterations << " iterations, median"
              << (threads ? std::string(", ") + threads + " threads" : "")
              << ")\n";
  }
  return 0;
}

int runPreprocess(const Model &model, const Options &opts) {
  if (!opts.has("output"))
    fail("preprocess: --output=@x.npy is required");
  auto data = openData(opts, "data", opts.get("split", "test"));
  Preprocess pp = makePreprocess(opts, model, *data, true);
  uint64_t seed = uint64_t(opts.getInt("seed", 0, 0));
  NpyArray x;
  size_t per = size_t(model.height() * model.width() * model.channels());
  x.shape = {int64_t(data->size()), model.height(), model.width(),
             model.channels()};
  x.data.resize(data->size() * per);
  RawImage img;
  NpyArray labels;
  labels.shape = {int64_t(data->size())};
  for (size_t i = 0; i < data->size(); ++i) {
    data->image(i, img);
    pp.apply(img, x.data.data() + i * per, mix64(seed + i));
    labels.data.push_back(float(data->label(i)));
  }
  std::string err;
  if (!writeNpy(stripAt(opts.get("output")), x, err))
    fail(err);
  if (opts.has("labels-output") &&
      !writeNpy(stripAt(opts.get("labels-output")), labels, err))
    fail(err);
  return 0;
}

int runInfo(const Model &model, const Options &opts) {
  const Manifest &m = model.manifest();
  if (opts.has("weights")) {
    // What a checkpoint holds, and whether this model can read it.
    std::string path = opts.get("weights");
    Checkpoint ck = readCheckpoint(path);
    std::cout << path << ": epoch " << ck.state.epoch << ", step "
              << ck.state.step << ", optimizer "
              << (ck.state.optimizer.empty() ? "-" : ck.state.optimizer)
              << "\n";
    for (const NamedTensor &t : ck.tensors) {
      std::string shape;
      for (size_t i = 0; i < t.shape.size(); ++i)
        shape += (i ? "x" : "") + std::to_string(t.shape[i]);
      std::cout << "  " << t.name << " " << (shape.empty() ? "scalar" : shape)
                << " " << t.kind << "\n";
    }
    ModelState state = model.initialState(/*runInitParams=*/false);
    loadIntoState(ck, path, state, /*withOptState=*/false);
    std::cout << "matches this model's " << state.params.size()
              << " parameters\n";
    return 0;
  }
  if (opts.has("json")) {
    std::cout << m.text << "\n";
    return 0;
  }
  std::cout << "input: " << m.inputShape[0] << "x" << m.inputShape[1] << "x"
            << m.inputShape[2] << "x" << m.inputShape[3] << "\n"
            << "classes: " << m.numClasses << "\n"
            << "parameters: " << m.forward.inputs.size() - 1 << "\n"
            << "train: "
            << (model.canTrain() ? "yes (optimizer " + m.optimizer + ")"
                                 : std::string("no"))
            << "\n"
            << "target: " << model.targetDescription() << "\n";
  return 0;
}

/// Writes every tensor of a checkpoint (or of init_params) as DIR/<name>.npy
/// ('/' in names becomes a subdirectory) plus DIR/index.json, so trained
/// weights can leave the toolchain with nothing but numpy.
int runExport(const Model &model, const Options &opts) {
  if (!opts.has("output-dir"))
    fail("export: --output-dir=DIR is required");
  std::string dir = opts.get("output-dir");
  std::vector<NamedTensor> tensors;
  if (opts.has("weights")) {
    tensors = readCheckpoint(opts.get("weights")).tensors;
  } else {
    if (!model.forwardTakesParams())
      fail("export: this executable has its weights compiled in; export a "
           "checkpoint with --weights=CKPT");
    tensors = model.initialState().params;
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    fail(dir + ": cannot create directory: " + std::strerror(errno));
  json index = json::array();
  for (const NamedTensor &t : tensors) {
    if (t.name.empty() || t.name.find("..") != std::string::npos ||
        t.name[0] == '/')
      fail("export: refusing to write tensor name '" + t.name + "' as a path");
    std::string path = dir + "/" + t.name + ".npy";
    for (size_t slash = dir.size() + 1;
         (slash = path.find('/', slash)) != std::string::npos; ++slash) {
      std::string sub = path.substr(0, slash);
      if (::mkdir(sub.c_str(), 0755) != 0 && errno != EEXIST)
        fail(sub + ": cannot create directory: " + std::strerror(errno));
    }
    NpyArray a;
    a.shape = t.shape;
    a.data = t.data;
    std::string err;
    if (!writeNpy(path, a, err))
      fail(err);
    index.push_back({{"name", t.name}, {"kind", t.kind}, {"shape", t.shape},
                     {"file", t.name + ".npy"}});
  }
  writeFileAtomic(dir + "/index.json", index.dump(2) + "\n");
  std::cout << "wrote " << tensors.size() << " tensors to " << dir << "\n";
  return 0;
}

const char *kUsage = R"(usage: %s <command> [options]

commands:
  eval --data=PATH [--format=fashion-mnist|cifar10|npy-dir] [--split=train|test]
       [--weights=CKPT] [--batch=N] [--resize=HxW] [--limit=N] [--json]
  predict IMAGE... [--labels=FILE] [--top=K] [--weights=CKPT] [--json]
  predict --input=@x.npy --output=@y.npy [--weights=CKPT]
  bench [--batch=N] [--threads=N] [--iterations=N] [--json]
  train --data=PATH --epochs=N [--batch=N] --optimizer=NAME --lr=LR
       [--momentum=M] [--weight-decay=W] [--lr-schedule=constant|step|cosine]
       [--warmup=STEPS] [--val-data=PATH | --val-split=F] [--augment=flip,crop]
       [--seed=S] [--checkpoint=PATH] [--resume] [--log=metrics.csv]
       [--limit=N] [--threads=N] [--json]
  preprocess --data=PATH --output=@x.npy [--limit=N]   (the model's view of the data)
  info [--json] [--weights=CKPT]                        (the model, or a checkpoint)
  export [--weights=CKPT] --output-dir=DIR              (tensors as .npy + index.json)

preprocessing (eval, predict, train, preprocess): --scale=S (default 1/255 for
8-bit images, 1 for .npy) --mean=M[,M,M] --std=S[,S,S] --resize=HxW
See docs/runtime.md.
)";

} // namespace

int netrewrite::runtime::runExecutable(int argc, char **argv,
                                       const ModelEntryPoints &entries) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd.empty() || cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fprintf(cmd.empty() ? stderr : stdout, kUsage, argv[0]);
    return cmd.empty() ? 1 : 0;
  }
  try {
    if (cmd == "eval") {
      Options o = parseOptions(cmd, argc, argv,
                               withPreprocess({{"data", true},
                                               {"format", true},
                                               {"split", true},
                                               {"weights", true},
                                               {"batch", true},
                                               {"limit", true},
                                               {"json", false}}));
      Model model(entries);
      model.requireDevice(); // before any data is read
      return runEval(model, o);
    }
    if (cmd == "predict") {
      Options o = parseOptions(cmd, argc, argv,
                               withPreprocess({{"labels", true},
                                               {"top", true},
                                               {"input", true},
                                               {"output", true},
                                               {"weights", true},
                                               {"json", false}}));
      Model model(entries);
      model.requireDevice(); // before any data is read
      return runPredict(model, o);
    }
    if (cmd == "bench") {
      Options o = parseOptions(cmd, argc, argv,
                               {{"batch", true},
                                {"threads", true},
                                {"iterations", true},
                                {"warmup", true},
                                {"weights", true},
                                {"json", false}});
      Model model(entries);
      model.requireDevice(); // before any data is read
      return runBench(model, o);
    }
    if (cmd == "train") {
      Options o = parseOptions(
          cmd, argc, argv,
          withPreprocess({{"data", true},         {"format", true},
                          {"split", true},        {"epochs", true},
                          {"batch", true},        {"optimizer", true},
                          {"lr", true},           {"momentum", true},
                          {"beta2", true},        {"epsilon", true},
                          {"weight-decay", true}, {"lr-schedule", true},
                          {"lr-decay", true},     {"lr-step", true},
                          {"warmup", true},       {"val-data", true},
                          {"val-format", true},   {"val-split", true},
                          {"augment", true},      {"seed", true},
                          {"checkpoint", true},   {"resume", false},
                          {"log", true},          {"limit", true},
                          {"weights", true},      {"json", false}}));
      Model model(entries);
      model.requireDevice(); // before any data is read
      return runTrain(model, o);
    }
    if (cmd == "preprocess") {
      Options o = parseOptions(cmd, argc, argv,
                               withPreprocess({{"data", true},
                                               {"format", true},
                                               {"split", true},
                                               {"limit", true},
                                               {"augment", true},
                                               {"seed", true},
                                               {"output", true},
                                               {"labels-output", true}}));
      Model model(entries);
      return runPreprocess(model, o);
    }
    if (cmd == "info") {
      Options o = parseOptions(cmd, argc, argv,
                               {{"json", false}, {"weights", true}});
      Model model(entries);
      return runInfo(model, o);
    }
    if (cmd == "export") {
      Options o = parseOptions(cmd, argc, argv,
                               {{"weights", true}, {"output-dir", true}});
      Model model(entries);
      return runExport(model, o);
    }
    std::fprintf(stderr,
                 "error: unknown command '%s' (expected eval, predict, bench, "
                 "train, preprocess, info, export; see '%s help')\n",
                 cmd.c_str(), argv[0]);
    return 1;
  } catch (const RuntimeError &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc &) {
    std::fprintf(stderr, "error: out of memory\n");
    return 1;
  } catch (const std::exception &e) {
    // A bug rather than bad input; still one line and a clean exit.
    std::fprintf(stderr, "error: internal error: %s\n", e.what());
    return 1;
  }
}
