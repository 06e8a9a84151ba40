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
// the update with the layer's trust ratio.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

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

/// acc + x for the f64 sums of the updates' reductions. Reassociation is
/// allowed, so the loop vectorizer may keep several partial sums: the
/// order is then fixed by the generated code (the same on every rank, which
/// runs the same executable), not by the source's left-to-right order.
Value sumInto(ScalarOps &o, Value acc, Value x) {
  return o.b.create<arith::AddFOp>(o.loc, acc, x,
                                   arith::FastMathFlags::reassoc);
}

/// The coefficients of this step, loaded once before the loops. Named
/// steps throughout: C++ leaves the order of argument evaluation open, and
/// the IR (and the plan hash) must not depend on the compiler.
struct Coefficients {
  Lowering &l;
  Value hyper;
  explicit Coefficients(Lowering &l)
      : l(l), hyper(l.arenaView("hyper", 0, l.b.getF32Type(),
                                kNumUpdateCoeffs)) {}
  Value operator()(UpdateCoeff which) {
    return ScalarOps(l).load(hyper, l.index(which));
  }
  /// The coefficient as an i1 flag (non-zero).
  Value flag(UpdateCoeff which) {
    Value v = (*this)(which);
    return l.b.create<arith::CmpFOp>(l.loc, arith::CmpFPredicate::ONE, v,
                                     l.f32(0.0));
  }
};

/// Views of one parameter's ranges in every arena.
struct SegmentViews {
  Value w, g;
  SmallVector<Value, 3> state;
};

/// Runs `thenBody` or `elseBody` depending on the uniform flag `cond`.
void branch(Lowering &l, Value cond, function_ref<void()> thenBody,
            function_ref<void()> elseBody) {
  auto ifOp = l.b.create<scf::IfOp>(l.loc, cond, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(l.b);
  l.b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  thenBody();
  l.b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
  elseBody();
}

class UpdateEmitter {
public:
  UpdateEmitter(Lowering &l, const OptimizerInfo &info,
                ArrayRef<UpdateSegment> segments, GradientLoad load,
                int64_t scratch)
      : l(l), info(info), segments(segments), load(load), c(l) {
    if (usesLayerScales(info.name))
      layerScales = l.arenaView("arena", scratch, l.b.getF32Type(),
                                segments.size());
    paramBytes =
        l.parentModule()->getAttrOfType<IntegerAttr>(kParamBytesAttr).getInt();
  }

  LogicalResult emit() {
    StringRef name = info.name;
    if (name == "sgd" || name == "momentum" || name == "nesterov")
      return emitSgd();
    if (name == "adagrad")
      return emitAdagrad();
    if (name == "rmsprop")
      return emitRmsprop();
    if (name == "adam" || name == "adamw")
      return emitAdam();
    if (name == "lars")
      return emitLars();
    if (name == "lamb")
      return emitLamb();
    return l.sourceFunction().emitError("no CPU lowering for optimizer '")
           << name << "'";
  }

private:
  using ElementRule = function_ref<void(ScalarOps &o, const UpdateSegment &s,
                                        SegmentViews &v, ValueRange iv,
                                        Value grad)>;

  SegmentViews views(const UpdateSegment &s) {
    Type f32 = l.b.getF32Type();
    SegmentViews v;
    v.w = l.arenaView("params", s.offset, f32, s.count);
    v.g = l.arenaView("grads", s.offset, f32, s.count);
    for (int k = 0; k < info.state_slots; ++k)
      v.state.push_back(
          l.arenaView("state", k * paramBytes + s.offset, f32, s.count));
    return v;
  }

  /// One loop per parameter applying `rule` to each element, with the
  /// gradient from the callback.
  void elementwise(ElementRule rule) {
    for (const UpdateSegment &s : segments) {
      SegmentViews v = views(s);
      l.parallel({s.count}, [&](ValueRange iv) {
        ScalarOps o(l);
        Value grad = load(o, s, v.g, iv);
        rule(o, s, v, iv, grad);
      });
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
    if (StringRef(info.name) == "sgd") {
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
    bool nesterov = StringRef(info.name) == "nesterov";
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
    for (auto [k, s] : llvm::enumerate(segments)) {
      SegmentViews v = views(s);
      ScalarOps o(l);
      Value at = l.index(k);
      // The layer's norms and step scale, in a serial kernel.
      l.serial([&] {
        SmallVector<Value> sums =
            l.reduceMany(s.count, {l.f64(0), l.f64(0)},
                         [&](Value i, ValueRange acc) -> SmallVector<Value> {
                           Value w = o.ext(o.load(v.w, i));
                           Value g = o.ext(load(o, s, v.g, i));
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
    for (auto [k, s] : llvm::enumerate(segments)) {
      SegmentViews v = views(s);
      ScalarOps o(l);
      Value at = l.index(k);
      // The moments, the layer's norms and its step, in a serial kernel.
      l.serial([&] {
        SmallVector<Value> sums = l.reduceMany(
            s.count, {l.f64(0), l.f64(0)},
            [&](Value i, ValueRange acc) -> SmallVector<Value> {
              Value w = o.load(v.w, i);
              Value g = load(o, s, v.g, i);
              Value m = moment(o, beta1, v.state[0], i, keep1, g);
              Value square = o.mul(g, g);
              Value sq = moment(o, beta2, v.state[1], i, keep2, square);
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
    }
    return success();
  }

  Lowering &l;
  const OptimizerInfo &info;
  ArrayRef<UpdateSegment> segments;
  GradientLoad load;
  Coefficients c;
  /// LARS and LAMB: each segment's step scale (f32), written by the serial
  /// kernel of its norms and read by its update kernel.
  Value layerScales;
  int64_t paramBytes;
  Value wd, wdBnBias;
};

} // namespace

namespace {

// NLCG (runtime/train/Nlcg.h has the scalar phases, trainc/optimizers.h the
// layouts of the tables they share with these passes; docs/optimizers.md
// the rule). Slots: h (0), d (1), g_prev (2); the
// f64 scalars follow the slots. G, the gradient the method uses (the mean
// gradient plus the L2 term, times the layer scale), replaces the
// gradient in its arena in the first pass.
class NlcgEmitter {
public:
  /// `scratch`: the byte offset of the gather and preconditioner tables in
  /// the activation arena (nlcgTableBytes), which kernels write and the
  /// runtime's phases read.
  NlcgEmitter(Lowering &l, int64_t scratch) : l(l), c(l) {
    ModuleOp module = l.parentModule();
    paramBytes = module->getAttrOfType<IntegerAttr>(kParamBytesAttr).getInt();
    numBuckets = module->getAttrOfType<ArrayAttr>(kBucketsAttr).size();
    Type f64 = l.b.getF64Type(), f32 = l.b.getF32Type();
    bool created = false;
    // The coefficients the phases derive live in host memory: host code
    // reads them and passes them to the kernels.
    derived = l.hostScratch("nlcg.derived", f32, TRAINC_NLCG_DERIVED_WIDTH,
                            &created);
    int64_t rows = std::max<int64_t>(1, numBuckets);
    gatherOffset = scratch;
    precondOffset = scratch + 8 * rows * TRAINC_NLCG_GATHER_WIDTH;
    gather = l.arenaView("arena", gatherOffset, f64,
                         rows * TRAINC_NLCG_GATHER_WIDTH);
    precond = l.arenaView("arena", precondOffset, f64,
                          rows * TRAINC_NLCG_PRECOND_WIDTH);
    // Phase 0 before the first bucket's pass: the scale of s from d.
    if (created)
      phase(0, gatherOffset, l.nullPointer());
    eps = c(kEps);
  }

  /// The first pass over bucket `bucket`: G, stored, and the bucket's
  /// partial sums (row `bucket` of the gather table).
  void gatherBucket(int64_t bucket, ArrayRef<UpdateSegment> segments,
                    GradientLoad load) {
    ScalarOps o(l);
    Value wd = c(kWeightDecay), wdBnBias = c(kWeightDecayBnBias);
    Value lambda = c(kTrust);
    Value cs = derivedAt(TRAINC_NLCG_CS);
    Value scaled = o.fgt(lambda, l.f32(0.0));
    // One serial kernel per bucket: the segments' sums, added in order
    // into the bucket's row of the gather table.
    l.serial([&] { gatherKernel(bucket, segments, load, wd, wdBnBias, lambda,
                                cs, scaled); });
  }

private:
  void gatherKernel(int64_t bucket, ArrayRef<UpdateSegment> segments,
                    GradientLoad load, Value wd, Value wdBnBias, Value lambda,
                    Value cs, Value scaled) {
    ScalarOps o(l);
    SmallVector<Value> totals(TRAINC_NLCG_DECAY_W2 + 1, l.f64(0));
    for (const UpdateSegment &s : segments) {
      Views v = views(s);
      Value decay = s.bnOrBias ? wdBnBias : wd;
      // (N13) with --layer-scale: the tensor's norms first (that pass
      // finishes the gradient and stores it: the load does not store back
      // for a global algorithm), then the main pass on the finished one.
      Type f64 = l.b.getF64Type();
      SmallVector<Type> types(TRAINC_NLCG_DECAY_W2 + 1, f64);
      auto ifOp = l.b.create<scf::IfOp>(l.loc, types, scaled,
                                        /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(l.b);
        l.b.setInsertionPointToStart(ifOp.thenBlock());
        SmallVector<Value> norms = l.reduceMany(
            s.count, {l.f64(0), l.f64(0)},
            [&](Value i, ValueRange acc) -> SmallVector<Value> {
              Value w = o.load(v.w, i);
              Value g = load(o, s, v.g, i);
              o.store(g, v.g, i);
              Value total = o.ext(o.add(g, o.mul(decay, w)));
              Value w64 = o.ext(w);
              Value ww = o.mul(w64, w64);
              Value gg = o.mul(total, total);
              return {sumInto(o, acc[0], ww), sumInto(o, acc[1], gg)};
            });
        Value wNorm = o.trunc(sqrtOf(o, norms[0]));
        Value gNorm = o.trunc(sqrtOf(o, norms[1]));
        Value zero = l.f32(0.0);
        Value wPositive = o.fgt(wNorm, zero);
        Value gPositive = o.fgt(gNorm, zero);
        Value positive = o.both(wPositive, gPositive);
        Value numerator = o.mul(lambda, wNorm);
        Value tenth = o.mul(l.f32(0.1), numerator);
        Value denominator = o.add(o.add(gNorm, l.f32(1e-8)), tenth);
        Value ratio = o.div(numerator, denominator);
        Value factor = o.select(positive, ratio, l.f32(1.0));
        SmallVector<Value> sums = mainPass(
            s, v, decay, cs, factor,
            [&](ScalarOps &o, const UpdateSegment &, Value g, ValueRange iv) {
              return o.load(g, iv);
            });
        l.b.create<scf::YieldOp>(l.loc, sums);
        l.b.setInsertionPointToStart(ifOp.elseBlock());
        sums = mainPass(s, v, decay, cs, l.f32(1.0), load);
        l.b.create<scf::YieldOp>(l.loc, sums);
      }
      for (int k = 0; k <= TRAINC_NLCG_DECAY_W2; ++k)
        totals[k] = o.add(totals[k], ifOp.getResult(k));
    }
    for (int k = 0; k <= TRAINC_NLCG_DECAY_W2; ++k)
      o.store(totals[k], gather,
              l.index(bucket * TRAINC_NLCG_GATHER_WIDTH + k));
  }

public:

  /// After every bucket's first pass: the preconditioner (second pass),
  /// beta and the line search, and the step (third pass).
  LogicalResult finish(Value loss) {
    SmallVector<SmallVector<UpdateSegment>> all;
    for (int64_t i = 0; i < numBuckets; ++i) {
      auto segments = bucketSegments(l, l.sourceFunction(), i);
      if (failed(segments))
        return failure();
      all.push_back(*segments);
    }
    ScalarOps o(l);
    phase(1, gatherOffset, l.nullPointer());
    Value reset = flagAt(TRAINC_NLCG_RESET_H);
    Value update = flagAt(TRAINC_NLCG_UPDATE_H);
    Value c1 = derivedAt(TRAINC_NLCG_C1), c2 = derivedAt(TRAINC_NLCG_C2),
          cs = derivedAt(TRAINC_NLCG_CS);
    // The second pass, specialised on how h changes.
    auto precondPass = [&](int variant) {
      for (int64_t i = 0; i < numBuckets; ++i) l.serial([&] {
        SmallVector<Value> totals = {l.f64(0), l.f64(0)};
        for (const UpdateSegment &s : all[i]) {
          Views v = views(s);
          SmallVector<Value> sums = l.reduceMany(
              s.count, {l.f64(0), l.f64(0)},
              [&](Value it, ValueRange acc) -> SmallVector<Value> {
                Value G = o.load(v.g, it);
                Value gp = o.load(v.gp, it);
                Value h = variant == 0 ? l.f32(1.0) : o.load(v.h, it);
                if (variant == 1) {
                  // (N4): h = |h - ((hs)^2 + eps) c1 + (y^2 + eps) c2|
                  Value d = o.load(v.d, it);
                  Value y = o.sub(G, gp);
                  Value sv = o.mul(cs, d);
                  Value hs = o.mul(h, sv);
                  Value hs2 = o.mul(hs, hs);
                  Value shrink = o.mul(o.add(hs2, eps), c1);
                  Value y2 = o.mul(y, y);
                  Value grow = o.mul(o.add(y2, eps), c2);
                  Value next = o.add(o.sub(h, shrink), grow);
                  h = l.b.create<math::AbsFOp>(l.loc, next);
                }
                if (variant != 2)
                  o.store(h, v.h, it);
                Value p = preconditioner(o, h);
                Value G64 = o.ext(G);
                Value pG = o.mul(o.ext(p), G64);
                Value rho = o.mul(pG, G64);
                Value cross = o.mul(pG, o.ext(gp));
                return {sumInto(o, acc[0], rho), sumInto(o, acc[1], cross)};
              });
          totals[0] = o.add(totals[0], sums[0]);
          totals[1] = o.add(totals[1], sums[1]);
        }
        o.store(totals[0], precond,
                l.index(i * TRAINC_NLCG_PRECOND_WIDTH + TRAINC_NLCG_RHO));
        o.store(totals[1], precond,
                l.index(i * TRAINC_NLCG_PRECOND_WIDTH + TRAINC_NLCG_G_PG_PREV));
      });
    };
    branch(
        l, reset, [&] { precondPass(0); },
        [&] {
          branch(l, update, [&] { precondPass(1); },
                 [&] { precondPass(2); });
        });
    phase(2, precondOffset, loss);
    Value az = derivedAt(TRAINC_NLCG_AZ), ad = derivedAt(TRAINC_NLCG_AD),
          step = derivedAt(TRAINC_NLCG_STEP);
    // The third pass: d = az z + ad d_prev with z = -P G; w += step d.
    for (int64_t i = 0; i < numBuckets; ++i) {
      for (const UpdateSegment &s : all[i]) {
        Views v = views(s);
        l.parallel({s.count}, [&](ValueRange iv) {
          Value G = o.load(v.g, iv);
          Value h = o.load(v.h, iv);
          Value d = o.load(v.d, iv);
          Value w = o.load(v.w, iv);
          Value p = preconditioner(o, h);
          Value pG = o.mul(p, G);
          Value fromZ = o.mul(az, pG);
          Value fromD = o.mul(ad, d);
          Value next = o.sub(fromD, fromZ);
          o.store(next, v.d, iv);
          o.store(G, v.gp, iv);
          o.store(o.add(w, o.mul(step, next)), v.w, iv);
        });
      }
    }
    return success();
  }

private:
  struct Views {
    Value w, g, h, d, gp;
  };
  Views views(const UpdateSegment &s) {
    Type f32 = l.b.getF32Type();
    auto slot = [&](int k) {
      return l.arenaView("state", k * paramBytes + s.offset, f32, s.count);
    };
    return {l.arenaView("params", s.offset, f32, s.count),
            l.arenaView("grads", s.offset, f32, s.count), slot(0), slot(1),
            slot(2)};
  }

  /// One segment's main gathering pass: G = factor (g + wd w), stored;
  /// returns the segment's f64 sums.
  SmallVector<Value> mainPass(const UpdateSegment &s, Views &v, Value decay,
                              Value cs, Value factor, GradientLoad load) {
    ScalarOps o(l);
    SmallVector<Value> inits(TRAINC_NLCG_DECAY_W2 + 1, l.f64(0));
    return l.reduceMany(
        s.count, inits, [&](Value i, ValueRange acc) -> SmallVector<Value> {
          Value w = o.load(v.w, i);
          Value g = load(o, s, v.g, i);
          Value total = o.add(g, o.mul(decay, w));
          Value G = o.mul(factor, total);
          o.store(G, v.g, i);
          Value gp = o.load(v.gp, i);
          Value h = o.load(v.h, i);
          Value d = o.load(v.d, i);
          Value y = o.sub(G, gp);
          Value sv = o.mul(cs, d);
          Value hs = o.mul(h, sv);
          Value pPrev = preconditioner(o, h);
          Value G64 = o.ext(G), gp64 = o.ext(gp), y64 = o.ext(y);
          Value s64 = o.ext(sv), hs64 = o.ext(hs), d64 = o.ext(d);
          Value w64 = o.ext(w);
          Value pgp = o.mul(o.ext(pPrev), gp64);
          Value dw = o.mul(o.ext(decay), w64);
          SmallVector<Value> terms = {
              o.mul(y64, s64),  o.mul(s64, hs64), o.mul(G64, G64),
              o.mul(G64, gp64), o.mul(G64, pgp),  o.mul(d64, y64),
              o.mul(dw, w64)};
          SmallVector<Value> next;
          for (int k = 0; k <= TRAINC_NLCG_DECAY_W2; ++k)
            next.push_back(sumInto(o, acc[k], terms[k]));
          return next;
        });
  }

  /// The runtime's scalar phase `which` on the table at byte
  /// `partialsOffset` of the activation arena.
  void phase(int which, int64_t partialsOffset, Value loss) {
    auto i32 = [&](int64_t v) {
      return l.b.create<arith::ConstantIntOp>(l.loc, v, 32).getResult();
    };
    Value which32 = i32(which);
    Value partialsPtr = l.arenaPointer("arena", partialsOffset);
    Value buckets = i32(numBuckets);
    Value hyper = l.arenaPointer("hyper", 0);
    Value scalars = l.arenaPointer(
        "state", lookupOptimizer("nlcg")->state_slots * paramBytes);
    Value derivedPtr = l.pointer(derived);
    l.callRuntime("trainc_rt_nlcg_phase",
                  {which32, partialsPtr, buckets, loss, hyper, scalars,
                   derivedPtr});
  }
  Value derivedAt(trainc_nlcg_derived k) {
    return ScalarOps(l).load(derived, l.index(k));
  }
  Value flagAt(trainc_nlcg_derived k) {
    Value v = derivedAt(k);
    return l.b.create<arith::CmpFOp>(l.loc, arith::CmpFPredicate::ONE, v,
                                     l.f32(0.0));
  }
  Value sqrtOf(ScalarOps &o, Value x) {
    return o.b.create<math::SqrtOp>(o.loc, x);
  }
  /// P = 1 / (h + eps)
  Value preconditioner(ScalarOps &o, Value h) {
    Value one = l.f32(1.0);
    Value sum = o.add(h, eps);
    return o.div(one, sum);
  }

  Lowering &l;
  Coefficients c;
  int64_t paramBytes, numBuckets;
  Value derived, gather, precond, eps;
  int64_t gatherOffset, precondOffset;
};

} // namespace

LogicalResult mlir::train::emitOptimizerUpdate(Lowering &l, Operation *anchor,
                                               StringRef algorithm,
                                               int64_t bucket,
                                               ArrayRef<UpdateSegment> segments,
                                               GradientLoad load,
                                               int64_t scratch) {
  const OptimizerInfo *info = lookupOptimizer(algorithm);
  if (!info)
    return anchor->emitError("no CPU lowering for optimizer '")
           << algorithm << "'";
  if ((info->global || usesLayerScales(algorithm)) && scratch < 0)
    return anchor->emitError("optimizer '")
           << algorithm << "' needs scratch (run train-plan-memory)";
  if (info->global) {
    NlcgEmitter(l, scratch).gatherBucket(bucket, segments, load);
    return success();
  }
  return UpdateEmitter(l, *info, segments, load, scratch).emit();
}

LogicalResult mlir::train::emitOptimizerStep(Lowering &l, Operation *anchor,
                                             StringRef algorithm, Value loss,
                                             int64_t scratch) {
  const OptimizerInfo *info = lookupOptimizer(algorithm);
  if (!info || !info->global)
    return anchor->emitError("optimizer '")
           << algorithm << "' has no global step";
  if (scratch < 0)
    return anchor->emitError("optimizer '")
           << algorithm << "' needs scratch (run train-plan-memory)";
  return NlcgEmitter(l, scratch).finish(loss);
}
