//===- DescribeModel.cpp - the description the runtime reads --------------===//
//
// train-describe-model: from the planned @forward (and @train_step), the
// module attribute `train.model` that code generation turns into the
// trainc_model_desc of runtime/include/trainc/model.h: tensor names,
// kinds, shapes, offsets and initial values, the arena sizes, the input's
// shape and names, the optimizer and the memory space of each step
// argument, which the target decides.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TargetInfo.h"
#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::train {
#define GEN_PASS_DEF_DESCRIBEMODELPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
/// The description the runtime needs, from the planned @forward.
FailureOr<ModelAttr> describeModel(ModuleOp module, func::FuncOp forward,
                                   int64_t arenaBytes,
                                   const TargetInfo &target) {
  MLIRContext *ctx = module.getContext();
  Builder b(ctx);
  SmallVector<Attribute> tensors;
  std::optional<BlockArgument> input;
  for (BlockArgument arg : forward.getArguments()) {
    unsigned i = arg.getArgNumber();
    if (forward.getArgAttr(i, TrainDialect::kInputAttr)) {
      if (input)
        return forward.emitError("models with more than one data input are "
                                 "not supported yet");
      input = arg;
      continue;
    }
    bool param =
        static_cast<bool>(forward.getArgAttr(i, TrainDialect::kParamAttr));
    StringAttr name = forward.getArgAttrOfType<StringAttr>(
        i, param ? TrainDialect::kParamAttr : TrainDialect::kBufferAttr);
    auto type = cast<RankedTensorType>(arg.getType());
    auto init = forward.getArgAttrOfType<ElementsAttr>(i, TrainDialect::kInitAttr);
    auto offset = forward.getArgAttrOfType<IntegerAttr>(i, kOffsetAttr);
    auto layout = forward.getArgAttrOfType<IntegerAttr>(i, kParamLayoutAttr);
    if (!init || !offset)
      return forward.emitError("argument '")
             << name.getValue() << "' has no initial value or offset";
    tensors.push_back(TensorDescAttr::get(
        ctx, name.getValue(), param ? TensorKind::Param : TensorKind::Buffer,
        b.getDenseI64ArrayAttr(type.getShape()), offset.getInt(), init,
        b.getBoolAttr(param && isBatchNormOrBias(forward, arg)),
        initRuleOf(forward, arg), layout ? layout.getInt() : 0));
  }
  if (!input)
    return forward.emitError("the model has no data input");
  auto inputType = cast<RankedTensorType>(input->getType());
  auto logits = forward.getNumResults()
                    ? dyn_cast<RankedTensorType>(forward.getResultTypes()[0])
                    : RankedTensorType();
  if (!logits || logits.getRank() < 1)
    return forward.emitError("the first result of @forward must be a "
                             "ranked tensor, [batch, ...]");
  // A classifier's logits are [batch, classes]; other outputs (forward-only
  // conformance models) count their elements per sample.
  int64_t classes = logits.getRank() == 2
                        ? logits.getDimSize(1)
                        : logits.getNumElements() / logits.getDimSize(0);
  // Where each field of trainc_step_args lives: the target's arenas, with
  // the runtime's context and the coefficients on the host.
  SmallVector<int32_t> spaces;
  for (int field = 0; field < TRAINC_NUM_STEP_ARGS; ++field)
    spaces.push_back(target.memorySpace(static_cast<Role>(field)));
  auto bytes = [&](StringRef attr) {
    auto value = module->getAttrOfType<IntegerAttr>(attr);
    return value ? value.getInt() : 0;
  };
  auto string = [&](Operation *op, StringRef attr) {
    auto value = op->getAttrOfType<StringAttr>(attr);
    return value ? value.getValue() : StringRef();
  };
  auto inputName = forward.getArgAttrOfType<StringAttr>(
      input->getArgNumber(), TrainDialect::kInputAttr);
  auto outputName =
      forward.getResultAttrOfType<StringAttr>(0, TrainDialect::kOutputAttr);
  return ModelAttr::getChecked(
      [&] { return forward.emitError(); }, ctx, b.getArrayAttr(tensors),
      b.getDenseI32ArrayAttr(spaces), bytes(kParamBytesAttr),
      bytes(kBufferBytesAttr), optimizerStateBytes(module), arenaBytes,
      string(module, kOptimizerAttr), b.getDenseI64ArrayAttr(inputType.getShape()),
      classes, inputName ? inputName.getValue() : StringRef(),
      outputName ? outputName.getValue() : StringRef(),
      string(module, TrainDialect::kSourceAttr));
}

struct DescribeModelPass
    : public train::impl::DescribeModelPassBase<DescribeModelPass> {
  using DescribeModelPassBase::DescribeModelPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const TargetInfo *target = TargetInfo::lookupOrEmit(module, targetName);
    if (!target)
      return signalPassFailure();
    int64_t arenaBytes = activationArenaBytes(module);
    auto forward = module.lookupSymbol<func::FuncOp>(kForwardFn);
    if (arenaBytes < 0) {
      module.emitError("expected @forward (and @train_step) planned by "
                       "train-plan-memory");
      return signalPassFailure();
    }
    auto description = describeModel(module, forward, arenaBytes, *target);
    if (failed(description) || !*description)
      return signalPassFailure();
    module->setAttr(kModelAttr, *description);
  }
};
} // namespace
