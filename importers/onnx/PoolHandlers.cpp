//===- PoolHandlers.cpp - MaxPool, AveragePool, GlobalAveragePool ---------===//

#include "importers/onnx/HandlerTable.h"
#include "importers/onnx/ImportContext.h"
#include "importers/onnx/WindowAttrs.h"

#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;
using namespace trainc;

namespace {
/// The input of a 2-D pooling node and its window; fails on other ranks.
struct PoolInput {
  Value input;
  RankedTensorType type;
  SmallVector<int64_t> kernel;
  WindowAttrs window;
  bool ceilMode;
};

FailureOr<PoolInput> readPoolInput(ImportContext &ctx) {
  auto input = ctx.tensor(0);
  if (failed(input))
    return failure();
  PoolInput p;
  p.input = *input;
  p.type = cast<RankedTensorType>(p.input.getType());
  p.kernel = ctx.intsAttr("kernel_shape", {});
  if (p.type.getRank() != 4 || p.kernel.size() != 2)
    return ctx.fail("only 2-D pooling (a 4-D input and a 2-D kernel_shape) "
                    "is supported; input is " +
                    formatShape(p.type.getShape()) + ", kernel_shape " +
                    formatShape(p.kernel));
  auto window = readWindowAttrs(ctx, p.type.getShape().drop_front(2), p.kernel);
  if (failed(window))
    return failure();
  p.window = std::move(*window);
  p.ceilMode = ctx.intAttr("ceil_mode", 0) != 0;
  return p;
}

LogicalResult importMaxPool(ImportContext &ctx) {
  if (ctx.hasOutput(1))
    return ctx.fail("MaxPool's Indices output is not supported");
  auto p = readPoolInput(ctx);
  if (failed(p))
    return failure();
  auto shape = inferPool2DShape(ctx.loc(), p->type.getShape(),
                                Pool2DAttrs{p->kernel, p->window.strides,
                                            p->window.pads,
                                            p->window.dilations, p->ceilMode});
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder();
  auto pool = b.create<MaxPool2DOp>(
      ctx.loc(), RankedTensorType::get(*shape, p->type.getElementType()),
      p->input, b.getDenseI64ArrayAttr(p->kernel),
      b.getDenseI64ArrayAttr(p->window.strides),
      b.getDenseI64ArrayAttr(p->window.pads),
      b.getDenseI64ArrayAttr(p->window.dilations), b.getBoolAttr(p->ceilMode));
  ctx.define(0, pool);
  return success();
}

LogicalResult importAveragePool(ImportContext &ctx) {
  auto p = readPoolInput(ctx);
  if (failed(p))
    return failure();
  if (llvm::any_of(p->window.dilations, [](int64_t d) { return d != 1; }))
    return ctx.fail("AveragePool with dilations is not supported");
  auto shape = inferPool2DShape(ctx.loc(), p->type.getShape(),
                                Pool2DAttrs{p->kernel, p->window.strides,
                                            p->window.pads,
                                            p->window.dilations, p->ceilMode});
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder();
  auto pool = b.create<AvgPool2DOp>(
      ctx.loc(), RankedTensorType::get(*shape, p->type.getElementType()),
      p->input, b.getDenseI64ArrayAttr(p->kernel),
      b.getDenseI64ArrayAttr(p->window.strides),
      b.getDenseI64ArrayAttr(p->window.pads), b.getBoolAttr(p->ceilMode),
      b.getBoolAttr(ctx.intAttr("count_include_pad", 0) != 0));
  ctx.define(0, pool);
  return success();
}

LogicalResult importGlobalAveragePool(ImportContext &ctx) {
  auto input = ctx.tensor(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  auto shape = inferGlobalAvgPoolShape(ctx.loc(), type.getShape());
  if (failed(shape))
    return failure();
  auto pool = ctx.builder().create<GlobalAvgPoolOp>(
      ctx.loc(), RankedTensorType::get(*shape, type.getElementType()), *input);
  ctx.define(0, pool);
  return success();
}
} // namespace

void trainc::registerPoolHandlers(HandlerTable &table) {
  table.add("MaxPool", 8, importMaxPool);
  table.add("AveragePool", 7, importAveragePool);
  table.add("GlobalAveragePool", 1, importGlobalAveragePool);
}
