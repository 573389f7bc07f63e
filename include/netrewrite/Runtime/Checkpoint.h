//===- Checkpoint.h - Named float32 tensors on disk -------------*- C++ -*-===//
//
// Plain C++ (no LLVM): linked into generated executables. The format is
// documented in docs/checkpoints.md. Writes are atomic (temporary file,
// fsync, rename), so a crash never leaves a half-written checkpoint under
// the final name; reads verify sizes and a checksum and report corrupt
// files with one line naming the file and what is wrong.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_CHECKPOINT_H
#define NETREWRITE_RUNTIME_CHECKPOINT_H

#include <cstdint>
#include <string>
#include <vector>

namespace netrewrite::runtime {

struct NamedTensor {
  std::string name; ///< The layer/parameter name (from the op's NameLoc).
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// Writes `tensors` (unique, non-empty names) to `path` atomically.
bool writeCheckpoint(const std::string &path,
                     const std::vector<NamedTensor> &tensors,
                     std::string &error);

/// Reads every tensor of `path`, verifying structure and checksum.
bool readCheckpoint(const std::string &path, std::vector<NamedTensor> &tensors,
                    std::string &error);

/// Checks that `have` provides exactly the tensors `want` describes (same
/// names, same shapes), so a checkpoint of another model is refused with the
/// first difference. Data in `want` is ignored.
bool matchCheckpoint(const std::string &path,
                     const std::vector<NamedTensor> &have,
                     const std::vector<NamedTensor> &want, std::string &error);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_CHECKPOINT_H
