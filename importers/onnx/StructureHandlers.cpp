//===- StructureHandlers.cpp - Identity, Constant, Flatten, Reshape -------===//

#include "importers/onnx/HandlerTable.h"
#include "importers/onnx/ImportContext.h"

#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainOps.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::train;
using namespace trainc;

namespace {
LogicalResult importIdentity(ImportContext &ctx) {
  if (!ctx.hasInput(0))
    return ctx.fail("input #0 is missing");
  ctx.alias(0, ctx.node().input(0));
  return success();
}

/// Constant nodes are recorded, not emitted: a consumer that needs a shape
/// reads the integers, one that needs a tensor gets a train.constant.
LogicalResult importConstant(ImportContext &ctx) {
  onnx::TensorProto tensor;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    tensor = a->t();
  } else if (const onnx::AttributeProto *a = ctx.attr("value_float")) {
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    tensor.add_float_data(a->f());
  } else if (const onnx::AttributeProto *a = ctx.attr("value_floats")) {
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    tensor.add_dims(a->floats_size());
    for (float f : a->floats())
      tensor.add_float_data(f);
  } else if (const onnx::AttributeProto *a = ctx.attr("value_int")) {
    tensor.set_data_type(onnx::TensorProto::INT64);
    tensor.add_int64_data(a->i());
  } else if (const onnx::AttributeProto *a = ctx.attr("value_ints")) {
    tensor.set_data_type(onnx::TensorProto::INT64);
    tensor.add_dims(a->ints_size());
    for (int64_t i : a->ints())
      tensor.add_int64_data(i);
  } else {
    return ctx.fail("Constant has no supported value attribute (value, "
                    "value_float(s), value_int(s))");
  }
  if (!ctx.hasOutput(0))
    return ctx.fail("Constant has no output");
  ctx.addConstant(ctx.node().output(0), std::move(tensor));
  return success();
}

LogicalResult importFlatten(ImportContext &ctx) {
  auto input = ctx.tensor(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  int64_t axis = ctx.intAttr("axis", 1), rank = type.getRank();
  if (axis < -rank || axis > rank)
    return ctx.fail("axis " + llvm::Twine(axis) + " is out of range for a " +
                    "rank-" + llvm::Twine(rank) + " input ([-" +
                    llvm::Twine(rank) + ", " + llvm::Twine(rank) + "])");
  if (axis < 0)
    axis += rank;
  auto shape = inferFlattenShape(ctx.loc(), type.getShape(), axis);
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.define(0, b.create<FlattenOp>(
                    ctx.loc(),
                    RankedTensorType::get(*shape, type.getElementType()),
                    *input, b.getI64IntegerAttr(axis)));
  return success();
}

/// Reshape with a constant shape; ONNX's 0 (copy) and -1 (infer) entries are
/// resolved here.
LogicalResult importReshape(ImportContext &ctx) {
  auto input = ctx.tensor(0);
  if (failed(input))
    return failure();
  auto target = ctx.constantInts(1);
  if (failed(target))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  bool allowZero = ctx.intAttr("allowzero", 0) != 0;
  int64_t known = 1, inferred = -1, total = type.getNumElements();
  SmallVector<int64_t> shape(*target);
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= type.getRank())
        return ctx.fail("shape entry #" + llvm::Twine(i) +
                        " is 0 (copy) but the input has rank " +
                        llvm::Twine(type.getRank()));
      d = type.getDimSize(i);
    } else if (d == -1) {
      if (inferred >= 0)
        return ctx.fail("shape " + formatShape(*target) +
                        " has more than one -1");
      inferred = i;
      continue;
    } else if (d < 0) {
      return ctx.fail("shape " + formatShape(*target) +
                      " has a negative entry other than -1");
    }
    if (llvm::MulOverflow(known, d, known))
      return ctx.fail("shape " + formatShape(*target) + " is too large");
  }
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return ctx.fail("cannot reshape " + formatShape(type.getShape()) +
                      " to " + formatShape(*target));
    shape[inferred] = total / known;
  }
  auto result = inferReshapeShape(ctx.loc(), type.getShape(), shape);
  if (failed(result))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.define(0, b.create<ReshapeOp>(
                    ctx.loc(),
                    RankedTensorType::get(*result, type.getElementType()),
                    *input, b.getDenseI64ArrayAttr(*result)));
  return success();
}
} // namespace

void trainc::registerStructureHandlers(HandlerTable &table) {
  table.add("Identity", 1, importIdentity);
  table.add("Constant", 1, importConstant);
  table.add("Flatten", 1, importFlatten);
  table.add("Reshape", 5, importReshape);
}
