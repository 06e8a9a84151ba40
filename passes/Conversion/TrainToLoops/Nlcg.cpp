//===- Nlcg.cpp - NLCG's generated passes ---------------------------------===//
//
// Preconditioned nonlinear conjugate gradient, the one global update: a
// gather pass per bucket as its gradients arrive, then the runtime's
// scalar phases (trainc_rt_nlcg_phase) between the generated passes over
// every bucket (docs/optimizers.md gives the rule).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/UpdateCommon.h"

#include "passes/Optimizers.h"

#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;

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
    derived =
        l.hostScratch("nlcg.derived", f32, TRAINC_NLCG_DERIVED_WIDTH, &created);
    int64_t rows = std::max<int64_t>(1, numBuckets);
    gatherOffset = scratch;
    precondOffset = scratch + 8 * rows * TRAINC_NLCG_GATHER_WIDTH;
    gather = l.arenaView(Role::Arena, gatherOffset, f64,
                         rows * TRAINC_NLCG_GATHER_WIDTH);
    precond = l.arenaView(Role::Arena, precondOffset, f64,
                          rows * TRAINC_NLCG_PRECOND_WIDTH);
    // Phase 0 before the first bucket's pass: the scale of s from d.
    if (created)
      phase(0, gatherOffset, l.nullPointer());
    eps = c(kEps);
  }

  /// The first pass over bucket `bucket`: G, stored, and the bucket's
  /// partial sums (row `bucket` of the gather table).
  void gatherBucket(int64_t bucket, ArrayRef<UpdateSegment> segments,
                    GradientLoad load, std::optional<NoiseTable> noise) {
    ScalarOps o(l);
    Value wd = c(kWeightDecay), wdBnBias = c(kWeightDecayBnBias);
    Value lambda = c(kTrust);
    Value cs = derivedAt(TRAINC_NLCG_CS);
    Value scaled = o.fgt(lambda, l.f32(0.0));
    std::optional<NoiseSquares> sink = noiseSquares(l, c, noise);
    const NoiseSquares *squares = sink ? &*sink : nullptr;
    // One serial kernel per bucket: the segments' sums, added in order
    // into the bucket's row of the gather table.
    l.serial([&] {
      gatherKernel(bucket, segments, load, squares, wd, wdBnBias, lambda, cs,
                   scaled);
    });
  }

private:
  void gatherKernel(int64_t bucket, ArrayRef<UpdateSegment> segments,
                    GradientLoad load, const NoiseSquares *squares, Value wd,
                    Value wdBnBias, Value lambda, Value cs, Value scaled) {
    ScalarOps o(l);
    SmallVector<Value> totals(TRAINC_NLCG_DECAY_W2 + 1, l.f64(0));
    int64_t chunk = squares ? squares->first : 0;
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
        // The squares of the finished gradient for the noise scale are
        // summed by the pass that loads it: this one, or the main pass.
        SmallVector<Value> norms = reduceWithSquares(
            l, squares, chunk, s.count, {l.f64(0), l.f64(0)},
            [&](Value i, ValueRange acc, Value &square) -> SmallVector<Value> {
              Value w = o.load(v.w, i);
              Value g = load(o, s, v.g, i);
              square = g;
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
        SmallVector<Value> sums =
            mainPass(s, v, decay, cs, factor,
                     [&](ScalarOps &o, const UpdateSegment &, Value g,
                         ValueRange iv) { return o.load(g, iv); },
                     nullptr, 0);
        l.b.create<scf::YieldOp>(l.loc, sums);
        l.b.setInsertionPointToStart(ifOp.elseBlock());
        sums = mainPass(s, v, decay, cs, l.f32(1.0), load, squares, chunk);
        l.b.create<scf::YieldOp>(l.loc, sums);
      }
      chunk += noiseChunkCount(s.count);
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
      for (int64_t i = 0; i < numBuckets; ++i)
        l.serial([&] {
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
          o.store(
              totals[1], precond,
              l.index(i * TRAINC_NLCG_PRECOND_WIDTH + TRAINC_NLCG_G_PG_PREV));
        });
    };
    branch(
        l, reset, [&] { precondPass(0); },
        [&] {
          branch(
              l, update, [&] { precondPass(1); }, [&] { precondPass(2); });
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
      return l.arenaView(Role::State, k * paramBytes + s.offset, f32, s.count);
    };
    return {l.arenaView(Role::Params, s.offset, f32, s.count),
            l.arenaView(Role::Grads, s.offset, f32, s.count), slot(0), slot(1),
            slot(2)};
  }

  /// One segment's main gathering pass: G = factor (g + wd w), stored;
  /// returns the segment's f64 sums.
  SmallVector<Value> mainPass(const UpdateSegment &s, Views &v, Value decay,
                              Value cs, Value factor, GradientLoad load,
                              const NoiseSquares *squares, int64_t chunk) {
    ScalarOps o(l);
    SmallVector<Value> inits(TRAINC_NLCG_DECAY_W2 + 1, l.f64(0));
    return reduceWithSquares(
        l, squares, chunk, s.count, inits,
        [&](Value i, ValueRange acc, Value &square) -> SmallVector<Value> {
          Value w = o.load(v.w, i);
          Value g = load(o, s, v.g, i);
          square = g;
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
          SmallVector<Value> terms = {o.mul(y64, s64), o.mul(s64, hs64),
                                      o.mul(G64, G64), o.mul(G64, gp64),
                                      o.mul(G64, pgp), o.mul(d64, y64),
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
    Value partialsPtr = l.arenaPointer(Role::Arena, partialsOffset);
    Value buckets = i32(numBuckets);
    Value hyper = l.arenaPointer(Role::Hyper, 0);
    Value scalars = l.arenaPointer(
        Role::State, optimizerInfo(Algorithm::Nlcg).state_slots * paramBytes);
    Value derivedPtr = l.pointer(derived);
    l.callRuntime("nlcg_phase", {which32, partialsPtr, buckets, loss, hyper,
                                 scalars, derivedPtr});
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

void mlir::train::emitNlcgGather(Lowering &l, int64_t scratch, int64_t bucket,
                                 ArrayRef<UpdateSegment> segments,
                                 GradientLoad load,
                                 std::optional<NoiseTable> noise) {
  NlcgEmitter(l, scratch).gatherBucket(bucket, segments, load, noise);
}

LogicalResult mlir::train::emitNlcgStep(Lowering &l, int64_t scratch,
                                        Value loss) {
  return NlcgEmitter(l, scratch).finish(loss);
}
