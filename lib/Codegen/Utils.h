//===- Utils.h - Helpers the Codegen passes share ---------------*- C++ -*-===//

#ifndef NETREWRITE_LIB_CODEGEN_UTILS_H
#define NETREWRITE_LIB_CODEGEN_UTILS_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Operation.h"
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

/// Below this many elements a memory-bound op (element-wise, reduction of
/// an element-wise expression, copy), whose iteration is a load and a store
/// rather than a multiply-add, runs on one thread: 2^18 of them (1 MB of
/// floats, about 100 us of one core). Session 5 chose 2^20 on a loaded
/// machine (2^20 and 2^18 both 5-10% faster than 2^22 on MobileNetV2@128's
/// training step, 2^20 with the lower CPU time), when every parallel loop
/// had a dynamic schedule. With static schedules (session 8) 2^18 trains
/// MobileNetV2@128 9% faster than 2^20 (batch 32, 2 threads: 154.6-159.6 ->
/// 171.8-172.6 img/s), VGG16@64 the same, and evaluation is unchanged
/// (batch 1 and 32). Used by netrewrite-schedule-cpu and
/// netrewrite-schedule-buffers-cpu alike.
constexpr int64_t kMinParallelMemoryBound = 1 << 18;

/// Whether `op` is in a function whose ops all run on the calling thread
/// (netrewrite::kSerialFunctionAttr: netrewrite-split-batch's per-image
/// trunk, itself called from a parallel loop over the images).
bool inSerialFunction(mlir::Operation *op);

/// The fewest input and output channels of a convolution that
/// netrewrite-winograd-conv rewrites by default (its `min-channels`).
constexpr int64_t kWinogradMinChannels = 128;

/// Whether netrewrite-winograd-conv rewrites a convolution with a constant
/// filter of these static sizes: 3x3, unit strides and dilations, and at
/// least `minChannels` input and output channels. (An odd output height or
/// width is computed one larger and cropped.)
bool winogradApplies(int64_t kernelH, int64_t kernelW,
                     llvm::ArrayRef<int64_t> strides,
                     llvm::ArrayRef<int64_t> dilations, int64_t channels,
                     int64_t filters, int64_t outH, int64_t outW,
                     int64_t minChannels = kWinogradMinChannels);

/// The float32 values of a constant (dense elements, or a `dense_resource`
/// blob read in place); `storage` holds them when they must be unpacked.
std::optional<llvm::ArrayRef<float>> floatData(mlir::Attribute attr,
                                               std::vector<float> &storage);

/// The transform script a schedule pass generated for `op`
/// (`@__transform_main(%root, %op, ...)`), parsed; null, with an error on
/// `anchor`, when it does not parse (a bug in its generator). With `print`
/// (the passes' print-schedules), the script goes to stderr first, headed
/// by the op and its location.
mlir::OwningOpRef<mlir::ModuleOp> parseSchedule(mlir::Operation *anchor,
                                                mlir::Operation *op,
                                                llvm::StringRef script,
                                                bool print);

/// Applies a parsed schedule to `root`, the script's arguments after the
/// root bound to `args` (one op each: the op to schedule and what is fused
/// with it, handed in rather than found with transform.structured.match,
/// which would walk the whole function for every op). The interpreter's
/// expensive checks (handle invalidation, re-verifying the payload after
/// each transform) are off: they walk the whole function every time, and a
/// function is scheduled one op at a time, quadratic in a training step's
/// thousands of ops (MobileNetV2@128's @train_step spent most of its
/// compile time there); the scripts are generated, fixed and tested.
mlir::LogicalResult applySchedule(mlir::Operation *root,
                                  llvm::ArrayRef<mlir::Operation *> args,
                                  mlir::ModuleOp script);

/// The number of `op`'s parallel loops when they all come before its
/// reduction loops (the order netrewrite-reductions-inner establishes and
/// netrewrite-split-reductions expects); nullopt otherwise.
std::optional<unsigned> leadingParallelLoops(mlir::linalg::LinalgOp op);

/// Rewrites `op` (on buffers, static shapes, one output, at most
/// `maxOutputs` output elements, some reduction) into loops over its
/// reduction dimensions that carry every output element as an iteration
/// argument: each is loaded before the loops and stored after them, so it
/// stays in a register (netrewrite-schedule-cuda's per-thread tiles). Fails,
/// leaving `op` alone, when it does not qualify.
mlir::LogicalResult accumulateInRegisters(mlir::linalg::LinalgOp op,
                                          int64_t maxOutputs);

/// `offset / block` as an index value built at `b`, when `offset` is
/// provably a multiple of `block`: a constant, an affine.apply whose result
/// is a multiple (the offsets `tile_using_forall` makes), or the induction
/// variable of a loop whose lower bound and step are multiples (the offsets
/// `tile_using_for` makes). Otherwise null. Used by
/// netrewrite-pack-filter-tiles and netrewrite-pack-filter-values.
mlir::Value blockIndex(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::OpFoldResult offset, int64_t block);

/// The weight block a slice reads: `extract_slice %w[0, ..., 0, f0]
/// [d0, ..., b] [1, ..., 1]` of a static f32 tensor of type `type` with
/// every leading dimension whole, b < F and F % b == 0. Rank 4: an HWCF
/// filter read one block of output channels per tile; rank 2: a matmul's
/// k x n weight read one panel of output columns per tile.
std::optional<int64_t> filterBlock(mlir::tensor::ExtractSliceOp slice,
                                   mlir::RankedTensorType type);

/// Replaces `slice` (a block `filterBlock` accepted, `block` wide) by the
/// rank-reducing slice `[index, 0, ..., 0] [1, d0, ..., block]` of
/// `packed`, the same values stored as `[F / block][d0]...[block]`: the
/// tile sees the slice type it had.
void replaceWithPackedBlock(mlir::OpBuilder &b,
                            mlir::tensor::ExtractSliceOp slice,
                            mlir::Value packed, mlir::Value index,
                            int64_t block);

} // namespace netrewrite::codegen

#endif // NETREWRITE_LIB_CODEGEN_UTILS_H
