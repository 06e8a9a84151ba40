//===- ElementwiseHandlers.cpp - Relu, Add, Sum ---------------------------===//

#include "importers/onnx/HandlerTable.h"
#include "importers/onnx/ImportContext.h"

#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;
using namespace trainc;

namespace {
LogicalResult importRelu(ImportContext &ctx) {
  auto input = ctx.tensor(0);
  if (failed(input))
    return failure();
  ctx.define(0, ctx.builder().create<ReluOp>(ctx.loc(), input->getType(),
                                             *input));
  return success();
}

/// lhs + rhs with the shape rule of train.add (no broadcasting).
FailureOr<Value> add(ImportContext &ctx, Value lhs, Value rhs) {
  if (failed(verifySameShape(
          ctx.loc(), cast<RankedTensorType>(lhs.getType()).getShape(),
          cast<RankedTensorType>(rhs.getType()).getShape())))
    return failure();
  return ctx.builder()
      .create<AddOp>(ctx.loc(), lhs.getType(), lhs, rhs)
      .getResult();
}

LogicalResult importAdd(ImportContext &ctx) {
  auto lhs = ctx.tensor(0);
  auto rhs = ctx.tensor(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  auto sum = add(ctx, *lhs, *rhs);
  if (failed(sum))
    return failure();
  ctx.define(0, *sum);
  return success();
}

/// Sum of n inputs as a chain of train.add, left to right.
LogicalResult importSum(ImportContext &ctx) {
  int n = ctx.node().input_size();
  if (n < 1)
    return ctx.fail("Sum needs at least one input");
  auto acc = ctx.tensor(0);
  if (failed(acc))
    return failure();
  Value result = *acc;
  for (int i = 1; i < n; ++i) {
    auto next = ctx.tensor(i);
    if (failed(next))
      return failure();
    auto sum = add(ctx, result, *next);
    if (failed(sum))
      return failure();
    result = *sum;
  }
  ctx.define(0, result);
  return success();
}
} // namespace

void trainc::registerElementwiseHandlers(HandlerTable &table) {
  table.add("Relu", 6, importRelu);
  table.add("Add", 7, importAdd);
  table.add("Sum", 6, importSum);
}
