//===- Elementwise.cpp - relu, add, scale, relu_backward, constant, views -===//
//
// One flat scf.parallel loop over the elements: the tensors are contiguous
// and share a layout, so shape does not matter (where their layouts differ,
// a loop over (sample, channel, position) that converts).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;

namespace {
int64_t numel(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// out[i] = fn(in_0[i], in_1[i], ...)
void map(Lowering &l, Value result, ValueRange inputs,
         function_ref<Value(ValueRange)> fn) {
  // Tensors in different layouts (train-assign-layouts): element by
  // element through each one's channel view, so the op also converts.
  int64_t block = channelBlockOf(result);
  if (llvm::any_of(inputs,
                   [&](Value in) { return channelBlockOf(in) != block; })) {
    ScalarOps o(l);
    ChannelView out(l, result);
    SmallVector<ChannelView> ins;
    for (Value in : inputs)
      ins.emplace_back(l, in);
    l.parallel({out.n, out.c, out.s}, [&](ValueRange iv) {
      SmallVector<Value> xs;
      for (const ChannelView &in : ins)
        xs.push_back(in.load(o, iv[0], iv[1], iv[2]));
      out.store(o, fn(xs), iv[0], iv[1], iv[2]);
    });
    return;
  }
  SmallVector<Value> ins;
  for (Value in : inputs)
    ins.push_back(l.flat(in));
  Value out = l.flat(result);
  l.parallel({numel(result)}, [&](ValueRange iv) {
    SmallVector<Value> xs;
    for (Value in : ins)
      xs.push_back(l.b.create<memref::LoadOp>(l.loc, in, iv));
    l.b.create<memref::StoreOp>(l.loc, fn(xs), out, iv);
  });
}

LogicalResult lowerConstant(Lowering &l, ConstantOp op) {
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (dense && dense.isSplat()) {
    Value splat = l.b.create<arith::ConstantOp>(
        l.loc, dense.getSplatValue<FloatAttr>());
    Value out = l.flat(op);
    l.fill(out, numel(op), splat);
    return success();
  }
  if (!dense)
    return op.emitError("only dense constants can be lowered");
  // A constant table: copy it from a private global.
  Value table = l.constantTable(dense);
  Value out = l.flat(op);
  l.parallel({numel(op)}, [&](ValueRange iv) {
    Value x = l.b.create<memref::LoadOp>(l.loc, table, iv);
    l.b.create<memref::StoreOp>(l.loc, x, out, iv);
  });
  return success();
}
} // namespace

void mlir::train::populateTrainElementwiseLoweringPatterns(
    RewritePatternSet &patterns, StepLowering &step) {
  addLowering<ReluOp>(patterns, step, [](Lowering &l, ReluOp relu) {
    if (inBatchNormEpilogue(relu))
      return; // the BatchNorm before it wrote its result
    Value zero = l.f32(0.0);
    map(l, relu, relu.getInput(), [&](ValueRange x) -> Value {
      return l.b.create<arith::MaximumFOp>(l.loc, x[0], zero);
    });
  });
  addLowering<AddOp>(patterns, step, [](Lowering &l, AddOp add) {
    if (inBatchNormEpilogue(add))
      return;
    map(l, add, {add.getLhs(), add.getRhs()}, [&](ValueRange x) -> Value {
      return l.b.create<arith::AddFOp>(l.loc, x[0], x[1]);
    });
  });
  addLowering<ScaleOp>(patterns, step, [](Lowering &l, ScaleOp scale) {
    Value factor =
        l.b.create<arith::ConstantOp>(l.loc, scale.getFactorAttr());
    map(l, scale, scale.getInput(), [&](ValueRange x) -> Value {
      return l.b.create<arith::MulFOp>(l.loc, x[0], factor);
    });
  });
  addLowering<ReluBackwardOp>(
      patterns, step, [](Lowering &l, ReluBackwardOp bwd) {
        Value zero = l.f32(0.0);
        map(l, bwd, {bwd.getGradOutput(), bwd.getOutput()},
            [&](ValueRange x) -> Value {
              Value positive = l.b.create<arith::CmpFOp>(
                  l.loc, arith::CmpFPredicate::OGT, x[1], zero);
              return l.b.create<arith::SelectOp>(l.loc, positive, x[0], zero);
            });
      });
  addLowering<ConstantOp>(patterns, step, lowerConstant);
  // Views of their operand's bytes (Placement.h): nothing to run.
  addLowering<FlattenOp>(patterns, step, [](Lowering &, FlattenOp) {});
  addLowering<ReshapeOp>(patterns, step, [](Lowering &, ReshapeOp) {});
}
