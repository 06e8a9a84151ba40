//===- VJPRules.cpp - reverse-mode rules of the differentiable ops --------===//
//
// Each rule builds the cotangents of the operands that need one from the
// cotangents of the results (VJPOpInterface). Backward ops are built with
// explicit result types: the operand types they mirror are already verified.
//
//===----------------------------------------------------------------------===//

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::train;

namespace {
/// Starts a rule: every operand gradient null, and the result cotangent `dy`
/// of a single-result op (null when none reaches it).
Value begin(Operation *op, ArrayRef<Value> resultGrads,
            SmallVectorImpl<Value> &grads) {
  grads.assign(op->getNumOperands(), Value());
  return resultGrads.empty() ? Value() : resultGrads.front();
}

Value gemm(OpBuilder &b, Location loc, Type type, Value a, Value bMat,
           bool transA, bool transB, float alpha) {
  return b.create<GemmOp>(loc, type, a, bMat, Value(), b.getBoolAttr(transA),
                          b.getBoolAttr(transB), b.getF32FloatAttr(alpha),
                          b.getF32FloatAttr(1.0f));
}

Value reshapeTo(OpBuilder &b, Location loc, Value grad, Type type) {
  auto shaped = cast<RankedTensorType>(type);
  return b.create<ReshapeOp>(loc, shaped, grad,
                             b.getDenseI64ArrayAttr(shaped.getShape()));
}
} // namespace

LogicalResult FlattenOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                  ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  if (Value dy = begin(*this, resultGrads, grads); dy && needed[0])
    grads[0] = reshapeTo(b, getLoc(), dy, getInput().getType());
  return success();
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                  ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  if (Value dy = begin(*this, resultGrads, grads); dy && needed[0])
    grads[0] = reshapeTo(b, getLoc(), dy, getInput().getType());
  return success();
}

LogicalResult Conv2DOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                 ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  Value dy = begin(*this, resultGrads, grads);
  if (!dy)
    return success();
  Location loc = getLoc();
  if (needed[0])
    grads[0] = b.create<Conv2DBackwardDataOp>(
        loc, getInput().getType(), dy, getFilter(), getStridesAttr(),
        getPadsAttr(), getDilationsAttr(), getGroupsAttr());
  if (needed[1])
    grads[1] = b.create<Conv2DBackwardFilterOp>(
        loc, getFilter().getType(), dy, getInput(), getStridesAttr(),
        getPadsAttr(), getDilationsAttr(), getGroupsAttr());
  if (getBias() && needed[2])
    grads[2] =
        b.create<Conv2DBackwardBiasOp>(loc, getBias().getType(), dy);
  return success();
}

// Y = alpha * op(A) op(B) + beta * C, with G = dY:
//   d op(A) = alpha * G op(B)^T,   d op(B) = alpha * op(A)^T G,
//   dC = beta * (G summed down to C's shape).
LogicalResult GemmOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  Value g = begin(*this, resultGrads, grads);
  if (!g)
    return success();
  Location loc = getLoc();
  bool tA = getTransA(), tB = getTransB();
  float alpha = getAlpha().convertToFloat();
  if (needed[0])
    grads[0] = tA ? gemm(b, loc, getA().getType(), getB(), g, tB, true, alpha)
                  : gemm(b, loc, getA().getType(), g, getB(), false, !tB,
                         alpha);
  if (needed[1])
    grads[1] = tB ? gemm(b, loc, getB().getType(), g, getA(), true, tA, alpha)
                  : gemm(b, loc, getB().getType(), getA(), g, !tA, false,
                         alpha);
  if (getC() && needed[2]) {
    Value dc = g;
    if (getC().getType() != g.getType())
      dc = b.create<ReduceSumToOp>(loc, getC().getType(), g);
    float beta = getBeta().convertToFloat();
    if (beta != 1.0f)
      dc = b.create<ScaleOp>(loc, dc.getType(), dc, b.getF32FloatAttr(beta));
    grads[2] = dc;
  }
  return success();
}

LogicalResult MatMulOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                 ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  Value g = begin(*this, resultGrads, grads);
  if (!g)
    return success();
  if (needed[0])
    grads[0] = gemm(b, getLoc(), getLhs().getType(), g, getRhs(), false, true,
                    1.0f);
  if (needed[1])
    grads[1] = gemm(b, getLoc(), getRhs().getType(), getLhs(), g, true, false,
                    1.0f);
  return success();
}

// Only the normalised output carries a gradient: the running statistics are
// state, and the batch statistics feed nothing but backward.
LogicalResult BatchNormOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign(getNumOperands(), Value());
  if (llvm::any_of(resultGrads.drop_front(), [](Value g) { return g; }))
    return emitError("the loss depends on a BatchNorm's statistics; only "
                     "its normalised output is differentiable");
  Value dy = resultGrads[0];
  if (!dy || !(needed[0] || needed[1] || needed[2]))
    return success();
  auto bwd = b.create<BatchNormBackwardOp>(
      getLoc(),
      TypeRange{getInput().getType(), getScale().getType(),
                getScale().getType()},
      dy, getInput(), getScale(), getBatchMean(), getBatchVar(),
      getEpsilonAttr(), getSyncAttr());
  for (int i = 0; i < 3; ++i)
    if (needed[i])
      grads[i] = bwd->getResult(i);
  return success();
}

LogicalResult ReluOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  if (Value dy = begin(*this, resultGrads, grads); dy && needed[0])
    grads[0] = b.create<ReluBackwardOp>(getLoc(), dy.getType(), dy,
                                        getOutput());
  return success();
}

LogicalResult AddOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &grads) {
  Value dy = begin(*this, resultGrads, grads);
  for (int i = 0; i < 2; ++i)
    if (needed[i])
      grads[i] = dy;
  return success();
}

LogicalResult MaxPool2DOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  if (Value dy = begin(*this, resultGrads, grads); dy && needed[0])
    grads[0] = b.create<MaxPool2DBackwardOp>(
        getLoc(), getInput().getType(), dy, getInput(), getKernelAttr(),
        getStridesAttr(), getPadsAttr(), getDilationsAttr(), getCeilModeAttr());
  return success();
}

LogicalResult AvgPool2DOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  if (Value dy = begin(*this, resultGrads, grads); dy && needed[0])
    grads[0] = b.create<AvgPool2DBackwardOp>(
        getLoc(), getInput().getType(), dy, getKernelAttr(), getStridesAttr(),
        getPadsAttr(), getCeilModeAttr(), getCountIncludePadAttr());
  return success();
}

LogicalResult GlobalAvgPoolOp::buildVJP(OpBuilder &b,
                                        ArrayRef<Value> resultGrads,
                                        ArrayRef<bool> needed,
                                        SmallVectorImpl<Value> &grads) {
  if (Value dy = begin(*this, resultGrads, grads); dy && needed[0])
    grads[0] = b.create<GlobalAvgPoolBackwardOp>(getLoc(),
                                                 getInput().getType(), dy);
  return success();
}

LogicalResult SoftmaxXentOp::buildVJP(OpBuilder &b,
                                      ArrayRef<Value> resultGrads,
                                      ArrayRef<bool> needed,
                                      SmallVectorImpl<Value> &grads) {
  if (Value dloss = begin(*this, resultGrads, grads); dloss && needed[0])
    grads[0] = b.create<SoftmaxXentBackwardOp>(
        getLoc(), getLogits().getType(), getLogits(), getLabels(), dloss,
        getLabelSmoothingAttr());
  return success();
}
