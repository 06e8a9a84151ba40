//===- TrainDialect.cpp - the train dialect -------------------------------===//

#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::train;

#include "dialects/Train/IR/TrainDialect.cpp.inc"

void TrainDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Train/IR/TrainOps.cpp.inc"
      >();
}

namespace {
LogicalResult verifyNameAttr(Operation *op, NamedAttribute attr) {
  auto name = dyn_cast<StringAttr>(attr.getValue());
  if (!name || name.getValue().empty())
    return op->emitError() << "'" << attr.getName().getValue()
                           << "' must be a non-empty string";
  return success();
}
} // namespace

LogicalResult TrainDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned regionIndex,
                                                     unsigned argIndex,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kInputAttr || name == kParamAttr || name == kBufferAttr ||
      name == kLabelsAttr || name == "train.role")
    return verifyNameAttr(op, attr);
  if (name == "train.offset") {
    auto offset = dyn_cast<IntegerAttr>(attr.getValue());
    if (!offset || offset.getInt() < 0)
      return op->emitError() << "'train.offset' must be a non-negative "
                                "integer";
    return success();
  }
  if (name == kInitAttr) {
    auto value = dyn_cast<ElementsAttr>(attr.getValue());
    if (!value)
      return op->emitError() << "'" << name << "' must be an elements attribute";
    auto fn = dyn_cast<FunctionOpInterface>(op);
    if (!fn)
      return op->emitError() << "'" << name << "' belongs on a function argument";
    Type argType = fn.getArgumentTypes()[argIndex];
    if (value.getType() != argType)
      return op->emitError() << "'" << name << "' of argument #" << argIndex
                             << " has type " << value.getType()
                             << " but the argument has type " << argType;
    return success();
  }
  return op->emitError() << "unknown argument attribute '" << name << "'";
}

LogicalResult TrainDialect::verifyRegionResultAttribute(Operation *op,
                                                        unsigned regionIndex,
                                                        unsigned resultIndex,
                                                        NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kOutputAttr || name == kLossAttr || name == kGradAttr ||
      name == kBufferUpdateAttr)
    return verifyNameAttr(op, attr);
  return op->emitError() << "unknown result attribute '" << name << "'";
}

LogicalResult TrainDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kSourceAttr)
    return verifyNameAttr(op, attr);
  // The memory plan (train-plan-memory): sizes in bytes on the module and
  // on step functions, result slots on ops.
  if (name == "train.param_bytes" || name == "train.buffer_bytes" ||
      name == "train.arena_bytes") {
    auto bytes = dyn_cast<IntegerAttr>(attr.getValue());
    if (!bytes || bytes.getInt() < 0)
      return op->emitError() << "'" << name
                             << "' must be a non-negative integer";
    return success();
  }
  if (name == "train.slots") {
    auto slots = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    if (!slots || slots.size() != static_cast<int64_t>(op->getNumResults()))
      return op->emitError() << "'train.slots' must hold one offset per "
                                "result";
    return success();
  }
  if (name == "train.model") {
    if (!isa<DictionaryAttr>(attr.getValue()))
      return op->emitError() << "'train.model' must be a dictionary";
    return success();
  }
  if (name == kOpsetAttr) {
    auto opset = dyn_cast<IntegerAttr>(attr.getValue());
    if (!opset || opset.getInt() < 1)
      return op->emitError() << "'" << name << "' must be a positive integer";
    return success();
  }
  return op->emitError() << "unknown attribute '" << name << "'";
}
