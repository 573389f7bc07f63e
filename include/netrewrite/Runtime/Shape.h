//===- Shape.h - Shapes as the runtime prints and sizes them ----*- C++ -*-===//
//
// Plain C++ (no LLVM). Arrays read from .npy files, tensors of the model's
// manifest and checkpoint entries all describe themselves the same way.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_SHAPE_H
#define NETREWRITE_RUNTIME_SHAPE_H

#include <cstdint>
#include <string>
#include <vector>

namespace netrewrite::runtime {

/// The product of the dimensions (1 for a scalar).
inline int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// "2x3x4", or "scalar" for rank 0.
inline std::string shapeString(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_SHAPE_H
