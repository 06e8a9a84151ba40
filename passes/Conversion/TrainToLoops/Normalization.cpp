//===- Normalization.cpp - batch normalisation, forward and backward ------===//
//
// Per-channel kernels: scf.parallel over channels, with the statistics
// reduced sequentially in f64 within a channel (deterministic, and exact
// enough that the mean of 10^5 activations does not drift). Tensors in
// channel blocks (train-assign-layouts) get kernels of their own: each
// (block, batch piece) sums all lanes of its block at once, through memory
// in order, and the pieces are added in piece order.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::train;

namespace {
/// Sums `count` doubles over the ranks, in place, identically on every rank
/// (runtime/include/trainc/kernels.h: trainc_rt_allreduce_f64).
void allreduceF64(Lowering &l, Value address, int64_t count) {
  l.callRuntime("allreduce_f64",
                {address,
                 l.b.create<arith::ConstantIntOp>(l.loc, count, 64)});
}

/// Where BatchNorm (training) stores channel c's batch statistics and the
/// running ones (views made before the kernels).
struct Statistics {
  Lowering &l;
  BatchNormOp bn;
  Value scale, rm, rv, rmOut, rvOut, bm, bv;
  Statistics(Lowering &l, BatchNormOp bn)
      : l(l), bn(bn), scale(l.view(bn.getScale())),
        rm(l.view(bn.getRunningMean())), rv(l.view(bn.getRunningVar())),
        rmOut(l.view(bn.getRunningMeanOut())),
        rvOut(l.view(bn.getRunningVarOut())), bm(l.view(bn.getBatchMean())),
        bv(l.view(bn.getBatchVar())) {}

  /// From channel c's mean and biased variance (f64): `unbias` builds
  /// total / (total - 1) (PyTorch updates the running variance with the
  /// unbiased variance). Returns y's factor scale * invstd (f32).
  Value store(Value c, Value mean, Value var, function_ref<Value()> unbias) {
    ScalarOps o(l);
    double momentum = bn.getMomentum().convertToFloat();
    o.store(o.trunc(mean), bm, c);
    o.store(o.trunc(var), bv, c);
    Value keep = l.f64(momentum), take = l.f64(1.0 - momentum);
    Value takenMean = o.mul(take, mean);
    Value keptMean = o.mul(keep, o.ext(o.load(rm, c)));
    o.store(o.trunc(o.add(keptMean, takenMean)), rmOut, c);
    Value takenVar = o.mul(take, o.mul(var, unbias()));
    Value keptVar = o.mul(keep, o.ext(o.load(rv, c)));
    o.store(o.trunc(o.add(keptVar, takenVar)), rvOut, c);
    // y = (x - mean) * (scale * invstd) + bias, in f32.
    Value inv32 = o.trunc(o.invStd(var, bn.getEpsilon().convertToFloat()));
    return o.mul(o.load(scale, c), inv32);
  }
};

/// A channel block's lanes as one vector (vector<B x f32|f64>): the
/// kernels on channel blocks load, compute and store whole blocks, which
/// the CPU runs as SIMD registers (arith on vectors is element-wise, the
/// same rounding as the scalar kernels).
struct Lanes {
  Lowering &l;
  int64_t block;
  VectorType f32, f64;
  Lanes(Lowering &l, int64_t block)
      : l(l), block(block), f32(VectorType::get({block}, l.b.getF32Type())),
        f64(VectorType::get({block}, l.b.getF64Type())) {}
  /// The block of a [.., B] or 1-D memref at `at` (the first lane).
  Value load(VectorType type, Value memref, ValueRange at) {
    return l.b.create<vector::LoadOp>(l.loc, type, memref, at);
  }
  Value load32(Value memref, ValueRange at) { return load(f32, memref, at); }
  Value load64(Value memref, ValueRange at) { return load(f64, memref, at); }
  void store(Value v, Value memref, ValueRange at) {
    l.b.create<vector::StoreOp>(l.loc, v, memref, at);
  }
  Value ext(Value v) { return l.b.create<arith::ExtFOp>(l.loc, f64, v); }
  Value trunc(Value v) { return l.b.create<arith::TruncFOp>(l.loc, f32, v); }
  Value splat64(double v) {
    return l.b.create<arith::ConstantOp>(l.loc,
                                         DenseElementsAttr::get(f64, v));
  }
  /// 1 / sqrt(var + eps), f64 lanes.
  Value invStd(Value var, float eps) {
    Value sum = l.b.create<arith::AddFOp>(l.loc, var, splat64(eps));
    return l.b.create<math::RsqrtOp>(l.loc, sum);
  }
  /// Block `cb`'s lanes at position (n, s) of the blocked `view`.
  Value loadBlock(const ChannelView &view, Value n, Value cb, Value s) {
    return load32(view.memref, {n, cb, s, l.index(0)});
  }
  void storeBlock(Value v, const ChannelView &view, Value n, Value cb,
                  Value s) {
    store(v, view.memref, {n, cb, s, l.index(0)});
  }
};

/// The kernels of BatchNorm on channel blocks of B (isBlockedBatchNorm).
/// Two per-channel sums over [N, S] go through the op's scratch: kernel 1
/// runs on each (batch piece, block), loads a whole block of lanes per
/// position and keeps two f64 vectors of sums, and stores each piece's;
/// kernel 2, per channel, adds the pieces in piece order and leaves what
/// kernel 3 needs in piece 0's slots; kernel 3, per (sample, block), writes
/// the result. Scratch: f64 [piece][2][channel].
struct BlockedSums {
  Lowering &l;
  ScalarOps o;
  Lanes lanes;
  int64_t n, c, s, block, pieces;
  Value partials;
  BlockedSums(Lowering &l, Operation *op, const ChannelView &x)
      : l(l), o(l), lanes(l, x.block), n(x.n), c(x.c), s(x.s),
        block(x.block), pieces(batchNormPieces(x.n)),
        partials(l.scratchOf(op, l.b.getF64Type(), 2 * pieces * x.c)) {}

  /// The index of sum `which` (0, 1) of channel `ch` of piece `p`.
  Value slot(Value p, int64_t which, Value ch) {
    return o.iadd(o.imul(o.iadd(o.imul(p, 2), which), c), ch);
  }
  /// The first channel of block `cb`.
  Value firstChannel(Value cb) { return o.imul(cb, block); }
  /// Kernel 1: `setup(block)` builds what the terms of a block need, then
  /// `term(sample, block, position)` gives the block's two f64 vectors of
  /// terms; the sums of each (piece, block) go to its slots.
  void sumPieces(function_ref<void(Value cb)> setup,
                 function_ref<std::pair<Value, Value>(Value, Value, Value)>
                     term) {
    // Pieces outermost: the CPU target splits the outermost dimension
    // over its threads, and a model's first layers have one block.
    l.parallel({pieces, c / block}, [&](ValueRange iv) {
      Value p = iv[0], cb = iv[1];
      setup(cb);
      // Samples [N p / P, N (p + 1) / P).
      Value lo = l.b.create<arith::DivUIOp>(l.loc, o.imul(p, n),
                                            l.index(pieces));
      Value hi = l.b.create<arith::DivUIOp>(l.loc, o.imul(o.iadd(p, 1), n),
                                            l.index(pieces));
      Value zero = lanes.splat64(0);
      SmallVector<Value> sums = l.reduceMany(
          lo, hi, l.index(1), {zero, zero}, [&](Value sample, ValueRange acc) {
            return l.reduceMany(s, acc, [&](Value pos, ValueRange a) {
              auto [first, second] = term(sample, cb, pos);
              return SmallVector<Value>{o.add(a[0], first),
                                        o.add(a[1], second)};
            });
          });
      lanes.store(sums[0], partials, slot(p, 0, firstChannel(cb)));
      lanes.store(sums[1], partials, slot(p, 1, firstChannel(cb)));
    });
  }
  /// In kernel 2: channel `ch`'s two sums over the pieces, in piece order.
  std::pair<Value, Value> total(Value ch) {
    Value first = l.f64(0), second = l.f64(0);
    for (int64_t p = 0; p < pieces; ++p) {
      first = o.add(first, o.load(partials, slot(l.index(p), 0, ch)));
      second = o.add(second, o.load(partials, slot(l.index(p), 1, ch)));
    }
    return {first, second};
  }
  /// In kernel 3: what kernel 2 left in piece 0's slot `which`, block `cb`.
  Value left(int64_t which, Value cb) {
    return lanes.load64(partials, slot(l.index(0), which, firstChannel(cb)));
  }
};

/// BatchNorm (training) on channel blocks. The statistics in one pass:
/// with d = x - x[0, c, 0] (a sample of the channel, so that the mean of
/// d is of the order of its spread and sum(d^2) - sum(d)^2 / m cancels
/// nothing that matters in f64), mean = x[0, c, 0] + sum(d) / m and
/// var = sum(d^2) / m - (sum(d) / m)^2.
void lowerTrainingBlocked(Lowering &l, BatchNormOp bn) {
  ScalarOps o(l);
  ChannelView x(l, bn.getInput()), y(l, bn.getOutput());
  Statistics stats(l, bn);
  BlockedSums sums(l, bn, x);
  Lanes &v = sums.lanes;
  double m = double(x.n) * double(x.s);
  Value zero = l.index(0);
  Value shift;
  sums.sumPieces(
      [&](Value cb) { shift = v.ext(v.loadBlock(x, zero, cb, zero)); },
      [&](Value n, Value cb, Value s) {
        Value d = o.sub(v.ext(v.loadBlock(x, n, cb, s)), shift);
        return std::make_pair(d, o.mul(d, d));
      });
  l.parallel({x.c}, [&](ValueRange iv) {
    Value ch = iv[0];
    auto [sumD, sumD2] = sums.total(ch);
    Value count = l.f64(m);
    Value meanD = o.div(sumD, count);
    Value mean = o.add(o.ext(x.load(o, zero, ch, zero)), meanD);
    Value var = o.max(o.sub(o.div(sumD2, count), o.mul(meanD, meanD)),
                      l.f64(0));
    stats.store(ch, mean, var, [&] {
      return l.f64(m > 1 ? m / (m - 1) : 1.0);
    });
  });
  Value bm = stats.bm, bv = stats.bv, bias = l.view(bn.getBias());
  float eps = bn.getEpsilon().convertToFloat();
  // The ReLUs and adds after the op that it writes through: each of their
  // other operands, and the view of the last one's result.
  SmallVector<Operation *> epilogue = batchNormEpilogue(bn);
  SmallVector<std::optional<ChannelView>> addends;
  Value chain = bn.getOutput();
  for (Operation *op : epilogue) {
    if (auto add = dyn_cast<AddOp>(op))
      addends.emplace_back(ChannelView(
          l, add.getLhs() == chain ? add.getRhs() : add.getLhs()));
    else
      addends.emplace_back(std::nullopt);
    chain = op->getResult(0);
  }
  ChannelView out =
      epilogue.empty() ? y : ChannelView(l, epilogue.back()->getResult(0));
  Value zeros = l.b.create<arith::ConstantOp>(
      l.loc, DenseElementsAttr::get(v.f32, 0.0f));
  l.parallel({x.n, x.c / x.block}, [&](ValueRange iv) {
    Value n = iv[0], cb = iv[1];
    Value first = sums.firstChannel(cb);
    Value mean32 = v.load32(bm, first), beta = v.load32(bias, first);
    // y's factor scale * invstd from the batch variance as stored (f32),
    // as the backward computes it: kernel 3 reads no scratch, so its
    // result may take the scratch's slot (the epilogue's often does).
    Value inv32 = v.trunc(v.invStd(v.ext(v.load32(bv, first)), eps));
    Value mul = o.mul(v.load32(stats.scale, first), inv32);
    l.loops({x.s}, [&](ValueRange pos) {
      Value xv = v.loadBlock(x, n, cb, pos[0]);
      Value r = o.add(o.mul(o.sub(xv, mean32), mul), beta);
      for (const std::optional<ChannelView> &addend : addends)
        r = addend ? o.add(r, v.loadBlock(*addend, n, cb, pos[0]))
                   : o.max(r, zeros);
      v.storeBlock(r, out, n, cb, pos[0]);
    });
  });
}

/// BatchNorm's backward on channel blocks: sum(dy) and sum(dy xhat) per
/// channel (kernels 1 and 2), then dx (kernel 3), as lowerBackward.
void lowerBackwardBlocked(Lowering &l, BatchNormBackwardOp bwd) {
  ScalarOps o(l);
  ChannelView x(l, bwd.getInput()), dy(l, bwd.getGradOutput()),
      dx(l, bwd.getGradInput());
  BlockedSums sums(l, bwd, x);
  Lanes &v = sums.lanes;
  double m = double(x.n) * double(x.s);
  float eps = bwd.getEpsilon().convertToFloat();
  Value scale = l.view(bwd.getScale());
  Value bm = l.view(bwd.getBatchMean()), bv = l.view(bwd.getBatchVar());
  Value dscale = l.view(bwd.getGradScale()), dbias = l.view(bwd.getGradBias());
  Value zero = l.index(0);
  Value mean, inv;
  sums.sumPieces(
      [&](Value cb) {
        Value first = sums.firstChannel(cb);
        mean = v.ext(v.load32(bm, first));
        inv = v.invStd(v.ext(v.load32(bv, first)), eps);
      },
      [&](Value n, Value cb, Value s) {
        Value g = v.ext(v.loadBlock(dy, n, cb, s));
        Value xv = v.ext(v.loadBlock(x, n, cb, s));
        Value xhat = o.mul(o.sub(xv, mean), inv);
        return std::make_pair(g, o.mul(g, xhat));
      });
  l.parallel({x.c}, [&](ValueRange iv) {
    Value ch = iv[0];
    auto [sumDy, sumDyXhat] = sums.total(ch);
    o.store(o.trunc(sumDy), dbias, ch);
    o.store(o.trunc(sumDyXhat), dscale, ch);
    // For kernel 3: the two means.
    Value count = l.f64(m);
    o.store(o.div(sumDy, count), sums.partials, sums.slot(zero, 0, ch));
    o.store(o.div(sumDyXhat, count), sums.partials, sums.slot(zero, 1, ch));
  });
  // dx = scale * inv * (dy - sumDy/m - xhat * sumDyXhat/m), in f32.
  l.parallel({x.n, x.c / x.block}, [&](ValueRange iv) {
    Value n = iv[0], cb = iv[1];
    Value first = sums.firstChannel(cb);
    Value inv64 = v.invStd(v.ext(v.load32(bv, first)), eps);
    Value k = v.trunc(o.mul(v.ext(v.load32(scale, first)), inv64));
    Value meanDy = v.trunc(sums.left(0, cb));
    Value meanDyXhat = v.trunc(sums.left(1, cb));
    Value mean32 = v.load32(bm, first), inv32 = v.trunc(inv64);
    l.loops({x.s}, [&](ValueRange pos) {
      Value xv = v.loadBlock(x, n, cb, pos[0]);
      Value xhat = o.mul(o.sub(xv, mean32), inv32);
      Value correction = o.mul(xhat, meanDyXhat);
      Value g = v.loadBlock(dy, n, cb, pos[0]);
      Value r = o.sub(o.sub(g, meanDy), correction);
      v.storeBlock(o.mul(k, r), dx, n, cb, pos[0]);
    });
  });
}
} // namespace

SmallVector<Operation *> mlir::train::batchNormEpilogue(BatchNormOp bn) {
  SmallVector<Operation *> chain;
  if (!isBlockedBatchNorm(bn))
    return chain;
  auto fn = bn->getParentOfType<func::FuncOp>();
  int64_t block = channelBlockOf(bn.getOutput());
  Value value = bn.getOutput();
  Operation *last = bn;
  // Ops right after the BatchNorm, so that no value is born between it
  // and the last one: the result may then be written at the BatchNorm.
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (user != last->getNextNode() || !isa<ReluOp, AddOp>(user) ||
        channelBlockOf(user->getResult(0)) != block)
      break;
    if (auto add = dyn_cast<AddOp>(user)) {
      Value other = add.getLhs() == value ? add.getRhs() : add.getLhs();
      // Defined before the BatchNorm (it reads it), in the same layout.
      Operation *def = other.getDefiningOp();
      if (other == value || channelBlockOf(other) != block ||
          (def && !def->isBeforeInBlock(bn)))
        break;
    }
    Value result = user->getResult(0);
    if (homeOf(fn, result).kind != Home::Activation)
      break;
    chain.push_back(user);
    value = result;
    last = user;
  }
  return chain;
}

bool mlir::train::inBatchNormEpilogue(Operation *op) {
  if (!isa<ReluOp, AddOp>(op))
    return false;
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto bn = dyn_cast<BatchNormOp>(prev))
      return llvm::is_contained(batchNormEpilogue(bn), op);
    if (!isa<ReluOp, AddOp>(prev))
      return false;
  }
  return false;
}

namespace {

void lowerTraining(Lowering &l, BatchNormOp bn) {
  if (isBlockedBatchNorm(bn))
    return lowerTrainingBlocked(l, bn);
  ScalarOps o(l);
  ChannelView x(l, bn.getInput()), y(l, bn.getOutput());
  Statistics stats(l, bn);
  Value bias = l.view(bn.getBias());
  double m = double(x.n) * double(x.s);
  auto sumX = [&](Value c) {
    return o.sum2(x.n, x.s, [&](Value n, Value s) {
      return o.ext(x.load(o, n, c, s));
    });
  };
  auto sumSquares = [&](Value c, Value mean) {
    return o.sum2(x.n, x.s, [&](Value n, Value s) {
      Value d = o.sub(o.ext(x.load(o, n, c, s)), mean);
      return o.mul(d, d);
    });
  };
  // Given the channel's mean and biased variance (f64) over `total`
  // elements: the batch statistics, the running ones, and y.
  // `unbias` builds total / (total - 1): PyTorch updates the running
  // variance with the unbiased variance.
  auto finish = [&](Value c, Value mean, Value var,
                    function_ref<Value()> unbias) {
    Value mul = stats.store(c, mean, var, unbias);
    Value mean32 = o.trunc(mean), shift = o.load(bias, c);
    l.loops({x.n, x.s}, [&](ValueRange iv) {
      Value v = x.load(o, iv[0], c, iv[1]);
      y.store(o, o.add(o.mul(o.sub(v, mean32), mul), shift), iv[0], c, iv[1]);
    });
  };

  if (!bn.getSync()) {
    l.parallel({x.c}, [&](ValueRange civ) {
      Value c = civ[0];
      Value count = l.f64(m);
      Value mean = o.div(sumX(c), count);
      Value count2 = l.f64(m);
      Value var = o.div(sumSquares(c, mean), count2);
      finish(c, mean, var, [&] { return l.f64(m > 1 ? m / (m - 1) : 1.0); });
    });
    return;
  }
  // Statistics of the global batch: the same two passes, each channel's
  // sum all-reduced (with the element count, so the world size need not be
  // known here) before it is divided.
  // The op's scratch (train-plan-memory): sums, count | squares, count.
  Type f64 = l.b.getF64Type();
  Value sums = l.scratchOf(bn, f64, x.c + 1);
  Value squares = l.scratchOf(bn, f64, x.c + 1, 8 * (x.c + 1));
  Value at = l.index(x.c);
  // Each kernel also stores the element count, from its first channel.
  auto storeCount = [&](Value c, Value buffer) {
    Value first = l.b.create<arith::CmpIOp>(l.loc, arith::CmpIPredicate::eq,
                                            c, l.index(0));
    o.when(first, [&] { o.store(l.f64(m), buffer, at); });
  };
  l.parallel({x.c}, [&](ValueRange civ) {
    o.store(sumX(civ[0]), sums, civ[0]);
    storeCount(civ[0], sums);
  });
  allreduceF64(l, l.scratchPointer(bn), x.c + 1);
  l.parallel({x.c}, [&](ValueRange civ) {
    Value c = civ[0];
    Value sum = o.load(sums, c);
    Value count = o.load(sums, at);
    Value mean = o.div(sum, count);
    o.store(mean, sums, c);
    o.store(sumSquares(c, mean), squares, c);
    storeCount(c, squares);
  });
  allreduceF64(l, l.scratchPointer(bn, 8 * (x.c + 1)), x.c + 1);
  l.parallel({x.c}, [&](ValueRange civ) {
    Value c = civ[0];
    Value total = o.load(sums, at);
    Value var = o.div(o.load(squares, c), total);
    finish(c, o.load(sums, c), var, [&] {
      Value one = l.f64(1.0);
      Value several = o.fgt(total, one);
      Value ratio = o.div(total, o.sub(total, one));
      return o.select(several, ratio, one);
    });
  });
}

void lowerInference(Lowering &l, BatchNormInferenceOp bn) {
  ScalarOps o(l);
  ChannelView x(l, bn.getInput()), y(l, bn.getOutput());
  Value scale = l.view(bn.getScale()), bias = l.view(bn.getBias());
  Value mean = l.view(bn.getMean()), var = l.view(bn.getVariance());
  float eps = bn.getEpsilon().convertToFloat();
  l.parallel({x.n, x.c, x.s}, [&](ValueRange iv) {
    Value c = iv[1];
    Value inv = o.trunc(o.invStd(o.ext(o.load(var, c)), eps));
    Value mu = o.load(mean, c);
    Value xv = x.load(o, iv[0], iv[1], iv[2]);
    Value v = o.sub(xv, mu);
    Value beta = o.load(bias, c);
    Value gamma = o.load(scale, c);
    Value scaled = o.mul(v, o.mul(gamma, inv));
    y.store(o, o.add(scaled, beta), iv[0], iv[1], iv[2]);
  });
}

void lowerBackward(Lowering &l, BatchNormBackwardOp bwd) {
  if (isBlockedBatchNorm(bwd))
    return lowerBackwardBlocked(l, bwd);
  ScalarOps o(l);
  ChannelView x(l, bwd.getInput()), dy(l, bwd.getGradOutput()),
      dx(l, bwd.getGradInput());
  Value scale = l.view(bwd.getScale());
  Value bm = l.view(bwd.getBatchMean()), bv = l.view(bwd.getBatchVar());
  Value dscale = l.view(bwd.getGradScale()), dbias = l.view(bwd.getGradBias());
  double m = double(x.n) * double(x.s);
  float eps = bwd.getEpsilon().convertToFloat();
  // This rank's sum(dy) and sum(dy * xhat) of channel c: the gradients of
  // bias and scale.
  auto sums = [&](Value c) -> std::pair<Value, Value> {
    Value mean = o.ext(o.load(bm, c));
    Value inv = o.invStd(o.ext(o.load(bv, c)), eps);
    Value sumDy = o.sum2(x.n, x.s, [&](Value n, Value s) {
      return o.ext(dy.load(o, n, c, s));
    });
    Value sumDyXhat = o.sum2(x.n, x.s, [&](Value n, Value s) {
      Value xhat = o.mul(o.sub(o.ext(x.load(o, n, c, s)), mean), inv);
      return o.mul(o.ext(dy.load(o, n, c, s)), xhat);
    });
    o.store(o.trunc(sumDy), dbias, c);
    o.store(o.trunc(sumDyXhat), dscale, c);
    return {sumDy, sumDyXhat};
  };
  // dx = scale * inv * (dy - sumDy/m - xhat * sumDyXhat/m)
  auto gradInput = [&](Value c, Value sumDy, Value sumDyXhat, Value total) {
    Value mean = o.ext(o.load(bm, c));
    Value inv = o.invStd(o.ext(o.load(bv, c)), eps);
    Value k = o.trunc(o.mul(o.ext(o.load(scale, c)), inv));
    Value meanDy = o.trunc(o.div(sumDy, total));
    Value meanDyXhat = o.trunc(o.div(sumDyXhat, total));
    Value mean32 = o.trunc(mean), inv32 = o.trunc(inv);
    l.loops({x.n, x.s}, [&](ValueRange iv) {
      Value xhat = o.mul(o.sub(x.load(o, iv[0], c, iv[1]), mean32), inv32);
      Value correction = o.mul(xhat, meanDyXhat);
      Value centered = o.sub(dy.load(o, iv[0], c, iv[1]), meanDy);
      Value r = o.sub(centered, correction);
      dx.store(o, o.mul(k, r), iv[0], c, iv[1]);
    });
  };

  if (!bwd.getSync()) {
    l.parallel({x.c}, [&](ValueRange civ) {
      auto [sumDy, sumDyXhat] = sums(civ[0]);
      gradInput(civ[0], sumDy, sumDyXhat, l.f64(m));
    });
    return;
  }
  // The forward normalised over the global batch, so dx needs the sums
  // over all ranks' samples (each rank's dy is that of its own loss term;
  // the mean over ranks of the parameter gradients then follows I5).
  // scale and bias keep this rank's sums: the gradient all-reduce averages
  // them like every other gradient.
  Value global = l.scratchOf(bwd, l.b.getF64Type(), 2 * x.c + 1);
  Value at = l.index(2 * x.c);
  l.parallel({x.c}, [&](ValueRange civ) {
    Value c = civ[0];
    auto [sumDy, sumDyXhat] = sums(c);
    Value c2 = o.imul(c, 2);
    o.store(sumDy, global, c2);
    o.store(sumDyXhat, global, o.iadd(c2, 1));
    // The element count, from the first channel.
    Value first = l.b.create<arith::CmpIOp>(l.loc, arith::CmpIPredicate::eq,
                                            c, l.index(0));
    o.when(first, [&] { o.store(l.f64(m), global, at); });
  });
  allreduceF64(l, l.scratchPointer(bwd), 2 * x.c + 1);
  l.parallel({x.c}, [&](ValueRange civ) {
    Value c = civ[0], c2 = o.imul(c, 2);
    Value sumDy = o.load(global, c2);
    Value sumDyXhat = o.load(global, o.iadd(c2, 1));
    Value total = o.load(global, at);
    gradInput(c, sumDy, sumDyXhat, total);
  });
}
} // namespace

void mlir::train::populateTrainNormalizationLoweringPatterns(
    RewritePatternSet &patterns, StepLowering &step) {
  addLowering<BatchNormOp>(patterns, step, lowerTraining);
  addLowering<BatchNormInferenceOp>(patterns, step, lowerInference);
  addLowering<BatchNormBackwardOp>(patterns, step, lowerBackward);
}
