//===- MemrefCopy.cpp - memrefCopy for compiled models --------------------===//
//
// Lowered memref.copy ops between non-contiguous memrefs call `memrefCopy`,
// which MLIR ships in libmlir_c_runner_utils.so. Providing it here keeps the
// generated executables free of that run-time dependency. It is its own
// archive member, so it is linked only when a model needs it, and a model
// linked against libmlir_c_runner_utils.so as well still links (the archive
// member wins only when it is pulled in first).
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

/// View of a ranked descriptor {allocated, aligned, offset, sizes, strides}.
struct Ranked {
  char *aligned;
  int64_t offset;
  const int64_t *sizes;
  const int64_t *strides;
  explicit Ranked(void *d) {
    auto *words = static_cast<int64_t *>(d);
    aligned = reinterpret_cast<char *>(words[1]);
    offset = words[2];
    sizes = words + 3;
    strides = nullptr; // set by the caller, which knows the rank
  }
};
} // namespace

extern "C" void memrefCopy(int64_t elemSize, UnrankedMemRef *srcArg,
                           UnrankedMemRef *dstArg) {
  int64_t rank = srcArg->rank;
  Ranked src(srcArg->descriptor), dst(dstArg->descriptor);
  src.strides = src.sizes + rank;
  dst.strides = dst.sizes + rank;
  char *s = src.aligned + src.offset * elemSize;
  char *d = dst.aligned + dst.offset * elemSize;
  if (rank == 0) {
    std::memcpy(d, s, elemSize);
    return;
  }
  for (int64_t i = 0; i < rank; ++i)
    if (src.sizes[i] == 0)
      return;
  // Walk the index space like an odometer; the innermost dimension is
  // copied in one memcpy when both sides are contiguous there.
  bool innerContiguous = src.strides[rank - 1] == 1 && dst.strides[rank - 1] == 1;
  int64_t inner = innerContiguous ? src.sizes[rank - 1] : 1;
  int64_t outerRank = innerContiguous ? rank - 1 : rank;
  std::vector<int64_t> idx(rank, 0);
  while (true) {
    int64_t so = 0, doff = 0;
    for (int64_t i = 0; i < outerRank; ++i) {
      so += idx[i] * src.strides[i];
      doff += idx[i] * dst.strides[i];
    }
    std::memcpy(d + doff * elemSize, s + so * elemSize, inner * elemSize);
    int64_t i = outerRank - 1;
    for (; i >= 0; --i) {
      if (++idx[i] < src.sizes[i])
        break;
      idx[i] = 0;
    }
    if (i < 0)
      return;
  }
}
