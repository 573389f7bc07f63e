//===- WeightSource.cpp - Where an imported weight comes from -------------===//
//
// The recorded layout steps of an imported weight, their attribute form,
// and applying/inverting them on host data (netrewrite-export).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Import/WeightSource.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace netrewrite;

std::vector<float> netrewrite::permuteData(ArrayRef<float> data,
                                           ArrayRef<int64_t> shape,
                                           ArrayRef<int64_t> perm) {
  size_t rank = shape.size();
  std::vector<int64_t> inStride(rank, 1), outShape(rank);
  for (int i = int(rank) - 2; i >= 0; --i)
    inStride[i] = inStride[i + 1] * shape[i + 1];
  for (size_t k = 0; k < rank; ++k)
    outShape[k] = shape[perm[k]];
  std::vector<float> out(data.size());
  std::vector<int64_t> idx(rank, 0);
  for (size_t flat = 0; flat < out.size(); ++flat) {
    int64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src += idx[d] * inStride[perm[d]];
    out[flat] = data[src];
    for (int d = int(rank) - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

void netrewrite::attachWeightSource(Value constant, const WeightSource &source) {
  Operation *op = constant.getDefiningOp();
  op->setAttr(WeightSource::kAttrName, source.toAttr(op->getContext()));
}

/// The shape after `step` for a tensor of shape `s` (scales keep it).
static std::vector<int64_t> shapeAfter(const WeightSource::Step &step,
                                       std::vector<int64_t> s) {
  if (step.kind == WeightSource::Step::Reshape)
    return step.dims;
  if (step.kind == WeightSource::Step::Permute) {
    std::vector<int64_t> p;
    for (int64_t a : step.dims)
      p.push_back(s[a]);
    return p;
  }
  return s;
}

std::vector<int64_t> WeightSource::currentShape() const {
  std::vector<int64_t> s = shape;
  for (const Step &step : steps)
    s = shapeAfter(step, std::move(s));
  return s;
}

void WeightSource::reshape(ArrayRef<int64_t> to) {
  if (ArrayRef<int64_t>(currentShape()) == to)
    return;
  steps.push_back({Step::Reshape, {to.begin(), to.end()}, 1.0});
}

void WeightSource::permute(ArrayRef<int64_t> from, ArrayRef<int64_t> perm) {
  reshape(from);
  bool identity = true;
  for (auto [k, p] : llvm::enumerate(perm))
    identity &= int64_t(k) == p;
  if (!identity)
    steps.push_back({Step::Permute, {perm.begin(), perm.end()}, 1.0});
}

void WeightSource::scale(double factor) {
  if (factor != 1.0)
    steps.push_back({Step::Scale, {}, factor});
}

DictionaryAttr WeightSource::toAttr(MLIRContext *ctx) const {
  Builder b(ctx);
  SmallVector<Attribute> stepAttrs;
  for (const Step &s : steps) {
    switch (s.kind) {
    case Step::Reshape:
      stepAttrs.push_back(b.getDictionaryAttr(
          b.getNamedAttr("reshape", b.getDenseI64ArrayAttr(s.dims))));
      break;
    case Step::Permute:
      stepAttrs.push_back(b.getDictionaryAttr(
          b.getNamedAttr("permute", b.getDenseI64ArrayAttr(s.dims))));
      break;
    case Step::Scale:
      stepAttrs.push_back(b.getDictionaryAttr(
          b.getNamedAttr("scale", b.getF64FloatAttr(s.factor))));
      break;
    }
  }
  return b.getDictionaryAttr(
      {b.getNamedAttr("tensor", b.getStringAttr(tensor)),
       b.getNamedAttr("shape", b.getDenseI64ArrayAttr(shape)),
       b.getNamedAttr("steps", b.getArrayAttr(stepAttrs))});
}

FailureOr<WeightSource> WeightSource::fromAttr(Attribute attr) {
  auto dict = dyn_cast_or_null<DictionaryAttr>(attr);
  if (!dict)
    return failure();
  auto tensor = dict.getAs<StringAttr>("tensor");
  auto shape = dict.getAs<DenseI64ArrayAttr>("shape");
  auto steps = dict.getAs<ArrayAttr>("steps");
  if (!tensor || !shape || !steps)
    return failure();
  WeightSource src(tensor.str(), shape.asArrayRef());
  for (Attribute a : steps) {
    auto step = dyn_cast<DictionaryAttr>(a);
    if (!step)
      return failure();
    if (auto r = step.getAs<DenseI64ArrayAttr>("reshape"))
      src.steps.push_back({Step::Reshape, {r.asArrayRef().begin(), r.asArrayRef().end()}, 1.0});
    else if (auto p = step.getAs<DenseI64ArrayAttr>("permute"))
      src.steps.push_back({Step::Permute, {p.asArrayRef().begin(), p.asArrayRef().end()}, 1.0});
    else if (auto s = step.getAs<FloatAttr>("scale"))
      src.steps.push_back({Step::Scale, {}, s.getValueAsDouble()});
    else
      return failure();
  }
  return src;
}

std::vector<float> WeightSource::apply(ArrayRef<float> source) const {
  std::vector<float> data(source.begin(), source.end());
  std::vector<int64_t> s = shape;
  for (const Step &step : steps) {
    if (step.kind == Step::Reshape) {
      s = step.dims;
    } else if (step.kind == Step::Permute) {
      data = permuteData(data, s, step.dims);
      std::vector<int64_t> p;
      for (int64_t a : step.dims)
        p.push_back(s[a]);
      s = p;
    } else {
      // The importers scale in float, as here.
      for (float &v : data)
        v *= float(step.factor);
    }
  }
  return data;
}

std::vector<float> WeightSource::invert(ArrayRef<float> imported) const {
  // The shape in front of every step.
  std::vector<std::vector<int64_t>> before;
  std::vector<int64_t> s = shape;
  for (const Step &step : steps) {
    before.push_back(s);
    s = shapeAfter(step, s);
  }
  std::vector<float> data(imported.begin(), imported.end());
  for (size_t i = steps.size(); i-- > 0;) {
    const Step &step = steps[i];
    if (step.kind == Step::Permute) {
      // Undo out[k] = in[perm[k]]: permute back with the inverse.
      std::vector<int64_t> inverse(step.dims.size());
      for (size_t k = 0; k < step.dims.size(); ++k)
        inverse[step.dims[k]] = int64_t(k);
      std::vector<int64_t> outShape;
      for (int64_t a : step.dims)
        outShape.push_back(before[i][a]);
      data = permuteData(data, outShape, inverse);
    } else if (step.kind == Step::Scale) {
      for (float &v : data)
        v = float(double(v) / step.factor);
    }
  }
  return data;
}
