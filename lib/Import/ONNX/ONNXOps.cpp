//===- ONNXOps.cpp - One converter per ONNX operator -----------------------===//
//
// Each converter reads the current node through ONNXImporter (inputs in the
// layout it wants, attributes with their ONNX defaults) and defines the
// node's outputs. Window ops (Conv, pools, BatchNorm, Resize) work in NHWC;
// elementwise ops keep whatever layout their inputs have; ops whose meaning
// depends on the memory order (Flatten, Reshape, Softmax, ...) work on the
// logical ONNX layout.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "llvm/ADT/StringMap.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace netrewrite::importer;
using namespace netrewrite::onnximport;

namespace {

using Converter = LogicalResult (*)(ONNXImporter &);

/// Physical NHWC axis of a logical NCHW axis.
int64_t nhwcAxis(int64_t axis) {
  static const int64_t map[4] = {0, 3, 1, 2};
  return map[axis];
}

LogicalResult requireRank4(ONNXImporter &im, StringRef what) {
  size_t rank = im.inputShape(0).size();
  if (rank != 4)
    return im.nodeError() << "unsupported: only 1-D and 2-D " << what
                          << " (3-D or 4-D input) is supported; the input "
                             "has rank "
                          << rank;
  return success();
}

/// Window geometry of Conv/pools in TOSA terms.
struct Window {
  HW kernel{1, 1}, stride{1, 1}, dilation{1, 1};
  Pad4 pad{0, 0, 0, 0}; ///< top, bottom, left, right
  HW crop{0, 0};        ///< trailing input rows/cols no window reaches
};

/// Reads strides/dilations/pads/auto_pad/ceil_mode and makes the result fit
/// TOSA, which wants (in + pads - effective kernel) divisible by the stride:
/// padding (or input) no output reaches is trimmed, which is exact.
FailureOr<Window> readWindow(ONNXImporter &im, ArrayRef<int64_t> inHW,
                             HW kernel, bool allowCeil) {
  Window w;
  w.kernel = kernel;
  SmallVector<int64_t> strides = im.attrInts("strides"),
                       dilations = im.attrInts("dilations"),
                       pads = im.attrInts("pads");
  if (!strides.empty() && strides.size() != 2)
    return im.nodeError() << "strides must have 2 values";
  if (!dilations.empty() && dilations.size() != 2)
    return im.nodeError() << "dilations must have 2 values";
  if (!pads.empty() && pads.size() != 4)
    return im.nodeError() << "pads must have 4 values";
  if (!strides.empty())
    w.stride = {strides[0], strides[1]};
  if (!dilations.empty())
    w.dilation = {dilations[0], dilations[1]};
  if (!pads.empty())
    w.pad = {pads[0], pads[2], pads[1], pads[3]};
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  bool ceil = im.attrInt("ceil_mode", 0) != 0;
  if (ceil && !allowCeil)
    return im.nodeError() << "unsupported attribute value ceil_mode=1";
  for (int a = 0; a < 2; ++a) {
    int64_t in = inHW[a], s = w.stride[a];
    int64_t keff = (w.kernel[a] - 1) * w.dilation[a] + 1;
    int64_t &before = w.pad[2 * a], &after = w.pad[2 * a + 1];
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + keff - in);
      before = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      after = total - before;
    } else if (autoPad == "VALID") {
      before = after = 0;
    } else if (autoPad != "NOTSET") {
      return im.nodeError() << "unsupported attribute value auto_pad='"
                            << autoPad << "'";
    }
    int64_t span = in + before + after - keff;
    if (span < 0)
      return im.nodeError() << "shape mismatch: the window (" << keff
                            << ") is larger than the padded input ("
                            << in + before + after << ")";
    if (ceil) {
      int64_t out = (span + s - 1) / s + 1;
      // PyTorch/ONNX: the last window must start inside input + left pad.
      if ((out - 1) * s >= in + before)
        --out;
      after += std::max<int64_t>(0, (out - 1) * s + keff - (in + before + after));
      span = in + before + after - keff;
    }
    int64_t rem = span % s;
    if (rem) {
      int64_t fromPad = std::min(rem, after);
      after -= fromPad;
      w.crop[a] = rem - fromPad;
    }
  }
  return w;
}

Value cropInput(ONNXImporter &im, Value x, const Window &w) {
  if (!w.crop[0] && !w.crop[1])
    return x;
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(x);
  return im.tb().slice(x, {0, 0, 0, 0},
                       {s[0], s[1] - w.crop[0], s[2] - w.crop[1], s[3]});
}

/// Input k as an SSA value with `perm` applied (constants are permuted on
/// the host, so weights are stored in TOSA's layout).
Value permuted(ONNXImporter &im, size_t k, ArrayRef<int64_t> perm,
               ArrayRef<int64_t> reshapeFirst = {}) {
  if (const HostTensor *t = im.inputConst(k)) {
    HostTensor h = *t;
    if (!reshapeFirst.empty())
      h.shape.assign(reshapeFirst.begin(), reshapeFirst.end());
    return im.materialize(permute(h, perm), im.node().input(k));
  }
  Value v = im.logical(k);
  if (!reshapeFirst.empty())
    v = im.tb().reshape(v, reshapeFirst);
  SmallVector<int32_t> p(perm.begin(), perm.end());
  return im.tb().transpose(v, p);
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

LogicalResult convertConv(ONNXImporter &im) {
  if (failed(im.checkAttrs({"auto_pad", "dilations", "group", "kernel_shape",
                            "pads", "strides"})) ||
      failed(requireRank4(im, "convolution")))
    return failure();
  ArrayRef<int64_t> xs = im.inputShape(0), ws = im.inputShape(1);
  int64_t group = im.attrInt("group", 1);
  if (ws.size() != 4)
    return im.nodeError() << "shape mismatch: the weight has rank "
                          << ws.size() << ", expected 4";
  int64_t c = xs[1], m = ws[0];
  if (group <= 0 || c % group || m % group || ws[1] * group != c)
    return im.nodeError() << "shape mismatch: input channels " << c
                          << ", weight " << ws[0] << "x" << ws[1]
                          << " and group " << group << " do not agree";
  if (im.hasInput(2) && im.inputShape(2) != ArrayRef<int64_t>{m})
    return im.nodeError() << "shape mismatch: the bias must have " << m
                          << " elements";
  SmallVector<int64_t> ks = im.attrInts("kernel_shape");
  if (!ks.empty() && (ks.size() != 2 || ks[0] != ws[2] || ks[1] != ws[3]))
    return im.nodeError() << "shape mismatch: kernel_shape disagrees with "
                             "the weight";
  FailureOr<Window> w = readWindow(im, xs.drop_front(2), {ws[2], ws[3]}, false);
  if (failed(w))
    return failure();
  TosaBuilder &tb = im.tb();
  Value x = cropInput(im, im.nhwc(0), *w);
  Value bias = im.hasInput(2) ? im.logical(2) : Value();
  if (group == 1) {
    Value wt = permuted(im, 1, {0, 2, 3, 1}); // OIHW -> OHWI
    return im.setNHWC(0, tb.conv2d(x, wt, bias, w->pad, w->stride,
                                   w->dilation));
  }
  if (ws[1] == 1 && group == c) {
    // Depthwise: [C*M, 1, kH, kW] -> [C, M, kH, kW] -> HWCM.
    Value wt = permuted(im, 1, {2, 3, 0, 1}, {c, m / c, ws[2], ws[3]});
    return im.setNHWC(0, tb.depthwiseConv2d(x, wt, bias, w->pad, w->stride,
                                            w->dilation));
  }
  // Grouped: one conv per group on a channel slice, then concatenate.
  Value wt = permuted(im, 1, {0, 2, 3, 1});
  ArrayRef<int64_t> xsh = TosaBuilder::shapeOf(x);
  int64_t cg = c / group, mg = m / group;
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value xg = tb.slice(x, {0, 0, 0, g * cg}, {xsh[0], xsh[1], xsh[2], cg});
    Value wg = tb.slice(wt, {g * mg, 0, 0, 0}, {mg, ws[2], ws[3], cg});
    Value bg = bias ? tb.slice(bias, {g * mg}, {mg}) : Value();
    parts.push_back(tb.conv2d(xg, wg, bg, w->pad, w->stride, w->dilation));
  }
  return im.setNHWC(0, tb.concat(parts, 3));
}

LogicalResult convertConvTranspose(ONNXImporter &im) {
  if (failed(im.checkAttrs({"auto_pad", "dilations", "group", "kernel_shape",
                            "output_padding", "output_shape", "pads",
                            "strides"})) ||
      failed(requireRank4(im, "transposed convolution")))
    return failure();
  ArrayRef<int64_t> xs = im.inputShape(0), ws = im.inputShape(1);
  int64_t group = im.attrInt("group", 1);
  if (ws.size() != 4 || ws[0] != xs[1])
    return im.nodeError() << "shape mismatch: the weight must be [C_in, "
                             "C_out/group, kH, kW] with C_in = "
                          << xs[1];
  if (group != 1)
    return im.nodeError() << "unsupported attribute value group=" << group;
  SmallVector<int64_t> strides = im.attrInts("strides"),
                       dil = im.attrInts("dilations"),
                       pads = im.attrInts("pads"),
                       outPadding = im.attrInts("output_padding"),
                       outShape = im.attrInts("output_shape");
  if (strides.empty())
    strides = {1, 1};
  if (dil.empty())
    dil = {1, 1};
  if (pads.empty())
    pads = {0, 0, 0, 0};
  if (outPadding.empty())
    outPadding = {0, 0};
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4 ||
      outPadding.size() != 2 || (!outShape.empty() && outShape.size() != 2))
    return im.nodeError() << "strides/dilations/pads/output_padding/"
                             "output_shape do not describe a 2-D window";
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER" && autoPad != "VALID")
    return im.nodeError() << "unsupported attribute value auto_pad='"
                          << autoPad << "'";
  // TOSA's transpose_conv2d has no dilation: dilate a constant kernel by
  // inserting zeros, which is exact.
  int64_t kh = ws[2], kw = ws[3];
  Value wt;
  if ((dil[0] != 1 || dil[1] != 1) && !im.inputConst(1)) {
    // The same zero insertion in the graph: per axis, reshape [.., k, 1, ..],
    // pad to [.., k, d, ..], merge, and cut the trailing d - 1 zeros.
    TosaBuilder &tb = im.tb();
    wt = permuted(im, 1, {1, 2, 3, 0});
    for (int a = 0; a < 2; ++a) {
      if (dil[a] == 1)
        continue;
      SmallVector<int64_t> s(TosaBuilder::shapeOf(wt));
      int64_t k = s[1 + a];
      SmallVector<int64_t> split(s);
      split.insert(split.begin() + 2 + a, 1);
      SmallVector<int64_t> padding(2 * split.size(), 0);
      padding[2 * (2 + a) + 1] = dil[a] - 1;
      Value v = tb.pad(tb.reshape(wt, split), padding, 0.0f);
      SmallVector<int64_t> merged(s);
      merged[1 + a] = k * dil[a];
      v = tb.reshape(v, merged);
      SmallVector<int64_t> size(s);
      size[1 + a] = (k - 1) * dil[a] + 1;
      wt = tb.slice(v, SmallVector<int64_t>(4, 0), size);
    }
    kh = TosaBuilder::shapeOf(wt)[1];
    kw = TosaBuilder::shapeOf(wt)[2];
  } else if (dil[0] != 1 || dil[1] != 1) {
    const HostTensor *w = im.inputConst(1);
    int64_t dkh = (kh - 1) * dil[0] + 1, dkw = (kw - 1) * dil[1] + 1;
    HostTensor d = HostTensor::floats(
        {ws[0], ws[1], dkh, dkw}, std::vector<float>(ws[0] * ws[1] * dkh * dkw));
    for (int64_t o = 0; o < ws[0] * ws[1]; ++o)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          d.f[(o * dkh + y * dil[0]) * dkw + x * dil[1]] =
              w->f[(o * kh + y) * kw + x];
    kh = dkh;
    kw = dkw;
    wt = im.materialize(permute(d, {1, 2, 3, 0}), im.node().input(1));
  } else {
    wt = permuted(im, 1, {1, 2, 3, 0}); // [C_in, C_out, kH, kW] -> OHWI
  }
  int64_t k[2] = {kh, kw};
  Pad4 outPad;
  for (int a = 0; a < 2; ++a) {
    int64_t in = xs[2 + a], s = strides[a];
    int64_t full = s * (in - 1) + outPadding[a] + k[a];
    int64_t before = pads[a], after = pads[a + 2];
    if (!outShape.empty() || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t target = outShape.empty() ? in * s : outShape[a];
      int64_t total = full - target;
      // The ONNX reference puts the larger share (or, for a negative
      // total, the extra output row) at the end unless SAME_LOWER.
      if (autoPad == "SAME_LOWER") {
        after = total / 2;
        before = total - after;
      } else {
        before = total / 2;
        after = total - before;
      }
    } else if (autoPad == "VALID") {
      before = after = 0;
    }
    outPad[2 * a] = -before;
    outPad[2 * a + 1] = -after + outPadding[a];
    if (full - before - after <= 0)
      return im.nodeError() << "shape mismatch: empty output";
  }
  Value bias = im.hasInput(2) ? im.logical(2) : Value();
  return im.setNHWC(0, im.tb().transposeConv2d(im.nhwc(0), wt, bias, outPad,
                                               {strides[0], strides[1]}));
}

LogicalResult convertBatchNorm(ONNXImporter &im) {
  if (failed(im.checkAttrs({"epsilon", "momentum", "spatial", "training_mode",
                            "is_test", "consumed_inputs"})))
    return failure();
  if (im.attrInt("spatial", 1) != 1)
    return im.nodeError() << "unsupported attribute value spatial=0";
  for (size_t k = 1; k < 5; ++k)
    if (im.isOutputUsed(k))
      return im.nodeError() << "unsupported: output " << k
                            << " (training statistics) is used; the "
                               "importer gives BatchNormalization its "
                               "inference semantics";
  ArrayRef<int64_t> xs = im.inputShape(0);
  if (xs.size() < 2)
    return im.nodeError() << "shape mismatch: input rank " << xs.size();
  for (size_t k = 1; k < 5; ++k)
    if (im.inputShape(k) != ArrayRef<int64_t>{xs[1]})
      return im.nodeError() << "shape mismatch: input " << k << " must have "
                            << xs[1] << " elements (the channels)";
  TosaBuilder &tb = im.tb();
  float eps = im.attrFloat("epsilon", 1e-5f);
  float momentum = im.attrFloat("momentum", 0.9f);
  auto bn = [&](Value x) {
    return tb.batchNorm(x, im.logical(1), im.logical(2), im.logical(3),
                        im.logical(4), eps, momentum);
  };
  if (xs.size() == 4)
    return im.setNHWC(0, bn(im.nhwc(0)));
  if (xs.size() == 2)
    return im.setLogical(0, bn(im.logical(0)));
  // [N, C, ...] -> channels last and back.
  SmallVector<int32_t> toLast = {0}, back;
  for (size_t a = 2; a < xs.size(); ++a)
    toLast.push_back(a);
  toLast.push_back(1);
  back.assign(xs.size(), 0);
  for (size_t a = 0; a < xs.size(); ++a)
    back[toLast[a]] = a;
  return im.setLogical(0, tb.transpose(bn(tb.transpose(im.logical(0), toLast)),
                                       back));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Applies `fn` in whatever layout input 0 already has.
template <typename Fn> LogicalResult unaryOp(ONNXImporter &im, Fn fn) {
  if (im.preferNHWC(0))
    return im.setNHWC(0, fn(im.nhwc(0)));
  return im.setLogical(0, fn(im.logical(0)));
}

/// Operand k lifted to rank 4 (leading 1s) in NHWC.
Value nhwcOperand(ONNXImporter &im, size_t k) {
  ArrayRef<int64_t> s = im.inputShape(k);
  if (s.size() == 4)
    return im.nhwc(k);
  SmallVector<int64_t> lifted(4 - s.size(), 1);
  lifted.append(s.begin(), s.end());
  if (const HostTensor *t = im.inputConst(k)) {
    HostTensor h = *t;
    h.shape = lifted;
    return im.materialize(permute(h, {0, 2, 3, 1}), im.node().input(k));
  }
  return im.tb().nchwToNhwc(im.tb().reshape(im.logical(k), lifted));
}

template <typename Fn>
LogicalResult binaryOp(ONNXImporter &im, Fn fn) {
  ArrayRef<int64_t> a = im.inputShape(0), b = im.inputShape(1);
  size_t rank = std::max(a.size(), b.size());
  for (size_t k = 0; k < rank; ++k) {
    int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      auto diag = im.nodeError() << "shape mismatch: operand shapes [";
      llvm::interleave(a, [&](int64_t d) { diag << d; }, [&] { diag << ","; });
      diag << "] and [";
      llvm::interleave(b, [&](int64_t d) { diag << d; }, [&] { diag << ","; });
      return diag << "] do not broadcast";
    }
  }
  if (rank == 4 && (im.preferNHWC(0) || im.preferNHWC(1)))
    return im.setNHWC(0, fn(nhwcOperand(im, 0), nhwcOperand(im, 1)));
  return im.setLogical(0, fn(im.logical(0), im.logical(1)));
}

LogicalResult convertClip(ONNXImporter &im) {
  float lo = -FLT_MAX, hi = FLT_MAX;
  if (im.opset() < 11) {
    lo = im.attrFloat("min", lo);
    hi = im.attrFloat("max", hi);
  } else {
    for (size_t k = 1; k < 3; ++k) {
      if (!im.hasInput(k))
        continue;
      FailureOr<const HostTensor *> t =
          im.requireConst(k, k == 1 ? "min" : "max");
      if (failed(t))
        return failure();
      if ((*t)->numElements() != 1)
        return im.nodeError() << "shape mismatch: min/max must be scalars";
      (k == 1 ? lo : hi) = float((*t)->at(0));
    }
  }
  // Clip with min > max yields max everywhere (ONNX: min(max(x, lo), hi)).
  TosaBuilder &tb = im.tb();
  if (lo > hi)
    return unaryOp(im, [&](Value x) {
      return tb.minimum(tb.maximum(x, tb.splat(lo, SmallVector<int64_t>(
                                                        TosaBuilder::shapeOf(x).size(), 1))),
                        tb.splat(hi, SmallVector<int64_t>(
                                         TosaBuilder::shapeOf(x).size(), 1)));
    });
  return unaryOp(im, [&](Value x) { return tb.clamp(x, lo, hi); });
}

LogicalResult convertLeakyRelu(ONNXImporter &im) {
  float alpha = im.attrFloat("alpha", 0.01f);
  TosaBuilder &tb = im.tb();
  return unaryOp(im, [&](Value x) -> Value {
    if (alpha >= 0.0f && alpha <= 1.0f)
      return tb.leakyRelu(x, alpha);
    // max(x, 0) + alpha * min(x, 0) holds for any alpha.
    return tb.add(tb.relu(x), tb.scale(tb.clamp(x, -FLT_MAX, 0.0f), alpha));
  });
}

//===----------------------------------------------------------------------===//
// Pooling and reductions
//===----------------------------------------------------------------------===//

LogicalResult convertPool(ONNXImporter &im) {
  bool isMax = im.node().op_type() == "MaxPool";
  if (failed(isMax ? im.checkAttrs({"auto_pad", "ceil_mode", "dilations",
                                    "kernel_shape", "pads", "storage_order",
                                    "strides"})
                   : im.checkAttrs({"auto_pad", "ceil_mode",
                                    "count_include_pad", "kernel_shape",
                                    "pads", "strides"})) ||
      failed(requireRank4(im, "pooling")))
    return failure();
  if (im.isOutputUsed(1))
    return im.nodeError() << "unsupported: the Indices output is used";
  SmallVector<int64_t> ks = im.attrInts("kernel_shape");
  if (ks.size() != 2)
    return im.nodeError() << "kernel_shape must have 2 values";
  SmallVector<int64_t> dil = im.attrInts("dilations");
  if (llvm::any_of(dil, [](int64_t d) { return d != 1; }))
    return im.nodeError() << "unsupported attribute value dilations (TOSA "
                             "pooling has no dilation)";
  if (im.attrInt("storage_order", 0) != 0)
    return im.nodeError() << "unsupported attribute value storage_order=1";
  ArrayRef<int64_t> xs = im.inputShape(0);
  FailureOr<Window> w = readWindow(im, xs.drop_front(2), {ks[0], ks[1]}, true);
  if (failed(w))
    return failure();
  TosaBuilder &tb = im.tb();
  Value x = cropInput(im, im.nhwc(0), *w);
  if (isMax)
    return im.setNHWC(0, tb.maxPool2d(x, w->kernel, w->stride, w->pad));
  Pad4 pad = w->pad;
  if (im.attrInt("count_include_pad", 0)) {
    // Only the model's own padding counts; the rows ceil_mode adds do not.
    SmallVector<int64_t> given = im.attrInts("pads");
    if (given.size() == 4 && im.attrString("auto_pad", "NOTSET") == "NOTSET") {
      Pad4 explicitPad = {std::min(given[0], pad[0]), std::min(given[2], pad[1]),
                          std::min(given[1], pad[2]), std::min(given[3], pad[3])};
      x = tb.pad(x, {0, 0, explicitPad[0], explicitPad[1], explicitPad[2],
                     explicitPad[3], 0, 0},
                 0.0f);
      for (int k = 0; k < 4; ++k)
        pad[k] -= explicitPad[k];
    } else {
      x = tb.pad(x, {0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0}, 0.0f);
      pad = {0, 0, 0, 0};
    }
  }
  return im.setNHWC(0, tb.avgPool2d(x, w->kernel, w->stride, pad));
}

LogicalResult convertGlobalPool(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  bool isMax = im.node().op_type() == "GlobalMaxPool";
  TosaBuilder &tb = im.tb();
  if (xs.size() == 4) {
    Value x = im.nhwc(0);
    return im.setNHWC(0, isMax ? tb.maxPool2d(x, {xs[2], xs[3]}, {1, 1},
                                              {0, 0, 0, 0})
                               : tb.globalAvgPool(x, true));
  }
  if (xs.size() < 3)
    return im.nodeError() << "shape mismatch: input rank " << xs.size();
  Value x = im.logical(0);
  for (size_t a = 2; a < xs.size(); ++a)
    x = isMax ? tb.reduceMax(x, a) : tb.reduceMean(x, a);
  return im.setLogical(0, x);
}

/// ReduceMean, ReduceSum, ReduceMax.
LogicalResult convertReduce(ONNXImporter &im) {
  if (failed(im.checkAttrs({"axes", "keepdims", "noop_with_empty_axes"})))
    return failure();
  StringRef op = im.node().op_type();
  ArrayRef<int64_t> xs = im.inputShape(0);
  bool present;
  FailureOr<SmallVector<int64_t>> axes =
      axesOf(im, op == "ReduceSum" ? 13 : 18, xs.size(), present);
  if (failed(axes))
    return failure();
  if (!present) {
    if (im.attrInt("noop_with_empty_axes", 0))
      return im.setLogical(0, im.logical(0));
    for (size_t a = 0; a < xs.size(); ++a)
      axes->push_back(a);
  }
  bool keep = im.attrInt("keepdims", 1) != 0;
  TosaBuilder &tb = im.tb();
  int64_t count = 1;
  for (int64_t a : *axes)
    count *= xs[a];
  auto reduce = [&](Value x, int64_t axis) {
    return op == "ReduceMax" ? tb.reduceMax(x, axis) : tb.reduceSum(x, axis);
  };
  auto finish = [&](Value x) {
    return op == "ReduceMean" ? tb.scale(x, 1.0f / float(count)) : x;
  };
  if (keep && xs.size() == 4 && im.preferNHWC(0)) {
    Value x = im.nhwc(0);
    for (int64_t a : *axes)
      x = reduce(x, nhwcAxis(a));
    return im.setNHWC(0, finish(x));
  }
  Value x = im.logical(0);
  for (int64_t a : *axes)
    x = reduce(x, a);
  x = finish(x);
  if (!keep)
    x = tb.reshape(x, squeezeShape(TosaBuilder::shapeOf(x), *axes));
  return im.setLogical(0, x);
}

LogicalResult convertSoftmax(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  int64_t axis = normAxis(im.attrInt("axis", im.opset() < 13 ? 1 : -1), rank);
  if (axis < 0)
    return im.nodeError() << "axis out of range";
  TosaBuilder &tb = im.tb();
  Value x = im.logical(0);
  if (im.opset() >= 13)
    return im.setLogical(0, tb.softmax(x, axis));
  // Before opset 13 the input is coerced to 2-D at `axis`.
  Value flat = tb.reshape(x, {product(xs.take_front(axis)),
                              product(xs.drop_front(axis))});
  return im.setLogical(0, tb.reshape(tb.softmax(flat, 1), xs));
}

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

LogicalResult convertGemm(ONNXImporter &im) {
  if (failed(im.checkAttrs({"alpha", "beta", "transA", "transB", "broadcast"})))
    return failure();
  float alpha = im.attrFloat("alpha", 1.0f), beta = im.attrFloat("beta", 1.0f);
  bool ta = im.attrInt("transA", 0), tbFlag = im.attrInt("transB", 0);
  ArrayRef<int64_t> as = im.inputShape(0), bs = im.inputShape(1);
  if (as.size() != 2 || bs.size() != 2)
    return im.nodeError() << "shape mismatch: Gemm needs 2-D A and B";
  int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
  int64_t kb = tbFlag ? bs[1] : bs[0], n = tbFlag ? bs[0] : bs[1];
  if (k != kb)
    return im.nodeError() << "shape mismatch: A is " << m << "x" << k
                          << " but B is " << kb << "x" << n;
  TosaBuilder &tb = im.tb();
  Value a = im.logical(0);
  if (ta)
    a = tb.transpose(a, {1, 0});
  Value b;
  if (const HostTensor *bc = im.inputConst(1)) {
    // Store B as [K, N] with alpha folded in.
    HostTensor h = tbFlag ? permute(*bc, {1, 0}) : *bc;
    if (alpha != 1.0f)
      for (float &v : h.f)
        v *= alpha;
    b = im.materialize(h, im.node().input(1));
    alpha = 1.0f;
  } else {
    b = im.logical(1);
    if (tbFlag)
      b = tb.transpose(b, {1, 0});
  }
  Value y = tb.matmul(a, b);
  if (alpha != 1.0f)
    y = tb.scale(y, alpha);
  if (im.hasInput(2) && beta != 0.0f) {
    ArrayRef<int64_t> cs = im.inputShape(2);
    if (cs.size() > 2 ||
        (cs.size() >= 1 && cs.back() != n && cs.back() != 1) ||
        (cs.size() == 2 && cs[0] != m && cs[0] != 1))
      return im.nodeError() << "shape mismatch: C does not broadcast to "
                            << m << "x" << n;
    Value c;
    if (const HostTensor *cc = im.inputConst(2)) {
      HostTensor h = *cc;
      for (float &v : h.f)
        v *= beta;
      c = im.materialize(h, im.node().input(2));
    } else {
      c = im.logical(2);
      if (beta != 1.0f)
        c = tb.scale(c, beta);
    }
    y = tb.add(y, c);
  }
  return im.setLogical(0, y);
}

LogicalResult convertMatMul(ONNXImporter &im) {
  ArrayRef<int64_t> as = im.inputShape(0), bs = im.inputShape(1);
  if (as.empty() || bs.empty())
    return im.nodeError() << "shape mismatch: MatMul of a scalar";
  TosaBuilder &tb = im.tb();
  Value a = im.logical(0), b = im.logical(1);
  if (as.size() == 1)
    a = tb.reshape(a, {1, as[0]});
  if (bs.size() == 1)
    b = tb.reshape(b, {bs[0], 1});
  ArrayRef<int64_t> a2 = TosaBuilder::shapeOf(a), b2 = TosaBuilder::shapeOf(b);
  if (a2.back() != b2[b2.size() - 2])
    return im.nodeError() << "shape mismatch: contracting dimensions "
                          << a2.back() << " and " << b2[b2.size() - 2];
  SmallVector<int64_t> ba(a2.drop_back(2)), bb(b2.drop_back(2));
  size_t r = std::max(ba.size(), bb.size());
  ba.insert(ba.begin(), r - ba.size(), 1);
  bb.insert(bb.begin(), r - bb.size(), 1);
  FailureOr<SmallVector<int64_t>> batch = TosaBuilder::broadcastShape(ba, bb);
  if (failed(batch))
    return im.nodeError() << "shape mismatch: batch dimensions do not "
                             "broadcast";
  Value y = tb.matmul(a, b);
  SmallVector<int64_t> out = *batch;
  if (as.size() > 1)
    out.push_back(a2[a2.size() - 2]);
  if (bs.size() > 1)
    out.push_back(b2.back());
  return im.setLogical(0, tb.reshape(y, out));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult convertFlatten(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  int64_t axis = im.attrInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return im.nodeError() << "axis out of range";
  return im.setLogical(0, im.tb().reshape(im.logical(0),
                                          {product(xs.take_front(axis)),
                                           product(xs.drop_front(axis))}));
}

LogicalResult convertReshape(ONNXImporter &im) {
  SmallVector<int64_t> shapeAttr;
  FailureOr<SmallVector<int64_t>> target = failure();
  if (im.opset() < 5 || !im.hasInput(1)) {
    SmallVector<int64_t> s = im.attrInts("shape");
    HostTensor t = HostTensor::ints({int64_t(s.size())}, {s.begin(), s.end()});
    target = reshapeTarget(im, im.inputShape(0), t);
  } else {
    FailureOr<const HostTensor *> t = im.requireConst(1, "target shape");
    if (failed(t))
      return failure();
    target = reshapeTarget(im, im.inputShape(0), **t);
  }
  if (failed(target))
    return failure();
  return im.setLogical(0, im.tb().reshape(im.logical(0), *target));
}

LogicalResult convertTranspose(ONNXImporter &im) {
  int64_t rank = im.inputShape(0).size();
  SmallVector<int64_t> perm = im.attrInts("perm");
  if (perm.empty())
    for (int64_t k = rank - 1; k >= 0; --k)
      perm.push_back(k);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  for (int64_t k = 0; k < rank; ++k)
    if (int64_t(sorted.size()) != rank || sorted[k] != k)
      return im.nodeError() << "perm is not a permutation of the " << rank
                            << " axes";
  // NCHW -> NHWC of a value held NHWC is free.
  if (rank == 4 && im.preferNHWC(0) &&
      perm == SmallVector<int64_t>{0, 2, 3, 1})
    return im.setLogical(0, im.nhwc(0));
  SmallVector<int32_t> p(perm.begin(), perm.end());
  return im.setLogical(0, im.tb().transpose(im.logical(0), p));
}

LogicalResult convertConcat(ONNXImporter &im) {
  ArrayRef<int64_t> first = im.inputShape(0);
  int64_t rank = first.size();
  int64_t axis = normAxis(im.attrInt("axis", 0), rank);
  if (axis < 0)
    return im.nodeError() << "axis out of range";
  bool useNHWC = false;
  for (size_t k = 0; k < im.numInputs(); ++k) {
    ArrayRef<int64_t> s = im.inputShape(k);
    if (int64_t(s.size()) != rank)
      return im.nodeError() << "shape mismatch: input " << k << " has rank "
                            << s.size() << ", expected " << rank;
    for (int64_t a = 0; a < rank; ++a)
      if (a != axis && s[a] != first[a])
        return im.nodeError() << "shape mismatch: input " << k
                              << " differs in dimension " << a;
    useNHWC |= im.preferNHWC(k);
  }
  SmallVector<Value> parts;
  for (size_t k = 0; k < im.numInputs(); ++k)
    parts.push_back(useNHWC ? im.nhwc(k) : im.logical(k));
  if (useNHWC)
    return im.setNHWC(0, im.tb().concat(parts, nhwcAxis(axis)));
  return im.setLogical(0, im.tb().concat(parts, axis));
}

LogicalResult convertSqueeze(ONNXImporter &im) {
  bool unsq = im.node().op_type() == "Unsqueeze";
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  if (unsq)
    rank += im.opset() < 13 ? im.attrInts("axes").size()
                            : (im.inputConst(1) ? im.inputConst(1)->numElements()
                                                : 0);
  bool present;
  FailureOr<SmallVector<int64_t>> axes = axesOf(im, 13, rank, present);
  if (failed(axes))
    return failure();
  if (!unsq)
    for (int64_t a : *axes)
      if (xs[a] != 1)
        return im.nodeError() << "shape mismatch: cannot squeeze axis " << a
                              << " of size " << xs[a];
  SmallVector<int64_t> out =
      unsq ? unsqueezeShape(xs, *axes) : squeezeShape(xs, *axes);
  return im.setLogical(0, im.tb().reshape(im.logical(0), out));
}

LogicalResult convertSlice(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  FailureOr<SliceSpec> spec = sliceSpec(im, xs);
  if (failed(spec))
    return failure();
  if (llvm::is_contained(spec->count, 0))
    return im.nodeError() << "unsupported: the slice is empty";
  TosaBuilder &tb = im.tb();
  Value x = im.logical(0);
  SmallVector<int64_t> start(spec->start), size(spec->count);
  for (size_t a = 0; a < xs.size(); ++a)
    if (spec->step[a] != 1) {
      start[a] = 0;
      size[a] = xs[a];
    }
  x = tb.slice(x, start, size);
  for (size_t a = 0; a < xs.size(); ++a) {
    if (spec->step[a] == 1)
      continue;
    SmallVector<int64_t> idx;
    for (int64_t k = 0; k < spec->count[a]; ++k)
      idx.push_back(spec->start[a] + k * spec->step[a]);
    x = tb.gather(x, a, idx);
  }
  return im.setLogical(0, x);
}

LogicalResult convertGather(ONNXImporter &im) {
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t axis = normAxis(im.attrInt("axis", 0), xs.size());
  if (axis < 0)
    return im.nodeError() << "axis out of range";
  FailureOr<const HostTensor *> idx = im.requireConst(1, "indices");
  if (failed(idx))
    return failure();
  SmallVector<int64_t> picks;
  for (int64_t k = 0; k < (*idx)->numElements(); ++k) {
    int64_t j = (*idx)->intAt(k);
    if (j < 0)
      j += xs[axis];
    if (j < 0 || j >= xs[axis])
      return im.nodeError() << "index " << (*idx)->intAt(k)
                            << " is out of range for a dimension of "
                            << xs[axis];
    picks.push_back(j);
  }
  if (picks.empty())
    return im.nodeError() << "unsupported: empty indices";
  SmallVector<int64_t> out(xs.take_front(axis));
  out.append((*idx)->shape.begin(), (*idx)->shape.end());
  out.append(xs.begin() + axis + 1, xs.end());
  TosaBuilder &tb = im.tb();
  return im.setLogical(0, tb.reshape(tb.gather(im.logical(0), axis, picks), out));
}

LogicalResult convertPad(ONNXImporter &im) {
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return im.nodeError() << "unsupported attribute value mode='" << mode
                          << "'";
  ArrayRef<int64_t> xs = im.inputShape(0);
  int64_t rank = xs.size();
  SmallVector<int64_t> pads;
  float value = 0.0f;
  if (im.opset() < 11) {
    pads = im.attrInts("pads");
    value = im.attrFloat("value", 0.0f);
  } else {
    FailureOr<const HostTensor *> p = im.requireConst(1, "pads");
    if (failed(p))
      return failure();
    for (int64_t k = 0; k < (*p)->numElements(); ++k)
      pads.push_back((*p)->intAt(k));
    if (im.hasInput(2)) {
      FailureOr<const HostTensor *> v = im.requireConst(2, "constant_value");
      if (failed(v))
        return failure();
      value = float((*v)->at(0));
    }
    if (im.hasInput(3))
      return im.nodeError() << "unsupported: the axes input";
  }
  if (int64_t(pads.size()) != 2 * rank)
    return im.nodeError() << "shape mismatch: pads has " << pads.size()
                          << " values for rank " << rank;
  // ONNX: all begins, then all ends. Per axis (before, after) in the
  // layout the value is held in.
  bool useNHWC = rank == 4 && im.preferNHWC(0);
  Value x = useNHWC ? im.nhwc(0) : im.logical(0);
  SmallVector<int64_t> perAxis(2 * rank);
  for (int64_t a = 0; a < rank; ++a) {
    int64_t phys = useNHWC ? nhwcAxis(a) : a;
    perAxis[2 * phys] = pads[a];
    perAxis[2 * phys + 1] = pads[a + rank];
  }
  TosaBuilder &tb = im.tb();
  ArrayRef<int64_t> shape = TosaBuilder::shapeOf(x);
  if (mode == "constant") {
    // Negative pads crop.
    SmallVector<int64_t> start(rank), size(shape);
    bool crop = false;
    for (int64_t a = 0; a < rank; ++a)
      for (int s = 0; s < 2; ++s)
        if (perAxis[2 * a + s] < 0) {
          crop = true;
          size[a] += perAxis[2 * a + s];
          if (s == 0)
            start[a] = -perAxis[2 * a];
          perAxis[2 * a + s] = 0;
        }
    if (crop)
      x = tb.slice(x, start, size);
    x = tb.pad(x, perAxis, value);
  } else {
    for (int64_t a = 0; a < rank; ++a) {
      int64_t d = shape[a], before = perAxis[2 * a], after = perAxis[2 * a + 1];
      if (!before && !after)
        continue;
      if (mode == "reflect" && (before >= d || after >= d))
        return im.nodeError() << "shape mismatch: reflect padding of " << d
                              << " elements by more than " << d - 1;
      SmallVector<int64_t> idx;
      for (int64_t k = -before; k < d + after; ++k) {
        int64_t j = k;
        if (mode == "edge")
          j = std::clamp<int64_t>(k, 0, d - 1);
        else if (k < 0)
          j = -k;
        else if (k >= d)
          j = 2 * (d - 1) - k;
        idx.push_back(j);
      }
      x = tb.gather(x, a, idx);
    }
  }
  return useNHWC ? im.setNHWC(0, x) : im.setLogical(0, x);
}

LogicalResult convertResize(ONNXImporter &im) {
  bool upsample = im.node().op_type() == "Upsample";
  if (failed(im.checkAttrs({"mode", "coordinate_transformation_mode",
                            "nearest_mode", "cubic_coeff_a",
                            "exclude_outside", "extrapolation_value",
                            "scales", "height_scale", "width_scale"})) ||
      failed(requireRank4(im, "resizing")))
    return failure();
  ArrayRef<int64_t> xs = im.inputShape(0);
  std::string mode = im.attrString("mode", "nearest");
  using TB = TosaBuilder;
  TB::ResizeMode rm;
  if (mode == "nearest")
    rm = TB::ResizeMode::Nearest;
  else if (mode == "linear" || mode == "bilinear")
    rm = TB::ResizeMode::Linear;
  else if (mode == "cubic" && !upsample)
    rm = TB::ResizeMode::Cubic;
  else
    return im.nodeError() << "unsupported attribute value mode='" << mode
                          << "'";
  bool legacy = upsample || im.opset() < 11;
  TB::CoordMode cm = TB::CoordMode::Asymmetric;
  TB::NearestMode nm = TB::NearestMode::Simple;
  if (!legacy) {
    std::string coord =
        im.attrString("coordinate_transformation_mode", "half_pixel");
    if (coord == "half_pixel")
      cm = TB::CoordMode::HalfPixel;
    else if (coord == "pytorch_half_pixel")
      cm = TB::CoordMode::PytorchHalfPixel;
    else if (coord == "align_corners")
      cm = TB::CoordMode::AlignCorners;
    else if (coord == "asymmetric")
      cm = TB::CoordMode::Asymmetric;
    else if (coord == "tf_half_pixel_for_nn")
      cm = TB::CoordMode::TFHalfPixelForNN;
    else
      return im.nodeError()
             << "unsupported attribute value coordinate_transformation_mode='"
             << coord << "'";
    std::string nearest = im.attrString("nearest_mode", "round_prefer_floor");
    if (nearest == "round_prefer_floor")
      nm = TB::NearestMode::RoundPreferFloor;
    else if (nearest == "round_prefer_ceil")
      nm = TB::NearestMode::RoundPreferCeil;
    else if (nearest == "floor")
      nm = TB::NearestMode::Floor;
    else if (nearest == "ceil")
      nm = TB::NearestMode::Ceil;
    else
      return im.nodeError() << "unsupported attribute value nearest_mode='"
                            << nearest << "'";
  }
  // Scales (per NCHW axis) and/or sizes.
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (upsample && im.opset() < 9) {
    for (float s : im.attrFloats("scales"))
      scales.push_back(s);
  } else {
    size_t scalesAt = legacy ? 1 : 2;
    if (im.hasInput(scalesAt)) {
      FailureOr<const HostTensor *> s = im.requireConst(scalesAt, "scales");
      if (failed(s))
        return failure();
      for (int64_t k = 0; k < (*s)->numElements(); ++k)
        scales.push_back((*s)->at(k));
    }
    if (!legacy && im.hasInput(3)) {
      FailureOr<const HostTensor *> s = im.requireConst(3, "sizes");
      if (failed(s))
        return failure();
      for (int64_t k = 0; k < (*s)->numElements(); ++k)
        sizes.push_back((*s)->intAt(k));
    }
  }
  if (!sizes.empty()) {
    if (sizes.size() != 4)
      return im.nodeError() << "shape mismatch: sizes needs 4 values";
    scales.clear();
    for (int a = 0; a < 4; ++a)
      scales.push_back(double(sizes[a]) / double(xs[a]));
  } else {
    if (scales.size() != 4)
      return im.nodeError() << "shape mismatch: scales needs 4 values";
    for (int a = 0; a < 4; ++a)
      sizes.push_back(int64_t(std::floor(double(xs[a]) * scales[a])));
  }
  if (sizes[0] != xs[0] || sizes[1] != xs[1])
    return im.nodeError() << "unsupported: resizing the batch or channel "
                             "dimension";
  double a = im.attrFloat("cubic_coeff_a", -0.75f);
  bool exclude = im.attrInt("exclude_outside", 0) != 0;
  std::vector<float> rows = TB::interpolationMatrix(xs[2], sizes[2], scales[2],
                                                    rm, cm, nm, a, exclude);
  std::vector<float> cols = TB::interpolationMatrix(xs[3], sizes[3], scales[3],
                                                    rm, cm, nm, a, exclude);
  return im.setNHWC(0, im.tb().resize2d(im.nhwc(0), sizes[2], sizes[3], rows,
                                        cols));
}

LogicalResult convertDropout(ONNXImporter &im) {
  if (im.isOutputUsed(1))
    return im.nodeError() << "unsupported: the mask output is used";
  float rate = 0.5f;
  if (im.opset() < 12) {
    rate = im.attrFloat("ratio", 0.5f);
  } else if (im.hasInput(1)) {
    FailureOr<const HostTensor *> r = im.requireConst(1, "ratio");
    if (failed(r))
      return failure();
    rate = float((*r)->at(0));
  }
  if (rate < 0.0f || rate >= 1.0f)
    return im.nodeError() << "unsupported attribute value ratio=" << rate;
  // training_mode (opset 12+) must be known, but either value imports as
  // nr.dropout: its rate applies in training (the training transform), and
  // evaluation is the identity - the same reading as BatchNormalization's.
  if (im.opset() >= 12 && im.hasInput(2) &&
      failed(im.requireConst(2, "training_mode")))
    return failure();
  int64_t seed = im.attrInt("seed", 0);
  return unaryOp(im, [&](Value x) { return im.tb().dropout(x, rate, seed); });
}

LogicalResult convertIdentity(ONNXImporter &im) {
  if (im.node().op_type() == "Cast") {
    int64_t to = im.attrInt("to", onnx::TensorProto::FLOAT);
    if (to != onnx::TensorProto::FLOAT)
      return im.nodeError() << "unsupported: Cast of a float activation to "
                               "a non-float type";
  }
  if (im.preferNHWC(0))
    return im.setNHWC(0, im.nhwc(0));
  return im.setLogical(0, im.logical(0));
}

template <Value (TosaBuilder::*Fn)(Value)>
LogicalResult unaryMember(ONNXImporter &im) {
  return unaryOp(im, [&](Value x) { return (im.tb().*Fn)(x); });
}

template <Value (TosaBuilder::*Fn)(Value, Value)>
LogicalResult binaryMember(ONNXImporter &im) {
  return binaryOp(im, [&](Value a, Value b) { return (im.tb().*Fn)(a, b); });
}

/// 1-D Conv/ConvTranspose/pools as their 2-D forms with H = 1: the node is
/// copied with its per-axis attributes lifted and its inputs reshaped
/// [N, C, L] -> [N, C, 1, L], converted, and the result reshaped back.
LogicalResult convertAs2D(ONNXImporter &im, Converter fn) {
  const onnx::NodeProto &orig = im.node();
  onnx::NodeProto copy = orig;
  copy.clear_attribute();
  for (const auto &a : orig.attribute()) {
    onnx::AttributeProto b = a;
    StringRef n = a.name();
    if (n == "kernel_shape" || n == "strides" || n == "dilations" ||
        n == "output_shape" || n == "output_padding") {
      b.clear_ints();
      b.add_ints(n == "output_padding" ? 0 : 1);
      for (int64_t v : a.ints())
        b.add_ints(v);
    } else if (n == "pads" && a.ints_size() == 2) {
      b.clear_ints();
      for (int64_t v : {int64_t(0), a.ints(0), int64_t(0), a.ints(1)})
        b.add_ints(v);
    }
    *copy.add_attribute() = b;
  }
  TosaBuilder &tb = im.tb();
  // Inputs 0 (data) and 1 (weight) get the extra axis; bias stays.
  for (int k = 0; k < std::min(orig.input_size(), 2); ++k) {
    if (orig.input(k).empty())
      continue;
    ValueInfo &v = im.input(k);
    SmallVector<int64_t> shape(v.shape);
    if (shape.size() != 3)
      return im.nodeError() << "shape mismatch: input " << k << " has rank "
                            << shape.size() << ", expected 3";
    shape.insert(shape.begin() + 2, 1);
    ValueInfo lifted;
    lifted.shape = shape;
    if (v.constant) {
      lifted.constant = *v.constant;
      lifted.constant->shape = shape;
    } else {
      lifted.logical = tb.reshape(im.toLogical(v), shape);
    }
    std::string name = orig.input(k) + "#as2d";
    im.define(name, std::move(lifted));
    copy.set_input(k, name);
  }
  std::string out = orig.output(0) + "#as2d";
  copy.set_output(0, out);
  for (int k = 1; k < copy.output_size(); ++k)
    copy.set_output(k, "");
  im.setCurrentNode(&copy);
  LogicalResult result = fn(im);
  im.setCurrentNode(&orig);
  if (failed(result))
    return failure();
  ValueInfo &y = *im.lookup(out);
  SmallVector<int64_t> shape(y.shape);
  shape.erase(shape.begin() + 2);
  return im.setLogical(0, tb.reshape(im.toLogical(y), shape));
}

template <Converter Fn> LogicalResult windowOp(ONNXImporter &im) {
  if (im.inputShape(0).size() == 3)
    return convertAs2D(im, Fn);
  return Fn(im);
}

const llvm::StringMap<Converter> &converters() {
  static const llvm::StringMap<Converter> table = {
      {"Conv", windowOp<convertConv>},
      {"ConvTranspose", windowOp<convertConvTranspose>},
      {"BatchNormalization", convertBatchNorm},
      {"Relu", unaryMember<&TosaBuilder::relu>},
      {"Sigmoid", unaryMember<&TosaBuilder::sigmoid>},
      {"Tanh", unaryMember<&TosaBuilder::tanh>},
      {"HardSwish", unaryMember<&TosaBuilder::hardSwish>},
      {"Exp", unaryMember<&TosaBuilder::exp>},
      {"Log", unaryMember<&TosaBuilder::log>},
      {"Abs", unaryMember<&TosaBuilder::abs>},
      {"Neg", unaryMember<&TosaBuilder::neg>},
      {"Sqrt", unaryMember<&TosaBuilder::sqrt>},
      {"Reciprocal", unaryMember<&TosaBuilder::reciprocal>},
      {"Erf", unaryMember<&TosaBuilder::erf>},
      {"HardSigmoid",
       [](ONNXImporter &im) {
         float alpha = im.attrFloat("alpha", 0.2f), beta = im.attrFloat("beta", 0.5f);
         return unaryOp(im, [&](Value x) {
           return im.tb().hardSigmoid(x, alpha, beta);
         });
       }},
      {"LeakyRelu", convertLeakyRelu},
      {"Clip", convertClip},
      {"Add", binaryMember<&TosaBuilder::add>},
      {"Sub", binaryMember<&TosaBuilder::sub>},
      {"Mul", binaryMember<&TosaBuilder::mul>},
      {"Div", binaryMember<&TosaBuilder::div>},
      {"Max", binaryMember<&TosaBuilder::maximum>},
      {"Min", binaryMember<&TosaBuilder::minimum>},
      {"Pow", binaryMember<&TosaBuilder::pow>},
      {"MaxPool", windowOp<convertPool>},
      {"AveragePool", windowOp<convertPool>},
      {"GlobalAveragePool", convertGlobalPool},
      {"GlobalMaxPool", convertGlobalPool},
      {"ReduceMean", convertReduce},
      {"ReduceSum", convertReduce},
      {"ReduceMax", convertReduce},
      {"Softmax", convertSoftmax},
      {"Gemm", convertGemm},
      {"MatMul", convertMatMul},
      {"Flatten", convertFlatten},
      {"Reshape", convertReshape},
      {"Transpose", convertTranspose},
      {"Concat", convertConcat},
      {"Squeeze", convertSqueeze},
      {"Unsqueeze", convertSqueeze},
      {"Slice", convertSlice},
      {"Gather", convertGather},
      {"Pad", convertPad},
      {"Resize", convertResize},
      {"Upsample", convertResize},
      {"Dropout", convertDropout},
      {"Identity", convertIdentity},
      {"Cast", convertIdentity},
  };
  return table;
}

} // namespace

LogicalResult netrewrite::onnximport::convertOp(ONNXImporter &im) {
  const auto &table = converters();
  auto it = table.find(im.node().op_type());
  if (it == table.end())
    return im.nodeError() << "unsupported operator " << im.node().op_type();
  // Binary ops with more or fewer than two inputs (Max/Min/Sum are
  // variadic in ONNX) are not handled by the two-operand converters.
  StringRef op = im.node().op_type();
  if ((op == "Max" || op == "Min") && im.numInputs() != 2)
    return im.nodeError() << "unsupported: " << im.numInputs()
                          << " operands (only 2 are handled)";
  return it->second(im);
}
