//===- CommandLine.h - Internals shared by the executable's subcommands ---===//
//
// Not installed: only Executable.cpp and Train.cpp include it.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_LIB_RUNTIME_COMMANDLINE_H
#define NETREWRITE_LIB_RUNTIME_COMMANDLINE_H

#include "netrewrite/Runtime/Dataset.h"
#include "netrewrite/Runtime/Model.h"

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace netrewrite::runtime::cli {

/// Parsed flags of one subcommand. Accepts `--name=value` and `--name value`.
struct Options {
  std::string program; ///< argv[0]'s file name
  std::string command;
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;

  bool has(const std::string &name) const { return values.count(name); }
  std::string get(const std::string &name, const std::string &def = "") const;
  int64_t getInt(const std::string &name, int64_t def, int64_t min) const;
  double getDouble(const std::string &name, double def) const;
  /// A comma-separated list of numbers (--mean=0.485,0.456,0.406).
  std::vector<float> getFloats(const std::string &name) const;
};

/// Parses argv[2..] against `flags` (name -> takes a value).
Options parseOptions(const std::string &command, int argc, char **argv,
                     const std::map<std::string, bool> &flags);

/// --threads: exported to the compiled code's thread pool.
void applyThreads(const Model &model, const Options &opts);

/// Opens --data with --format/--split (default `defaultSplit`) and --limit.
std::shared_ptr<const Dataset> openData(const Options &opts,
                                        const std::string &dataFlag,
                                        const std::string &defaultSplit);

/// --resize/--scale/--mean/--std/--augment against the model's input.
Preprocess makePreprocess(const Options &opts, const Model &model,
                          const Dataset &data, bool allowAugment);

/// --batch must equal the compiled batch.
void checkBatch(const Options &opts, const Model &model);

/// Parameters: from --weights (by name) or init_params.
ModelState loadWeights(const Options &opts, const Model &model);

/// Fills x (B*H*W*C) with images [begin, begin+n) of `order` (or identity)
/// and zero-pads the rest of the batch; labels get -1 for padding.
void fillBatch(const Dataset &data, const std::vector<size_t> *order,
               size_t begin, size_t n, const Preprocess &pp, const Model &model,
               std::vector<float> &x, std::vector<int> &labels,
               uint64_t augmentSeed);

/// One batch of model input and its labels.
struct BatchBuffers {
  std::vector<float> x;
  std::vector<int> labels;
};

/// Prepares batch i+1 on a second thread while the model runs on batch i.
/// Batches are pure functions of their index, so the overlap changes no
/// number; an error in the worker is rethrown by next().
class BatchPipeline {
public:
  using Fill = std::function<void(size_t batchIndex, BatchBuffers &out)>;
  BatchPipeline(size_t numBatches, Fill fill)
      : numBatches_(numBatches), fill_(std::move(fill)) {}
  ~BatchPipeline() {
    if (pending_.valid())
      pending_.wait();
  }
  /// The next batch, in order; valid until the following call.
  BatchBuffers &next();

private:
  size_t numBatches_, current_ = 0;
  Fill fill_;
  BatchBuffers buffers_[2];
  std::future<void> pending_;
};

/// Running classification metrics.
struct Metrics {
  double lossSum = 0;
  int64_t correct = 0, top5 = 0, count = 0;
  double loss() const { return count ? lossSum / count : 0; }
  double accuracy() const { return count ? double(correct) / count : 0; }
  double top5Accuracy() const { return count ? double(top5) / count : 0; }
};

/// Whether forward returns probabilities (decided once, from the manifest or
/// the first batch).
bool outputsAreProbabilities(const Model &model, const float *out, size_t rows);

/// Adds `rows` rows of outputs with their labels (-1 rows are skipped).
void accumulate(Metrics &m, const float *out, const int *labels, size_t rows,
                int64_t k, bool probabilities);

/// Evaluates `data` with forward; shows a progress bar titled `title`.
Metrics evaluate(const Model &model, const ModelState &state,
                 const Dataset &data, const Preprocess &pp,
                 const std::string &title, double *seconds);

/// A one-line progress bar on stderr, shown on a terminal (or when
/// NETREWRITE_PROGRESS=1), redrawn at most ten times a second; into a file,
/// one plain line a minute (none with NETREWRITE_PROGRESS=0).
class Progress {
public:
  Progress(std::string title, size_t total);
  void update(size_t done, const std::string &extra);
  void finish();

private:
  std::string title_;
  size_t total_;
  bool enabled_;
  bool logLines_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

double secondsSince(std::chrono::steady_clock::time_point t);

int runTrain(const Model &model, const Options &opts);

} // namespace netrewrite::runtime::cli

#endif
