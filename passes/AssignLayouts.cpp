//===- AssignLayouts.cpp - channel-blocked activations for oneDNN ---------===//
//
// train-assign-layouts: a tensor [N, C, H, W] is stored with its channels
// in blocks of B ([N, C/B, H, W, B]) when the op that writes it and every
// op that reads it can index that layout; see Passes.td. The choice is per
// tensor, from its producer and users only, so the two tensors an
// element-wise op combines agree wherever both can be blocked, and a
// residual block (convolution, BatchNorm, ReLU, add) stays blocked from
// end to end.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::train {
#define GEN_PASS_DEF_ASSIGNLAYOUTSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
/// Elements per (sample, channel) of a tensor [N, C, ...].
int64_t spatialSize(Value v) {
  auto shape = cast<RankedTensorType>(v.getType()).getShape();
  int64_t s = 1;
  for (int64_t d : shape.drop_front(2))
    s *= d;
  return s;
}

/// Whether `use`'s op reads its operand in whatever layout it has.
bool readsAnyLayout(OpOperand &use) {
  unsigned i = use.getOperandNumber();
  return llvm::TypeSwitch<Operation *, bool>(use.getOwner())
      .Case([&](Conv2DOp c) {
        return i == c.getInputMutable().getOperandNumber();
      })
      .Case([&](Conv2DBackwardDataOp c) {
        return i == c.getGradOutputMutable().getOperandNumber();
      })
      .Case([&](Conv2DBackwardFilterOp c) {
        return i == c.getGradOutputMutable().getOperandNumber() ||
               i == c.getInputMutable().getOperandNumber();
      })
      .Case([&](BatchNormOp bn) {
        return i == bn.getInputMutable().getOperandNumber();
      })
      .Case([&](BatchNormInferenceOp bn) {
        return i == bn.getInputMutable().getOperandNumber();
      })
      .Case([&](BatchNormBackwardOp bn) {
        return i == bn.getInputMutable().getOperandNumber() ||
               i == bn.getGradOutputMutable().getOperandNumber();
      })
      .Case<ReluOp, AddOp, ScaleOp, ReluBackwardOp, GlobalAvgPoolOp,
            GlobalAvgPoolBackwardOp, MaxPool2DOp, MaxPool2DBackwardOp>(
          [](Operation *) { return true; })
      // A view of a tensor with one element per channel and sample: the
      // same bytes blocked or not.
      .Case<FlattenOp, ReshapeOp>(
          [&](Operation *op) { return spatialSize(op->getOperand(0)) == 1; })
      .Default([](Operation *) { return false; });
}

/// Whether the op writing `result` can write it in any layout.
bool writesAnyLayout(OpResult result) {
  unsigned i = result.getResultNumber();
  return llvm::TypeSwitch<Operation *, bool>(result.getOwner())
      // The first result: the output (BatchNorm's normalised one), or the
      // input's gradient.
      .Case<Conv2DOp, Conv2DBackwardDataOp, BatchNormOp, BatchNormInferenceOp,
            BatchNormBackwardOp, ReluOp, AddOp, ScaleOp, ReluBackwardOp,
            GlobalAvgPoolOp, GlobalAvgPoolBackwardOp, MaxPool2DOp,
            MaxPool2DBackwardOp>([&](Operation *) { return i == 0; })
      .Default([](Operation *) { return false; });
}

/// The channel block `value` gets in `fn`: `block` when it is a 4-D f32
/// activation whose channels `block` divides and whose producer and users
/// all work on blocks; else 0.
int64_t chooseBlock(func::FuncOp fn, OpResult value, int64_t block) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() != 4 || !type.getElementType().isF32() ||
      type.getDimSize(1) % block != 0)
    return 0;
  if (homeOf(fn, value).kind != Home::Activation || !writesAnyLayout(value))
    return 0;
  for (OpOperand &use : value.getUses())
    if (!readsAnyLayout(use))
      return 0;
  return block;
}

struct AssignLayoutsPass
    : public train::impl::AssignLayoutsPassBase<AssignLayoutsPass> {
  using AssignLayoutsPassBase::AssignLayoutsPassBase;

  void runOnOperation() override {
    if (channelBlock == 0)
      return;
    if (channelBlock != 8 && channelBlock != 16) {
      getOperation().emitError("channel-block must be 0, 8 or 16, not ")
          << int64_t(channelBlock);
      return signalPassFailure();
    }
    Builder b(&getContext());
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      fn.walk([&](Operation *op) {
        SmallVector<int64_t> blocks;
        bool any = false;
        for (OpResult result : op->getResults()) {
          blocks.push_back(chooseBlock(fn, result, channelBlock));
          any |= blocks.back() != 0;
        }
        if (any)
          op->setAttr(kLayoutsAttr, b.getDenseI64ArrayAttr(blocks));
      });
    }
  }
};
} // namespace
