//===- Placement.cpp - where each tensor of a step function lives ---------===//

#include "passes/Placement.h"
#include "passes/Optimizers.h"
#include "passes/Passes.h"

#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/BuiltinOps.h"

#include "runtime/include/trainc/abi.h"

#include <algorithm>

using namespace mlir;

bool mlir::train::isHostField(Role role) {
  return role == Role::Context || role == Role::Hyper;
}

Value mlir::train::argumentWithRole(FunctionOpInterface fn, Role role) {
  for (BlockArgument arg : fn.getArguments())
    if (auto attr = fn.getArgAttrOfType<RoleAttr>(arg.getArgNumber(), kRoleAttr))
      if (attr.getValue() == role)
        return arg;
  return Value();
}

bool mlir::train::isHostArgument(FunctionOpInterface fn, unsigned index) {
  auto space = fn.getArgAttrOfType<MemorySpaceAttr>(index, kMemorySpaceAttr);
  return space && space.getValue() == MemorySpace::Host;
}

using namespace mlir::train;

namespace {
std::optional<unsigned> argNamed(func::FuncOp fn, StringRef attr,
                                 StringAttr name) {
  for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
    if (fn.getArgAttr(i, attr) == name)
      return i;
  return std::nullopt;
}

/// The home that function result `index` asks its value to have.
std::optional<Home> resultHome(func::FuncOp fn, unsigned index) {
  if (auto name =
          fn.getResultAttrOfType<StringAttr>(index, TrainDialect::kGradAttr))
    if (auto arg = argNamed(fn, TrainDialect::kParamAttr, name))
      return Home{Home::Grad, Value(), *arg};
  if (auto name = fn.getResultAttrOfType<StringAttr>(
          index, TrainDialect::kBufferUpdateAttr))
    if (auto arg = argNamed(fn, TrainDialect::kBufferAttr, name))
      return Home{Home::Buffer, Value(), *arg};
  // The step functions have one output buffer: the loss of @train_step,
  // the logits of @forward, always their first result.
  if (index == 0 && (fn.getResultAttr(index, TrainDialect::kLossAttr) ||
                     fn.getResultAttr(index, TrainDialect::kOutputAttr)))
    return Home{Home::Result, Value(), 0, index};
  return std::nullopt;
}

bool sameHome(const Home &a, const Home &b) {
  return a.kind == b.kind && a.argIndex == b.argIndex &&
         a.resultIndex == b.resultIndex && a.aliasOf == b.aliasOf;
}

/// Whether `value`'s producer can write it straight into `home`: a buffer
/// update only in place, as the running statistic of its own BatchNorm.
bool producerCanWrite(func::FuncOp fn, Value value, const Home &home) {
  if (home.kind != Home::Buffer)
    return true;
  auto bn = value.getDefiningOp<BatchNormOp>();
  Value arg = fn.getArgument(home.argIndex);
  return bn &&
         ((value == bn.getRunningMeanOut() && bn.getRunningMean() == arg) ||
          (value == bn.getRunningVarOut() && bn.getRunningVar() == arg));
}
} // namespace

Home mlir::train::homeOf(func::FuncOp fn, Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    unsigned i = arg.getArgNumber();
    if (fn.getArgAttr(i, TrainDialect::kParamAttr))
      return Home{Home::Param, Value(), i};
    if (fn.getArgAttr(i, TrainDialect::kBufferAttr))
      return Home{Home::Buffer, Value(), i};
    if (fn.getArgAttr(i, TrainDialect::kLabelsAttr))
      return Home{Home::Labels, Value(), i};
    return Home{Home::Input, Value(), i};
  }
  Operation *op = value.getDefiningOp();
  if (isa<FlattenOp, ReshapeOp>(op))
    return Home{Home::Alias, op->getOperand(0)};
  // The first function result that returns the value claims it, if the
  // producer can write there directly.
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    if (operand != value)
      continue;
    std::optional<Home> home = resultHome(fn, index);
    if (home && producerCanWrite(fn, value, *home))
      return *home;
    break;
  }
  return Home{Home::Activation};
}

SmallVector<unsigned> mlir::train::resultsNeedingCopy(func::FuncOp fn) {
  SmallVector<unsigned> copies;
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    std::optional<Home> wanted = resultHome(fn, index);
    if (wanted && !sameHome(homeOf(fn, operand), *wanted))
      copies.push_back(index);
  }
  return copies;
}

int64_t mlir::train::channelBlockOf(Value value) {
  auto result = dyn_cast<OpResult>(value);
  if (!result)
    return 0;
  auto layouts =
      result.getOwner()->getAttrOfType<DenseI64ArrayAttr>(kLayoutsAttr);
  if (!layouts || int64_t(result.getResultNumber()) >= layouts.size())
    return 0;
  return layouts[result.getResultNumber()];
}

int64_t mlir::train::filterBlockOf(Operation *op) {
  if (isa<Conv2DBackwardFilterOp>(op))
    return channelBlockOf(op->getResult(0));
  auto block = op->getAttrOfType<IntegerAttr>(kFilterLayoutAttr);
  return block ? block.getInt() : 0;
}

bool mlir::train::isBlockedBatchNorm(Operation *op) {
  SmallVector<Value> tensors;
  if (auto bn = dyn_cast<BatchNormOp>(op)) {
    if (bn.getSync())
      return false;
    tensors = {bn.getInput(), bn.getOutput()};
  } else if (auto bwd = dyn_cast<BatchNormBackwardOp>(op)) {
    if (bwd.getSync())
      return false;
    tensors = {bwd.getInput(), bwd.getGradOutput(), bwd.getGradInput()};
  } else {
    return false;
  }
  int64_t block = channelBlockOf(tensors.front());
  return block > 0 && llvm::all_of(tensors, [&](Value v) {
           return channelBlockOf(v) == block;
         });
}

int64_t mlir::train::scratchBytes(Operation *op) {
  auto dim = [](Value v, unsigned d) {
    return cast<RankedTensorType>(v.getType()).getDimSize(d);
  };
  // Softmax cross-entropy: each row's loss (f64), summed in a serial kernel.
  if (auto xent = dyn_cast<SoftmaxXentOp>(op))
    return 8 * dim(xent.getLogits(), 0);
  // Synchronised BatchNorm: the per-channel sums and the element count,
  // all-reduced in place (f64): sum(x) and sum((x - mean)^2) forward,
  // sum(dy) and sum(dy xhat) interleaved backward.
  if (auto bn = dyn_cast<BatchNormOp>(op))
    if (bn.getSync())
      return 8 * 2 * (dim(bn.getInput(), 1) + 1);
  if (auto bn = dyn_cast<BatchNormBackwardOp>(op))
    if (bn.getSync())
      return 8 * (2 * dim(bn.getInput(), 1) + 1);
  // BatchNorm on channel blocks: each batch piece's two sums per channel
  // (f64), added in piece order (batchNormPieces).
  if (isBlockedBatchNorm(op)) {
    Value x = op->getOperand(0);
    return 8 * 2 * batchNormPieces(dim(x, 0)) * dim(x, 1);
  }
  // NLCG: its gather and preconditioner tables, for the whole update: the
  // buckets' updates write the gather table and the step reads it
  // (train-plan-memory makes this scratch live from the first
  // train.optimizer_update on).
  if (auto step = dyn_cast<OptimizerStepOp>(op)) {
    auto module = op->getParentOfType<ModuleOp>();
    auto buckets =
        module ? module->getAttrOfType<ArrayAttr>(kBucketsAttr) : ArrayAttr();
    return optimizerInfo(step.getAlgorithm()).global
               ? nlcgTableBytes(buckets ? buckets.size() : 0)
               : 0;
  }
  // LARS and LAMB: each layer's step scale (f32), from its norms.
  if (auto update = dyn_cast<OptimizerUpdateOp>(op)) {
    if (!usesLayerScales(update.getAlgorithm()))
      return 0;
    auto module = op->getParentOfType<ModuleOp>();
    auto buckets =
        module ? module->getAttrOfType<ArrayAttr>(kBucketsAttr) : ArrayAttr();
    int64_t index = update.getBucket();
    if (!buckets || index < 0 || index >= int64_t(buckets.size()))
      return 0;
    auto params =
        cast<DictionaryAttr>(buckets[index]).getAs<ArrayAttr>("params");
    return params ? 4 * int64_t(params.size()) : 0;
  }
  return 0;
}

int64_t mlir::train::optimizerStateBytes(ModuleOp module) {
  auto name = module->getAttrOfType<StringAttr>(kOptimizerAttr);
  const OptimizerInfo *info = name ? lookupOptimizer(name) : nullptr;
  if (!info)
    return 0;
  return info->state_slots *
             module->getAttrOfType<IntegerAttr>(kParamBytesAttr).getInt() +
         info->scalar_bytes;
}

int64_t mlir::train::noisePartialCount(func::FuncOp step) {
  int64_t partials = 0;
  for (BlockArgument arg : step.getArguments())
    if (step.getArgAttr(arg.getArgNumber(), TrainDialect::kParamAttr))
      partials += llvm::divideCeil(
          cast<RankedTensorType>(arg.getType()).getNumElements(),
          TRAINC_NOISE_CHUNK);
  return partials;
}

int64_t mlir::train::applyUpdateScratchBytes(ModuleOp module) {
  auto name = module->getAttrOfType<StringAttr>(kOptimizerAttr);
  auto buckets = module->getAttrOfType<ArrayAttr>(kBucketsAttr);
  std::optional<Algorithm> algorithm =
      name ? symbolizeAlgorithm(name.getValue()) : std::nullopt;
  if (algorithm && optimizerInfo(*algorithm).global)
    return nlcgTableBytes(buckets ? buckets.size() : 0);
  int64_t bytes = 0;
  if (algorithm && buckets && usesLayerScales(*algorithm))
    for (Attribute bucket : buckets)
      if (auto params = cast<DictionaryAttr>(bucket).getAs<ArrayAttr>("params"))
        bytes = std::max<int64_t>(bytes, 4 * int64_t(params.size()));
  return bytes;
}

int64_t mlir::train::activationArenaBytes(ModuleOp module) {
  auto forward = module.lookupSymbol<func::FuncOp>(kForwardFn);
  auto train = module.lookupSymbol<func::FuncOp>(kTrainStepFn);
  if (!forward || !forward->hasAttr(kArenaBytesAttr) ||
      (train && !train->hasAttr(kArenaBytesAttr)))
    return -1;
  int64_t bytes = forward->getAttrOfType<IntegerAttr>(kArenaBytesAttr).getInt();
  if (train)
    bytes = std::max(
        {bytes, train->getAttrOfType<IntegerAttr>(kArenaBytesAttr).getInt(),
         applyUpdateScratchBytes(module)});
  return bytes;
}

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

InitRule mlir::train::initRuleOf(func::FuncOp fn, BlockArgument arg) {
  std::optional<InitRule> rule;
  for (OpOperand &use : arg.getUses()) {
    Operation *user = use.getOwner();
    unsigned i = use.getOperandNumber();
    std::optional<InitRule> here;
    if (isa<Conv2DOp>(user))
      here = i == 1 ? InitRule::ConvWeight : i == 2 ? InitRule::Bias
                                                    : InitRule::Other;
    else if (auto gemm = dyn_cast<GemmOp>(user))
      here = i == 1   ? (gemm.getTransB() ? InitRule::LinearWeight
                                          : InitRule::LinearWeightT)
             : i == 2 ? InitRule::Bias
                      : InitRule::Other;
    else if (isa<BatchNormOp, BatchNormInferenceOp>(user))
      here = i == 1   ? InitRule::BnScale
             : i == 2 ? InitRule::BnShift
             : i == 3 ? InitRule::BnMean
             : i == 4 ? InitRule::BnVar
                      : InitRule::Other;
    else
      continue; // views, casts: they do not say
    if (rule && *rule != *here)
      return InitRule::Other;
    rule = here;
  }
  return rule.value_or(InitRule::Other);
}
