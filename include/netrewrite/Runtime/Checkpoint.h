//===- Checkpoint.h - Named tensors plus training state ---------*- C++ -*-===//
//
// Plain C++ (no LLVM). The format (docs/runtime.md): an 8-byte magic
// "NRCKPT01", a little-endian uint64 header length, a JSON header (training
// state and a table of tensors), the float32 data, a CRC-32 of everything
// before it and the 8-byte end marker "NRCKEND1". Written atomically
// (temporary file, fsync, rename, fsync of the directory), so a crash at any
// moment leaves either the old checkpoint or the new one.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_CHECKPOINT_H
#define NETREWRITE_RUNTIME_CHECKPOINT_H

#include "netrewrite/Runtime/Model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace netrewrite::runtime {

struct TrainingState {
  int64_t epoch = 0; ///< completed epochs
  int64_t step = 0;  ///< completed optimizer steps
  uint64_t rng = 0;  ///< the run's random state at the end of `epoch`
  std::string optimizer;
  uint64_t manifestHash = 0;
  std::string configJson = "{}"; ///< the flags of the run, for --resume checks
};

struct Checkpoint {
  TrainingState state;
  std::vector<NamedTensor> tensors;
};

/// Throws RuntimeError on any I/O failure; never leaves a partial file.
void writeCheckpoint(const std::string &path, const Checkpoint &ckpt);

/// Throws RuntimeError naming the file and what is wrong (bad magic,
/// truncated, CRC mismatch, malformed header).
Checkpoint readCheckpoint(const std::string &path);

/// Copies the checkpoint's tensors into `state` by name. Throws naming the
/// tensor and the expected/actual shapes when they disagree, and when a
/// tensor the model needs is missing. `withOptState` also restores the
/// optimizer slots (train --resume), otherwise only the parameters.
void loadIntoState(const Checkpoint &ckpt, const std::string &path,
                   ModelState &state, bool withOptState);

/// Writes `contents` to `path` atomically (temp + fsync + rename).
void writeFileAtomic(const std::string &path, const std::string &contents);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_CHECKPOINT_H
