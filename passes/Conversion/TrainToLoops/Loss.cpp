//===- Loss.cpp - softmax cross-entropy and bias reductions ---------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"


using namespace mlir;
using namespace mlir::train;

namespace {
/// The label of row n as an index, clamped into [0, K) so that a corrupt
/// label cannot address outside the row (the runtime rejects such labels
/// when it loads the data).
Value labelAt(Lowering &l, Value labels, Value n, int64_t k) {
  ScalarOps o(l);
  Value raw = o.load(labels, n);
  Value asIndex = l.b.create<arith::IndexCastOp>(l.loc, l.b.getIndexType(), raw);
  Value last = l.index(k - 1);
  Value clamped = o.imin(asIndex, last);
  Value zero = l.index(0);
  return o.imax(zero, clamped);
}

/// log(sum_k exp(x[n, k])) in f64, shifted by the row maximum.
Value logSumExp(Lowering &l, Value x, Value n, int64_t k) {
  ScalarOps o(l);
  Value mx = l.reduce(k, o.load(x, {n, l.index(0)}), [&](Value j, Value acc) {
    return o.max(acc, o.load(x, {n, j}));
  });
  Value mx64 = o.ext(mx);
  Value sum = l.reduce(k, l.f64(0), [&](Value j, Value acc) {
    return o.add(acc, o.exp(o.sub(o.ext(o.load(x, {n, j})), mx64)));
  });
  return o.add(mx64, o.log(sum));
}

/// The loss in two kernels: each row's term (f64) into the op's scratch,
/// then one serial kernel adds the rows in order and stores the mean.
void lowerXent(Lowering &l, SoftmaxXentOp op) {
  ScalarOps o(l);
  auto shape = cast<RankedTensorType>(op.getLogits().getType()).getShape();
  int64_t n = shape[0], k = shape[1];
  double s = op.getLabelSmoothing().convertToFloat();
  Value x = l.view(op.getLogits()), labels = l.view(op.getLabels());
  Value loss = l.view(op.getLoss());
  Value rows = l.scratchOf(op, l.b.getF64Type(), n);
  l.parallel({n}, [&](ValueRange iv) {
    Value i = iv[0];
    Value lse = logSumExp(l, x, i, k);
    Value label = labelAt(l, labels, i, k);
    Value picked = o.ext(o.load(x, {i, label}));
    Value hitWeight = l.f64(1.0 - s);
    Value target = o.mul(hitWeight, picked);
    if (s != 0.0) {
      Value rowSum = l.reduce(k, l.f64(0), [&](Value j, Value a) {
        return o.add(a, o.ext(o.load(x, {i, j})));
      });
      target = o.add(target, o.mul(l.f64(s / double(k)), rowSum));
    }
    o.store(o.sub(lse, target), rows, i);
  });
  l.serial([&] {
    Value total = l.reduce(n, l.f64(0), [&](Value i, Value acc) {
      return o.add(acc, o.load(rows, i));
    });
    o.store(o.trunc(o.div(total, l.f64(double(n)))), loss, ValueRange{});
  });
}

void lowerXentBackward(Lowering &l, SoftmaxXentBackwardOp op) {
  ScalarOps o(l);
  auto shape = cast<RankedTensorType>(op.getLogits().getType()).getShape();
  int64_t n = shape[0], k = shape[1];
  double s = op.getLabelSmoothing().convertToFloat();
  Value x = l.view(op.getLogits()), labels = l.view(op.getLabels());
  Value dx = l.view(op.getGradLogits());
  Value batch = l.f32(double(n));
  Value gradLossView = l.view(op.getGradLoss());
  l.parallel({n}, [&](ValueRange iv) {
    Value i = iv[0];
    Value gradLoss = o.load(gradLossView, ValueRange{});
    Value scale = o.div(gradLoss, batch);
    Value lse = logSumExp(l, x, i, k);
    Value label = labelAt(l, labels, i, k);
    l.loops({k}, [&](ValueRange jv) {
      Value j = jv[0];
      Value p = o.trunc(o.exp(o.sub(o.ext(o.load(x, {i, j})), lse)));
      Value hit = l.b.create<arith::CmpIOp>(l.loc, arith::CmpIPredicate::eq,
                                            j, label);
      Value miss = l.f32(s / double(k));
      Value onHit = l.f32(1.0 - s + s / double(k));
      Value q = o.select(hit, onHit, miss);
      o.store(o.mul(scale, o.sub(p, q)), dx, {i, j});
    });
  });
}

/// Sums the input down to the (broadcastable) result shape: a kernel over
/// the result's elements, each adding its inputs in row-major order.
void lowerReduceSumTo(Lowering &l, ReduceSumToOp op) {
  ScalarOps o(l);
  auto in = cast<RankedTensorType>(op.getInput().getType()).getShape();
  auto out = cast<RankedTensorType>(op.getType()).getShape();
  Value x = l.view(op.getInput()), y = l.view(op.getOutput());
  size_t lead = in.size() - out.size();
  // The input dimensions each result element sums over: the leading ones
  // and those where the result has extent 1.
  SmallVector<unsigned> summed;
  for (unsigned d = 0; d < in.size(); ++d)
    if (d < lead || (out[d - lead] == 1 && in[d] != 1))
      summed.push_back(d);
  auto element = [&](ValueRange ov) {
    SmallVector<Value> at(in.size());
    for (unsigned d = lead; d < in.size(); ++d)
      at[d] = out[d - lead] == 1 ? l.index(0) : ov[d - lead];
    std::function<Value(unsigned, Value)> sum = [&](unsigned k, Value acc) {
      if (k == summed.size())
        return o.add(acc, o.load(x, at));
      return l.reduce(in[summed[k]], acc, [&](Value iv, Value inner) {
        at[summed[k]] = iv;
        return sum(k + 1, inner);
      });
    };
    o.store(sum(0, l.f32(0)), y, ov);
  };
  if (out.empty())
    l.serial([&] { element({}); });
  else
    l.parallel(out, element);
}

void lowerConvBias(Lowering &l, Conv2DBackwardBiasOp op) {
  ScalarOps o(l);
  auto shape = cast<RankedTensorType>(op.getGradOutput().getType()).getShape();
  int64_t s = 1;
  for (int64_t d : shape.drop_front(2))
    s *= d;
  Value dy = l.view(op.getGradOutput(), {shape[0], shape[1], s});
  Value db = l.view(op.getGradBias());
  l.parallel({shape[1]}, [&](ValueRange m) {
    Value sum = o.sum2(shape[0], s, [&](Value n, Value i) {
      return o.ext(o.load(dy, {n, m[0], i}));
    });
    o.store(o.trunc(sum), db, m);
  });
}
} // namespace

void mlir::train::populateTrainLossLoweringPatterns(RewritePatternSet &patterns,
                                                     StepLowering &step) {
  addLowering<SoftmaxXentOp>(patterns, step, lowerXent);
  addLowering<SoftmaxXentBackwardOp>(patterns, step, lowerXentBackward);
  addLowering<ReduceSumToOp>(patterns, step, lowerReduceSumTo);
  addLowering<Conv2DBackwardBiasOp>(patterns, step, lowerConvBias);
}
