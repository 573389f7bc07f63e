//===- Train.cpp - The train subcommand -----------------------------------===//
//
// The loop is deterministic by construction: every random decision (the
// epoch's shuffle, augmentation, the dropout seed passed to train_step) is a
// pure function of the run's RNG state at the start of the epoch, and that
// state is saved in each checkpoint together with the weights and optimizer
// slots. So `--resume` from the checkpoint of epoch E reproduces, bit for
// bit, what an uninterrupted run computes from epoch E on -- also after a
// SIGKILL in the middle of an epoch, which simply repeats that epoch.
//
//===----------------------------------------------------------------------===//

#include "CommandLine.h"
#include "netrewrite/Runtime/Checkpoint.h"
#include "netrewrite/Runtime/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace netrewrite::runtime;
using namespace netrewrite::runtime::cli;
using json = nlohmann::json;

namespace {

struct Hyper {
  std::string optimizer;
  double lr = 1e-3, momentum = 0, beta2 = 0.999, epsilon = 1e-7,
         weightDecay = 0;
  std::string schedule = "constant";
  double decay = 0.1;
  int64_t decayEvery = 1; ///< epochs
  int64_t warmup = 0;     ///< steps
  int64_t totalSteps = 1;

  double lrAt(int64_t step, int64_t epoch) const {
    double v = lr;
    if (schedule == "step")
      v *= std::pow(decay, double(epoch / decayEvery));
    else if (schedule == "cosine") {
      double t = double(step - warmup) / double(std::max<int64_t>(1, totalSteps - warmup));
      t = std::min(1.0, std::max(0.0, t));
      v *= 0.5 * (1 + std::cos(M_PI * t));
    }
    if (step < warmup)
      v *= double(step + 1) / double(warmup);
    return v;
  }
};

bool fileExists(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

std::string g9(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}

std::string csvOf(const json &history) {
  std::string s = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,"
                  "seconds,images_per_s\n";
  auto num = [](const json &v) {
    return v.is_number() ? g9(v.get<double>()) : std::string();
  };
  for (const json &h : history)
    s += std::to_string(h["epoch"].get<int64_t>()) + "," +
         num(h["train_loss"]) + "," + num(h["train_accuracy"]) + "," +
         num(h["val_loss"]) + "," + num(h["val_accuracy"]) + "," +
         num(h["seconds"]) + "," + num(h["images_per_s"]) + "\n";
  return s;
}

void checkLabels(const Dataset &d, int64_t k) {
  for (size_t i = 0; i < d.size(); ++i) {
    int l = d.label(i);
    if (l < 0 || l >= k)
      fail(d.describe() + ": label " + std::to_string(l) + " of image #" +
           std::to_string(i) + " is out of range for a model with " +
           std::to_string(k) + " classes");
  }
}

} // namespace

int cli::runTrain(const Model &model, const Options &opts) {
  if (!model.canTrain())
    fail("train: this executable was compiled without --train (it has no "
         "train_step); rebuild it with netrewrite-compile --train");
  const Manifest &m = model.manifest();
  static const char *known[] = {"sgd", "momentum", "nesterov",
                                "rmsprop", "adam", "adamw"};
  Hyper h;
  h.optimizer = opts.get("optimizer", m.optimizer);
  bool isKnown = false;
  for (const char *k : known)
    isKnown |= h.optimizer == k;
  if (!isKnown)
    fail("--optimizer: unknown optimizer '" + h.optimizer +
         "' (expected sgd, momentum, nesterov, rmsprop, adam or adamw)");
  if (h.optimizer != m.optimizer)
    fail("--optimizer=" + h.optimizer +
         ": this executable was compiled with the '" + m.optimizer +
         "' optimizer (the update rule is generated code); recompile with "
         "netrewrite-compile --train --optimizer=" + h.optimizer);
  checkBatch(opts, model);
  applyThreads(model, opts);
  if (!opts.has("epochs"))
    fail("train: --epochs=N is required");
  int64_t epochs = opts.getInt("epochs", 1, 1);
  h.lr = opts.getDouble("lr", 1e-3);
  if (h.lr <= 0)
    fail("--lr: must be positive, got " + opts.get("lr"));
  h.momentum = opts.getDouble("momentum", h.optimizer == "sgd" ? 0.0 : 0.9);
  if (h.momentum < 0 || h.momentum >= 1)
    fail("--momentum: must be in [0, 1), got " + opts.get("momentum"));
  h.beta2 = opts.getDouble("beta2", 0.999);
  h.epsilon = opts.getDouble("epsilon", 1e-7);
  h.weightDecay = opts.getDouble("weight-decay", 0.0);
  if (h.weightDecay < 0)
    fail("--weight-decay: must not be negative");
  h.schedule = opts.get("lr-schedule", "constant");
  if (h.schedule != "constant" && h.schedule != "step" &&
      h.schedule != "cosine")
    fail("--lr-schedule: unknown schedule '" + h.schedule +
         "' (expected constant, step or cosine)");
  h.decay = opts.getDouble("lr-decay", 0.1);
  if (h.decay <= 0 || h.decay > 1)
    fail("--lr-decay: must be in (0, 1], got " + opts.get("lr-decay"));
  h.decayEvery = opts.getInt("lr-step", std::max<int64_t>(1, epochs / 3), 1);
  h.warmup = opts.getInt("warmup", 0, 0);
  uint64_t seed = uint64_t(opts.getInt("seed", 0, 0));

  // Data.
  auto train = openData(opts, "data", "train");
  std::shared_ptr<const Dataset> val;
  if (opts.has("val-data") && opts.has("val-split"))
    fail("train: give --val-data or --val-split, not both");
  if (opts.has("val-data")) {
    Options vo = opts;
    vo.values["format"] = opts.get("val-format", opts.get("format"));
    vo.values["split"] = "test";
    val = openData(vo, "val-data", "test");
  } else if (opts.has("val-split")) {
    double f = opts.getDouble("val-split", 0);
    if (!(f > 0 && f < 1))
      fail("--val-split: expected a fraction in (0, 1), got " +
           opts.get("val-split"));
    size_t n = train->size();
    size_t nVal = size_t(std::llround(f * n));
    if (nVal == 0 || nVal >= n)
      fail("--val-split=" + opts.get("val-split") + " leaves no " +
           (nVal == 0 ? "validation" : "training") + " images out of " +
           std::to_string(n));
    std::vector<size_t> a, b;
    for (size_t i = 0; i < n; ++i)
      (i < n - nVal ? a : b).push_back(i);
    val = std::make_shared<SubsetDataset>(train, b);
    train = std::make_shared<SubsetDataset>(train, a);
  }
  const int64_t k = model.numClasses(), batch = model.batch();
  checkLabels(*train, k);
  if (val)
    checkLabels(*val, k);
  if (int64_t(train->size()) < batch)
    fail("train: the batch (" + std::to_string(batch) +
         ") is larger than the training set (" + train->describe() + ")");
  Preprocess pp = makePreprocess(opts, model, *train, true);
  Preprocess valPp = pp;
  valPp.flip = valPp.crop = false;
  const int64_t stepsPerEpoch = int64_t(train->size()) / batch;
  h.totalSteps = epochs * stepsPerEpoch;

  // State: fresh, from --weights, or from the checkpoint (--resume).
  std::string ckptPath = opts.get("checkpoint", opts.program + ".ckpt");
  {
    // Fail now rather than after the first epoch's work.
    size_t slash = ckptPath.rfind('/');
    std::string dir = slash == std::string::npos ? "." : ckptPath.substr(0, slash + 1);
    if (::access(dir.c_str(), W_OK) != 0)
      fail(ckptPath + ": cannot write the checkpoint there: " +
           std::strerror(errno));
    // A run killed while writing leaves PATH.tmp.<pid>; remove those whose
    // process is gone (the checkpoint itself is never affected).
    std::string prefix = ckptPath.substr(slash == std::string::npos ? 0 : slash + 1) + ".tmp.";
    if (DIR *d = ::opendir(dir.c_str())) {
      while (dirent *e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.compare(0, prefix.size(), prefix) != 0)
          continue;
        std::string pid = n.substr(prefix.size());
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos)
          continue;
        if (::kill(pid_t(std::atoll(pid.c_str())), 0) != 0 && errno == ESRCH)
          ::unlink((dir + (dir.back() == '/' ? "" : "/") + n).c_str());
      }
      ::closedir(d);
    }
  }
  ModelState state = loadWeights(opts, model);
  TrainingState ts;
  ts.rng = mix64(seed ^ 0x6e65747265777269ull);
  ts.optimizer = m.optimizer;
  ts.manifestHash = m.hash;
  json history = json::array();
  if (opts.has("resume")) {
    if (fileExists(ckptPath)) {
      Checkpoint ck = readCheckpoint(ckptPath);
      if (ck.state.optimizer != m.optimizer)
        fail(ckptPath + ": the checkpoint was trained with '" +
             ck.state.optimizer + "', this executable uses '" + m.optimizer +
             "'");
      if (ck.state.manifestHash != m.hash)
        std::fprintf(stderr, "warning: %s was written by a differently "
                             "compiled executable; loading tensors by name\n",
                     ckptPath.c_str());
      loadIntoState(ck, ckptPath, state, /*withOptState=*/true);
      ts.epoch = ck.state.epoch;
      ts.step = ck.state.step;
      ts.rng = ck.state.rng;
      json extra = json::parse(ck.state.configJson, nullptr, false);
      if (!extra.is_discarded() && extra.contains("history"))
        history = extra["history"];
      // Flags that change the numbers: a resumed run with other values is
      // legitimate (e.g. a lower --lr) but no longer an exact continuation.
      if (!extra.is_discarded() && extra.contains("flags")) {
        const json &old = extra["flags"];
        std::vector<std::string> names = {
            "data",   "format",   "split",        "limit",  "val-data",
            "val-split", "seed",  "augment",      "lr",     "momentum",
            "beta2",  "epsilon",  "weight-decay", "lr-schedule",
            "lr-decay", "lr-step", "warmup",      "scale",  "mean",
            "std"};
        if (opts.get("lr-schedule", "constant") != "constant")
          names.push_back("epochs"); // the schedule spans the whole run
        for (const std::string &name : names) {
          std::string before = old.value(name, std::string("<unset>"));
          std::string now = opts.get(name, "<unset>");
          if (before != now)
            std::fprintf(stderr,
                         "warning: --%s is %s, the checkpoint's run used %s; "
                         "the result will differ from an uninterrupted run\n",
                         name.c_str(), now.c_str(), before.c_str());
        }
      }
      std::fprintf(stderr, "resuming from %s (epoch %lld, step %lld)\n",
                   ckptPath.c_str(), (long long)ts.epoch, (long long)ts.step);
    } else {
      std::fprintf(stderr, "no checkpoint at %s yet: starting from scratch\n",
                   ckptPath.c_str());
    }
  }
  json flags = json::object();
  for (auto &[name, value] : opts.values)
    flags[name] = value;
  std::string logPath = opts.get("log");
  if (!logPath.empty())
    writeFileAtomic(logPath, csvOf(history));

  const char *killEnv = std::getenv("NETREWRITE_TEST_KILL_AT_STEP");
  int64_t killAt = killEnv ? std::atoll(killEnv) : -1;
  bool json_ = opts.has("json");
  if (!json_)
    std::cout << "training on " << train->describe() << ", "
              << stepsPerEpoch << " steps of " << batch << " per epoch"
              << (val ? ", validating on " + val->describe() : "") << "\n";
  if (int64_t(train->size()) % batch)
    std::fprintf(stderr,
                 "note: the last %lld images of each shuffled epoch do not fill "
                 "a batch and are skipped (the batch size is static)\n",
                 (long long)(train->size() % batch));

  std::vector<float> onehot(size_t(batch * k)), logits(size_t(batch * k));
  for (int64_t e = ts.epoch; e < epochs; ++e) {
    uint64_t r = ts.rng;
    std::vector<size_t> order = shuffledIndices(train->size(), mix64(r ^ 1));
    uint64_t augSeed = mix64(r ^ 2), dropSeed = mix64(r ^ 3);
    Metrics tm;
    double lossSum = 0;
    Progress bar("epoch " + std::to_string(e + 1) + "/" + std::to_string(epochs),
                 size_t(stepsPerEpoch * batch));
    auto start = std::chrono::steady_clock::now();
    BatchPipeline pipeline(size_t(stepsPerEpoch),
                           [&](size_t s, BatchBuffers &buf) {
                             fillBatch(*train, &order, s * size_t(batch),
                                       size_t(batch), pp, model, buf.x,
                                       buf.labels, augSeed);
                           });
    for (int64_t s = 0; s < stepsPerEpoch; ++s) {
      if (ts.step == killAt)
        std::raise(SIGKILL); // test hook: a crash in the middle of an epoch
      BatchBuffers &batchData = pipeline.next();
      const std::vector<float> &x = batchData.x;
      const std::vector<int> &labels = batchData.labels;
      std::fill(onehot.begin(), onehot.end(), 0.0f);
      for (int64_t i = 0; i < batch; ++i)
        onehot[i * k + labels[i]] = 1.0f;
      float hyper[kHyperCount] = {};
      hyper[kHyperLr] = float(h.lrAt(ts.step, e));
      hyper[kHyperStep] = float(ts.step + 1);
      hyper[kHyperMomentum] = float(h.momentum);
      hyper[kHyperBeta2] = float(h.beta2);
      hyper[kHyperEpsilon] = float(h.epsilon);
      hyper[kHyperWeightDecay] = float(h.weightDecay);
      // 24 bits: exactly representable in float32.
      hyper[kHyperDropoutSeed] = float(mix64(dropSeed + s) & 0xffffff);
      float loss = model.trainStep(state, x.data(), onehot.data(), hyper,
                                   logits.data());
      if (!std::isfinite(loss)) {
        bar.finish();
        fail("the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
             " at epoch " + std::to_string(e + 1) + ", step " +
             std::to_string(s + 1) + " (global step " +
             std::to_string(ts.step + 1) + "); training stopped. " +
             (fileExists(ckptPath) && ts.epoch > 0
                  ? "The last good checkpoint, " + ckptPath + " (epoch " +
                        std::to_string(ts.epoch) + "), is kept."
                  : std::string("No checkpoint was written.")) +
             " Try a lower --lr.");
      }
      ++ts.step;
      lossSum += loss;
      accumulate(tm, logits.data(), labels.data(), size_t(batch), k, false);
      char extra[96];
      std::snprintf(extra, sizeof extra, "loss %.4f acc %.4f",
                    lossSum / double(s + 1), tm.accuracy());
      bar.update(size_t((s + 1) * batch), extra);
    }
    bar.finish();
    double seconds = secondsSince(start);
    json entry = {{"epoch", e + 1},
                  {"train_loss", lossSum / double(stepsPerEpoch)},
                  {"train_accuracy", tm.accuracy()},
                  {"val_loss", nullptr},
                  {"val_accuracy", nullptr},
                  {"seconds", seconds},
                  {"images_per_s",
                   seconds > 0 ? double(stepsPerEpoch * batch) / seconds : 0.0}};
    if (val) {
      Metrics vm = evaluate(model, state, *val, valPp, "validate", nullptr);
      entry["val_loss"] = vm.loss();
      entry["val_accuracy"] = vm.accuracy();
    }
    history.push_back(entry);
    ts.epoch = e + 1;
    ts.rng = mix64(r + 0x9e3779b97f4a7c15ull);
    if (!logPath.empty())
      writeFileAtomic(logPath, csvOf(history));
    model.syncToHost(state); // GPU builds: weights come back once an epoch
    Checkpoint ck;
    ck.state = ts;
    ck.state.configJson = json({{"flags", flags}, {"history", history}}).dump();
    ck.tensors = state.params;
    ck.tensors.insert(ck.tensors.end(), state.optState.begin(),
                      state.optState.end());
    writeCheckpoint(ckptPath, ck);
    if (!json_) {
      char line[256];
      std::snprintf(line, sizeof line,
                    "epoch %lld/%lld: train loss %.4f accuracy %.4f",
                    (long long)(e + 1), (long long)epochs,
                    entry["train_loss"].get<double>(), tm.accuracy());
      std::cout << line;
      if (val) {
        std::snprintf(line, sizeof line, " | val loss %.4f accuracy %.4f",
                      entry["val_loss"].get<double>(),
                      entry["val_accuracy"].get<double>());
        std::cout << line;
      }
      std::snprintf(line, sizeof line, " | %.1f s, %.0f img/s", seconds,
                    entry["images_per_s"].get<double>());
      std::cout << line << "\n" << std::flush;
    }
  }

  json summary = {{"epochs", ts.epoch},
                  {"steps", ts.step},
                  {"optimizer", m.optimizer},
                  {"checkpoint", ckptPath},
                  {"history", history}};
  if (!history.empty()) {
    const json &last = history.back();
    for (const char *key : {"train_loss", "train_accuracy", "val_loss",
                            "val_accuracy", "images_per_s"})
      summary[key] = last[key];
  }
  if (!logPath.empty()) {
    std::string jsonPath = logPath;
    size_t dot = jsonPath.rfind('.');
    if (dot != std::string::npos && jsonPath.find('/', dot) == std::string::npos)
      jsonPath.erase(dot);
    writeFileAtomic(jsonPath + ".json", summary.dump(2) + "\n");
  }
  if (json_)
    std::cout << summary.dump() << "\n";
  return 0;
}
