//===- Placement.cpp - where each tensor of a step function lives ---------===//

#include "passes/Placement.h"

#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
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
  if (auto name = fn.getResultAttrOfType<StringAttr>(index,
                                                     TrainDialect::kGradAttr))
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
  return bn && ((value == bn.getRunningMeanOut() && bn.getRunningMean() == arg) ||
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
