//===- Collectives.cpp - all-reduces and the bucket epilogues -------------===//
//
// The collectives themselves are runtime calls (runtime/include/trainc/
// kernels.h); what surrounds them is generated: the copy of a reduced
// tensor into its home, and each gradient bucket's epilogue, which scales a
// mean by 1/world or, when the bucket travels as f16/bf16, compresses it
// into its staging range before the start and decompresses it after the
// wait. With one process (trainc_rt_world() == 1) the epilogues do nothing.
// A wait marked `fused` (train-fuse-updates) leaves its epilogue to the
// bucket's update: one pass over the bucket reads the reduced gradient,
// finishes it (stored back for --dump-grads), and updates parameters and
// state (the update itself: Optimizers.cpp).
//
// Gradient accumulation (trainc_update_coeffs.micro, trainc/abi.h's
// trainc_micro_step): a micro-step before the last skips every collective
// and update; as each bucket fills, micro-batches 2..K-1 add their
// gradients into the `accum` arena and the last adds that sum into its own
// before the bucket's all-reduce starts. The reduced gradient is the sum
// over ranks and micro-batches times 1 / (world K), and the loss the mean
// over both. The same bucket passes sum the squares of this process's
// micro-batch gradient, chunk by chunk in a fixed order, for the gradient
// noise scale (`stats`; trainc_update_coeffs.noise).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"
#include "passes/Conversion/TrainToLoops/UpdateCommon.h"
#include "passes/Optimizers.h"

#include "dialects/Train/IR/TrainOps.h"


using namespace mlir;
using namespace mlir::train;

namespace {
/// The wire codes of trainc_rt_allreduce_start (trainc/abi.h).
enum Wire : int32_t {
  kWireF32 = TRAINC_WIRE_F32,
  kWireF16 = TRAINC_WIRE_F16,
  kWireBF16 = TRAINC_WIRE_BF16
};

Value i32(Lowering &l, int64_t v) { return l.i32(v); }
Value i64(Lowering &l, int64_t v) { return l.i64(v); }

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

/// trainc_rt_world(), and whether it is more than 1.
std::pair<Value, Value> worldSize(Lowering &l) {
  Value world = l.callRuntime("world", {}, {l.b.getI32Type()});
  Value many = l.b.create<arith::CmpIOp>(l.loc, arith::CmpIPredicate::sgt,
                                         world, i32(l, 1));
  return {world, many};
}

/// Runs `body` only when more than one process trains.
void whenDistributed(Lowering &l, function_ref<void(Value world)> body) {
  ScalarOps o(l);
  auto [world, many] = worldSize(l);
  o.when(many, [&] { body(world); });
}


/// The micro-step of this call (trainc_update_coeffs.micro) as flags.
struct MicroStep {
  /// A micro-step before the last: no collective, no update.
  Value early;
  Value add, last;
};

MicroStep microStep(Lowering &l) {
  Coefficients c(l);
  Value mode = c(kMicro);
  auto is = [&](int code) {
    return l.b.create<arith::CmpFOp>(l.loc, arith::CmpFPredicate::OEQ, mode,
                                     l.f32(code));
  };
  ScalarOps o(l);
  MicroStep m;
  m.add = is(TRAINC_MICRO_ADD);
  m.last = is(TRAINC_MICRO_LAST);
  m.early = o.either(is(TRAINC_MICRO_FIRST), m.add);
  return m;
}

/// Runs `body` unless this call is a micro-step before the last.
void unlessEarly(Lowering &l, function_ref<void()> body) {
  ScalarOps o(l);
  Value early = microStep(l).early;
  auto ifOp = l.b.create<scf::IfOp>(l.loc, early, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(l.b);
  l.b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
  body();
}

/// What the summed gradient is multiplied by: 1 / (world K), K the
/// micro-batches of the step (1 when trainc_update_coeffs.accumulate is 0
/// or 1). With K = 1 it is 1 / world, as before accumulation existed.
Value gradScale(Lowering &l, Value world) {
  ScalarOps o(l);
  Coefficients c(l);
  Value k = o.max(c(kAccumulate), l.f32(1.0));
  Value count = l.b.create<arith::SIToFPOp>(l.loc, l.b.getF32Type(), world);
  return o.div(l.f32(1.0), o.mul(count, k));
}

/// The noise scale's partials (trainc/abi.h, TRAINC_NOISE_CHUNK): the
/// index of bucket `bucket`'s first chunk in a table, and the partials of
/// one table.
std::pair<int64_t, int64_t> noiseChunks(Lowering &l, Operation *op,
                                        int64_t bucket) {
  int64_t first = 0;
  for (int64_t i = 0; i < bucket; ++i) {
    auto segments = bucketSegments(l, op, i);
    if (failed(segments))
      continue;
    for (const UpdateSegment &s : *segments)
      first += llvm::divideCeil(s.count, TRAINC_NOISE_CHUNK);
  }
  return {first, noisePartialCount(l.sourceFunction())};
}

/// The views of one segment a chunked pass reads and writes.
using SegmentArenas = SmallVector<Value, 2>;

/// One pass over a bucket's parameters in chunks of TRAINC_NOISE_CHUNK,
/// chunks in parallel. For each segment, `views` gives the arena views
/// (made outside the loops) and `body` handles element `i`, returning the
/// value whose squares are summed (f64, in order within the chunk); when
/// `write` holds, the sum of chunk k is stored at `first + k` of the first
/// table of `stats`.
void chunkedSquares(
    Lowering &l, ArrayRef<UpdateSegment> segments, int64_t first,
    int64_t tableSize, Value write,
    function_ref<SegmentArenas(const UpdateSegment &s)> views,
    function_ref<Value(ScalarOps &o, const UpdateSegment &s,
                       ArrayRef<Value> arenas, Value i)>
        body) {
  Value stats = l.arenaView(Role::Stats, 0, l.b.getF64Type(), 2 * tableSize);
  int64_t chunk = first;
  for (const UpdateSegment &s : segments) {
    int64_t chunks = noiseChunkCount(s.count);
    SegmentArenas arenas = views(s);
    l.parallel({chunks}, [&](ValueRange iv) {
      ScalarOps o(l);
      Value lo = o.imul(iv[0], TRAINC_NOISE_CHUNK);
      Value hi = o.imin(o.iadd(lo, TRAINC_NOISE_CHUNK), l.index(s.count));
      SmallVector<Value> total = l.reduceMany(
          lo, hi, l.index(1), {l.f64(0)},
          [&](Value i, ValueRange acc) -> SmallVector<Value> {
            Value x = o.ext(body(o, s, arenas, i));
            return {sumInto(o, acc[0], o.mul(x, x))};
          });
      o.when(write, [&] { o.store(total[0], stats, o.iadd(iv[0], chunk)); });
    });
    chunk += chunks;
  }
}

/// The bucket's pass as it fills (before its all-reduce starts): the
/// micro-step's accumulation and the squares of this process's gradient.
LogicalResult emitBucketPrologue(Lowering &l, Operation *op, int64_t bucket) {
  auto segments = bucketSegments(l, op, bucket);
  if (failed(segments))
    return failure();
  auto [first, tableSize] = noiseChunks(l, op, bucket);
  Coefficients c(l);
  Value noise = c.flag(kNoise);
  MicroStep m = microStep(l);
  Type f32 = l.b.getF32Type();
  auto gradsAndAccum = [&](const UpdateSegment &s) {
    return SegmentArenas{l.arenaView(Role::Grads, s.offset, f32, s.count),
                         l.arenaView(Role::Accum, s.offset, f32, s.count)};
  };
  auto gradsOnly = [&](const UpdateSegment &s) {
    return SegmentArenas{l.arenaView(Role::Grads, s.offset, f32, s.count)};
  };
  ScalarOps o(l);
  // Micro-batches 2..K-1: accum += grads.
  branch(
      l, m.add,
      [&] {
        chunkedSquares(l, *segments, first, tableSize, noise, gradsAndAccum,
                       [&](ScalarOps &o, const UpdateSegment &,
                           ArrayRef<Value> a, Value i) {
                         Value g = o.load(a[0], i);
                         o.store(o.add(o.load(a[1], i), g), a[1], i);
                         return g;
                       });
      },
      [&] {
        branch(
            l, m.last,
            [&] {
              // Micro-batch K: grads += accum (the step gradient's squares
              // come from the update, which reads it finished).
              chunkedSquares(l, *segments, first, tableSize, noise,
                             gradsAndAccum,
                             [&](ScalarOps &o, const UpdateSegment &,
                                 ArrayRef<Value> a, Value i) {
                               Value g = o.load(a[0], i);
                               o.store(o.add(g, o.load(a[1], i)), a[0], i);
                               return g;
                             });
            },
            [&] {
              // A whole step or micro-batch 1: the squares, when asked.
              o.when(noise, [&] {
                chunkedSquares(l, *segments, first, tableSize, noise,
                               gradsOnly,
                               [&](ScalarOps &o, const UpdateSegment &,
                                   ArrayRef<Value> a, Value i) {
                                 return o.load(a[0], i);
                               });
              });
            });
      });
  return success();
}

/// Where, in the activation arena, the 16-bit copy of the gradients at
/// byte `offset` of the gradient arena is staged.
int64_t stagingOffset(Lowering &l, int64_t offset) {
  return l.sourceFunction()
             ->getAttrOfType<IntegerAttr>(kWireOffsetAttr)
             .getInt() +
         offset / 2;
}

/// The staging view of `count` 16-bit values for the gradients at byte
/// `offset` (the bf16 values as their i16 bits).
Value staging(Lowering &l, Type wire, int64_t offset, int64_t count) {
  Type element = isa<BFloat16Type>(wire) ? Type(l.b.getI16Type()) : wire;
  return l.arenaView(Role::Arena, stagingOffset(l, offset), element, count);
}

/// f32 -> bf16 bits, rounding to nearest even (a NaN stays a quiet NaN).
Value toBF16Bits(Lowering &l, Value x) {
  OpBuilder &b = l.b;
  ScalarOps o(l);
  Type i32t = b.getI32Type();
  Value bits = b.create<arith::BitcastOp>(l.loc, i32t, x);
  Value shifted = b.create<arith::ShRUIOp>(l.loc, bits, i32(l, 16));
  Value lsb = b.create<arith::AndIOp>(l.loc, shifted, i32(l, 1));
  Value rounded = b.create<arith::AddIOp>(
      l.loc, bits, b.create<arith::AddIOp>(l.loc, lsb, i32(l, 0x7fff)));
  Value high = b.create<arith::ShRUIOp>(l.loc, rounded, i32(l, 16));
  Value nan = o.isNan(x);
  Value quiet = i32(l, 0x7fc0);
  Value value = o.select(nan, quiet, high);
  return b.create<arith::TruncIOp>(l.loc, b.getI16Type(), value);
}

Value fromBF16Bits(Lowering &l, Value bits16) {
  OpBuilder &b = l.b;
  Value wide = b.create<arith::ExtUIOp>(l.loc, b.getI32Type(), bits16);
  Value shifted = b.create<arith::ShLIOp>(l.loc, wide, i32(l, 16));
  return b.create<arith::BitcastOp>(l.loc, b.getF32Type(), shifted);
}

/// f32 -> the staged form of `wire` (f16, or bf16 as its bits), and back.
Value narrow(Lowering &l, Type wire, Value x) {
  if (isa<BFloat16Type>(wire))
    return toBF16Bits(l, x);
  return l.b.create<arith::TruncFOp>(l.loc, wire, x);
}
Value widen(Lowering &l, Type wire, Value packed) {
  if (isa<BFloat16Type>(wire))
    return fromBF16Bits(l, packed);
  return ScalarOps(l).ext32(packed);
}

/// Whether `reduce` all-reduces the step's loss (the function's result
/// marked train.loss).
bool reducesLoss(Lowering &l, AllReduceOp reduce) {
  func::FuncOp fn = l.sourceFunction();
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (OpOperand &use : reduce.getOutput().getUses())
    if (use.getOwner() == ret &&
        fn.getResultAttr(use.getOperandNumber(), TrainDialect::kLossAttr))
      return true;
  return false;
}

LogicalResult lowerAllReduce(Lowering &l, AllReduceOp reduce) {
  // The result's home gets the operand, then the runtime reduces it in
  // place (small tensors: the loss): trainc_rt_allreduce(data, count, mean).
  int64_t count = cast<RankedTensorType>(reduce.getType()).getNumElements();
  Value from = l.flat(reduce.getInput()), to = l.flat(reduce.getOutput());
  l.copy(from, to, count);
  auto allReduce = [&] {
    l.callRuntime("allreduce",
                  {l.pointerTo(reduce.getOutput()), i64(l, count),
                   i32(l, reduce.getReduction() == Reduction::Mean
                              ? TRAINC_REDUCE_MEAN
                              : TRAINC_REDUCE_SUM)});
  };
  if (!reducesLoss(l, reduce)) {
    allReduce();
    return success();
  }
  // The loss of a micro-step before the last stays this process's; the
  // last makes its own the mean over the K micro-batches first.
  unlessEarly(l, [&] {
    ScalarOps o(l);
    Coefficients c(l);
    o.when(microStep(l).last, [&] {
      Value carry = c(kLossCarry), k = c(kAccumulate);
      l.serial([&] {
        ScalarOps o(l);
        Value zero = l.index(0);
        o.store(o.div(o.add(o.load(to, zero), carry), k), to, zero);
      });
    });
    allReduce();
  });
  return success();
}

LogicalResult lowerStart(Lowering &l, AllReduceStartOp start) {
  auto range = bucketRange(l, start, start.getBucket());
  if (failed(range))
    return failure();
  auto [offset, count] = *range;
  if (failed(emitBucketPrologue(l, start, start.getBucket())))
    return failure();
  std::optional<Type> wire = start.getWire();
  if (wire && !l.sourceFunction()->hasAttr(kWireOffsetAttr))
    return start.emitError("no staging range for compressed collectives "
                           "(run train-plan-memory first)");
  unlessEarly(l, [&] {
    if (!wire) {
      // trainc_rt_allreduce_start(bucket, data, count, type)
      l.callRuntime("allreduce_start",
                    {i32(l, start.getBucket()),
                     l.arenaPointer(Role::Grads, offset), i64(l, count),
                     i32(l, kWireF32)});
      return;
    }
    // The epilogue scales by 1 / (world K) before compressing: the sum of
    // the ranks' shares is then the mean, in range wherever the mean is.
    Value grads = l.arenaView(Role::Grads, offset, l.b.getF32Type(), count);
    Value staged = staging(l, *wire, offset, count);
    bool mean = true;
    for (Operation *op = start->getNextNode(); op; op = op->getNextNode())
      if (auto wait = dyn_cast<AllReduceWaitOp>(op))
        if (wait.getBucket() == start.getBucket())
          mean = wait.getReduction() == Reduction::Mean;
    whenDistributed(l, [&](Value world) {
      ScalarOps o(l);
      Value scale = mean ? gradScale(l, world) : l.f32(1.0);
      l.parallel({count}, [&](ValueRange iv) {
        Value x = o.mul(o.load(grads, iv), scale);
        o.store(narrow(l, *wire, x), staged, iv);
      });
    });
    l.callRuntime("allreduce_start",
                  {i32(l, start.getBucket()),
                   l.arenaPointer(Role::Arena, stagingOffset(l, offset)),
                   i64(l, count),
                   i32(l, isa<BFloat16Type>(*wire) ? kWireBF16 : kWireF16)});
  });
  return success();
}

LogicalResult lowerWait(Lowering &l, AllReduceWaitOp wait) {
  auto range = bucketRange(l, wait, wait.getBucket());
  if (failed(range))
    return failure();
  auto [offset, count] = *range;
  std::optional<Type> wire = wait.getWire();
  bool mean = wait.getReduction() == Reduction::Mean;
  unlessEarly(l, [&] {
    // trainc_rt_allreduce_wait(bucket), then the epilogue (in the update's
    // loop when one follows). The update sums the noise scale's squares.
    l.callRuntime("allreduce_wait", {i32(l, wait.getBucket())});
    if (wait.getFused())
      return; // the update after it does the epilogue
    if (!wire && !mean)
      return;
    Value grads = l.arenaView(Role::Grads, offset, l.b.getF32Type(), count);
    Value staged = wire ? staging(l, *wire, offset, count) : Value();
    ScalarOps o(l);
    auto [world, many] = worldSize(l);
    Value scale = gradScale(l, world);
    auto scaleInPlace = [&] {
      l.parallel({count}, [&](ValueRange iv) {
        o.store(o.mul(o.load(grads, iv), scale), grads, iv);
      });
    };
    if (!wire) {
      // 1 / (world K); nothing for one process and one micro-batch.
      Value one = l.f32(1.0);
      o.when(l.b.create<arith::CmpFOp>(l.loc, arith::CmpFPredicate::ONE,
                                       scale, one),
             scaleInPlace);
    } else {
      // Several processes: already a mean (the start scaled), widened.
      // One process never compressed: the sum over micro-batches scaled.
      branch(
          l, many,
          [&] {
            l.parallel({count}, [&](ValueRange iv) {
              o.store(widen(l, *wire, o.load(staged, iv)), grads, iv);
            });
          },
          [&] { o.when(microStep(l).last, scaleInPlace); });
    }
  });
  return success();
}

/// The byte offset of `update`'s optimizer scratch in the activation arena
/// (its own for LARS and LAMB, the step's tables for NLCG), or -1.
int64_t optimizerScratch(Lowering &l, OptimizerUpdateOp update) {
  if (!optimizerInfo(update.getAlgorithm()).global)
    return scratchOffset(update);
  int64_t offset = -1;
  l.sourceFunction().walk(
      [&](OptimizerStepOp step) { offset = scratchOffset(step); });
  return offset;
}

/// Bucket `update`'s update, with its wait's epilogue when fused; its pass
/// over the finished gradient also sums the squares for the noise scale
/// (the second table), when the step measures it.
LogicalResult emitBucketUpdate(Lowering &l, OptimizerUpdateOp update,
                               ArrayRef<UpdateSegment> segments) {
  int64_t scratch = optimizerScratch(l, update);
  int64_t bucket = update.getBucket();
  auto [first, tableSize] = noiseChunks(l, update, bucket);
  NoiseTable second{first + tableSize, tableSize};
  bool global = optimizerInfo(update.getAlgorithm()).global;
  // trainc_nonfinite_mode DEFER: the update waits for the runtime's
  // verdict on the whole step (trainc_apply_update), so this pass only
  // finishes the gradient, stores it back and sums its squares. A global
  // algorithm's gather changes no state: its step is gated instead.
  Value deferred;
  if (!global) {
    Coefficients c(l);
    deferred = l.b.create<arith::CmpFOp>(l.loc, arith::CmpFPredicate::OEQ,
                                         c(kNonfinite),
                                         l.f32(TRAINC_NONFINITE_DEFER));
  }
  auto emit = [&](GradientLoad load) {
    if (global)
      return emitOptimizerUpdate(l, update, update.getAlgorithm(), bucket,
                                 segments, load, scratch, second);
    LogicalResult result = success();
    branch(
        l, deferred,
        [&] {
          chunkedSquares(
              l, segments, second.first, tableSize, l.b.create<arith::ConstantIntOp>(l.loc, 1, 1),
              [&](const UpdateSegment &s) {
                return SegmentArenas{l.arenaView(Role::Grads, s.offset,
                                                 l.b.getF32Type(), s.count)};
              },
              [&](ScalarOps &o, const UpdateSegment &s, ArrayRef<Value> a,
                  Value i) { return load(o, s, a[0], i); });
        },
        [&] {
          result = emitOptimizerUpdate(l, update, update.getAlgorithm(),
                                       bucket, segments, load, scratch,
                                       second);
        });
    return result;
  };
  auto plain = [&](ScalarOps &o, const UpdateSegment &, Value g,
                   ValueRange iv) { return o.load(g, iv); };
  // The finished gradient is stored back for the step's later readers,
  // unless the update overwrites the gradient arena itself (a global
  // algorithm stores the gradient it uses there: NLCG's G).
  bool storeBack = !optimizerInfo(update.getAlgorithm()).global;

  // The epilogue of the bucket's wait, when train-fuse-updates moved it
  // here: the gradient is finished as it is loaded.
  std::optional<Reduction> epilogue = update.getEpilogue();
  std::optional<Type> wire = update.getWire();
  if (!epilogue || (!wire && *epilogue != Reduction::Mean))
    return emit(plain);
  if (!wire) {
    // The mean: the sum times 1 / (world K) (1 for one process and one
    // micro-batch), stored back.
    Value scale = gradScale(l, worldSize(l).first);
    return emit([&](ScalarOps &o, const UpdateSegment &, Value g,
                    ValueRange iv) {
      Value grad = o.mul(o.load(g, iv), scale);
      if (storeBack)
        o.store(grad, g, iv);
      return grad;
    });
  }
  // Compressed: with several processes the staged 16-bit mean is widened
  // (and stored back); one process never compressed, and scales the sum
  // over micro-batches.
  auto range = bucketRange(l, update, bucket);
  if (failed(range))
    return failure();
  int64_t bucketOffset = range->first;
  auto [world, many] = worldSize(l);
  Value scale = gradScale(l, world);
  auto ifOp = l.b.create<scf::IfOp>(l.loc, many, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(l.b);
  l.b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  Value staged = staging(l, *wire, bucketOffset, range->second);
  if (failed(emit([&](ScalarOps &o, const UpdateSegment &s, Value g,
                      ValueRange iv) {
        Value at = o.iadd(iv[0], (s.offset - bucketOffset) / 4);
        Value grad = widen(l, *wire, o.load(staged, at));
        if (storeBack)
          o.store(grad, g, iv);
        return grad;
      })))
    return failure();
  l.b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
  return emit([&](ScalarOps &o, const UpdateSegment &, Value g,
                  ValueRange iv) {
    Value grad = o.mul(o.load(g, iv), scale);
    if (storeBack)
      o.store(grad, g, iv);
    return grad;
  });
}

LogicalResult lowerUpdate(Lowering &l, OptimizerUpdateOp update) {
  // The state arena is sized by the module's optimizer.
  auto moduleOptimizer =
      l.parentModule()->getAttrOfType<StringAttr>(kOptimizerAttr);
  if (!moduleOptimizer ||
      symbolizeAlgorithm(moduleOptimizer.getValue()) != update.getAlgorithm())
    return update.emitError("the module's optimizer (train.optimizer) is "
                            "not '")
           << stringifyAlgorithm(update.getAlgorithm())
           << "' (run train-insert-optimizer)";
  auto segments = bucketSegments(l, update, update.getBucket());
  if (failed(segments))
    return failure();
  LogicalResult result = success();
  unlessEarly(l, [&] { result = emitBucketUpdate(l, update, *segments); });
  return result;
}

LogicalResult lowerStep(Lowering &l, OptimizerStepOp step) {
  // The step's all-reduced loss (result 0) drives the line search.
  func::FuncOp fn = l.sourceFunction();
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  Value loss = fn.getNumResults() && fn.getResultAttr(0, TrainDialect::kLossAttr)
                   ? l.pointerTo(ret.getOperand(0))
                   : l.nullPointer();
  LogicalResult result = success();
  unlessEarly(l, [&] {
    result = emitOptimizerStep(l, step, step.getAlgorithm(), loss,
                               scratchOffset(step));
  });
  return result;
}
} // namespace

void mlir::train::populateTrainCollectiveLoweringPatterns(
    RewritePatternSet &patterns, StepLowering &step) {
  addLowering<AllReduceOp>(patterns, step, lowerAllReduce);
  addLowering<AllReduceStartOp>(patterns, step, lowerStart);
  addLowering<AllReduceWaitOp>(patterns, step, lowerWait);
  addLowering<OptimizerUpdateOp>(patterns, step, lowerUpdate);
  addLowering<OptimizerStepOp>(patterns, step, lowerStep);
}
