//===- FuseUpdates.cpp - each bucket's epilogue into its update -----------===//
//
// After train-insert-optimizer a bucket's update follows its wait; the
// wait's epilogue (1/world, or widening the staged f16/bf16 mean) and the
// update are both passes over the bucket. This moves the epilogue into the
// update, so the lowering generates one pass: the update reads the raw
// sum, finishes the gradient (stored back) and updates parameters and
// state. The wait is marked `fused` and only waits.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

namespace mlir::train {
#define GEN_PASS_DEF_FUSEUPDATESPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
struct FuseUpdatesPass
    : public train::impl::FuseUpdatesPassBase<FuseUpdatesPass> {
  void runOnOperation() override {
    func::FuncOp step = lookupTrainStep(getOperation());
    if (!step)
      return signalPassFailure();
    step.walk([&](OptimizerUpdateOp update) {
      auto wait = dyn_cast_or_null<AllReduceWaitOp>(update->getPrevNode());
      if (!wait || wait.getBucket() != update.getBucket() ||
          wait.getFused())
        return;
      wait.setFused(true);
      update.setEpilogueAttr(wait.getReductionAttr());
      if (std::optional<Type> wire = wait.getWire())
        update.setWireAttr(TypeAttr::get(*wire));
    });
  }
};
} // namespace
