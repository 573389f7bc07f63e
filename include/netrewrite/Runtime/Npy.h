//===- Npy.h - Reading and writing numpy .npy arrays ------------*- C++ -*-===//
//
// Plain C++ (no LLVM), because the runtime links into generated executables.
// Only float32, C-order arrays are accepted: that is what the toolchain
// computes with, and silently converting other dtypes hides mistakes.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_NPY_H
#define NETREWRITE_RUNTIME_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace netrewrite::runtime {

/// A dense float32 array in C (row-major) order.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;

  int64_t numElements() const;
  std::string shapeString() const; ///< "2x3x4", or "scalar" for rank 0.
};

/// Reads `path`. On failure returns false and sets `error` to one line that
/// starts with the file name and says what is wrong.
bool readNpy(const std::string &path, NpyArray &array, std::string &error);

/// Reads only the header of `path`: its shape and the byte offset of the
/// first float32 value, so large arrays can be streamed record by record.
bool readNpyHeader(const std::string &path, std::vector<int64_t> &shape,
                   int64_t &dataOffset, std::string &error);

/// Reads any little-endian integer, bool or float array as doubles (for
/// label files, which numpy writes as int64 or uint8).
bool readNpyAsDouble(const std::string &path, std::vector<int64_t> &shape,
                     std::vector<double> &values, std::string &error);

/// Writes `array` to `path` atomically (a temporary file renamed into place),
/// so a failure never leaves a half-written file behind.
bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error);

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_NPY_H
