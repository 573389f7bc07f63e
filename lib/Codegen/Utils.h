//===- Utils.h - Helpers the Codegen passes share ---------------*- C++ -*-===//

#ifndef NETREWRITE_LIB_CODEGEN_UTILS_H
#define NETREWRITE_LIB_CODEGEN_UTILS_H

#include "mlir/IR/Attributes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace netrewrite::codegen {

/// The largest divisor of `n` that is at most `cap`, preferring multiples of
/// `multiple` (vector width) when one exists: tiles that divide the static
/// sizes need no masking.
int64_t tileFor(int64_t n, int64_t cap, int64_t multiple = 1);

/// The dimensions with more than one element, in order: where vectors and
/// row tiles go (unit dimensions, such as batch 1, are left alone).
llvm::SmallVector<unsigned> nonUnitDims(llvm::ArrayRef<int64_t> ranges);

/// The float32 values of a constant (dense elements, or a `dense_resource`
/// blob read in place); `storage` holds them when they must be unpacked.
std::optional<llvm::ArrayRef<float>> floatData(mlir::Attribute attr,
                                               std::vector<float> &storage);

} // namespace netrewrite::codegen

#endif // NETREWRITE_LIB_CODEGEN_UTILS_H
