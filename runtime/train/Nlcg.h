//===- Nlcg.h - the scalar part of preconditioned NLCG ----------*- C++ -*-===//
//
// Stochastic preconditioned nonlinear conjugate gradient (Adya, Palakkode
// and Tuzel; OPTIMIZERS.md 1, docs/optimizers.md has trainc's exact rule).
// The generated step makes three passes over the parameters, bucket by
// bucket; between them it calls trainc_rt_nlcg_phase (trainc/kernels.h),
// which sums the buckets' partial dot products in bucket order (the same
// bits on every rank: the gradients are the reduced ones) and computes the
// few scalars the next pass needs:
//   phase 0  before the first pass: the scale of s = w_t - w_{t-1} from d;
//   phase 1  after the first (y's and s's dot products): whether and how
//            the diagonal preconditioner is updated;
//   phase 2  after the second (rho = G'PG): beta (rule, restarts, clip),
//            the line search's multiplier and undo, and the step.
// The scalar state lives in the optimizer state after the slots, so
// checkpoints carry it.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_NLCG_H
#define TRAINC_RUNTIME_TRAIN_NLCG_H

#include "trainc/model.h"
#include "trainc/optimizers.h"

#include <cstdint>
#include <string>

namespace trainc::rt {

struct NlcgSettings {
  enum class Rule { FR, PR, PRPlus, HS, DY };
  enum class LineSearch { Step, Online, Brief, Off };
  Rule rule = Rule::FR;
  /// beta clipped to [0, 1].
  bool betaClip = true;
  /// Restart (beta = 0) every N steps; 0: never.
  int64_t restartEvery = 0;
  /// Powell's restart test |G'g_prev| >= nu G'G; 0: off.
  double powell = 0;
  /// The diagonal BFGS preconditioner (else P = 1), reset to 1 every
  /// `precondReset` steps (0: never).
  bool precondition = true;
  int64_t precondReset = 0;
  /// s_t = eta_t alpha_{t-1} d_{t-1} as the authors' code (else w_t - w_{t-1}).
  bool codeCompatS = false;
  LineSearch lineSearch = LineSearch::Step;
  int64_t period = 5;
  double threshold = 1;
};

/// The scalar state, f64 slots after the optimizer state's element slots.
enum NlcgScalar {
  kNlcgStarted,
  kNlcgRhoPrev,
  kNlcgAlpha,
  kNlcgEma,
  kNlcgEmaRef,
  kNlcgStepScale,
  kNlcgSteps,
  // The last step, for the log.
  kNlcgBeta,
  kNlcgRestart,
  kNlcgUndo,
  kNlcgPrecond,
  kNlcgLineLoss,
  // Phase 1's sums that phase 2 needs.
  kNlcgSumGG,
  kNlcgSumGgPrev,
  kNlcgSumGPprevGprev,
  kNlcgSumDy,
  kNlcgSumDecayW2,
  kNumNlcgScalars = TRAINC_NLCG_SCALARS
};

/// One phase (see above). `partials` holds `buckets` rows of the phase's
/// sums (phase 1: TRAINC_NLCG_GATHER_WIDTH, phase 2:
/// TRAINC_NLCG_PRECOND_WIDTH, trainc/optimizers.h); `loss` is the step's
/// all-reduced mean loss, or null (no line search).
void nlcgPhase(const NlcgSettings &settings, int phase,
               const double *partials, int buckets, const float *loss,
               const trainc_update_coeffs &coeffs, double *scalars,
               float *derived);

/// The line search's table: the multiplier of alpha and the undo fraction
/// for the relative rise x = (r - 1) 100 / T in percent.
struct LineSearchRow {
  double multiplier, undo;
};
LineSearchRow lineSearchTable(NlcgSettings::LineSearch mode, double x);

/// "fr", ... and back.
const char *ruleName(NlcgSettings::Rule rule);
bool parseRule(const std::string &text, NlcgSettings::Rule &rule);
const char *lineSearchName(NlcgSettings::LineSearch mode);
bool parseLineSearch(const std::string &text, NlcgSettings::LineSearch &mode);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_NLCG_H
