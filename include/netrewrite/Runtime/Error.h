//===- Error.h - The runtime's one error type -------------------*- C++ -*-===//
//
// The runtime reports every user-facing failure by throwing RuntimeError with
// one line that names the file (or flag) and what is wrong; the executable's
// main prints it as "error: ..." and exits 1. Exceptions keep the readers and
// the training loop free of error plumbing, and nothing is half-written
// because every output goes through a temporary file and a rename.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_RUNTIME_ERROR_H
#define NETREWRITE_RUNTIME_ERROR_H

#include <stdexcept>
#include <string>

namespace netrewrite::runtime {

struct RuntimeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string &message) {
  throw RuntimeError(message);
}

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_ERROR_H
