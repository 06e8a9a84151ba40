//===- TrainOps.cpp - train dialect ops -----------------------------------===//
//
// Result-type inference for every op. The rules live in ShapeFunctions.cpp;
// here they are applied to the operands' types, and the element types are
// checked to agree.
//
//===----------------------------------------------------------------------===//

#include "dialects/Train/IR/TrainOps.h"
#include "dialects/Train/IR/ShapeFunctions.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"


using namespace mlir;
using namespace mlir::train;

namespace {
LogicalResult pushResult(FailureOr<Shape> shape, Type elementType,
                         SmallVectorImpl<Type> &results) {
  if (failed(shape))
    return failure();
  results.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

std::optional<ArrayRef<int64_t>> optionalShape(ArrayRef<RankedTensorType> types,
                                               size_t index) {
  if (types.size() <= index)
    return std::nullopt;
  return types[index].getShape();
}
} // namespace

#define GET_OP_CLASSES
#include "dialects/Train/IR/TrainOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getValue().getType());
  if (!type || !type.hasStaticShape() ||
      !isa<FloatType>(type.getElementType()))
    return emitOptionalError(loc, "'value' must be a statically shaped "
                                  "floating-point tensor, got ",
                             adaptor.getValue().getType());
  results.push_back(type);
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  RankedTensorType input = (*types)[0];
  return pushResult(
      inferFlattenShape(loc, input.getShape(),
                        static_cast<int64_t>(adaptor.getAxis())),
      input.getElementType(), results);
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  RankedTensorType input = (*types)[0];
  return pushResult(
      inferReshapeShape(loc, input.getShape(), adaptor.getShape()),
      input.getElementType(), results);
}

//===----------------------------------------------------------------------===//
// Convolution and dense layers
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  Conv2DAttrs attrs{adaptor.getStrides(), adaptor.getPads(),
                    adaptor.getDilations(),
                    static_cast<int64_t>(adaptor.getGroups())};
  return pushResult(inferConv2DShape(loc, (*types)[0].getShape(),
                                     (*types)[1].getShape(),
                                     optionalShape(*types, 2), attrs),
                    (*types)[0].getElementType(), results);
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  return pushResult(inferGemmShape(loc, (*types)[0].getShape(),
                                   (*types)[1].getShape(),
                                   optionalShape(*types, 2),
                                   adaptor.getTransA(), adaptor.getTransB()),
                    (*types)[0].getElementType(), results);
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  return pushResult(inferMatMulShape(loc, (*types)[0].getShape(),
                                     (*types)[1].getShape()),
                    (*types)[0].getElementType(), results);
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

namespace {
/// The input and per-channel types of a BatchNorm's operands. (AllTypesMatch
/// already makes scale, bias, mean and variance one type.)
FailureOr<std::pair<RankedTensorType, RankedTensorType>>
batchNormTypes(OptLoc loc, ValueRange operands, float epsilon,
               std::optional<float> momentum) {
  auto types = staticTensorTypes(loc, operands);
  if (failed(types) ||
      failed(verifyBatchNormShapes(loc, (*types)[0].getShape(),
                                   (*types)[1].getShape(), epsilon, momentum)))
    return failure();
  return std::make_pair((*types)[0], (*types)[1]);
}
} // namespace

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto types = batchNormTypes(loc, adaptor.getOperands(),
                              adaptor.getEpsilon().convertToFloat(),
                              adaptor.getMomentum().convertToFloat());
  if (failed(types))
    return failure();
  results.push_back(types->first);
  results.append(4, types->second);
  return success();
}

LogicalResult BatchNormInferenceOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto types = batchNormTypes(loc, adaptor.getOperands(),
                              adaptor.getEpsilon().convertToFloat(),
                              std::nullopt);
  if (failed(types))
    return failure();
  results.push_back(types->first);
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  Pool2DAttrs attrs{adaptor.getKernel(), adaptor.getStrides(),
                    adaptor.getPads(), adaptor.getDilations(),
                    adaptor.getCeilMode()};
  return pushResult(inferPool2DShape(loc, (*types)[0].getShape(), attrs),
                    (*types)[0].getElementType(), results);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  int64_t ones[] = {1, 1};
  Pool2DAttrs attrs{adaptor.getKernel(), adaptor.getStrides(),
                    adaptor.getPads(), ones, adaptor.getCeilMode()};
  return pushResult(inferPool2DShape(loc, (*types)[0].getShape(), attrs),
                    (*types)[0].getElementType(), results);
}

LogicalResult GlobalAvgPoolOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto types = staticTensorTypes(loc, adaptor.getOperands());
  if (failed(types))
    return failure();
  return pushResult(inferGlobalAvgPoolShape(loc, (*types)[0].getShape()),
                    (*types)[0].getElementType(), results);
}

//===----------------------------------------------------------------------===//
// Collectives
//===----------------------------------------------------------------------===//

/// The types a collective may travel in: 16-bit floats (f32 is the
/// default, written without `as`).
static LogicalResult verifyWire(Operation *op, std::optional<Type> wire) {
  if (wire && !isa<Float16Type, BFloat16Type>(*wire))
    return op->emitOpError("can travel as f16 or bf16 only, not ") << *wire;
  return success();
}

LogicalResult AllReduceOp::verify() {
  return verifyWire(*this, getWire());
}

LogicalResult AllReduceStartOp::verify() {
  return verifyWire(*this, getWire());
}

LogicalResult AllReduceWaitOp::verify() {
  if (failed(verifyWire(*this, getWire())))
    return failure();
  if (!getFused())
    return success();
  // The update that took the epilogue follows right after, saying so.
  auto update = dyn_cast_or_null<OptimizerUpdateOp>((*this)->getNextNode());
  if (!update || update.getBucket() != getBucket() ||
      update.getEpilogue() != getReduction() ||
      update.getWire() != getWire())
    return emitOpError("is fused but not followed by bucket ")
           << getBucket() << "'s optimizer_update with the same epilogue";
  return success();
}

LogicalResult OptimizerUpdateOp::verify() {
  if (getWire() && !getEpilogue())
    return emitOpError("has a wire type but no fused epilogue");
  if (getWire() && failed(verifyWire(*this, getWire())))
    return failure();
  if (!getEpilogue())
    return success();
  auto wait = dyn_cast_or_null<AllReduceWaitOp>((*this)->getPrevNode());
  if (!wait || !wait.getFused() || wait.getBucket() != getBucket())
    return emitOpError("has a fused epilogue but does not follow bucket ")
           << getBucket() << "'s fused allreduce_wait";
  return success();
}
