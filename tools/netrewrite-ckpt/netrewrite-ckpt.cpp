//===- netrewrite-ckpt.cpp - Create and inspect checkpoints ---------------===//
//
//   netrewrite-ckpt pack OUT.ckpt NAME=@x.npy ...   (write a checkpoint)
//   netrewrite-ckpt list CKPT                        (names and shapes)
//   netrewrite-ckpt unpack CKPT NAME OUT.npy         (one tensor to .npy)
//   netrewrite-ckpt check CKPT MODEL.ckpt            (same names and shapes)
//
// Plain C++ over lib/Runtime, like the generated executables.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Checkpoint.h"
#include "netrewrite/Runtime/Npy.h"

#include <cstdio>
#include <string>

using namespace netrewrite::runtime;

static int fail(const std::string &m) {
  std::fprintf(stderr, "netrewrite-ckpt: error: %s\n", m.c_str());
  return 1;
}

int main(int argc, char **argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  std::string error;
  if (cmd == "pack" && argc >= 3) {
    std::vector<NamedTensor> tensors;
    for (int i = 3; i < argc; ++i) {
      std::string arg = argv[i];
      size_t eq = arg.find('=');
      if (eq == std::string::npos || eq == 0)
        return fail("'" + arg + "': expected NAME=@file.npy");
      std::string file = arg.substr(eq + 1);
      if (!file.empty() && file[0] == '@')
        file = file.substr(1);
      NpyArray a;
      if (!readNpy(file, a, error))
        return fail(error);
      tensors.push_back({arg.substr(0, eq), a.shape, std::move(a.data)});
    }
    if (!writeCheckpoint(argv[2], tensors, error))
      return fail(error);
    return 0;
  }
  if (cmd == "list" && argc == 3) {
    std::vector<NamedTensor> tensors;
    if (!readCheckpoint(argv[2], tensors, error))
      return fail(error);
    for (const NamedTensor &t : tensors) {
      NpyArray a{t.shape, {}};
      std::printf("%s %s\n", t.name.c_str(), a.shapeString().c_str());
    }
    return 0;
  }
  if (cmd == "unpack" && argc == 5) {
    std::vector<NamedTensor> tensors;
    if (!readCheckpoint(argv[2], tensors, error))
      return fail(error);
    for (const NamedTensor &t : tensors)
      if (t.name == argv[3]) {
        NpyArray a{t.shape, t.data};
        if (!writeNpy(argv[4], a, error))
          return fail(error);
        return 0;
      }
    return fail(std::string(argv[2]) + ": no tensor '" + argv[3] + "'");
  }
  if (cmd == "check" && argc == 4) {
    std::vector<NamedTensor> have, want;
    if (!readCheckpoint(argv[2], have, error) ||
        !readCheckpoint(argv[3], want, error) ||
        !matchCheckpoint(argv[2], have, want, error))
      return fail(error);
    return 0;
  }
  return fail("usage: netrewrite-ckpt pack OUT.ckpt NAME=@x.npy... | list "
              "CKPT | unpack CKPT NAME OUT.npy | check CKPT MODEL.ckpt");
}
