//===- DataParallel.cpp - the step of the global batch --------------------===//
//
// Each rank runs @train_step on its share of the global batch. The loss and
// every gradient become means over ranks (train.all_reduce), which with
// equal shards are those of the global batch (OPTIMIZERS.md I1); with
// sync-bn, BatchNorm statistics are those of the global batch too (I5).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::train {
#define GEN_PASS_DEF_DATAPARALLELPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
struct DataParallelPass
    : public train::impl::DataParallelPassBase<DataParallelPass> {
  using DataParallelPassBase::DataParallelPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp step = lookupTrainStep(module);
    if (!step)
      return signalPassFailure();
    Block &body = step.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    for (Operation &op : body) {
      if (isa<AllReduceOp, AllReduceStartOp, AllReduceWaitOp>(op)) {
        op.emitError("@train_step already has collectives (run "
                     "train-data-parallel once)");
        return signalPassFailure();
      }
    }

    OpBuilder b(ret);
    Type wire;
    if (allreduceDtype == "fp16")
      wire = b.getF16Type();
    else if (allreduceDtype == "bf16")
      wire = b.getBF16Type();
    else if (allreduceDtype != "f32") {
      module.emitError("unknown all-reduce type '")
          << allreduceDtype << "' (f32, fp16 or bf16)";
      return signalPassFailure();
    }
    auto mean = ReductionAttr::get(b.getContext(), Reduction::Mean);
    for (unsigned i = 0, e = ret.getNumOperands(); i < e; ++i) {
      bool loss = step.getResultAttr(i, TrainDialect::kLossAttr) != nullptr;
      bool grad = step.getResultAttr(i, TrainDialect::kGradAttr) != nullptr;
      if (!loss && !grad)
        continue; // running statistics stay each rank's own
      Value value = ret.getOperand(i);
      // The loss is one number: it always travels in f32.
      auto reduced = b.create<AllReduceOp>(
          value.getLoc(), value, mean,
          grad && wire ? TypeAttr::get(wire) : TypeAttr());
      ret.setOperand(i, reduced);
    }

    if (syncBatchNorm) {
      step.walk([&](Operation *op) {
        if (auto bn = dyn_cast<BatchNormOp>(op))
          bn.setSync(true);
        else if (auto bwd = dyn_cast<BatchNormBackwardOp>(op))
          bwd.setSync(true);
      });
    }
  }
};
} // namespace
