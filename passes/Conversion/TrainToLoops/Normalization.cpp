//===- Normalization.cpp - batch normalisation, forward and backward ------===//
//
// Per-channel kernels: scf.parallel over channels, with the statistics
// reduced sequentially in f64 within a channel (deterministic, and exact
// enough that the mean of 10^5 activations does not drift).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::train;

namespace {
/// [N, C, S]: a tensor seen as batch x channel x the rest.
struct NCS {
  int64_t n, c, s;
  explicit NCS(Value v) {
    ArrayRef<int64_t> shape = cast<RankedTensorType>(v.getType()).getShape();
    n = shape[0];
    c = shape[1];
    s = 1;
    for (int64_t d : shape.drop_front(2))
      s *= d;
  }
  SmallVector<int64_t> shape() const { return {n, c, s}; }
};

/// Sums `count` doubles over the ranks, in place, identically on every rank
/// (runtime/include/trainc/kernels.h: trainc_rt_allreduce_f64).
void allreduceF64(Lowering &l, Value address, int64_t count) {
  l.callRuntime("allreduce_f64",
                {address,
                 l.b.create<arith::ConstantIntOp>(l.loc, count, 64)});
}

void lowerTraining(Lowering &l, BatchNormOp bn) {
  ScalarOps o(l);
  NCS g(bn.getInput());
  Value x = l.view(bn.getInput(), g.shape()), y = l.view(bn.getOutput(), g.shape());
  Value scale = l.view(bn.getScale()), bias = l.view(bn.getBias());
  Value rm = l.view(bn.getRunningMean()), rv = l.view(bn.getRunningVar());
  Value rmOut = l.view(bn.getRunningMeanOut());
  Value rvOut = l.view(bn.getRunningVarOut());
  Value bm = l.view(bn.getBatchMean()), bv = l.view(bn.getBatchVar());
  double m = double(g.n) * double(g.s);
  float eps = bn.getEpsilon().convertToFloat();
  double momentum = bn.getMomentum().convertToFloat();
  auto sumX = [&](Value c) {
    return o.sum2(g.n, g.s, [&](Value n, Value s) {
      return o.ext(o.load(x, {n, c, s}));
    });
  };
  auto sumSquares = [&](Value c, Value mean) {
    return o.sum2(g.n, g.s, [&](Value n, Value s) {
      Value d = o.sub(o.ext(o.load(x, {n, c, s})), mean);
      return o.mul(d, d);
    });
  };
  // Given the channel's mean and biased variance (f64) over `total`
  // elements: the batch statistics, the running ones, and y.
  // `unbias` builds total / (total - 1): PyTorch updates the running
  // variance with the unbiased variance.
  auto finish = [&](Value c, Value mean, Value var,
                    function_ref<Value()> unbias) {
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
    Value inv32 = o.trunc(o.invStd(var, eps));
    Value gamma = o.load(scale, c);
    Value mul = o.mul(gamma, inv32);
    Value mean32 = o.trunc(mean), shift = o.load(bias, c);
    l.loops({g.n, g.s}, [&](ValueRange iv) {
      Value v = o.load(x, {iv[0], c, iv[1]});
      o.store(o.add(o.mul(o.sub(v, mean32), mul), shift), y, {iv[0], c, iv[1]});
    });
  };

  if (!bn.getSync()) {
    l.parallel({g.c}, [&](ValueRange civ) {
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
  Value sums = l.scratchOf(bn, f64, g.c + 1);
  Value squares = l.scratchOf(bn, f64, g.c + 1, 8 * (g.c + 1));
  Value at = l.index(g.c);
  // Each kernel also stores the element count, from its first channel.
  auto storeCount = [&](Value c, Value buffer) {
    Value first = l.b.create<arith::CmpIOp>(l.loc, arith::CmpIPredicate::eq,
                                            c, l.index(0));
    o.when(first, [&] { o.store(l.f64(m), buffer, at); });
  };
  l.parallel({g.c}, [&](ValueRange civ) {
    o.store(sumX(civ[0]), sums, civ[0]);
    storeCount(civ[0], sums);
  });
  allreduceF64(l, l.scratchPointer(bn), g.c + 1);
  l.parallel({g.c}, [&](ValueRange civ) {
    Value c = civ[0];
    Value sum = o.load(sums, c);
    Value count = o.load(sums, at);
    Value mean = o.div(sum, count);
    o.store(mean, sums, c);
    o.store(sumSquares(c, mean), squares, c);
    storeCount(c, squares);
  });
  allreduceF64(l, l.scratchPointer(bn, 8 * (g.c + 1)), g.c + 1);
  l.parallel({g.c}, [&](ValueRange civ) {
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
  NCS g(bn.getInput());
  Value x = l.view(bn.getInput(), g.shape()), y = l.view(bn.getOutput(), g.shape());
  Value scale = l.view(bn.getScale()), bias = l.view(bn.getBias());
  Value mean = l.view(bn.getMean()), var = l.view(bn.getVariance());
  float eps = bn.getEpsilon().convertToFloat();
  l.parallel({g.n, g.c, g.s}, [&](ValueRange iv) {
    Value c = iv[1];
    Value inv = o.trunc(o.invStd(o.ext(o.load(var, c)), eps));
    Value mu = o.load(mean, c);
    Value xv = o.load(x, iv);
    Value v = o.sub(xv, mu);
    Value beta = o.load(bias, c);
    Value gamma = o.load(scale, c);
    Value scaled = o.mul(v, o.mul(gamma, inv));
    o.store(o.add(scaled, beta), y, iv);
  });
}

void lowerBackward(Lowering &l, BatchNormBackwardOp bwd) {
  ScalarOps o(l);
  NCS g(bwd.getInput());
  Value x = l.view(bwd.getInput(), g.shape());
  Value dy = l.view(bwd.getGradOutput(), g.shape());
  Value dx = l.view(bwd.getGradInput(), g.shape());
  Value scale = l.view(bwd.getScale());
  Value bm = l.view(bwd.getBatchMean()), bv = l.view(bwd.getBatchVar());
  Value dscale = l.view(bwd.getGradScale()), dbias = l.view(bwd.getGradBias());
  double m = double(g.n) * double(g.s);
  float eps = bwd.getEpsilon().convertToFloat();
  // This rank's sum(dy) and sum(dy * xhat) of channel c: the gradients of
  // bias and scale.
  auto sums = [&](Value c) -> std::pair<Value, Value> {
    Value mean = o.ext(o.load(bm, c));
    Value inv = o.invStd(o.ext(o.load(bv, c)), eps);
    Value sumDy = o.sum2(g.n, g.s, [&](Value n, Value s) {
      return o.ext(o.load(dy, {n, c, s}));
    });
    Value sumDyXhat = o.sum2(g.n, g.s, [&](Value n, Value s) {
      Value xhat = o.mul(o.sub(o.ext(o.load(x, {n, c, s})), mean), inv);
      return o.mul(o.ext(o.load(dy, {n, c, s})), xhat);
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
    l.loops({g.n, g.s}, [&](ValueRange iv) {
      SmallVector<Value> at{iv[0], c, iv[1]};
      Value xhat = o.mul(o.sub(o.load(x, at), mean32), inv32);
      Value correction = o.mul(xhat, meanDyXhat);
      Value centered = o.sub(o.load(dy, at), meanDy);
      Value r = o.sub(centered, correction);
      o.store(o.mul(k, r), dx, at);
    });
  };

  if (!bwd.getSync()) {
    l.parallel({g.c}, [&](ValueRange civ) {
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
  Value global = l.scratchOf(bwd, l.b.getF64Type(), 2 * g.c + 1);
  Value at = l.index(2 * g.c);
  l.parallel({g.c}, [&](ValueRange civ) {
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
  allreduceF64(l, l.scratchPointer(bwd), 2 * g.c + 1);
  l.parallel({g.c}, [&](ValueRange civ) {
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
