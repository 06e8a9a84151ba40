//===- ConvHandlers.cpp - Conv, Gemm and MatMul ---------------------------===//

#include "importers/onnx/HandlerTable.h"
#include "importers/onnx/ImportContext.h"
#include "importers/onnx/WindowAttrs.h"

#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;
using namespace trainc;

namespace {
RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult importConv(ImportContext &ctx) {
  auto input = ctx.tensor(0);
  auto filter = ctx.tensor(1);
  if (failed(input) || failed(filter))
    return failure();
  std::optional<Value> bias;
  if (ctx.hasInput(2)) {
    auto b = ctx.tensor(2);
    if (failed(b))
      return failure();
    bias = *b;
  }
  RankedTensorType inType = tensorType(*input), wType = tensorType(*filter);
  if (inType.getRank() != 4 || wType.getRank() != 4)
    return ctx.fail("only 2-D convolution (4-D input and filter) is "
                    "supported; input is " +
                    formatShape(inType.getShape()) + ", filter " +
                    formatShape(wType.getShape()));
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  SmallVector<int64_t> kernelAttr = ctx.intsAttr("kernel_shape", kernel);
  if (ArrayRef<int64_t>(kernelAttr) != kernel)
    return ctx.fail("kernel_shape " + formatShape(kernelAttr) +
                    " disagrees with the filter " +
                    formatShape(wType.getShape()));
  auto window =
      readWindowAttrs(ctx, inType.getShape().drop_front(2), kernel);
  if (failed(window))
    return failure();
  int64_t groups = ctx.intAttr("group", 1);
  std::optional<ArrayRef<int64_t>> biasShape;
  if (bias)
    biasShape = tensorType(*bias).getShape();
  auto shape = inferConv2DShape(
      ctx.loc(), inType.getShape(), wType.getShape(), biasShape,
      Conv2DAttrs{window->strides, window->pads, window->dilations, groups});
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder();
  auto conv = b.create<Conv2DOp>(
      ctx.loc(), RankedTensorType::get(*shape, inType.getElementType()),
      *input, *filter, bias.value_or(Value()),
      b.getDenseI64ArrayAttr(window->strides),
      b.getDenseI64ArrayAttr(window->pads),
      b.getDenseI64ArrayAttr(window->dilations), b.getI64IntegerAttr(groups));
  ctx.define(0, conv);
  return success();
}

LogicalResult importGemm(ImportContext &ctx) {
  auto a = ctx.tensor(0);
  auto bMat = ctx.tensor(1);
  if (failed(a) || failed(bMat))
    return failure();
  std::optional<Value> c;
  std::optional<ArrayRef<int64_t>> cShape;
  if (ctx.hasInput(2)) {
    auto v = ctx.tensor(2);
    if (failed(v))
      return failure();
    c = *v;
    cShape = tensorType(*c).getShape();
  }
  bool transA = ctx.intAttr("transA", 0) != 0;
  bool transB = ctx.intAttr("transB", 0) != 0;
  auto shape = inferGemmShape(ctx.loc(), tensorType(*a).getShape(),
                              tensorType(*bMat).getShape(), cShape, transA,
                              transB);
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder();
  auto gemm = b.create<GemmOp>(
      ctx.loc(),
      RankedTensorType::get(*shape, tensorType(*a).getElementType()), *a,
      *bMat, c.value_or(Value()), b.getBoolAttr(transA), b.getBoolAttr(transB),
      b.getF32FloatAttr(ctx.floatAttr("alpha", 1.0f)),
      b.getF32FloatAttr(ctx.floatAttr("beta", 1.0f)));
  ctx.define(0, gemm);
  return success();
}

LogicalResult importMatMul(ImportContext &ctx) {
  auto lhs = ctx.tensor(0);
  auto rhs = ctx.tensor(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  auto shape = inferMatMulShape(ctx.loc(), tensorType(*lhs).getShape(),
                                tensorType(*rhs).getShape());
  if (failed(shape))
    return failure();
  auto matmul = ctx.builder().create<MatMulOp>(
      ctx.loc(),
      RankedTensorType::get(*shape, tensorType(*lhs).getElementType()), *lhs,
      *rhs);
  ctx.define(0, matmul);
  return success();
}
} // namespace

void trainc::registerConvHandlers(HandlerTable &table) {
  table.add("Conv", 1, importConv);
  table.add("Gemm", 7, importGemm);
  table.add("MatMul", 1, importMatMul);
}
