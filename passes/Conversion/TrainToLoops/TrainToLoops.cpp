//===- TrainToLoops.cpp - planned step functions to loops and calls -------===//
//
// @train_step -> @trainc_train_step and @forward -> @trainc_eval_step, on
// byte arenas (runtime/include/trainc/model.h). The model's description
// (tensor names, shapes, offsets, initial values) moves to the module's
// `train.model` attribute, which code generation turns into data.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"
#include "passes/Optimizers.h"
#include "passes/Passes.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::train {
#define GEN_PASS_DEF_CONVERTTRAINTOLOOPSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
int64_t bytesOf(Type type) {
  auto t = cast<RankedTensorType>(type);
  return t.getNumElements() * t.getElementTypeBitWidth() / 8;
}

/// The optimizer state is slots with the parameters' layout
/// (passes/Optimizers.h); there is none without an update.
int64_t stateBytes(ModuleOp module) {
  auto name = module->getAttrOfType<StringAttr>(kOptimizerAttr);
  const OptimizerInfo *info = name ? lookupOptimizer(name) : nullptr;
  if (!info)
    return 0;
  return info->state_slots *
             module->getAttrOfType<IntegerAttr>(kParamBytesAttr).getInt() +
         info->scalar_bytes;
}

/// The scratch trainc_apply_update needs at the start of its activation
/// arena: the largest bucket's layer scales (LARS, LAMB), or NLCG's tables.
int64_t applyUpdateScratchBytes(ModuleOp module) {
  auto name = module->getAttrOfType<StringAttr>(kOptimizerAttr);
  auto buckets = module->getAttrOfType<ArrayAttr>(kBucketsAttr);
  const OptimizerInfo *info = name ? lookupOptimizer(name.getValue()) : nullptr;
  if (info && info->global)
    return nlcgTableBytes(buckets ? buckets.size() : 0);
  int64_t bytes = 0;
  if (name && buckets && usesLayerScales(name.getValue()))
    for (Attribute bucket : buckets)
      if (auto params = cast<DictionaryAttr>(bucket).getAs<ArrayAttr>("params"))
        bytes = std::max<int64_t>(bytes, 4 * int64_t(params.size()));
  return bytes;
}

} // namespace

/// Parameters that by convention get no weight decay: BatchNorm scale and
/// shift, and biases.
bool mlir::train::isBatchNormOrBias(func::FuncOp fn, BlockArgument arg) {
  for (OpOperand &use : arg.getUses()) {
    Operation *user = use.getOwner();
    unsigned i = use.getOperandNumber();
    if ((isa<BatchNormOp, BatchNormInferenceOp>(user) && (i == 1 || i == 2)) ||
        (isa<Conv2DOp, GemmOp>(user) && i == 2))
      return true;
  }
  return cast<RankedTensorType>(arg.getType()).getRank() <= 1;
}

namespace {

/// The description the runtime needs, from the planned @forward.
FailureOr<DictionaryAttr> describeModel(ModuleOp module, func::FuncOp forward,
                                        int64_t arenaBytes) {
  Builder b(module.getContext());
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
    bool param = static_cast<bool>(
        forward.getArgAttr(i, TrainDialect::kParamAttr));
    StringAttr name = forward.getArgAttrOfType<StringAttr>(
        i, param ? TrainDialect::kParamAttr : TrainDialect::kBufferAttr);
    auto type = cast<RankedTensorType>(arg.getType());
    if (!forward.getArgAttr(i, TrainDialect::kInitAttr) ||
        !forward.getArgAttr(i, kOffsetAttr))
      return forward.emitError("argument '")
             << name.getValue() << "' has no initial value or offset";
    tensors.push_back(b.getDictionaryAttr({
        b.getNamedAttr("name", name),
        b.getNamedAttr("kind", b.getI32IntegerAttr(param ? 0 : 1)),
        b.getNamedAttr("shape", b.getDenseI64ArrayAttr(type.getShape())),
        b.getNamedAttr("offset", forward.getArgAttr(i, kOffsetAttr)),
        b.getNamedAttr("init", forward.getArgAttr(i, TrainDialect::kInitAttr)),
        b.getNamedAttr("bn_or_bias",
                       b.getBoolAttr(param && isBatchNormOrBias(forward, arg))),
    }));
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
  return b.getDictionaryAttr({
      b.getNamedAttr("tensors", b.getArrayAttr(tensors)),
      b.getNamedAttr("param_bytes", module->getAttr(kParamBytesAttr)),
      b.getNamedAttr("optimizer", module->hasAttr(kOptimizerAttr)
                                      ? module->getAttr(kOptimizerAttr)
                                      : b.getStringAttr("")),
      b.getNamedAttr("state_bytes", b.getI64IntegerAttr(stateBytes(module))),
      b.getNamedAttr("buffer_bytes", module->getAttr(kBufferBytesAttr)),
      b.getNamedAttr("arena_bytes", b.getI64IntegerAttr(arenaBytes)),
      b.getNamedAttr("input_shape",
                     b.getDenseI64ArrayAttr(inputType.getShape())),
      b.getNamedAttr("num_classes", b.getI64IntegerAttr(classes)),
      b.getNamedAttr("input_name", forward.getArgAttr(input->getArgNumber(),
                                                      TrainDialect::kInputAttr)),
      b.getNamedAttr("output_name",
                     forward.getResultAttr(0, TrainDialect::kOutputAttr)),
      b.getNamedAttr("source", module->hasAttr(TrainDialect::kSourceAttr)
                                   ? module->getAttr(TrainDialect::kSourceAttr)
                                   : b.getStringAttr("")),
  });
}

LogicalResult lowerOp(Lowering &l, Operation *op) {
  if (scratchBytes(op) && scratchOffset(op) < 0)
    return op->emitError("needs scratch in the activation arena that "
                         "train-plan-memory did not plan");
  if (isa<ReluOp, AddOp, ScaleOp, ReluBackwardOp, ConstantOp>(op))
    return lowerElementwiseOp(l, op);
  if (isa<BatchNormOp, BatchNormInferenceOp, BatchNormBackwardOp>(op))
    return lowerNormalizationOp(l, op);
  if (isa<MaxPool2DOp, AvgPool2DOp, GlobalAvgPoolOp, MaxPool2DBackwardOp,
          AvgPool2DBackwardOp, GlobalAvgPoolBackwardOp>(op))
    return lowerPoolingOp(l, op);
  if (isa<SoftmaxXentOp, SoftmaxXentBackwardOp, ReduceSumToOp,
          Conv2DBackwardBiasOp>(op))
    return lowerLossOp(l, op);
  if (isa<Conv2DOp, Conv2DBackwardDataOp, Conv2DBackwardFilterOp, GemmOp,
          MatMulOp>(op))
    return lowerLibraryOp(l, op);
  if (isa<FlattenOp, ReshapeOp>(op))
    return success(); // views of their operand's bytes
  if (isa<AllReduceOp, AllReduceStartOp, AllReduceWaitOp, OptimizerUpdateOp,
          OptimizerStepOp>(op))
    return lowerCollectiveOp(l, op);
  return op->emitError("no CPU lowering for '") << op->getName() << "'";
}

struct ConvertTrainToLoopsPass
    : public train::impl::ConvertTrainToLoopsPassBase<ConvertTrainToLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>(kForwardFn);
    auto train = module.lookupSymbol<func::FuncOp>(kTrainStepFn);
    if (!forward || !forward->hasAttr(kArenaBytesAttr) ||
        (train && !train->hasAttr(kArenaBytesAttr))) {
      module.emitError("expected @forward (and @train_step) planned by "
                       "train-plan-memory");
      return signalPassFailure();
    }
    int64_t arenaBytes =
        forward->getAttrOfType<IntegerAttr>(kArenaBytesAttr).getInt();
    if (train)
      arenaBytes = std::max(
          {arenaBytes,
           train->getAttrOfType<IntegerAttr>(kArenaBytesAttr).getInt(),
           applyUpdateScratchBytes(module)});
    auto description = describeModel(module, forward, arenaBytes);
    if (failed(description))
      return signalPassFailure();

    Builder b(module.getContext());
    auto bytes = [&](StringRef attr) {
      return module->getAttrOfType<IntegerAttr>(attr).getInt();
    };
    int64_t inputBytes = 0;
    for (BlockArgument arg : forward.getArguments())
      if (forward.getArgAttr(arg.getArgNumber(), TrainDialect::kInputAttr))
        inputBytes = bytesOf(arg.getType());
    if (train) {
      int64_t labelsBytes = 0;
      for (BlockArgument arg : train.getArguments())
        if (train.getArgAttr(arg.getArgNumber(), TrainDialect::kLabelsAttr))
          labelsBytes = bytesOf(arg.getType());
      if (failed(lower(module, train, "trainc_train_step",
                       {{"params", bytes(kParamBytesAttr)},
                        {"grads", bytes(kParamBytesAttr)},
                        {"buffers", bytes(kBufferBytesAttr)},
                        {"arena", arenaBytes},
                        {"input", inputBytes},
                        {"labels", labelsBytes},
                        {"output", 4},
                        {"state", stateBytes(module)},
                        {"hyper", 4 * kNumUpdateCoeffs}})))
        return signalPassFailure();
      if (module->hasAttr(kOptimizerAttr) &&
          failed(lowerApplyUpdate(module, train)))
        return signalPassFailure();
    }
    if (failed(lower(module, forward, "trainc_eval_step",
                     {{"params", bytes(kParamBytesAttr)},
                      {"buffers", bytes(kBufferBytesAttr)},
                      {"arena", arenaBytes},
                      {"input", inputBytes},
                      {"output", bytesOf(forward.getResultTypes()[0])}})))
      return signalPassFailure();

    if (train)
      train.erase();
    forward.erase();
    module->setAttr("train.model", *description);
  }

  /// trainc_apply_update: the update of every bucket, in order, on plain
  /// gradients, generated by the same code as the step's fused updates.
  LogicalResult lowerApplyUpdate(ModuleOp module, func::FuncOp train) {
    OpBuilder b(module.getContext());
    int64_t paramBytes =
        module->getAttrOfType<IntegerAttr>(kParamBytesAttr).getInt();
    auto buckets = module->getAttrOfType<ArrayAttr>(kBucketsAttr);
    if (!buckets)
      return train.emitError("the step has no train.buckets "
                             "(run train-bucket-gradients first)");
    StringRef algorithm =
        module->getAttrOfType<StringAttr>(kOptimizerAttr).getValue();
    func::FuncOp target = declareArenaFunction(
        b, module, train.getLoc(), "trainc_apply_update",
        {{"params", paramBytes},
         {"grads", paramBytes},
         {"state", stateBytes(module)},
         {"hyper", 4 * kNumUpdateCoeffs},
         {"arena", applyUpdateScratchBytes(module)}});
    Lowering l(module, train, target, b);
    for (int64_t i = 0, e = buckets.size(); i < e; ++i) {
      auto segments = bucketSegments(l, train, i);
      // The buckets run one after another: each uses the arena's start
      // (NLCG's tables, which all buckets fill, are the only scratch then).
      if (failed(segments) ||
          failed(emitOptimizerUpdate(
              l, train, algorithm, i, *segments,
              [](ScalarOps &o, const UpdateSegment &, Value g,
                 ValueRange iv) { return o.load(g, iv); },
              /*scratch=*/0)))
        return failure();
    }
    // A global update finishes without a line search: there is no loss.
    if (lookupOptimizer(algorithm)->global &&
        failed(emitOptimizerStep(l, train, algorithm, l.nullPointer(),
                                 /*scratch=*/0)))
      return failure();
    b.create<func::ReturnOp>(train.getLoc());
    return success();
  }

  /// Declares `name` on byte arenas with the given roles and sizes, and
  /// leaves `b` at the start of its body.
  static func::FuncOp
  declareArenaFunction(OpBuilder &b, ModuleOp module, Location loc,
                       StringRef name,
                       ArrayRef<std::pair<StringRef, int64_t>> roles) {
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> types;
    for (auto [role, size] : roles)
      types.push_back(MemRefType::get({size}, b.getI8Type()));
    auto target =
        b.create<func::FuncOp>(loc, name, b.getFunctionType(types, {}));
    for (auto [i, role] : llvm::enumerate(roles)) {
      target.setArgAttr(i, kRoleAttr, b.getStringAttr(role.first));
      if (role.first == "hyper")
        target.setArgAttr(i, kMemorySpaceAttr, b.getStringAttr("host"));
    }
    b.setInsertionPointToStart(target.addEntryBlock());
    return target;
  }

  /// Builds `name` on byte arenas with the given roles and sizes from the
  /// tensor-level `source`.
  LogicalResult
  lower(ModuleOp module, func::FuncOp source, StringRef name,
        ArrayRef<std::pair<StringRef, int64_t>> roles) {
    OpBuilder b(module.getContext());
    func::FuncOp target =
        declareArenaFunction(b, module, source.getLoc(), name, roles);

    Lowering l(module, source, target, b);
    auto ret = cast<func::ReturnOp>(source.getBody().front().getTerminator());
    // Results whose producer could not write them in place are copied into
    // their home as soon as the value exists: a gradient bucket's
    // all-reduce, which starts later, then finds it there, and no copy
    // reads a range that is already being reduced.
    DenseMap<Value, SmallVector<unsigned>> copies;
    for (unsigned index : resultsNeedingCopy(source))
      copies[ret.getOperand(index)].push_back(index);
    auto copyResults = [&](Value value) {
      auto it = copies.find(value);
      if (it == copies.end())
        return;
      for (unsigned index : it->second) {
        Value from = l.flat(value);
        Value to = copyTarget(l, source, index, value);
        l.copy(from, to,
               cast<RankedTensorType>(value.getType()).getNumElements());
      }
    };
    for (BlockArgument arg : source.getArguments())
      copyResults(arg);
    for (Operation &op : source.getBody().front().without_terminator()) {
      if (failed(lowerOp(l, &op)))
        return failure();
      for (Value result : op.getResults())
        copyResults(result);
    }
    b.create<func::ReturnOp>(source.getLoc());
    return success();
  }

  /// The flat view of the home function result `index` asks for.
  Value copyTarget(Lowering &l, func::FuncOp source, unsigned index,
                   Value value) {
    // A result's home is that of a value its producer could have written in
    // place; build the view from the argument the home names.
    auto type = cast<RankedTensorType>(value.getType());
    if (auto name = source.getResultAttrOfType<StringAttr>(
            index, TrainDialect::kGradAttr)) {
      for (BlockArgument arg : source.getArguments())
        if (source.getArgAttr(arg.getArgNumber(), TrainDialect::kParamAttr) ==
            name) {
          int64_t offset = source
                               .getArgAttrOfType<IntegerAttr>(
                                   arg.getArgNumber(), kOffsetAttr)
                               .getInt();
          return viewAt(l, "grads", offset, type);
        }
    }
    if (auto name = source.getResultAttrOfType<StringAttr>(
            index, TrainDialect::kBufferUpdateAttr)) {
      for (BlockArgument arg : source.getArguments())
        if (source.getArgAttr(arg.getArgNumber(), TrainDialect::kBufferAttr) ==
            name)
          return l.flat(arg);
    }
    return viewAt(l, "output", 0, type);
  }

  Value viewAt(Lowering &l, StringRef role, int64_t offset,
               RankedTensorType type) {
    return l.arenaView(role, offset, type.getElementType(),
                       type.getNumElements());
  }
};
} // namespace
