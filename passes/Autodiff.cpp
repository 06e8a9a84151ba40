//===- Autodiff.cpp - reverse-mode differentiation -------------------------===//
//
// @forward_loss -> @train_step: the forward graph followed by its backward
// graph, built from each op's VJP rule, walking the ops in reverse.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::train {
#define GEN_PASS_DEF_AUTODIFFPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
/// Values that depend on a parameter: only these get a cotangent.
llvm::DenseSet<Value> activeValues(func::FuncOp fn) {
  llvm::DenseSet<Value> active;
  for (BlockArgument arg : fn.getArguments())
    if (fn.getArgAttr(arg.getArgNumber(), TrainDialect::kParamAttr))
      active.insert(arg);
  fn.walk([&](Operation *op) {
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return active.contains(v); }))
      active.insert(op->getResults().begin(), op->getResults().end());
  });
  return active;
}

struct AutodiffPass : public train::impl::AutodiffPassBase<AutodiffPass> {
  void runOnOperation() override {
    auto fn = getOperation().lookupSymbol<func::FuncOp>(kForwardLossFn);
    if (!fn || fn.isExternal()) {
      getOperation().emitError("expected a func.func @forward_loss (run "
                               "train-prepare-training first)");
      return signalPassFailure();
    }
    if (getOperation().lookupSymbol(kTrainStepFn)) {
      getOperation().emitError("the module already has @train_step");
      return signalPassFailure();
    }
    if (failed(differentiate(fn)))
      return signalPassFailure();
  }

  LogicalResult differentiate(func::FuncOp fn) {
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    if (fn.getNumResults() == 0 ||
        !fn.getResultAttr(0, TrainDialect::kLossAttr))
      return fn.emitError("the first result of @forward_loss must be the "
                          "loss (train.loss)");
    Value loss = ret.getOperand(0);
    auto lossType = dyn_cast<RankedTensorType>(loss.getType());
    if (!lossType || lossType.getRank() != 0 ||
        !isa<FloatType>(lossType.getElementType()))
      return fn.emitError("the loss must be a floating-point scalar tensor, "
                          "got ")
             << loss.getType();
    for (BlockArgument arg : fn.getArguments()) {
      auto type = dyn_cast<RankedTensorType>(arg.getType());
      if (fn.getArgAttr(arg.getArgNumber(), TrainDialect::kParamAttr) &&
          (!type || !type.hasStaticShape() ||
           !isa<FloatType>(type.getElementType())))
        return fn.emitError("parameter #")
               << arg.getArgNumber()
               << " must be a statically shaped floating-point tensor, got "
               << arg.getType();
    }
    llvm::DenseSet<Value> active = activeValues(fn);

    OpBuilder b(ret);
    DenseMap<Value, Value> grads;
    auto accumulate = [&](Value v, Value g, Location loc) {
      Value &slot = grads[v];
      slot = slot ? b.create<AddOp>(loc, g.getType(), slot, g).getResult() : g;
    };
    grads[loss] = b.create<ConstantOp>(
        fn.getLoc(), lossType,
        DenseElementsAttr::get(lossType, b.getFloatAttr(
                                             lossType.getElementType(), 1.0)));

    // Reverse walk over the forward ops (the backward ops built here go
    // after them, before the return, and are not visited).
    SmallVector<Operation *> forwardOps;
    for (Operation &op : fn.getBody().front().without_terminator())
      forwardOps.push_back(&op);
    for (Operation *op : llvm::reverse(forwardOps)) {
      SmallVector<Value> resultGrads;
      for (Value r : op->getResults())
        resultGrads.push_back(grads.lookup(r));
      if (llvm::all_of(resultGrads, [](Value g) { return !g; }))
        continue;
      SmallVector<bool> needed;
      for (Value operand : op->getOperands())
        needed.push_back(active.contains(operand));
      if (llvm::none_of(needed, [](bool n) { return n; }))
        continue;
      auto rule = dyn_cast<VJPOpInterface>(op);
      if (!rule)
        return op->emitError("'")
               << op->getName() << "' has no reverse-mode rule";
      SmallVector<Value> operandGrads;
      if (failed(rule.buildVJP(b, resultGrads, needed, operandGrads)))
        return failure();
      for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads))
        if (g)
          accumulate(operand, g, op->getLoc());
    }

    // Results: loss, one gradient per parameter, then the buffer updates.
    SmallVector<Value> results{loss};
    SmallVector<Attribute> resultAttrs{fn.getResultAttrDict(0)};
    for (BlockArgument arg : fn.getArguments()) {
      auto name = fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  TrainDialect::kParamAttr);
      if (!name)
        continue;
      Value g = grads.lookup(arg);
      if (!g) {
        auto type = cast<RankedTensorType>(arg.getType());
        g = b.create<ConstantOp>(
            fn.getLoc(), type,
            DenseElementsAttr::get(
                type, b.getFloatAttr(type.getElementType(), 0.0)));
      }
      results.push_back(g);
      resultAttrs.push_back(
          b.getDictionaryAttr(b.getNamedAttr(TrainDialect::kGradAttr, name)));
    }
    for (unsigned i = 1; i < fn.getNumResults(); ++i) {
      results.push_back(ret.getOperand(i));
      resultAttrs.push_back(fn.getResultAttrDict(i));
    }
    b.create<func::ReturnOp>(ret.getLoc(), results);
    ret.erase();
    fn.setType(b.getFunctionType(fn.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
    fn.setAllResultAttrs(resultAttrs);
    fn.setSymName(kTrainStepFn);
    return success();
  }
};
} // namespace
