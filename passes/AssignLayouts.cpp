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
// A parameter filter [O, I, kH, kW] is stored in blocks of B in both
// channels ([O/B, I/B, kH, kW, B, B], what oneDNN's forward and backward-
// filter kernels want) when every step function reads it only as the filter
// of convolutions and writes its gradient only from one backward filter:
// the decision is per parameter, the same in every function, and the
// gradient and optimizer state (element-wise, in the same arena offsets)
// follow. The runtime converts at every file boundary (model.h).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
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

/// The filter operand of a convolution that reads it with groups 1 (a
/// blocked filter has no group dimension), or null.
Value groupOneFilter(Operation *op) {
  if (auto c = dyn_cast<Conv2DOp>(op))
    return c.getGroups() == 1 ? c.getFilter() : Value();
  if (auto c = dyn_cast<Conv2DBackwardDataOp>(op))
    return c.getGroups() == 1 ? c.getFilter() : Value();
  return Value();
}

/// Gives each parameter filter that can be stored in blocks of `block` its
/// layout in every function (see the file comment).
void assignFilterLayouts(ModuleOp module, int64_t block) {
  Builder b(module.getContext());
  llvm::StringMap<bool> blockable;
  auto veto = [&](StringRef name, bool ok) {
    auto [it, inserted] = blockable.try_emplace(name, ok);
    if (!inserted)
      it->second = it->second && ok;
  };
  SmallVector<func::FuncOp> fns;
  for (auto fn : module.getOps<func::FuncOp>())
    if (!fn.isExternal())
      fns.push_back(fn);
  for (func::FuncOp fn : fns) {
    for (BlockArgument arg : fn.getArguments()) {
      auto name = fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  TrainDialect::kParamAttr);
      if (!name)
        continue;
      auto type = cast<RankedTensorType>(arg.getType());
      bool ok = type.getRank() == 4 && type.getElementType().isF32() &&
                type.getDimSize(0) % block == 0 &&
                type.getDimSize(1) % block == 0 && !arg.use_empty();
      for (OpOperand &use : arg.getUses())
        ok = ok && groupOneFilter(use.getOwner()) == arg;
      veto(name.getValue(), ok);
    }
    // The gradient, where the function returns it: straight from one
    // backward filter (groups 1) that nothing else reads.
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
      auto name =
          fn.getResultAttrOfType<StringAttr>(index, TrainDialect::kGradAttr);
      if (!name)
        continue;
      auto dw = value.getDefiningOp<Conv2DBackwardFilterOp>();
      veto(name.getValue(),
           dw && dw.getGroups() == 1 && value.hasOneUse());
    }
  }
  for (func::FuncOp fn : fns) {
    for (BlockArgument arg : fn.getArguments()) {
      auto name = fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  TrainDialect::kParamAttr);
      if (!name || !blockable.lookup(name.getValue()))
        continue;
      fn.setArgAttr(arg.getArgNumber(), kParamLayoutAttr,
                    b.getI64IntegerAttr(block));
      for (Operation *user : arg.getUsers())
        user->setAttr(kFilterLayoutAttr, b.getI64IntegerAttr(block));
    }
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
      auto name =
          fn.getResultAttrOfType<StringAttr>(index, TrainDialect::kGradAttr);
      if (name && blockable.lookup(name.getValue()))
        value.getDefiningOp()->setAttr(kLayoutsAttr,
                                       b.getDenseI64ArrayAttr({block}));
    }
  }
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
    if (filters)
      assignFilterLayouts(getOperation(), channelBlock);
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
