//===- RuntimeUnitTests.cpp - Unit tests of the runtime's building blocks -===//
//
// Each test prints "PASS <name>" or "FAIL <name>: why"; unit-tests.test
// checks the lines with FileCheck.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Runtime/Checkpoint.h"
#include "netrewrite/Runtime/Dataset.h"
#include "netrewrite/Runtime/Error.h"
#include "netrewrite/Runtime/Model.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

using namespace netrewrite::runtime;

static int failures = 0;
static void check(bool ok, const char *name, const std::string &why = "") {
  std::printf("%s %s%s\n", ok ? "PASS" : "FAIL", name,
              ok ? "" : (": " + why).c_str());
  failures += !ok;
}

// A function with many pointer arguments: records what it received.
static void *seen[40];
extern "C" void take20(void *a0, void *a1, void *a2, void *a3, void *a4,
                       void *a5, void *a6, void *a7, void *a8, void *a9,
                       void *a10, void *a11, void *a12, void *a13, void *a14,
                       void *a15, void *a16, void *a17, void *a18, void *a19) {
  void *all[] = {a0,  a1,  a2,  a3,  a4,  a5,  a6,  a7,  a8,  a9,
                 a10, a11, a12, a13, a14, a15, a16, a17, a18, a19};
  std::memcpy(seen, all, sizeof all);
}
extern "C" void take7(void *a0, void *a1, void *a2, void *a3, void *a4,
                      void *a5, void *a6) {
  void *all[] = {a0, a1, a2, a3, a4, a5, a6};
  std::memcpy(seen, all, sizeof all);
}
extern "C" void take2(void *a0, void *a1) {
  seen[0] = a0;
  seen[1] = a1;
}

extern "C" void memrefCopy(int64_t elemSize, void *src, void *dst);

int main(int argc, char **argv) {
  std::string tmp = argc > 1 ? argv[1] : "/tmp";

  // The trampoline passes register and stack arguments in order, for even
  // and odd numbers of stack arguments.
  for (size_t n : {size_t(2), size_t(7), size_t(20)}) {
    void *args[20];
    for (size_t i = 0; i < n; ++i)
      args[i] = reinterpret_cast<void *>(0x1000 + 8 * i);
    std::memset(seen, 0, sizeof seen);
    void *fn = n == 2 ? (void *)&take2 : n == 7 ? (void *)&take7 : (void *)&take20;
    callWithPointers(fn, args, n);
    bool ok = true;
    for (size_t i = 0; i < n; ++i)
      ok &= seen[i] == args[i];
    check(ok, ("call-pointers-" + std::to_string(n)).c_str());
  }

  // Shuffles are permutations, depend on the seed and only on it.
  {
    auto a = shuffledIndices(1000, 42), b = shuffledIndices(1000, 42),
         c = shuffledIndices(1000, 43);
    auto s = a;
    std::sort(s.begin(), s.end());
    bool perm = true;
    for (size_t i = 0; i < s.size(); ++i)
      perm &= s[i] == i;
    check(perm && a == b && a != c, "shuffle");
  }

  // Resizing to the same size is the identity; a constant image stays
  // constant; 2x2 -> 4x4 matches the half-pixel-centre formula.
  {
    std::vector<float> img(5 * 7 * 3), out(5 * 7 * 3);
    for (size_t i = 0; i < img.size(); ++i)
      img[i] = float(i % 17);
    resizeBilinear(img.data(), 5, 7, 3, out.data(), 5, 7);
    check(img == out, "resize-identity");
    float in[4] = {0, 1, 2, 3}, up[16];
    resizeBilinear(in, 2, 2, 1, up, 4, 4);
    // Row 0: x = 0, 0.25, 0.75, 1 in source units.
    check(up[0] == 0 && up[1] == 0.25f && up[2] == 0.75f && up[3] == 1 &&
              up[15] == 3,
          "resize-upsample");
  }

  // Checkpoints round-trip, and damage is detected.
  {
    Checkpoint ck;
    ck.state.epoch = 3;
    ck.state.step = 42;
    ck.state.rng = 0xfedcba9876543210ull;
    ck.state.optimizer = "adam";
    ck.state.manifestHash = 0x0123456789abcdefull;
    ck.tensors.push_back({"a/kernel", "trainable", {2, 3}, {1, 2, 3, 4, 5, 6}});
    ck.tensors.push_back({"b", "opt_state", {}, {7}});
    std::string path = tmp + "/unit.ckpt";
    writeCheckpoint(path, ck);
    Checkpoint back = readCheckpoint(path);
    check(back.state.epoch == 3 && back.state.step == 42 &&
              back.state.rng == ck.state.rng && back.state.optimizer == "adam" &&
              back.state.manifestHash == ck.state.manifestHash &&
              back.tensors.size() == 2 && back.tensors[0].data == ck.tensors[0].data &&
              back.tensors[0].shape == ck.tensors[0].shape &&
              back.tensors[1].data == ck.tensors[1].data,
          "checkpoint-roundtrip");
    // Flip one data byte: the CRC catches it.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    std::streamoff size = f.tellg();
    f.seekp(size - 20);
    f.put('\x55');
    f.close();
    try {
      readCheckpoint(path);
      check(false, "checkpoint-corrupt", "no error");
    } catch (const RuntimeError &e) {
      check(std::string(e.what()).find("CRC") != std::string::npos,
            "checkpoint-corrupt", e.what());
    }
  }
  // memrefCopy: a transposed (strided) 3x4 view into a contiguous 4x3.
  {
    float a[12], b[12] = {};
    for (int i = 0; i < 12; ++i)
      a[i] = float(i);
    int64_t srcDesc[7] = {int64_t(a), int64_t(a), 0, 4, 3, 1, 4};
    int64_t dstDesc[7] = {int64_t(b), int64_t(b), 0, 4, 3, 3, 1};
    struct {
      int64_t rank;
      void *desc;
    } src = {2, srcDesc}, dst = {2, dstDesc};
    memrefCopy(sizeof(float), &src, &dst);
    bool ok = true;
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 3; ++c)
        ok &= b[r * 3 + c] == a[c * 4 + r];
    check(ok, "memref-copy-strided");
  }
  return failures ? 1 : 0;
}
