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

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace netrewrite::runtime {

struct RuntimeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string &message) {
  throw RuntimeError(message);
}

/// Throws "<where>: <what>", where `where` is the file (or flag) at fault.
[[noreturn]] inline void failAt(const std::string &where,
                                const std::string &what) {
  fail(where + ": " + what);
}

/// The .npy functions report through a string instead (netrewrite-run calls
/// them from LLVM code built without exceptions): sets `error` to
/// "<where>: <what>" and returns false.
inline bool reportAt(std::string &error, const std::string &where,
                     const std::string &what) {
  error = where + ": " + what;
  return false;
}

/// "<what>: <the C library's reason for the last failed call>". Takes a
/// plain string so that nothing runs, and touches errno, before it is read.
inline std::string withErrno(const char *what) {
  int code = errno;
  return std::string(what) + ": " + std::strerror(code);
}

/// "truncated" or "has trailing bytes": how a file of `have` bytes differs
/// from the `need` its header announces.
inline std::string sizeMismatch(uint64_t have, uint64_t need) {
  return have < need ? "truncated" : "has trailing bytes";
}

} // namespace netrewrite::runtime

#endif // NETREWRITE_RUNTIME_ERROR_H
