//===- PrepareTraining.cpp - the imported graph as a loss function --------===//
//
// @forward (as imported) -> @forward_loss (training-form BatchNorm, softmax
// cross-entropy against labels, running-statistics updates) and @forward in
// inference form (running statistics), for evaluation and --forward-only.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::train {
#define GEN_PASS_DEF_PREPARETRAININGPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
/// Every batch_norm_inference in `fn` becomes a training-form batch_norm.
void toTrainingBatchNorm(func::FuncOp fn, float momentum) {
  fn.walk([&](BatchNormInferenceOp bn) {
    OpBuilder b(bn);
    Type channel = bn.getScale().getType();
    auto training = b.create<BatchNormOp>(
        bn.getLoc(),
        TypeRange{bn.getType(), channel, channel, channel, channel},
        bn.getInput(), bn.getScale(), bn.getBias(), bn.getMean(),
        bn.getVariance(), bn.getEpsilonAttr(), b.getF32FloatAttr(momentum),
        /*sync=*/nullptr);
    bn.replaceAllUsesWith(training.getOutput());
    bn.erase();
  });
}

/// Every training-form batch_norm in `fn` becomes batch_norm_inference; its
/// running-statistics outputs become the running statistics themselves.
LogicalResult toInferenceBatchNorm(func::FuncOp fn) {
  WalkResult result = fn.walk([&](BatchNormOp bn) {
    if (!bn.getBatchMean().use_empty() || !bn.getBatchVar().use_empty()) {
      bn.emitError("the batch statistics of a BatchNorm are used in the "
                   "forward graph; it cannot be evaluated in inference form");
      return WalkResult::interrupt();
    }
    OpBuilder b(bn);
    auto inference = b.create<BatchNormInferenceOp>(
        bn.getLoc(), bn.getOutput().getType(), bn.getInput(), bn.getScale(),
        bn.getBias(), bn.getRunningMean(), bn.getRunningVar(),
        bn.getEpsilonAttr());
    bn.getOutput().replaceAllUsesWith(inference);
    bn.getRunningMeanOut().replaceAllUsesWith(bn.getRunningMean());
    bn.getRunningVarOut().replaceAllUsesWith(bn.getRunningVar());
    bn.erase();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

struct PrepareTrainingPass
    : public train::impl::PrepareTrainingPassBase<PrepareTrainingPass> {
  using PrepareTrainingPassBase::PrepareTrainingPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(prepare(module)))
      signalPassFailure();
  }

  LogicalResult prepare(ModuleOp module) {
    auto forward = module.lookupSymbol<func::FuncOp>(kForwardFn);
    if (!forward || forward.isExternal())
      return module.emitError("expected a func.func @forward to train");
    if (module.lookupSymbol(kForwardLossFn))
      return module.emitError("the module already has @forward_loss");
    if (!(labelSmoothing >= 0.0f && labelSmoothing <= 1.0f))
      return module.emitError("label smoothing must lie in [0, 1], got ")
             << labelSmoothing;
    if (!(bnMomentum >= 0.0f && bnMomentum <= 1.0f))
      return module.emitError("BatchNorm momentum must lie in [0, 1], got ")
             << bnMomentum;
    if (forward.getNumResults() == 0)
      return forward.emitError("@forward has no result to train on");
    auto logits = dyn_cast<RankedTensorType>(forward.getResultTypes()[0]);
    if (!logits || logits.getRank() != 2 || !logits.hasStaticShape() ||
        !isa<FloatType>(logits.getElementType()))
      return forward.emitError("the first output must be the logits, a "
                               "static [batch, classes] float tensor; got ")
             << forward.getResultTypes()[0];

    // The logits hold one row per sample of the batch.
    for (BlockArgument arg : forward.getArguments())
      if (forward.getArgAttr(arg.getArgNumber(), TrainDialect::kInputAttr)) {
        auto input = dyn_cast<RankedTensorType>(arg.getType());
        if (input && input.getRank() > 0 &&
            input.getDimSize(0) != logits.getDimSize(0))
          return forward.emitError("the logits ")
                 << logits << " must have one row per sample of the batch ("
                 << input.getDimSize(0) << ")";
      }
    OpBuilder b(module.getContext());
    b.setInsertionPointAfter(forward);
    auto loss = cast<func::FuncOp>(b.clone(*forward));
    loss.setSymName(kForwardLossFn);
    toTrainingBatchNorm(loss, bnMomentum);
    if (failed(buildLoss(loss, logits)))
      return failure();
    // Evaluation needs the logits only; further graph outputs are dropped.
    if (forward.getNumResults() > 1) {
      auto ret = cast<func::ReturnOp>(forward.getBody().front().getTerminator());
      OpBuilder rb(ret);
      rb.create<func::ReturnOp>(ret.getLoc(), ret.getOperand(0));
      ret.erase();
      DictionaryAttr first = forward.getResultAttrDict(0);
      forward.setType(rb.getFunctionType(forward.getArgumentTypes(),
                                         forward.getResultTypes()[0]));
      forward.setAllResultAttrs(ArrayRef<DictionaryAttr>(first));
    }
    return toInferenceBatchNorm(forward);
  }

  /// Adds the labels argument and returns (loss, buffer updates...).
  LogicalResult buildLoss(func::FuncOp fn, RankedTensorType logits) {
    OpBuilder b(fn.getContext());
    auto labelsType =
        RankedTensorType::get({logits.getDimSize(0)}, b.getI32Type());
    unsigned labelsIndex = 0;
    while (labelsIndex < fn.getNumArguments() &&
           fn.getArgAttr(labelsIndex, TrainDialect::kInputAttr))
      ++labelsIndex;
    fn.insertArgument(labelsIndex, labelsType,
                      b.getDictionaryAttr(b.getNamedAttr(
                          TrainDialect::kLabelsAttr, b.getStringAttr("labels"))),
                      fn.getLoc());
    Value labels = fn.getArgument(labelsIndex);

    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    b.setInsertionPoint(ret);
    Value lossValue = b.create<SoftmaxXentOp>(
        fn.getLoc(), ret.getOperand(0), labels,
        b.getF32FloatAttr(labelSmoothing));

    SmallVector<Value> results{lossValue};
    SmallVector<Attribute> resultAttrs{b.getDictionaryAttr(
        b.getNamedAttr(TrainDialect::kLossAttr, b.getStringAttr("loss")))};
    DenseMap<Value, BatchNormOp> updatedBy;
    WalkResult walk = fn.walk([&](BatchNormOp bn) {
      for (auto [stat, updated] :
           {std::pair{bn.getRunningMean(), bn.getRunningMeanOut()},
            std::pair{bn.getRunningVar(), bn.getRunningVarOut()}}) {
        auto arg = dyn_cast<BlockArgument>(stat);
        StringAttr name =
            arg ? fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  TrainDialect::kBufferAttr)
                : StringAttr();
        if (!name)
          continue; // statistics that are not state (constants, say)
        if (auto it = updatedBy.find(stat); it != updatedBy.end()) {
          if (it->second == bn)
            bn.emitError("running statistic '")
                << name.getValue()
                << "' is both the running mean and the running variance";
          else
            bn.emitError("running statistic '")
                << name.getValue() << "' is shared by two BatchNorms";
          return WalkResult::interrupt();
        }
        updatedBy[stat] = bn;
        results.push_back(updated);
        resultAttrs.push_back(b.getDictionaryAttr(
            b.getNamedAttr(TrainDialect::kBufferUpdateAttr, name)));
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    b.create<func::ReturnOp>(ret.getLoc(), results);
    ret.erase();
    fn.setType(b.getFunctionType(fn.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
    fn.setAllResultAttrs(resultAttrs);
    return success();
  }
};
} // namespace
