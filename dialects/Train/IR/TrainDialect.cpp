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
  registerAttributes();
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

/// `train.onnx_export`: a template whose holes lie inside it and do not
/// overlap, or the reason there is none.
LogicalResult verifyOnnxExport(Operation *op, Attribute value) {
  auto fail = [&](const Twine &what) {
    return op->emitError() << "'" << TrainDialect::kOnnxExportAttr << "' "
                           << what;
  };
  auto dict = dyn_cast<DictionaryAttr>(value);
  if (!dict)
    return fail("must be a dictionary");
  if (auto reason = dict.get("unsupported"))
    return isa<StringAttr>(reason) && dict.size() == 1
               ? success()
               : fail("with 'unsupported' holds only that string");
  auto bytes = dyn_cast_or_null<ElementsAttr>(dict.get("template"));
  auto holes = dyn_cast_or_null<ArrayAttr>(dict.get("holes"));
  if (!bytes || !holes || dict.size() != 2 ||
      !bytes.getElementType().isInteger(8) ||
      bytes.getShapedType().getRank() != 1)
    return fail("must hold 'template' (i8 elements) and 'holes'");
  int64_t size = bytes.getShapedType().getDimSize(0), end = 0;
  for (Attribute h : holes) {
    auto hole = dyn_cast<DictionaryAttr>(h);
    auto at = hole ? hole.getAs<IntegerAttr>("at") : nullptr;
    auto n = hole ? hole.getAs<IntegerAttr>("bytes") : nullptr;
    auto name = hole ? hole.getAs<StringAttr>("name") : nullptr;
    auto kind = hole ? hole.getAs<StringAttr>("kind") : nullptr;
    if (!at || !n || !name || !kind ||
        (kind.getValue() != "param" && kind.getValue() != "buffer"))
      return fail("holes must be {at, bytes, name, kind = \"param\" or "
                  "\"buffer\"}");
    if (at.getInt() < end || at.getInt() > size || n.getInt() < 0)
      return fail("holes must lie in the template in increasing order");
    end = at.getInt();
  }
  return success();
}
} // namespace

namespace {
/// Host memory on every target: the runtime's context, the update
/// coefficients, host scratch.
LogicalResult verifyMemorySpace(Operation *op, NamedAttribute attr) {
  auto space = dyn_cast<MemorySpaceAttr>(attr.getValue());
  if (!space || space.getValue() != MemorySpace::Host)
    return op->emitError()
           << "'train.memory_space' must be #train.memory_space<host>";
  return success();
}
} // namespace

LogicalResult TrainDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned regionIndex,
                                                     unsigned argIndex,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kInputAttr || name == kParamAttr || name == kBufferAttr ||
      name == kLabelsAttr)
    return verifyNameAttr(op, attr);
  // The step-argument field of a lowered function's argument.
  if (name == "train.role") {
    if (!isa<RoleAttr>(attr.getValue()))
      return op->emitError() << "'train.role' must be a #train.role<...>";
    return success();
  }
  // Where a lowered function's argument lives, when not in the arenas'
  // memory.
  if (name == "train.memory_space")
    return verifyMemorySpace(op, attr);
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
  // A parameter filter stored in channel blocks (train-assign-layouts).
  if (name == "train.layout") {
    auto block = dyn_cast<IntegerAttr>(attr.getValue());
    auto fn = dyn_cast<FunctionOpInterface>(op);
    auto type = fn ? dyn_cast<RankedTensorType>(fn.getArgumentTypes()[argIndex])
                   : RankedTensorType();
    if (!block || (block.getInt() != 8 && block.getInt() != 16) || !type ||
        type.getRank() != 4 || type.getDimSize(0) % block.getInt() != 0 ||
        type.getDimSize(1) % block.getInt() != 0)
      return op->emitError()
             << "'train.layout' must be a channel block (8 or 16) dividing "
                "both channel counts of a filter argument [O, I, kH, kW]";
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
  // The update algorithm of the step (train-insert-optimizer).
  if (name == "train.optimizer") {
    if (!isa<StringAttr>(attr.getValue()) || !isa<ModuleOp>(op))
      return op->emitError("'train.optimizer' must be a string on the module");
    return success();
  }
  // The memory plan (train-plan-memory): sizes in bytes on the module and
  // on step functions (and where compressed gradients stage), result slots
  // on ops.
  if (name == "train.param_bytes" || name == "train.buffer_bytes" ||
      name == "train.arena_bytes" || name == "train.wire_offset" ||
      name == "train.scratch") {
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
  // The memory layouts of the results (train-assign-layouts): a channel
  // block per result, 0 (plain), 8 or 16, dividing a 4-D result's channels.
  if (name == "train.layouts") {
    auto blocks = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    if (!blocks || blocks.size() != static_cast<int64_t>(op->getNumResults()))
      return op->emitError() << "'train.layouts' must hold one channel block "
                                "per result";
    for (auto [block, result] : llvm::zip(blocks.asArrayRef(),
                                          op->getResults())) {
      if (block == 0)
        continue;
      auto type = dyn_cast<RankedTensorType>(result.getType());
      // A backward filter's result is a filter: both channel counts.
      bool filter = isa<Conv2DBackwardFilterOp>(op);
      if ((block != 8 && block != 16) || !type || type.getRank() != 4 ||
          type.getDimSize(1) % block != 0 ||
          (filter && type.getDimSize(0) % block != 0))
        return op->emitError()
               << "'train.layouts' gives a channel block of " << block
               << " to a result whose type is " << result.getType()
               << (filter ? " (blocks are 8 or 16 and divide both channel "
                            "counts of a filter [O, I, kH, kW])"
                          : " (blocks are 8 or 16 and divide the channels "
                            "of [N, C, H, W])");
    }
    return success();
  }
  if (name == "train.buckets") {
    // [{params = ["name", ...], bytes = N (, offset = N)}, ...]
    auto buckets = dyn_cast<ArrayAttr>(attr.getValue());
    auto bad = [&]() {
      return op->emitError() << "'train.buckets' must be an array of "
                                "{params = [names], bytes = N} with at least "
                                "one parameter each";
    };
    if (!buckets)
      return bad();
    for (Attribute a : buckets) {
      auto bucket = dyn_cast<DictionaryAttr>(a);
      auto params = bucket ? bucket.getAs<ArrayAttr>("params") : nullptr;
      auto bytes = bucket ? bucket.getAs<IntegerAttr>("bytes") : nullptr;
      if (!params || params.empty() || !bytes || bytes.getInt() < 0 ||
          !llvm::all_of(params, [](Attribute p) { return isa<StringAttr>(p); }))
        return bad();
    }
    return success();
  }
  if (name == "train.model") {
    if (!isa<ModelAttr>(attr.getValue()) || !isa<ModuleOp>(op))
      return op->emitError() << "'train.model' must be a #train.model<...> "
                                "on the module";
    return success();
  }
  // A host buffer of a lowered function (Lowering::hostScratch).
  if (name == "train.memory_space")
    return verifyMemorySpace(op, attr);
  if (name == kOnnxExportAttr)
    return verifyOnnxExport(op, attr.getValue());
  if (name == kOpsetAttr) {
    auto opset = dyn_cast<IntegerAttr>(attr.getValue());
    if (!opset || opset.getInt() < 1)
      return op->emitError() << "'" << name << "' must be a positive integer";
    return success();
  }
  // The layout of a convolution's filter (train-assign-layouts).
  if (name == "train.filter_layout") {
    auto block = dyn_cast<IntegerAttr>(attr.getValue());
    auto groups = op->getAttrOfType<IntegerAttr>("groups");
    if (!isa<Conv2DOp, Conv2DBackwardDataOp>(op) || !block ||
        (block.getInt() != 8 && block.getInt() != 16) || !groups ||
        groups.getInt() != 1)
      return op->emitError() << "'train.filter_layout' must be 8 or 16, on "
                                "a train.conv2d or train.conv2d_backward_data "
                                "with groups = 1";
    return success();
  }
  return op->emitError() << "unknown attribute '" << name << "'";
}
