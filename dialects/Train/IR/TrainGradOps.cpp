//===- TrainGradOps.cpp - loss and backward ops ---------------------------===//
//
// Type inference and verifiers of the ops in TrainGradOps.td. Ops with an
// explicit result type are verified by applying the forward shape rule to
// that type and comparing with the gradient they receive.
//
//===----------------------------------------------------------------------===//

#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;

namespace {
/// Checks logits `[N, K]` against integer labels `[N]` and the smoothing.
LogicalResult verifyXent(OptLoc loc, Type logitsType, Type labelsType,
                         float smoothing) {
  auto logits = dyn_cast<RankedTensorType>(logitsType);
  auto labels = dyn_cast<RankedTensorType>(labelsType);
  if (!logits || !labels || !logits.hasStaticShape() ||
      !labels.hasStaticShape())
    return emitOptionalError(loc, "expected statically shaped tensor operands");
  if (logits.getRank() != 2)
    return emitOptionalError(loc, "logits must have rank 2 ([N, K]), got ",
                             formatShape(logits.getShape()));
  if (labels.getRank() != 1 || labels.getDimSize(0) != logits.getDimSize(0))
    return emitOptionalError(loc, "labels must have shape [",
                             logits.getDimSize(0), "], got ",
                             formatShape(labels.getShape()));
  if (!isa<IntegerType>(labels.getElementType()))
    return emitOptionalError(loc, "labels must be integers, got ",
                             labels.getElementType());
  if (!(smoothing >= 0.0f && smoothing <= 1.0f))
    return emitOptionalError(loc, "'label_smoothing' must lie in [0, 1]");
  return success();
}

/// Backward ops with an explicit result type: operands and result share
/// one element type, as the forward op's do.
LogicalResult verifyElementTypes(Operation *op) {
  Type element = cast<ShapedType>(op->getResult(0).getType()).getElementType();
  for (Type t : op->getOperandTypes())
    if (cast<ShapedType>(t).getElementType() != element)
      return op->emitOpError("operand element type ")
             << cast<ShapedType>(t).getElementType()
             << " differs from the result's " << element;
  return success();
}

Conv2DAttrs convAttrs(ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                      ArrayRef<int64_t> dilations, uint64_t groups) {
  return Conv2DAttrs{strides, pads, dilations, static_cast<int64_t>(groups)};
}
} // namespace

LogicalResult SoftmaxXentOp::verify() {
  return verifyXent(getLoc(), getLogits().getType(), getLabels().getType(),
                    getLabelSmoothing().convertToFloat());
}

LogicalResult SoftmaxXentBackwardOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  if (failed(verifyXent(loc, adaptor.getLogits().getType(),
                        adaptor.getLabels().getType(),
                        adaptor.getLabelSmoothing().convertToFloat())))
    return failure();
  results.push_back(adaptor.getLogits().getType());
  return success();
}

LogicalResult ReduceSumToOp::verify() {
  if (failed(verifyElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  bool broadcastable = out.size() <= in.size();
  for (size_t i = 0; broadcastable && i < out.size(); ++i) {
    int64_t o = out[out.size() - 1 - i], n = in[in.size() - 1 - i];
    broadcastable = o == n || o == 1;
  }
  if (!broadcastable)
    return emitOpError("result shape ")
           << formatShape(out) << " does not broadcast to the input shape "
           << formatShape(in);
  return success();
}

LogicalResult Conv2DBackwardDataOp::verify() {
  if (failed(verifyElementTypes(*this)))
    return failure();
  auto shape = inferConv2DShape(
      getLoc(), getGradInput().getType().getShape(),
      getFilter().getType().getShape(), std::nullopt,
      convAttrs(getStrides(), getPads(), getDilations(), getGroups()));
  if (failed(shape))
    return failure();
  return expectShape(getLoc(), "grad_output",
                     getGradOutput().getType().getShape(), *shape);
}

LogicalResult Conv2DBackwardFilterOp::verify() {
  if (failed(verifyElementTypes(*this)))
    return failure();
  auto shape = inferConv2DShape(
      getLoc(), getInput().getType().getShape(),
      getGradFilter().getType().getShape(), std::nullopt,
      convAttrs(getStrides(), getPads(), getDilations(), getGroups()));
  if (failed(shape))
    return failure();
  return expectShape(getLoc(), "grad_output",
                     getGradOutput().getType().getShape(), *shape);
}

LogicalResult Conv2DBackwardBiasOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  RankedTensorType dy = (*types)[0];
  if (dy.getRank() < 2)
    return emitOptionalError(loc, "grad_output must have rank >= 2 ([N, M, "
                                  "...]), got ",
                             formatShape(dy.getShape()));
  results.push_back(
      RankedTensorType::get({dy.getDimSize(1)}, dy.getElementType()));
  return success();
}

LogicalResult BatchNormBackwardOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  // grad_output and input have one type (AllTypesMatch).
  RankedTensorType x = (*types)[1], scale = (*types)[2];
  for (RankedTensorType t : ArrayRef(*types).drop_front(2))
    if (failed(verifyBatchNormShapes(loc, x.getShape(), t.getShape(),
                                     adaptor.getEpsilon().convertToFloat(),
                                     std::nullopt,
                                     "scale, batch_mean and batch_var")))
      return failure();
  results.append({x, scale, scale});
  return success();
}

LogicalResult MaxPool2DBackwardOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  auto shape = inferPool2DShape(
      loc, (*types)[1].getShape(),
      Pool2DAttrs{adaptor.getKernel(), adaptor.getStrides(), adaptor.getPads(),
                  adaptor.getDilations(), adaptor.getCeilMode()});
  if (failed(shape) ||
      failed(expectShape(loc, "grad_output", (*types)[0].getShape(), *shape)))
    return failure();
  results.push_back((*types)[1]);
  return success();
}

LogicalResult AvgPool2DBackwardOp::verify() {
  if (failed(verifyElementTypes(*this)))
    return failure();
  int64_t ones[] = {1, 1};
  auto shape = inferPool2DShape(getLoc(), getGradInput().getType().getShape(),
                                Pool2DAttrs{getKernel(), getStrides(),
                                            getPads(), ones, getCeilMode()});
  if (failed(shape))
    return failure();
  return expectShape(getLoc(), "grad_output",
                     getGradOutput().getType().getShape(), *shape);
}

LogicalResult GlobalAvgPoolBackwardOp::verify() {
  if (failed(verifyElementTypes(*this)))
    return failure();
  auto shape =
      inferGlobalAvgPoolShape(getLoc(), getGradInput().getType().getShape());
  if (failed(shape))
    return failure();
  return expectShape(getLoc(), "grad_output",
                     getGradOutput().getType().getShape(), *shape);
}
