//===- NormHandlers.cpp - BatchNormalization in all its forms -------------===//
//
// Training form: 5 outputs (Y, running mean, running var, saved mean, saved
// var) before opset 14, or training_mode = 1 with 3 outputs since. Inference
// form: one output. Inputs 3 and 4 (running statistics) are buffers, not
// parameters.
//
//===----------------------------------------------------------------------===//

#include "importers/onnx/HandlerTable.h"
#include "importers/onnx/ImportContext.h"

#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;
using namespace trainc;

namespace {
LogicalResult importBatchNorm(ImportContext &ctx) {
  if (ctx.intAttr("spatial", 1) != 1)
    return ctx.fail("BatchNormalization with spatial = 0 is not supported");
  bool training;
  if (ctx.opset() >= 14) {
    training = ctx.intAttr("training_mode", 0) != 0;
    if (!training && (ctx.hasOutput(1) || ctx.hasOutput(2)))
      return ctx.fail("running statistics are outputs only with "
                      "training_mode = 1");
  } else {
    training = ctx.hasOutput(1) || ctx.hasOutput(2) || ctx.hasOutput(3) ||
               ctx.hasOutput(4);
  }
  SmallVector<Value, 5> operands;
  for (int i = 0; i < 5; ++i) {
    auto v = ctx.tensor(i, i >= 3 ? TensorRole::Buffer : TensorRole::Param);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  auto inType = cast<RankedTensorType>(operands[0].getType());
  float epsilon = ctx.floatAttr("epsilon", 1e-5f);
  float momentum = ctx.floatAttr("momentum", 0.9f);
  for (int i = 1; i < 5; ++i)
    if (failed(verifyBatchNormShapes(
            ctx.loc(), inType.getShape(),
            cast<RankedTensorType>(operands[i].getType()).getShape(), epsilon,
            training ? std::optional<float>(momentum) : std::nullopt)))
      return failure();
  Type channelType = operands[1].getType();
  OpBuilder &b = ctx.builder();
  if (!training) {
    auto bn = b.create<BatchNormInferenceOp>(
        ctx.loc(), inType, operands[0], operands[1], operands[2], operands[3],
        operands[4], b.getF32FloatAttr(epsilon));
    ctx.define(0, bn);
    return success();
  }
  auto bn = b.create<BatchNormOp>(
      ctx.loc(), TypeRange{inType, channelType, channelType, channelType,
                           channelType},
      operands, ArrayRef<NamedAttribute>{
                    b.getNamedAttr("epsilon", b.getF32FloatAttr(epsilon)),
                    b.getNamedAttr("momentum", b.getF32FloatAttr(momentum))});
  for (int i = 0; i < 5; ++i)
    if (ctx.hasOutput(i))
      ctx.define(i, bn->getResult(i));
  return success();
}
} // namespace

void trainc::registerNormHandlers(HandlerTable &table) {
  table.add("BatchNormalization", 7, importBatchNorm);
}
