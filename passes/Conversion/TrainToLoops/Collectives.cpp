//===- Collectives.cpp - all-reduces and the bucket epilogues -------------===//
//
// The collectives themselves are runtime calls (runtime/include/trainc/
// kernels.h); what surrounds them is generated: the copy of a reduced
// tensor into its home, and each gradient bucket's epilogue, which scales a
// mean by 1/world or, when the bucket travels as f16/bf16, compresses it
// into its staging range before the start and decompresses it after the
// wait. With one process (trainc_rt_world() == 1) the epilogues do nothing.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::train;

namespace {
/// The wire codes of trainc_rt_allreduce_start.
enum Wire : int32_t { kWireF32 = 0, kWireF16 = 1, kWireBF16 = 2 };

Value i32(Lowering &l, int64_t v) {
  return l.b.create<arith::ConstantIntOp>(l.loc, v, 32);
}
Value i64(Lowering &l, int64_t v) {
  return l.b.create<arith::ConstantIntOp>(l.loc, v, 64);
}

/// Bucket `index` of the planned module: its gradient offset and floats.
FailureOr<std::pair<int64_t, int64_t>> bucketRange(Lowering &l, Operation *op,
                                                   int64_t index) {
  auto buckets = l.parentModule()->getAttrOfType<ArrayAttr>(kBucketsAttr);
  auto bucket = buckets && index >= 0 && index < int64_t(buckets.size())
                    ? dyn_cast<DictionaryAttr>(buckets[index])
                    : DictionaryAttr();
  auto offset = bucket ? bucket.getAs<IntegerAttr>("offset") : IntegerAttr();
  if (!offset)
    return op->emitError("bucket ")
           << index << " has no planned offset (run train-plan-memory first)";
  return std::make_pair(offset.getInt(),
                        bucket.getAs<IntegerAttr>("bytes").getInt() / 4);
}

/// Runs `body` only when more than one process trains.
void whenDistributed(Lowering &l, function_ref<void(Value world)> body) {
  ScalarOps o(l);
  Value world = l.callRuntime("trainc_rt_world", {}, {l.b.getI32Type()});
  Value many = l.b.create<arith::CmpIOp>(l.loc, arith::CmpIPredicate::sgt,
                                         world, i32(l, 1));
  o.when(many, [&] { body(world); });
}

/// 1 / world as f32.
Value inverse(Lowering &l, Value world) {
  ScalarOps o(l);
  return o.div(l.f32(1.0),
               l.b.create<arith::SIToFPOp>(l.loc, l.b.getF32Type(), world));
}

/// The staging view of `count` 16-bit values for the gradients at byte
/// `offset` (the bf16 values as their i16 bits).
Value staging(Lowering &l, Operation *op, Type wire, int64_t offset,
              int64_t count) {
  auto wireOffset =
      l.sourceFunction()->getAttrOfType<IntegerAttr>(kWireOffsetAttr);
  Type element = isa<BFloat16Type>(wire) ? Type(l.b.getI16Type()) : wire;
  return l.arenaView("arena", wireOffset.getInt() + offset / 2, element,
                     count);
}

/// f32 -> bf16 bits, rounding to nearest even (a NaN stays a quiet NaN).
Value toBF16Bits(Lowering &l, Value x) {
  OpBuilder &b = l.b;
  ScalarOps o(l);
  Type i32t = b.getI32Type();
  Value bits = b.create<arith::BitcastOp>(l.loc, i32t, x);
  Value lsb = b.create<arith::AndIOp>(
      l.loc, b.create<arith::ShRUIOp>(l.loc, bits, i32(l, 16)), i32(l, 1));
  Value rounded = b.create<arith::AddIOp>(
      l.loc, bits, b.create<arith::AddIOp>(l.loc, lsb, i32(l, 0x7fff)));
  Value high = b.create<arith::ShRUIOp>(l.loc, rounded, i32(l, 16));
  Value value = o.select(o.isNan(x), i32(l, 0x7fc0), high);
  return b.create<arith::TruncIOp>(l.loc, b.getI16Type(), value);
}

Value fromBF16Bits(Lowering &l, Value bits16) {
  OpBuilder &b = l.b;
  Value wide = b.create<arith::ExtUIOp>(l.loc, b.getI32Type(), bits16);
  Value shifted = b.create<arith::ShLIOp>(l.loc, wide, i32(l, 16));
  return b.create<arith::BitcastOp>(l.loc, b.getF32Type(), shifted);
}

LogicalResult lowerAllReduce(Lowering &l, AllReduceOp reduce) {
  // The result's home gets the operand, then the runtime reduces it in
  // place (small tensors: the loss): trainc_rt_allreduce(data, count, mean).
  int64_t count = cast<RankedTensorType>(reduce.getType()).getNumElements();
  Value from = l.flat(reduce.getInput()), to = l.flat(reduce.getOutput());
  l.parallel({count}, [&](ValueRange iv) {
    Value x = l.b.create<memref::LoadOp>(l.loc, from, iv);
    l.b.create<memref::StoreOp>(l.loc, x, to, iv);
  });
  l.callRuntime("trainc_rt_allreduce",
                {l.pointerTo(reduce.getOutput()), i64(l, count),
                 i32(l, reduce.getReduction() == "mean" ? 1 : 0)});
  return success();
}

LogicalResult lowerStart(Lowering &l, AllReduceStartOp start) {
  auto range = bucketRange(l, start, start.getBucket());
  if (failed(range))
    return failure();
  auto [offset, count] = *range;
  std::optional<Type> wire = start.getWire();
  if (!wire) {
    // trainc_rt_allreduce_start(bucket, data, count, type)
    l.callRuntime("trainc_rt_allreduce_start",
                  {i32(l, start.getBucket()), l.arenaPointer("grads", offset),
                   i64(l, count), i32(l, kWireF32)});
    return success();
  }
  if (!l.sourceFunction()->hasAttr(kWireOffsetAttr))
    return start.emitError("no staging range for compressed collectives "
                           "(run train-plan-memory first)");
  // The epilogue divides by world before compressing: the sum of the
  // ranks' shares is then the mean, in range wherever the mean is.
  Value grads = l.arenaView("grads", offset, l.b.getF32Type(), count);
  Value staged = staging(l, start, *wire, offset, count);
  bool mean = true;
  for (Operation *op = start->getNextNode(); op; op = op->getNextNode())
    if (auto wait = dyn_cast<AllReduceWaitOp>(op))
      if (wait.getBucket() == start.getBucket())
        mean = wait.getReduction() == "mean";
  whenDistributed(l, [&](Value world) {
    ScalarOps o(l);
    Value scale = mean ? inverse(l, world) : l.f32(1.0);
    l.parallel({count}, [&](ValueRange iv) {
      Value x = o.mul(o.load(grads, iv), scale);
      Value packed = isa<BFloat16Type>(*wire)
                         ? toBF16Bits(l, x)
                         : l.b.create<arith::TruncFOp>(l.loc, *wire, x)
                               .getResult();
      o.store(packed, staged, iv);
    });
  });
  int64_t wireOffset =
      l.sourceFunction()->getAttrOfType<IntegerAttr>(kWireOffsetAttr).getInt();
  l.callRuntime("trainc_rt_allreduce_start",
                {i32(l, start.getBucket()),
                 l.arenaPointer("arena", wireOffset + offset / 2),
                 i64(l, count),
                 i32(l, isa<BFloat16Type>(*wire) ? kWireBF16 : kWireF16)});
  return success();
}

LogicalResult lowerWait(Lowering &l, AllReduceWaitOp wait) {
  auto range = bucketRange(l, wait, wait.getBucket());
  if (failed(range))
    return failure();
  auto [offset, count] = *range;
  // trainc_rt_allreduce_wait(bucket), then the epilogue.
  l.callRuntime("trainc_rt_allreduce_wait", {i32(l, wait.getBucket())});
  std::optional<Type> wire = wait.getWire();
  if (!wire && wait.getReduction() != "mean")
    return success();
  Value grads = l.arenaView("grads", offset, l.b.getF32Type(), count);
  Value staged = wire ? staging(l, wait, *wire, offset, count) : Value();
  whenDistributed(l, [&](Value world) {
    ScalarOps o(l);
    if (!wire) {
      Value scale = inverse(l, world);
      l.parallel({count}, [&](ValueRange iv) {
        o.store(o.mul(o.load(grads, iv), scale), grads, iv);
      });
      return;
    }
    // Already a mean (the start divided): decompress only.
    l.parallel({count}, [&](ValueRange iv) {
      Value packed = o.load(staged, iv);
      Value x = isa<BFloat16Type>(*wire)
                    ? fromBF16Bits(l, packed)
                    : o.ext32(packed);
      o.store(x, grads, iv);
    });
  });
  return success();
}
} // namespace

LogicalResult mlir::train::lowerCollectiveOp(Lowering &l, Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](AllReduceOp reduce) { return lowerAllReduce(l, reduce); })
      .Case([&](AllReduceStartOp start) { return lowerStart(l, start); })
      .Case([&](AllReduceWaitOp wait) { return lowerWait(l, wait); })
      .Default([](Operation *op) {
        return op->emitError("not a collective op");
      });
}
