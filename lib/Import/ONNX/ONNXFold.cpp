//===- ONNXFold.cpp - Import-time evaluation of constant ONNX nodes --------===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape) and wrap weights in Identity/Constant nodes. With static
// shapes all of that is known at import, so it is evaluated here on host
// tensors and never reaches the IR; the converters then see constants.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace netrewrite::onnximport;

int64_t netrewrite::onnximport::normAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  return axis < 0 || axis >= rank ? -1 : axis;
}

FailureOr<SmallVector<int64_t>>
netrewrite::onnximport::axesOf(ONNXImporter &im, int64_t inputSince,
                               int64_t rank, bool &present) {
  SmallVector<int64_t> raw;
  present = false;
  if (im.opset() < inputSince) {
    if (im.attr("axes")) {
      present = true;
      raw = im.attrInts("axes");
    }
  } else if (im.hasInput(1)) {
    FailureOr<const HostTensor *> t = im.requireConst(1, "axes");
    if (failed(t))
      return failure();
    present = true;
    for (int64_t k = 0; k < (*t)->numElements(); ++k)
      raw.push_back((*t)->intAt(k));
  }
  SmallVector<int64_t> axes;
  for (int64_t a : raw) {
    int64_t n = normAxis(a, rank);
    if (n < 0)
      return im.nodeError() << "axis " << a << " is out of range for rank "
                            << rank;
    axes.push_back(n);
  }
  llvm::sort(axes);
  return axes;
}

SmallVector<int64_t>
netrewrite::onnximport::squeezeShape(ArrayRef<int64_t> in,
                                     ArrayRef<int64_t> axes) {
  SmallVector<int64_t> out;
  for (auto [k, d] : llvm::enumerate(in)) {
    bool drop = axes.empty() ? d == 1 : llvm::is_contained(axes, int64_t(k));
    if (!drop)
      out.push_back(d);
  }
  return out;
}

SmallVector<int64_t>
netrewrite::onnximport::unsqueezeShape(ArrayRef<int64_t> in,
                                       ArrayRef<int64_t> axes) {
  SmallVector<int64_t> out;
  size_t next = 0;
  for (size_t k = 0; k < in.size() + axes.size(); ++k)
    out.push_back(llvm::is_contained(axes, int64_t(k)) ? 1 : in[next++]);
  return out;
}

FailureOr<SmallVector<int64_t>>
netrewrite::onnximport::reshapeTarget(ONNXImporter &im, ArrayRef<int64_t> in,
                                      const HostTensor &target) {
  bool allowZero = im.attrInt("allowzero", 0) != 0;
  SmallVector<int64_t> out;
  int64_t inferAt = -1, known = 1;
  for (int64_t k = 0; k < target.numElements(); ++k) {
    int64_t d = target.intAt(k);
    if (d == 0 && !allowZero) {
      if (size_t(k) >= in.size())
        return im.nodeError() << "shape mismatch: target dimension " << k
                              << " copies a dimension the input lacks";
      d = in[k];
    }
    if (d == -1) {
      if (inferAt >= 0)
        return im.nodeError() << "shape mismatch: more than one -1 in the "
                                 "target shape";
      inferAt = k;
    } else if (d < 0) {
      return im.nodeError() << "shape mismatch: negative target dimension "
                            << d;
    } else {
      known *= d;
    }
    out.push_back(d);
  }
  int64_t total = product(in);
  if (inferAt >= 0) {
    if (known == 0 || total % known)
      return im.nodeError() << "shape mismatch: cannot infer the -1 "
                               "dimension for " << total << " elements";
    out[inferAt] = total / known;
  } else if (known != total) {
    return im.nodeError() << "shape mismatch: cannot reshape " << total
                          << " elements to " << known;
  }
  return out;
}

FailureOr<SliceSpec> netrewrite::onnximport::sliceSpec(ONNXImporter &im,
                                                       ArrayRef<int64_t> shape) {
  SmallVector<int64_t> starts, ends, axes, steps;
  int64_t rank = shape.size();
  if (im.opset() < 10) {
    starts = im.attrInts("starts");
    ends = im.attrInts("ends");
    axes = im.attrInts("axes");
  } else {
    auto ints = [&](size_t k, StringRef what,
                    SmallVector<int64_t> &out) -> LogicalResult {
      if (!im.hasInput(k))
        return success();
      FailureOr<const HostTensor *> t = im.requireConst(k, what);
      if (failed(t))
        return failure();
      for (int64_t e = 0; e < (*t)->numElements(); ++e)
        out.push_back((*t)->intAt(e));
      return success();
    };
    if (failed(ints(1, "starts", starts)) || failed(ints(2, "ends", ends)) ||
        failed(ints(3, "axes", axes)) || failed(ints(4, "steps", steps)))
      return failure();
  }
  if (starts.size() != ends.size())
    return im.nodeError() << "shape mismatch: starts and ends differ in length";
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k)
      axes.push_back(k);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    return im.nodeError() << "shape mismatch: axes/steps and starts differ "
                             "in length";
  SliceSpec spec;
  for (int64_t d : shape) {
    spec.start.push_back(0);
    spec.step.push_back(1);
    spec.count.push_back(d);
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    int64_t axis = normAxis(axes[k], rank);
    if (axis < 0)
      return im.nodeError() << "axis " << axes[k] << " is out of range";
    int64_t dim = shape[axis], step = steps[k];
    if (step == 0)
      return im.nodeError() << "a slice step of 0 is invalid";
    // Clamp like the ONNX reference (numpy slicing).
    auto clampTo = [](int64_t v, int64_t lo, int64_t hi) {
      return std::max(lo, std::min(v, hi));
    };
    int64_t s = starts[k] < 0 ? std::max<int64_t>(starts[k], INT64_MIN / 2) + dim
                              : starts[k];
    int64_t e;
    e = ends[k] < 0 ? std::max<int64_t>(ends[k], INT64_MIN / 2) + dim
                    : ends[k];
    if (step > 0) {
      s = clampTo(s, 0, dim);
      e = clampTo(e, 0, dim);
    } else {
      s = clampTo(s, 0, dim - 1);
      e = clampTo(e, -1, dim - 1);
    }
    int64_t count = step > 0 ? (e - s + step - 1) / step
                             : (s - e + (-step) - 1) / (-step);
    spec.start[axis] = s;
    spec.step[axis] = step;
    spec.count[axis] = std::max<int64_t>(count, 0);
  }
  return spec;
}

//===----------------------------------------------------------------------===//
// Folding
//===----------------------------------------------------------------------===//

/// Numpy broadcasting of two host tensors through `fn`.
template <typename Fn>
static FailureOr<HostTensor> broadcastHost(ONNXImporter &im,
                                           const HostTensor &a,
                                           const HostTensor &b, Fn fn) {
  size_t rank = std::max(a.shape.size(), b.shape.size());
  SmallVector<int64_t> as(rank - a.shape.size(), 1), bs(rank - b.shape.size(), 1);
  as.append(a.shape.begin(), a.shape.end());
  bs.append(b.shape.begin(), b.shape.end());
  SmallVector<int64_t> out;
  for (size_t k = 0; k < rank; ++k) {
    if (as[k] != bs[k] && as[k] != 1 && bs[k] != 1)
      return im.nodeError() << "shape mismatch: operands do not broadcast";
    out.push_back(as[k] == 1 ? bs[k] : as[k]);
  }
  SmallVector<int64_t> sa = stridesOf(as), sb = stridesOf(bs), so = stridesOf(out);
  HostTensor r;
  r.shape = out;
  r.isInt = a.isInt && b.isInt;
  int64_t n = product(out);
  for (int64_t k = 0; k < n; ++k) {
    int64_t ia = 0, ib = 0, rem = k;
    for (size_t d = 0; d < rank; ++d) {
      int64_t idx = rem / so[d];
      rem %= so[d];
      ia += (as[d] == 1 ? 0 : idx) * sa[d];
      ib += (bs[d] == 1 ? 0 : idx) * sb[d];
    }
    if (r.isInt)
      r.i.push_back(int64_t(fn(double(a.i[ia]), double(b.i[ib]), true)));
    else
      r.f.push_back(float(fn(a.at(ia), b.at(ib), false)));
  }
  return r;
}

static HostTensor reshaped(HostTensor t, ArrayRef<int64_t> shape) {
  t.shape.assign(shape.begin(), shape.end());
  return t;
}

static HostTensor fromAttr(ONNXImporter &im, const onnx::AttributeProto &a,
                           bool &ok);

std::optional<LogicalResult>
netrewrite::onnximport::tryFold(ONNXImporter &im) {
  const onnx::NodeProto &node = im.node();
  StringRef op = node.op_type();

  if (op == "Constant") {
    for (const auto &a : node.attribute()) {
      bool ok = true;
      HostTensor t = fromAttr(im, a, ok);
      if (!ok)
        return failure();
      // A weight held in a Constant node (older exporters) is written back
      // into that node's `value`.
      if (!t.isInt && a.name() == "value" && node.output_size() == 1)
        t.source = WeightSource(node.output(0), t.shape);
      return im.setConst(0, std::move(t));
    }
    return LogicalResult(im.nodeError() << "Constant without a value");
  }
  if (op == "Shape") {
    ArrayRef<int64_t> shape = im.inputShape(0);
    int64_t rank = shape.size();
    int64_t start = im.attrInt("start", 0), end = im.attrInt("end", rank);
    start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
    std::vector<int64_t> dims(shape.begin() + start,
                              shape.begin() + std::max(start, end));
    int64_t n = dims.size();
    return im.setConst(0, HostTensor::ints({n}, std::move(dims)));
  }
  if (op == "Size")
    return im.setConst(0, HostTensor::ints({}, {product(im.inputShape(0))}));

  // Everything else folds only when every present input is a constant.
  if (im.numInputs() == 0)
    return std::nullopt;
  for (size_t k = 0; k < im.numInputs(); ++k)
    if (im.hasInput(k) && !im.inputConst(k))
      return std::nullopt;
  auto c = [&](size_t k) -> const HostTensor & { return *im.inputConst(k); };

  if (op == "Identity" || (op == "Dropout" && !im.isOutputUsed(1)))
    return im.setConst(0, c(0));
  if (op == "Cast") {
    HostTensor t = c(0);
    int64_t to = im.attrInt("to", onnx::TensorProto::FLOAT);
    bool toFloat = to == onnx::TensorProto::FLOAT ||
                   to == onnx::TensorProto::DOUBLE ||
                   to == onnx::TensorProto::FLOAT16;
    if (toFloat && t.isInt) {
      t.f.assign(t.i.begin(), t.i.end());
      t.i.clear();
      t.isInt = false;
    } else if (!toFloat && !t.isInt) {
      t.source.reset();
      for (float v : t.f)
        t.i.push_back(int64_t(v));
      t.f.clear();
      t.isInt = true;
    }
    return im.setConst(0, std::move(t));
  }
  if (op == "ConstantOfShape") {
    std::vector<int64_t> shape;
    for (int64_t k = 0; k < c(0).numElements(); ++k)
      shape.push_back(c(0).intAt(k));
    HostTensor value = HostTensor::floats({1}, {0.0f});
    if (const auto *a = im.attr("value")) {
      bool ok = true;
      value = fromAttr(im, *a, ok);
      if (!ok)
        return failure();
    }
    HostTensor t;
    t.shape.assign(shape.begin(), shape.end());
    t.isInt = value.isInt;
    if (t.isInt)
      t.i.assign(product(t.shape), value.i.empty() ? 0 : value.i[0]);
    else
      t.f.assign(product(t.shape), value.f.empty() ? 0.0f : value.f[0]);
    return im.setConst(0, std::move(t));
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    char kind = op[0] == 'A' ? '+' : op[0] == 'S' ? '-' : op[0] == 'M' ? '*' : '/';
    FailureOr<HostTensor> r = broadcastHost(
        im, c(0), c(1), [kind](double x, double y, bool isInt) -> double {
          switch (kind) {
          case '+': return x + y;
          case '-': return x - y;
          case '*': return x * y;
          default:
            if (isInt)
              return y == 0 ? 0 : std::floor(x / y);
            return float(x) / float(y);
          }
        });
    if (failed(r))
      return failure();
    return im.setConst(0, std::move(*r));
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    bool present;
    int64_t rank = c(0).shape.size();
    bool unsq = op == "Unsqueeze";
    if (unsq) {
      // Unsqueeze's axes index the output.
      int64_t nAxes = im.opset() < 13 ? im.attrInts("axes").size()
                                      : (im.inputConst(1)
                                             ? im.inputConst(1)->numElements()
                                             : 0);
      rank += nAxes;
    }
    FailureOr<SmallVector<int64_t>> axes = axesOf(im, 13, rank, present);
    if (failed(axes))
      return failure();
    return im.setConst(0, reshaped(c(0), unsq ? unsqueezeShape(c(0).shape, *axes)
                                              : squeezeShape(c(0).shape, *axes)));
  }
  if (op == "Reshape") {
    FailureOr<SmallVector<int64_t>> shape = reshapeTarget(im, c(0).shape, c(1));
    if (failed(shape))
      return failure();
    return im.setConst(0, reshaped(c(0), *shape));
  }
  if (op == "Flatten") {
    int64_t rank = c(0).shape.size();
    int64_t axis = im.attrInt("axis", 1);
    axis = axis < 0 ? axis + rank : axis;
    ArrayRef<int64_t> s = c(0).shape;
    return im.setConst(0, reshaped(c(0), {product(s.take_front(axis)),
                                          product(s.drop_front(axis))}));
  }
  if (op == "Concat") {
    int64_t rank = c(0).shape.size();
    int64_t axis = normAxis(im.attrInt("axis", 0), std::max<int64_t>(rank, 1));
    if (axis < 0)
      return LogicalResult(im.nodeError() << "axis out of range");
    HostTensor out;
    out.shape = c(0).shape;
    out.isInt = c(0).isInt;
    out.shape[axis] = 0;
    for (size_t k = 0; k < im.numInputs(); ++k)
      out.shape[axis] += c(k).shape[axis];
    int64_t outer = product(ArrayRef<int64_t>(out.shape).take_front(axis));
    for (int64_t o = 0; o < outer; ++o)
      for (size_t k = 0; k < im.numInputs(); ++k) {
        int64_t chunk = product(ArrayRef<int64_t>(c(k).shape).drop_front(axis));
        for (int64_t e = 0; e < chunk; ++e) {
          if (out.isInt)
            out.i.push_back(c(k).intAt(o * chunk + e));
          else
            out.f.push_back(float(c(k).at(o * chunk + e)));
        }
      }
    return im.setConst(0, std::move(out));
  }
  if (op == "Gather") {
    const HostTensor &data = c(0), &idx = c(1);
    int64_t rank = data.shape.size();
    int64_t axis = normAxis(im.attrInt("axis", 0), rank);
    if (axis < 0)
      return LogicalResult(im.nodeError() << "axis out of range");
    SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
    shape.append(idx.shape.begin(), idx.shape.end());
    shape.append(data.shape.begin() + axis + 1, data.shape.end());
    int64_t outer = product(ArrayRef<int64_t>(data.shape).take_front(axis));
    int64_t inner = product(ArrayRef<int64_t>(data.shape).drop_front(axis + 1));
    HostTensor out;
    out.shape = shape;
    out.isInt = data.isInt;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < idx.numElements(); ++k) {
        int64_t j = idx.intAt(k);
        if (j < 0)
          j += data.shape[axis];
        if (j < 0 || j >= data.shape[axis])
          return LogicalResult(im.nodeError() << "index " << idx.intAt(k)
                                              << " is out of range");
        for (int64_t e = 0; e < inner; ++e) {
          int64_t src = (o * data.shape[axis] + j) * inner + e;
          if (out.isInt)
            out.i.push_back(data.i[src]);
          else
            out.f.push_back(data.f[src]);
        }
      }
    return im.setConst(0, std::move(out));
  }
  if (op == "Slice") {
    const HostTensor &data = c(0);
    FailureOr<SliceSpec> spec = sliceSpec(im, data.shape);
    if (failed(spec))
      return failure();
    HostTensor out;
    out.shape = spec->count;
    out.isInt = data.isInt;
    SmallVector<int64_t> strides = stridesOf(data.shape);
    int64_t n = product(out.shape);
    SmallVector<int64_t> idx(out.shape.size(), 0);
    for (int64_t k = 0; k < n; ++k) {
      int64_t src = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        src += (spec->start[d] + idx[d] * spec->step[d]) * strides[d];
      if (out.isInt)
        out.i.push_back(data.i[src]);
      else
        out.f.push_back(data.f[src]);
      for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
        if (++idx[d] < out.shape[d])
          break;
        idx[d] = 0;
      }
    }
    return im.setConst(0, std::move(out));
  }
  if (op == "Transpose") {
    int64_t rank = c(0).shape.size();
    SmallVector<int64_t> perm = im.attrInts("perm");
    if (perm.empty())
      for (int64_t k = rank - 1; k >= 0; --k)
        perm.push_back(k);
    return im.setConst(0, permute(c(0), perm));
  }
  return std::nullopt;
}

static HostTensor fromAttr(ONNXImporter &im, const onnx::AttributeProto &a,
                           bool &ok) {
  StringRef name = a.name();
  if (name == "value_float")
    return HostTensor::floats({}, {a.f()});
  if (name == "value_floats")
    return HostTensor::floats({int64_t(a.floats_size())},
                              {a.floats().begin(), a.floats().end()});
  if (name == "value_int")
    return HostTensor::ints({}, {a.i()});
  if (name == "value_ints")
    return HostTensor::ints({int64_t(a.ints_size())},
                            {a.ints().begin(), a.ints().end()});
  if (name == "value" && a.has_t()) {
    FailureOr<HostTensor> t = im.tensorFromProto(a.t());
    if (succeeded(t))
      return *t;
    ok = false;
    return {};
  }
  im.nodeError() << "unsupported attribute '" << name << "'";
  ok = false;
  return {};
}
