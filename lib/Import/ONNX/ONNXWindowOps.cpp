//===- ONNXWindowOps.cpp - ONNX ops that work on NHWC windows --------------===//
//
// Conv, ConvTranspose, BatchNormalization, pools and Resize: the ops whose
// TOSA forms are NHWC. Their inputs are asked for in NHWC and their results
// defined in NHWC; 1-D forms run as 2-D with H = 1.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace netrewrite;
using namespace netrewrite::onnximport;

static LogicalResult requireRank4(ONNXImporter &im, StringRef what) {
  size_t rank = im.inputShape(0).size();
  if (rank != 4)
    return im.nodeError() << "unsupported: only 1-D and 2-D " << what
                          << " (3-D or 4-D input) is supported; the input "
                             "has rank "
                          << rank;
  return success();
}

/// Window geometry of Conv/pools in TOSA terms.
namespace {
struct Window {
  HW kernel{1, 1}, stride{1, 1}, dilation{1, 1};
  Pad4 pad{0, 0, 0, 0}; ///< top, bottom, left, right
  HW crop{0, 0};        ///< trailing input rows/cols no window reaches
};
} // namespace

/// Reads strides/dilations/pads/auto_pad/ceil_mode and makes the result fit
/// TOSA, which wants (in + pads - effective kernel) divisible by the stride:
/// padding (or input) no output reaches is trimmed, which is exact.
static FailureOr<Window> readWindow(ONNXImporter &im, ArrayRef<int64_t> inHW,
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

static Value cropInput(ONNXImporter &im, Value x, const Window &w) {
  if (!w.crop[0] && !w.crop[1])
    return x;
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(x);
  return im.tb().slice(x, {0, 0, 0, 0},
                       {s[0], s[1] - w.crop[0], s[2] - w.crop[1], s[3]});
}

/// Input k as an SSA value with `perm` applied (constants are permuted on
/// the host, so weights are stored in TOSA's layout).
static Value permuted(ONNXImporter &im, size_t k, ArrayRef<int64_t> perm,
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

LogicalResult netrewrite::onnximport::convertConv(ONNXImporter &im) {
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

LogicalResult netrewrite::onnximport::convertConvTranspose(ONNXImporter &im) {
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
  if (group <= 0 || xs[1] % group)
    return im.nodeError() << "shape mismatch: " << xs[1]
                          << " input channels do not split into " << group
                          << " groups";
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
  TosaBuilder &tb = im.tb();
  Value x = im.nhwc(0);
  if (group == 1)
    return im.setNHWC(0, tb.transposeConv2d(x, wt, bias, outPad,
                                            {strides[0], strides[1]}));
  // Grouped: wt is [C_out/g, kH, kW, C_in]; group g reads input channels
  // [g*C_in/g, ...) and writes output channels [g*C_out/g, ...).
  ArrayRef<int64_t> wsh = TosaBuilder::shapeOf(wt), xsh = TosaBuilder::shapeOf(x);
  int64_t cg = xs[1] / group, mg = wsh[0];
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value xg = tb.slice(x, {0, 0, 0, g * cg}, {xsh[0], xsh[1], xsh[2], cg});
    Value wg = tb.slice(wt, {0, 0, 0, g * cg}, {mg, wsh[1], wsh[2], cg});
    Value bg = bias ? tb.slice(bias, {g * mg}, {mg}) : Value();
    parts.push_back(tb.transposeConv2d(xg, wg, bg, outPad,
                                       {strides[0], strides[1]}));
  }
  return im.setNHWC(0, tb.concat(parts, 3));
}

LogicalResult netrewrite::onnximport::convertBatchNorm(ONNXImporter &im) {
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
// Pooling and reductions
//===----------------------------------------------------------------------===//

LogicalResult netrewrite::onnximport::convertPool(ONNXImporter &im) {
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
  if (im.attrInt("storage_order", 0) != 0)
    return im.nodeError() << "unsupported attribute value storage_order=1";
  ArrayRef<int64_t> xs = im.inputShape(0);
  FailureOr<Window> w = readWindow(im, xs.drop_front(2), {ks[0], ks[1]}, true);
  if (!isMax && succeeded(w) &&
      (w->dilation[0] != 1 || w->dilation[1] != 1))
    return im.nodeError() << "unsupported attribute value dilations";
  if (failed(w))
    return failure();
  TosaBuilder &tb = im.tb();
  Value x = cropInput(im, im.nhwc(0), *w);
  if (isMax && (w->dilation[0] != 1 || w->dilation[1] != 1)) {
    // TOSA pooling has no dilation: pad with the lowest float, then take the
    // maximum over the k*k strided, dilated views (gathers along H and W).
    x = tb.pad(x, {0, 0, w->pad[0], w->pad[1], w->pad[2], w->pad[3], 0, 0},
               -FLT_MAX);
    ArrayRef<int64_t> ps = TosaBuilder::shapeOf(x);
    int64_t out[2];
    for (int a = 0; a < 2; ++a)
      out[a] = (ps[1 + a] - (w->kernel[a] - 1) * w->dilation[a] - 1) /
                   w->stride[a] + 1;
    Value result;
    for (int64_t ky = 0; ky < w->kernel[0]; ++ky)
      for (int64_t kx = 0; kx < w->kernel[1]; ++kx) {
        SmallVector<int64_t> rows, cols;
        for (int64_t o = 0; o < out[0]; ++o)
          rows.push_back(o * w->stride[0] + ky * w->dilation[0]);
        for (int64_t o = 0; o < out[1]; ++o)
          cols.push_back(o * w->stride[1] + kx * w->dilation[1]);
        Value view = tb.gather(tb.gather(x, 1, rows), 2, cols);
        result = result ? tb.maximum(result, view) : view;
      }
    return im.setNHWC(0, result);
  }
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

LogicalResult netrewrite::onnximport::convertGlobalPool(ONNXImporter &im) {
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
LogicalResult netrewrite::onnximport::convertResize(ONNXImporter &im) {
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

/// 1-D Conv/ConvTranspose/pools as their 2-D forms with H = 1: the node is
/// copied with its per-axis attributes lifted and its inputs reshaped
/// [N, C, L] -> [N, C, 1, L], converted, and the result reshaped back.
LogicalResult netrewrite::onnximport::convertAs2D(ONNXImporter &im,
                                               Converter fn) {
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

