//===- Optimizers.cpp - the generated parameter updates -------------------===//
//
// One bucket's update is a loop per parameter over the bucket's contiguous
// ranges of the parameter, gradient and optimizer-state arenas; the
// gradient comes from a callback, so the same update is fused with an
// all-reduce epilogue (Collectives.cpp: 1/world, decompression) or reads
// plain gradients (trainc_apply_update). The per-element rules and the
// per-step coefficients they read are those of trainc_update_coeffs
// (runtime/include/trainc/model.h). Flags that are uniform over the run
// (RMSProp's centered and momentum) select among specialised loops outside
// the loops, so each loop moves only the bytes its variant needs. LARS and
// LAMB make two passes over each parameter: norms first (f64 sums), then
// the update with the layer's trust ratio. NLCG, the global update, is
// Nlcg.cpp's.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"
#include "passes/Conversion/TrainToLoops/UpdateCommon.h"

#include "passes/Optimizers.h"

#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;

FailureOr<SmallVector<UpdateSegment>>
mlir::train::bucketSegments(Lowering &l, Operation *op, int64_t index) {
  auto buckets = l.parentModule()->getAttrOfType<ArrayAttr>(kBucketsAttr);
  if (!buckets || index < 0 || index >= int64_t(buckets.size()))
    return op->emitError("no bucket ") << index;
  func::FuncOp fn = l.sourceFunction();
  SmallVector<UpdateSegment> segments;
  for (Attribute p :
       cast<DictionaryAttr>(buckets[index]).getAs<ArrayAttr>("params")) {
    std::optional<BlockArgument> arg;
    for (BlockArgument a : fn.getArguments())
      if (fn.getArgAttr(a.getArgNumber(), TrainDialect::kParamAttr) == p)
        arg = a;
    auto offset =
        arg ? fn.getArgAttrOfType<IntegerAttr>(arg->getArgNumber(), kOffsetAttr)
            : IntegerAttr();
    if (!offset)
      return op->emitError("bucket parameter ")
             << p << " is not a planned parameter of the step";
    segments.push_back(
        {offset.getInt(),
         cast<RankedTensorType>(arg->getType()).getNumElements(),
         isBatchNormOrBias(fn, *arg)});
  }
  return segments;
}

namespace {

class UpdateEmitter {
public:
  UpdateEmitter(Lowering &l, Algorithm algorithm,
                ArrayRef<UpdateSegment> segments, GradientLoad load,
                int64_t scratch, std::optional<NoiseTable> noise)
      : l(l), algorithm(algorithm), info(optimizerInfo(algorithm)),
        segments(segments), load(load), c(l), noise(noise) {
    if (usesLayerScales(algorithm))
      layerScales = l.arenaView(Role::Arena, scratch, l.b.getF32Type(),
                                segments.size());
    paramBytes =
        l.parentModule()->getAttrOfType<IntegerAttr>(kParamBytesAttr).getInt();
  }

  LogicalResult emit() {
    // The noise flag is read with the algorithm's coefficients, before the
    // loops.
    squares = noiseSquares(l, c, noise);
    switch (algorithm) {
    case Algorithm::Sgd:
    case Algorithm::Momentum:
    case Algorithm::Nesterov:
      return emitSgd();
    case Algorithm::Adagrad:
      return emitAdagrad();
    case Algorithm::Rmsprop:
      return emitRmsprop();
    case Algorithm::Adam:
    case Algorithm::Adamw:
      return emitAdam();
    case Algorithm::Lars:
      return emitLars();
    case Algorithm::Lamb:
      return emitLamb();
    case Algorithm::Nlcg:
      break; // a global update: emitNlcgGather and emitNlcgStep
    }
    return l.sourceFunction().emitError("no element-wise update for "
                                        "optimizer '")
           << stringifyAlgorithm(algorithm) << "'";
  }

private:
  using ElementRule = function_ref<void(ScalarOps &o, const UpdateSegment &s,
                                        SegmentViews &v, ValueRange iv,
                                        Value grad)>;

  SegmentViews views(const UpdateSegment &s) {
    Type f32 = l.b.getF32Type();
    SegmentViews v;
    v.w = l.arenaView(Role::Params, s.offset, f32, s.count);
    v.g = l.arenaView(Role::Grads, s.offset, f32, s.count);
    for (int k = 0; k < info.state_slots; ++k)
      v.state.push_back(
          l.arenaView(Role::State, k * paramBytes + s.offset, f32, s.count));
    return v;
  }

  /// One loop per parameter applying `rule` to each element, with the
  /// gradient from the callback. When the noise scale's squares are
  /// wanted, the loop runs over chunks in parallel, each chunk's squares
  /// summed as it goes.
  void elementwise(ElementRule rule) {
    int64_t chunk = squares ? squares->first : 0;
    for (const UpdateSegment &s : segments) {
      SegmentViews v = views(s);
      auto plain = [&] {
        l.parallel({s.count}, [&](ValueRange iv) {
          ScalarOps o(l);
          Value grad = load(o, s, v.g, iv);
          rule(o, s, v, iv, grad);
        });
      };
      if (!squares) {
        plain();
        continue;
      }
      int64_t chunks = noiseChunkCount(s.count);
      branch(
          l, squares->wanted,
          [&] {
            l.parallel({chunks}, [&](ValueRange iv) {
              ScalarOps o(l);
              Value lo = o.imul(iv[0], TRAINC_NOISE_CHUNK);
              Value hi =
                  o.imin(o.iadd(lo, TRAINC_NOISE_CHUNK), l.index(s.count));
              SmallVector<Value> total = l.reduceMany(
                  lo, hi, l.index(1), {l.f64(0)},
                  [&](Value i, ValueRange acc) -> SmallVector<Value> {
                    Value grad = load(o, s, v.g, i);
                    rule(o, s, v, i, grad);
                    Value x = o.ext(grad);
                    return {sumInto(o, acc[0], o.mul(x, x))};
                  });
              o.store(total[0], squares->stats, o.iadd(iv[0], chunk));
            });
          },
          plain);
      chunk += chunks;
    }
  }

  /// d = g + wd * w with the segment's weight decay.
  Value decayed(ScalarOps &o, const UpdateSegment &s, Value w, Value g) {
    return o.add(g, o.mul(s.bnOrBias ? wdBnBias : wd, w));
  }
  /// Adam's and LAMB's moment coefficients, loaded in this order.
  struct Moments {
    Value beta1, keep1, beta2, keep2, scale, eps;
  };
  Moments moments() {
    Moments m;
    m.beta1 = c(kMomentum);
    m.keep1 = c(kKeep);
    m.beta2 = c(kBeta2);
    m.keep2 = c(kKeep2);
    m.scale = c(kDenomScale);
    m.eps = c(kEps);
    return m;
  }
  void loadDecay() {
    wd = c(kWeightDecay);
    wdBnBias = c(kWeightDecayBnBias);
  }
  /// decay * state[iv] + keep * x, stored back to state[iv]; returned.
  Value moment(ScalarOps &o, Value decay, Value state, ValueRange iv,
               Value keep, Value x) {
    Value old = o.load(state, iv);
    Value kept = o.mul(decay, old);
    Value added = o.mul(keep, x);
    Value next = o.add(kept, added);
    o.store(next, state, iv);
    return next;
  }
  Value sqrt(ScalarOps &o, Value x) {
    return o.b.create<math::SqrtOp>(o.loc, x);
  }

  // torch.optim.SGD: momentum buffer b (slot 0); `keep` is 1 - dampening,
  // or 1 at the first step (the runtime's choice), so a zero buffer starts
  // at the first gradient.
  LogicalResult emitSgd() {
    loadDecay();
    Value lr = c(kLr);
    if (algorithm == Algorithm::Sgd) {
      elementwise([&](ScalarOps &o, const UpdateSegment &s, SegmentViews &v,
                      ValueRange iv, Value g) {
        Value w = o.load(v.w, iv);
        Value d = decayed(o, s, w, g);
        o.store(o.sub(w, o.mul(lr, d)), v.w, iv);
      });
      return success();
    }
    Value momentum = c(kMomentum);
    Value keep = c(kKeep);
    bool nesterov = algorithm == Algorithm::Nesterov;
    elementwise([&](ScalarOps &o, const UpdateSegment &s, SegmentViews &v,
                    ValueRange iv, Value g) {
      Value w = o.load(v.w, iv);
      Value d = decayed(o, s, w, g);
      Value buf = moment(o, momentum, v.state[0], iv, keep, d);
      Value step = nesterov ? o.add(d, o.mul(momentum, buf)) : buf;
      o.store(o.sub(w, o.mul(lr, step)), v.w, iv);
    });
    return success();
  }

  // torch.optim.Adagrad: sum of squares s (slot 0); lr carries lr_decay.
  LogicalResult emitAdagrad() {
    loadDecay();
    Value lr = c(kLr);
    Value eps = c(kEps);
    elementwise([&](ScalarOps &o, const UpdateSegment &s, SegmentViews &v,
                    ValueRange iv, Value g) {
      Value w = o.load(v.w, iv);
      Value d = decayed(o, s, w, g);
      Value old = o.load(v.state[0], iv);
      Value square = o.mul(d, d);
      Value sum = o.add(old, square);
      o.store(sum, v.state[0], iv);
      Value denom = o.add(sqrt(o, sum), eps);
      o.store(o.sub(w, o.mul(lr, o.div(d, denom))), v.w, iv);
    });
    return success();
  }

  // torch.optim.RMSprop: square average (slot 0), momentum buffer (slot 1),
  // gradient average (slot 2, centered). Four specialised loops.
  LogicalResult emitRmsprop() {
    loadDecay();
    Value lr = c(kLr);
    Value alpha = c(kBeta2);
    Value keep2 = c(kKeep2);
    Value eps = c(kEps);
    Value momentum = c(kMomentum);
    Value centered = c.flag(kCentered);
    Value hasMomentum = c.flag(kHasMomentum);
    auto variant = [&](bool isCentered, bool withMomentum) {
      elementwise([&](ScalarOps &o, const UpdateSegment &s, SegmentViews &v,
                      ValueRange iv, Value g) {
        Value w = o.load(v.w, iv);
        Value d = decayed(o, s, w, g);
        Value square = o.mul(d, d);
        Value sq = moment(o, alpha, v.state[0], iv, keep2, square);
        Value var = sq;
        if (isCentered) {
          Value avg = moment(o, alpha, v.state[2], iv, keep2, d);
          var = o.sub(sq, o.mul(avg, avg));
        }
        Value denom = o.add(sqrt(o, var), eps);
        Value step = o.div(d, denom);
        if (withMomentum) {
          step = o.add(o.mul(momentum, o.load(v.state[1], iv)), step);
          o.store(step, v.state[1], iv);
        }
        o.store(o.sub(w, o.mul(lr, step)), v.w, iv);
      });
    };
    branch(
        l, centered,
        [&] {
          branch(l, hasMomentum, [&] { variant(true, true); },
                 [&] { variant(true, false); });
        },
        [&] {
          branch(l, hasMomentum, [&] { variant(false, true); },
                 [&] { variant(false, false); });
        });
    return success();
  }

  // torch.optim.Adam / AdamW: m (slot 0), v (slot 1). lr carries the first
  // moment's bias correction, denom_scale the second's; decay is AdamW's
  // decoupled weight decay (1 for Adam).
  LogicalResult emitAdam() {
    loadDecay();
    Value lr = c(kLr);
    Moments mo = moments();
    Value beta1 = mo.beta1, keep1 = mo.keep1, beta2 = mo.beta2;
    Value keep2 = mo.keep2, scale = mo.scale, eps = mo.eps;
    Value decay = c(kDecay);
    Value decayBnBias = c(kDecayBnBias);
    elementwise([&](ScalarOps &o, const UpdateSegment &s, SegmentViews &v,
                    ValueRange iv, Value g) {
      Value w = o.load(v.w, iv);
      Value d = decayed(o, s, w, g);
      Value m = moment(o, beta1, v.state[0], iv, keep1, d);
      Value square = o.mul(d, d);
      Value sq = moment(o, beta2, v.state[1], iv, keep2, square);
      Value denom = o.add(o.mul(sqrt(o, sq), scale), eps);
      Value shrunk = o.mul(s.bnOrBias ? decayBnBias : decay, w);
      o.store(o.sub(shrunk, o.mul(lr, o.div(m, denom))), v.w, iv);
    });
    return success();
  }

  /// sqrt(sum) of the two f64 accumulators of a pass over `s`, as f32.
  std::pair<Value, Value> norms(ScalarOps &o, ValueRange sums) {
    return {o.trunc(sqrt(o, sums[0])), o.trunc(sqrt(o, sums[1]))};
  }

  /// a / b when both norms are positive, else 1.
  Value ratio(ScalarOps &o, Value normA, Value normB, Value numerator,
              Value denominator) {
    Value zero = l.f32(0.0);
    Value aPositive = o.fgt(normA, zero);
    Value bPositive = o.fgt(normB, zero);
    Value positive = o.both(aPositive, bPositive);
    Value quotient = o.div(numerator, denominator);
    return o.select(positive, quotient, l.f32(1.0));
  }

  // LARS (OPTIMIZERS.md 4.2): momentum buffer (slot 0). Per layer, |w| and
  // |g| first, then the update with the trust ratio. BatchNorm parameters
  // and biases take tau = 1 unless they are decayed too
  // (weight_decay_bn_bias != 0).
  LogicalResult emitLars() {
    loadDecay();
    Value lr = c(kLr);
    Value momentum = c(kMomentum);
    Value trust = c(kTrust);
    Value eps = c(kEps);
    Value decayedBnBias = c.flag(kWeightDecayBnBias);
    int64_t chunk = squares ? squares->first : 0;
    for (auto [k, s] : llvm::enumerate(segments)) {
      SegmentViews v = views(s);
      ScalarOps o(l);
      Value at = l.index(k);
      // The layer's norms and step scale, in a serial kernel.
      l.serial([&] {
        SmallVector<Value> sums = reduceWithSquares(
            l, squares ? &*squares : nullptr, chunk, s.count,
            {l.f64(0), l.f64(0)},
            [&](Value i, ValueRange acc, Value &square) -> SmallVector<Value> {
              Value w = o.ext(o.load(v.w, i));
              square = load(o, s, v.g, i);
              Value g = o.ext(square);
              return {sumInto(o, acc[0], o.mul(w, w)),
                      sumInto(o, acc[1], o.mul(g, g))};
            });
        auto [wNorm, gNorm] = norms(o, sums);
        Value decay = s.bnOrBias ? wdBnBias : wd;
        Value denominator = o.add(o.add(gNorm, o.mul(decay, wNorm)), eps);
        Value tau =
            ratio(o, wNorm, gNorm, o.mul(trust, wNorm), denominator);
        if (s.bnOrBias)
          tau = o.select(decayedBnBias, tau, l.f32(1.0));
        o.store(o.mul(lr, tau), layerScales, at);
      });
      l.parallel({s.count}, [&](ValueRange iv) {
        Value scale = o.load(layerScales, at);
        Value w = o.load(v.w, iv);
        Value d = decayed(o, s, w, o.load(v.g, iv));
        Value buf = moment(o, momentum, v.state[0], iv, scale, d);
        o.store(o.sub(w, buf), v.w, iv);
      });
      chunk += noiseChunkCount(s.count);
    }
    return success();
  }

  // LAMB (OPTIMIZERS.md 4.3): m (slot 0), v (slot 1). The first pass
  // updates the moments and sums |w|^2 and |u|^2; the second recomputes u
  // from the stored moments and steps by lr * |w| / |u| * u.
  LogicalResult emitLamb() {
    loadDecay();
    Value lr = c(kLr);
    Moments mo = moments();
    Value beta1 = mo.beta1, keep1 = mo.keep1, beta2 = mo.beta2;
    Value keep2 = mo.keep2, scale = mo.scale, eps = mo.eps;
    Value mScale = c(kMScale);
    auto direction = [&](ScalarOps &o, const UpdateSegment &s, Value w,
                         Value m, Value sq) {
      Value denom = o.add(o.mul(sqrt(o, sq), scale), eps);
      Value adam = o.div(o.mul(mScale, m), denom);
      return o.add(adam, o.mul(s.bnOrBias ? wdBnBias : wd, w));
    };
    int64_t chunk = squares ? squares->first : 0;
    for (auto [k, s] : llvm::enumerate(segments)) {
      SegmentViews v = views(s);
      ScalarOps o(l);
      Value at = l.index(k);
      // The moments, the layer's norms and its step, in a serial kernel.
      l.serial([&] {
        SmallVector<Value> sums = reduceWithSquares(
            l, squares ? &*squares : nullptr, chunk, s.count,
            {l.f64(0), l.f64(0)},
            [&](Value i, ValueRange acc, Value &square) -> SmallVector<Value> {
              Value w = o.load(v.w, i);
              Value g = load(o, s, v.g, i);
              square = g;
              Value m = moment(o, beta1, v.state[0], i, keep1, g);
              Value g2 = o.mul(g, g);
              Value sq = moment(o, beta2, v.state[1], i, keep2, g2);
              Value u = o.ext(direction(o, s, w, m, sq));
              Value w64 = o.ext(w);
              return {sumInto(o, acc[0], o.mul(w64, w64)),
                      sumInto(o, acc[1], o.mul(u, u))};
            });
        auto [wNorm, uNorm] = norms(o, sums);
        Value r = ratio(o, wNorm, uNorm, wNorm, uNorm);
        o.store(o.mul(lr, r), layerScales, at);
      });
      l.parallel({s.count}, [&](ValueRange iv) {
        Value step = o.load(layerScales, at);
        Value w = o.load(v.w, iv);
        Value m = o.load(v.state[0], iv);
        Value sq = o.load(v.state[1], iv);
        Value u = direction(o, s, w, m, sq);
        o.store(o.sub(w, o.mul(step, u)), v.w, iv);
      });
      chunk += noiseChunkCount(s.count);
    }
    return success();
  }

  Lowering &l;
  Algorithm algorithm;
  const OptimizerInfo &info;
  ArrayRef<UpdateSegment> segments;
  GradientLoad load;
  Coefficients c;
  std::optional<NoiseTable> noise;
  /// Where the squares go (set by emit()); none without a table.
  std::optional<NoiseSquares> squares;
  /// LARS and LAMB: each segment's step scale (f32), written by the serial
  /// kernel of its norms and read by its update kernel.
  Value layerScales;
  int64_t paramBytes;
  Value wd, wdBnBias;
};

} // namespace

LogicalResult mlir::train::emitOptimizerUpdate(Lowering &l, Operation *anchor,
                                               Algorithm algorithm,
                                               int64_t bucket,
                                               ArrayRef<UpdateSegment> segments,
                                               GradientLoad load,
                                               int64_t scratch,
                                               std::optional<NoiseTable> noise) {
  const OptimizerInfo &info = optimizerInfo(algorithm);
  if ((info.global || usesLayerScales(algorithm)) && scratch < 0)
    return anchor->emitError("optimizer '")
           << stringifyAlgorithm(algorithm)
           << "' needs scratch (run train-plan-memory)";
  if (info.global) {
    emitNlcgGather(l, scratch, bucket, segments, load, noise);
    return success();
  }
  return UpdateEmitter(l, algorithm, segments, load, scratch, noise).emit();
}

SmallVector<Value> mlir::train::reduceWithSquares(
    Lowering &l, const NoiseSquares *squares, int64_t chunk, int64_t count,
    ValueRange inits,
    function_ref<SmallVector<Value>(Value i, ValueRange acc, Value &square)>
        body) {
  if (!squares)
    return l.reduceMany(count, inits,
                        [&](Value i, ValueRange acc) -> SmallVector<Value> {
                          Value unused;
                          return body(i, acc, unused);
                        });
  // Chunk by chunk, the reduction's sums carried on in order, the chunk's
  // squares summed beside them.
  ScalarOps o(l);
  size_t n = inits.size();
  return l.reduceMany(
      noiseChunkCount(count), inits,
      [&](Value k, ValueRange outer) -> SmallVector<Value> {
        Value lo = o.imul(k, TRAINC_NOISE_CHUNK);
        Value hi = o.imin(o.iadd(lo, TRAINC_NOISE_CHUNK), l.index(count));
        SmallVector<Value> start(outer.begin(), outer.end());
        start.push_back(l.f64(0));
        SmallVector<Value> sums = l.reduceMany(
            lo, hi, l.index(1), start,
            [&](Value i, ValueRange acc) -> SmallVector<Value> {
              Value square;
              SmallVector<Value> next = body(i, acc.take_front(n), square);
              Value x = o.ext(square);
              next.push_back(sumInto(o, acc[n], o.mul(x, x)));
              return next;
            });
        o.when(squares->wanted,
               [&] { o.store(sums[n], squares->stats, o.iadd(k, chunk)); });
        sums.pop_back();
        return sums;
      });
}

LogicalResult mlir::train::emitOptimizerStep(Lowering &l, Operation *anchor,
                                             Algorithm algorithm, Value loss,
                                             int64_t scratch) {
  if (!optimizerInfo(algorithm).global)
    return anchor->emitError("optimizer '")
           << stringifyAlgorithm(algorithm) << "' has no global step";
  if (scratch < 0)
    return anchor->emitError("optimizer '")
           << stringifyAlgorithm(algorithm)
           << "' needs scratch (run train-plan-memory)";
  return emitNlcgStep(l, scratch, loss);
}
