//===- UpdateCommon.h - what the generated updates share ---------*- C++
//-*-===//
//
// The element-wise updates (Optimizers.cpp) and NLCG's passes (Nlcg.cpp)
// read the step's coefficients, sum in f64 and branch on uniform flags the
// same way.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_CONVERSION_TRAINTOLOOPS_UPDATECOMMON_H
#define TRAINC_PASSES_CONVERSION_TRAINTOLOOPS_UPDATECOMMON_H

#include "passes/Conversion/TrainToLoops/Lowering.h"
#include "runtime/include/trainc/abi.h"

namespace mlir::train {

/// acc + x for the f64 sums of the updates' reductions. Reassociation is
/// allowed, so the loop vectorizer may keep several partial sums: the
/// order is then fixed by the generated code (the same on every rank, which
/// runs the same executable), not by the source's left-to-right order.
inline Value sumInto(ScalarOps &o, Value acc, Value x) {
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
      : l(l),
        hyper(l.arenaView(Role::Hyper, 0, l.b.getF32Type(), kNumUpdateCoeffs)) {}
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
inline void branch(Lowering &l, Value cond, function_ref<void()> thenBody,
                   function_ref<void()> elseBody) {
  auto ifOp = l.b.create<scf::IfOp>(l.loc, cond, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(l.b);
  l.b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  thenBody();
  l.b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
  elseBody();
}

/// Where the update's pass puts the squares of the gradient it reads for
/// the gradient noise scale (trainc/abi.h, TRAINC_NOISE_CHUNK): the
/// squares of the bucket's chunk k (TRAINC_NOISE_CHUNK elements, segment
/// by segment) sum into stats[first + k], when the uniform flag `wanted`
/// holds. The pass that already reads each finished gradient element sums
/// them, so the noise scale costs no pass of its own.
struct NoiseSquares {
  Value wanted;
  Value stats;
  int64_t first;
};

/// The NoiseSquares of `table`, wanted for the noise scale
/// (trainc_update_coeffs.noise) or the non-finite check (.nonfinite: the
/// sums of the finished gradient's squares are finite exactly when its
/// elements are), the flags read through the update's own coefficients;
/// none without a table.
inline std::optional<NoiseSquares>
noiseSquares(Lowering &l, Coefficients &c, std::optional<NoiseTable> table) {
  if (!table)
    return std::nullopt;
  Value noise = c.flag(kNoise);
  Value check = c.flag(kNonfinite);
  return NoiseSquares{ScalarOps(l).either(noise, check),
                      l.arenaView(Role::Stats, 0, l.b.getF64Type(),
                                  2 * table->size),
                      table->first};
}

/// The chunks of a segment of `count` elements.
inline int64_t noiseChunkCount(int64_t count) {
  return (count + TRAINC_NOISE_CHUNK - 1) / TRAINC_NOISE_CHUNK;
}

/// A sequential reduction over [0, count) as Lowering::reduceMany, whose
/// body also gives (in `square`) one f32 value per element: with
/// `squares`, the loop runs chunk by chunk, the squares of a chunk summed
/// in f64 and stored at stats[chunk + k] when wanted. The reduction's own
/// sums are the same either way: the chunks carry them on in order.
SmallVector<Value> reduceWithSquares(
    Lowering &l, const NoiseSquares *squares, int64_t chunk, int64_t count,
    ValueRange inits,
    function_ref<SmallVector<Value>(Value i, ValueRange acc, Value &square)>
        body);

/// NLCG's first pass over bucket `bucket` (Nlcg.cpp): G, the gradient the
/// method uses, replaces the gradient, and the bucket's row of the gather
/// table gets its dot products. `scratch`: the byte offset of NLCG's
/// tables in the activation arena.
/// With `noise`, that pass also sums the squares of the finished
/// gradient.
void emitNlcgGather(Lowering &l, int64_t scratch, int64_t bucket,
                    ArrayRef<UpdateSegment> segments, GradientLoad load,
                    std::optional<NoiseTable> noise);
/// NLCG's scalar phases and its later passes over every bucket, after the
/// last gather; `loss` points to the step's all-reduced loss, or is null.
LogicalResult emitNlcgStep(Lowering &l, int64_t scratch, Value loss);

} // namespace mlir::train

#endif // TRAINC_PASSES_CONVERSION_TRAINTOLOOPS_UPDATECOMMON_H
