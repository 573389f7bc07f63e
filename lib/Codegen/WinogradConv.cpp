//===- WinogradConv.cpp - 3x3 convolutions by Winograd F(2x2, 3x3) --------===//
//
// A 3x3 convolution at batch 32 already runs at ~95% of the FMA peak, so
// the only way left to make it faster is to do fewer multiply-adds.
// Winograd's F(2x2, 3x3) computes a 2x2 output tile from a 4x4 input tile
// with 16 products per input/output channel pair instead of 36:
//
//   Y = A^T [ (G g G^T) . (B^T d B) ] A       (. : element-wise)
//
// Summed over input channels, the element-wise product at each of the 16
// tile positions is a matrix product (tiles x C) * (C x F), i.e. a 1x1
// convolution over the tile grid, which the scheduler already runs at
// 90%+ of peak. The transforms around it are element-wise over channels
// and memory-bound; they use stride-2 views of the padded input and of the
// output, so nothing is copied into tile layout beyond the 16 transformed
// inputs themselves.
//
// F(2x2, 3x3) rather than F(4x4, 3x3): its transforms use only 0, +-1 and
// +-1/2, so the results differ from the direct convolution by rounding
// only; F(4x4, 3x3)'s larger coefficients cost accuracy (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016).
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Codegen/Passes.h"

#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace netrewrite {
#define GEN_PASS_DEF_WINOGRADCONV
#include "netrewrite/Codegen/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;
using netrewrite::codegen::floatData;
using netrewrite::codegen::inSerialFunction;
using netrewrite::codegen::winogradApplies;

namespace {

/// The F(2x2, 3x3) transform matrices.
constexpr int kBT[4][4] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0},
                           {0, 1, 0, -1}};
constexpr double kG[4][3] = {
    {1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
constexpr int kAT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

/// sum_i coeffs[i] * terms[i] for coefficients in {0, 1, -1}, added to
/// `start` when given; additions and subtractions only.
Value signedSum(OpBuilder &b, Location loc, ArrayRef<int> coeffs,
                ArrayRef<Value> terms, Value start = {}) {
  Value acc = start;
  size_t first = coeffs.size();
  // Start from a +1 term so that no negation is needed.
  for (size_t i = 0; !acc && i < coeffs.size(); ++i)
    if (coeffs[i] == 1) {
      acc = terms[i];
      first = i;
    }
  for (size_t i = 0; i < coeffs.size(); ++i) {
    if (coeffs[i] == 0 || i == first)
      continue;
    if (coeffs[i] > 0)
      acc = arith::AddFOp::create(b, loc, acc, terms[i]);
    else
      acc = arith::SubFOp::create(b, loc, acc, terms[i]);
  }
  return acc;
}

/// M x M^T for a 4x4 tile x (row-major in `x`) and the R x 4 matrix `m`
/// with entries in {0, 1, -1}: rows first, t = m x, then columns; entry
/// (r, s) starts from `start(r, s)` when that is given. Additions and
/// subtractions only; the R * R results row-major.
template <size_t R>
SmallVector<Value> sandwich(OpBuilder &b, Location loc, const int (&m)[R][4],
                            ValueRange x,
                            function_ref<Value(int, int)> start = nullptr) {
  Value t[R][4];
  for (size_t r = 0; r < R; ++r)
    for (int j = 0; j < 4; ++j)
      t[r][j] = signedSum(b, loc, m[r], {x[j], x[4 + j], x[8 + j], x[12 + j]});
  SmallVector<Value> y;
  for (size_t r = 0; r < R; ++r)
    for (size_t c = 0; c < R; ++c)
      y.push_back(signedSum(b, loc, m[c], t[r], start ? start(r, c) : Value()));
  return y;
}

/// Offsets, sizes and strides of the stride-2 tile grid [N, TH, TW, C] of
/// an NHWC tensor that starts at pixel (row, col).
struct TileGrid {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  TileGrid(OpBuilder &b, int64_t row, int64_t col, ArrayRef<int64_t> shape)
      : offsets({b.getIndexAttr(0), b.getIndexAttr(row), b.getIndexAttr(col),
                 b.getIndexAttr(0)}),
        strides({b.getIndexAttr(1), b.getIndexAttr(2), b.getIndexAttr(2),
                 b.getIndexAttr(1)}) {
    for (int64_t s : shape)
      sizes.push_back(b.getIndexAttr(s));
  }
};

/// The stride-2 view `shape` of `source` starting at (row, col).
Value tileView(OpBuilder &b, Location loc, Value source, int64_t row,
               int64_t col, ArrayRef<int64_t> shape) {
  TileGrid grid(b, row, col, shape);
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(source.getType()).getElementType());
  return tensor::ExtractSliceOp::create(b, loc, type, source, grid.offsets,
                                        grid.sizes, grid.strides);
}

/// G g G^T for every (input, output) channel pair of an HWCF 3x3 filter,
/// in double precision: 16 [C][F] matrices, one per 4x4 tile position.
SmallVector<std::vector<float>> transformFilter(ArrayRef<float> g, int64_t c,
                                                int64_t f) {
  SmallVector<std::vector<float>> u(16, std::vector<float>(c * f));
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t fi = 0; fi < f; ++fi) {
      double w[3][3], t[4][3];
      for (int k = 0; k < 3; ++k)
        for (int l = 0; l < 3; ++l)
          w[k][l] = g[((k * 3 + l) * c + ci) * f + fi];
      for (int a = 0; a < 4; ++a)
        for (int l = 0; l < 3; ++l)
          t[a][l] =
              kG[a][0] * w[0][l] + kG[a][1] * w[1][l] + kG[a][2] * w[2][l];
      for (int a = 0; a < 4; ++a)
        for (int bb = 0; bb < 4; ++bb)
          u[a * 4 + bb][ci * f + fi] = (float)(kG[bb][0] * t[a][0] +
                                               kG[bb][1] * t[a][1] +
                                               kG[bb][2] * t[a][2]);
    }
  return u;
}

/// V = B^T d B at every tile: one element-wise generic over the tile grid
/// `inTile` whose 16 inputs are the stride-2 views (i, j) of the padded
/// `input` and whose 16 results are the transformed tiles' positions.
linalg::GenericOp buildInputTransform(OpBuilder &b, Location loc, Value input,
                                      ArrayRef<int64_t> inTile) {
  Type f32 = b.getF32Type();
  SmallVector<Value> views, empties;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      views.push_back(tileView(b, loc, input, i, j, inTile));
      empties.push_back(tensor::EmptyOp::create(b, loc, inTile, f32));
    }
  auto transform = linalg::GenericOp::create(
      b, loc, SmallVector<Type>(16, RankedTensorType::get(inTile, f32)), views,
      empties, SmallVector<AffineMap>(32, b.getMultiDimIdentityMap(4)),
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl,
                                sandwich(nb, nl, kBT, args.take_front(16)));
      });
  transform->setAttr("netrewrite.winograd", b.getUnitAttr());
  return transform;
}

/// Y = A^T m A (+ `bias` per channel when given, else + `output`'s value)
/// at every tile, written through the four stride-2 views (a, b) of
/// `output` and inserted back into it; the result is the whole output.
Value buildOutputTransform(OpBuilder &b, Location loc, ValueRange products,
                           Value bias, Value output,
                           ArrayRef<int64_t> outTile) {
  Type f32 = b.getF32Type();
  AffineMap id = b.getMultiDimIdentityMap(4);
  SmallVector<Value> views, inputs(products);
  for (int a = 0; a < 2; ++a)
    for (int bb = 0; bb < 2; ++bb)
      views.push_back(tileView(b, loc, output, a, bb, outTile));
  SmallVector<AffineMap> maps(16, id);
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(4, 0, b.getAffineDimExpr(3)));
  }
  maps.append(4, id);
  bool hasBias = (bool)bias;
  auto transform = linalg::GenericOp::create(
      b, loc, SmallVector<Type>(4, RankedTensorType::get(outTile, f32)),
      inputs, views, maps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [hasBias](OpBuilder &nb, Location nl, ValueRange args) {
        // Onto the bias, or onto the output's value at (a, b).
        auto start = [&](int a, int bb) {
          return hasBias ? args[16] : args[16 + a * 2 + bb];
        };
        linalg::YieldOp::create(
            nb, nl, sandwich(nb, nl, kAT, args.take_front(16), start));
      });
  transform->setAttr("netrewrite.winograd", b.getUnitAttr());
  Value result = output;
  for (int a = 0; a < 2; ++a)
    for (int bb = 0; bb < 2; ++bb) {
      TileGrid grid(b, a, bb, outTile);
      result = tensor::InsertSliceOp::create(
          b, loc, transform->getResult(a * 2 + bb), result, grid.offsets,
          grid.sizes, grid.strides);
    }
  return result;
}

/// The per-channel vector `init` broadcasts over [N, H, W, F], when it is
/// such a broadcast (the bias init tosa-to-linalg gives a convolution) used
/// only by the convolution: the output transform then adds the bias itself
/// instead of reading it back from a materialised broadcast.
Value broadcastChannels(Value init) {
  auto generic = init.getDefiningOp<linalg::GenericOp>();
  if (!generic || !init.hasOneUse() || generic.getNumDpsInputs() != 1 ||
      generic->getNumResults() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      generic.getNumLoops() != 4)
    return {};
  MLIRContext *ctx = init.getContext();
  AffineMap channel = AffineMap::get(4, 0, getAffineDimExpr(3, ctx));
  if (generic.getIndexingMapsArray() !=
      ArrayRef<AffineMap>{channel, AffineMap::getMultiDimIdentityMap(4, ctx)})
    return {};
  auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
  if (yield.getValues().size() != 1 ||
      yield.getValues()[0] != generic.getBody()->getArgument(0))
    return {};
  return generic.getDpsInputs()[0];
}

struct WinogradConvPass
    : public netrewrite::impl::WinogradConvBase<WinogradConvPass> {
  using WinogradConvBase::WinogradConvBase;

  void runOnOperation() override {
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    getOperation().walk([&](linalg::Conv2DNhwcHwcfOp op) {
      convs.push_back(op);
    });
    for (linalg::Conv2DNhwcHwcfOp op : convs)
      rewrite(op);
  }

  void rewrite(linalg::Conv2DNhwcHwcfOp op) {
    if (!op.hasPureTensorSemantics())
      return;
    Value input = op.getDpsInputs()[0], init = op.getDpsInits()[0];
    auto constant = op.getDpsInputs()[1].getDefiningOp<arith::ConstantOp>();
    auto inType = cast<RankedTensorType>(input.getType());
    auto fType = cast<RankedTensorType>(op.getDpsInputs()[1].getType());
    auto outType = cast<RankedTensorType>(init.getType());
    if (!constant || !inType.hasStaticShape() || !fType.hasStaticShape() ||
        !outType.hasStaticShape() || !fType.getElementType().isF32() ||
        !inType.getElementType().isF32() || !outType.getElementType().isF32())
      return;
    int64_t n = outType.getDimSize(0), oh = outType.getDimSize(1),
            ow = outType.getDimSize(2), f = outType.getDimSize(3),
            c = inType.getDimSize(3);
    SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
    if (!winogradApplies(fType.getDimSize(0), fType.getDimSize(1), strides,
                         dilations, c, f, oh, ow, minChannels))
      return;
    // At batch 1, ResNet18's 28x28x128 and 14x14x256 layers (196 and 49
    // tiles, 3.2M multiply-adds per product) made the whole network 20%
    // slower at 2 threads (the 18 ops of a layer are 18 parallel regions,
    // each a few microseconds of work) and level at 1. In the per-image
    // trunk every op runs on its thread without a barrier.
    int64_t tiles = n * ((oh + 1) / 2) * ((ow + 1) / 2);
    if (tiles * c * f < minProductMACs && !inSerialFunction(op))
      return;
    std::vector<float> storage;
    std::optional<ArrayRef<float>> g = floatData(constant.getValue(), storage);
    if (!g || (int64_t)g->size() != 9 * c * f)
      return;

    OpBuilder b(op);
    Location loc = op.getLoc();
    Type f32 = b.getF32Type();
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));

    // An odd output height or width (ResNet18's 7x7 layers) is computed one
    // larger, from an input padded by one more zero row or column, and
    // cropped: 16 tiles for 49 outputs instead of 12.25, still 1.7x fewer
    // multiply-adds than direct.
    Value originalInit = init;
    Value bias = broadcastChannels(init);
    if (oh % 2 || ow % 2) {
      auto grow = [&](Value v) -> Value {
        auto type = cast<RankedTensorType>(v.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape[1] += oh % 2;
        shape[2] += ow % 2;
        return tensor::createPadHighOp(type.clone(shape), v, zero,
                                       /*nofold=*/false, loc, b);
      };
      input = grow(input);
      if (!bias)
        init = grow(init);
      oh += oh % 2;
      ow += ow % 2;
    }
    // With a bias, the output is written once, by the output transform,
    // into a fresh tensor (bias + A^T m A).
    if (bias)
      init = tensor::EmptyOp::create(
          b, loc, SmallVector<int64_t>{n, oh, ow, f}, f32);
    SmallVector<int64_t> inTile = {n, oh / 2, ow / 2, c};
    SmallVector<int64_t> outTile = {n, oh / 2, ow / 2, f};
    linalg::GenericOp inputTransform =
        buildInputTransform(b, loc, input, inTile);

    // The 16 products, as 1x1 convolutions over the tile grid with the
    // transformed filters (blobs stay blobs, so large weights are never
    // printed as attribute lists; dense constants stay dense).
    SmallVector<std::vector<float>> u = transformFilter(*g, c, f);
    auto uType = RankedTensorType::get({1, 1, c, f}, f32);
    SmallVector<Value> products;
    for (int m = 0; m < 16; ++m) {
      TypedAttr value;
      if (isa<DenseResourceElementsAttr>(constant.getValue()))
        value = cast<TypedAttr>(DenseF32ResourceElementsAttr::get(
            uType, "netrewrite_winograd_filter",
            HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(
                ArrayRef<float>(u[m]))));
      else
        value = DenseElementsAttr::get(uType, ArrayRef<float>(u[m]));
      Value filter = arith::ConstantOp::create(b, loc, uType, value);
      Value acc = linalg::FillOp::create(
                      b, loc, zero,
                      ValueRange{tensor::EmptyOp::create(b, loc, outTile, f32)})
                      .getResult(0);
      products.push_back(
          linalg::Conv2DNhwcHwcfOp::create(
              b, loc, TypeRange{acc.getType()},
              ValueRange{inputTransform->getResult(m), filter}, ValueRange{acc},
              Attribute(op.getStrides()), Attribute(op.getDilations()))
              ->getResult(0));
    }
    Value result =
        buildOutputTransform(b, loc, products, bias, init, outTile);
    // Crop what an odd size added.
    if (originalInit.getType() != init.getType()) {
      auto type = cast<RankedTensorType>(originalInit.getType());
      SmallVector<OpFoldResult> zeros(4, b.getIndexAttr(0)),
          ones(4, b.getIndexAttr(1)), sizes;
      for (int64_t s : type.getShape())
        sizes.push_back(b.getIndexAttr(s));
      result = tensor::ExtractSliceOp::create(b, loc, type, result, zeros,
                                              sizes, ones);
    }
    op->getResult(0).replaceAllUsesWith(result);
    op.erase();
    if (bias) {
      Operation *broadcast = originalInit.getDefiningOp();
      Value empty = cast<linalg::GenericOp>(broadcast).getDpsInits()[0];
      broadcast->erase();
      if (empty.use_empty() && empty.getDefiningOp<tensor::EmptyOp>())
        empty.getDefiningOp()->erase();
    }
    if (constant->use_empty())
      constant.erase();
  }
};

} // namespace
