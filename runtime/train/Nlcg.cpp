//===- Nlcg.cpp - the scalar part of preconditioned NLCG ------------------===//

#include "train/Nlcg.h"

#include "Context.h"
#include "train/Device.h"
#include "trainc/kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace trainc::rt {
namespace {

/// Column `k` of `buckets` rows of `width` sums, added in bucket order.
double column(const double *partials, int buckets, int width, int k) {
  double sum = 0;
  for (int b = 0; b < buckets; ++b)
    sum += partials[b * width + k];
  return sum;
}

} // namespace

LineSearchRow lineSearchTable(NlcgSettings::LineSearch mode, double x) {
  using LS = NlcgSettings::LineSearch;
  if (mode == LS::Brief) {
    if (x < 1)
      return {1.025, 0};
    return {x <= 2 ? 1.0 : 0.975, 0};
  }
  if (x < 1)
    return {mode == LS::Online ? 1.02 : 1.05, 0};
  if (x == 1)
    return {1.0, 0};
  if (x <= 2.5)
    return {1.0, 0.1};
  if (x <= 5)
    return {0.975, 0.1};
  if (x <= 7.5)
    return {0.95, 0.2};
  if (x <= 10)
    return {0.9, 0.3};
  if (x <= 12.5)
    return {0.8, 0.5};
  if (x <= 15)
    return {0.7, 0.7};
  return {0.5, 0.9};
}

void nlcgPhase(const NlcgSettings &settings, int phase,
               const double *partials, int buckets, const float *loss,
               const trainc_update_coeffs &coeffs, double *scalars,
               float *derived) {
  const bool started = scalars[kNlcgStarted] != 0;
  const double eps = coeffs.eps;
  const int64_t t = static_cast<int64_t>(scalars[kNlcgSteps]);
  if (phase == 0) {
    double cs = 0;
    if (started)
      cs = settings.codeCompatS ? double(coeffs.lr) * scalars[kNlcgAlpha]
                                : scalars[kNlcgStepScale];
    derived[TRAINC_NLCG_CS] = static_cast<float>(cs);
    return;
  }
  if (phase == 1) {
    auto sum = [&](int k) {
      return column(partials, buckets, TRAINC_NLCG_GATHER_WIDTH, k);
    };
    double ys = sum(TRAINC_NLCG_YS), shs = sum(TRAINC_NLCG_SHS);
    scalars[kNlcgSumGG] = sum(TRAINC_NLCG_GG);
    scalars[kNlcgSumGgPrev] = sum(TRAINC_NLCG_G_GPREV);
    scalars[kNlcgSumGPprevGprev] = sum(TRAINC_NLCG_G_PPREV_GPREV);
    scalars[kNlcgSumDy] = sum(TRAINC_NLCG_DY);
    scalars[kNlcgSumDecayW2] = sum(TRAINC_NLCG_DECAY_W2);
    bool reset = !started || !settings.precondition ||
                 (settings.precondReset > 0 && t % settings.precondReset == 0);
    // (N3): the curvature guard.
    bool update = !reset && ys >= eps && shs >= eps;
    derived[TRAINC_NLCG_RESET_H] = reset ? 1.0f : 0.0f;
    derived[TRAINC_NLCG_UPDATE_H] = update ? 1.0f : 0.0f;
    derived[TRAINC_NLCG_C1] = static_cast<float>(1.0 / (shs + eps));
    derived[TRAINC_NLCG_C2] = static_cast<float>(1.0 / (ys + eps));
    scalars[kNlcgPrecond] = update ? 1 : 0;
    return;
  }

  // Phase 2: beta, the line search, the step.
  double rho =
      column(partials, buckets, TRAINC_NLCG_PRECOND_WIDTH, TRAINC_NLCG_RHO);
  double gpg = column(partials, buckets, TRAINC_NLCG_PRECOND_WIDTH,
                      TRAINC_NLCG_G_PG_PREV);
  double beta = 0;
  bool restart = !started;
  if (started) {
    double rhoPrev = scalars[kNlcgRhoPrev];
    double pr = (rho - scalars[kNlcgSumGPprevGprev]) / (rhoPrev + eps);
    switch (settings.rule) {
    case NlcgSettings::Rule::FR:
      beta = rho / (rhoPrev + eps);
      break;
    case NlcgSettings::Rule::PR:
      beta = pr;
      break;
    case NlcgSettings::Rule::PRPlus:
      beta = std::max(pr, 0.0);
      break;
    case NlcgSettings::Rule::HS:
      beta = (rho - gpg) / (scalars[kNlcgSumDy] + eps);
      break;
    case NlcgSettings::Rule::DY:
      beta = rho / (scalars[kNlcgSumDy] + eps);
      break;
    }
    if (settings.restartEvery > 0 && t % settings.restartEvery == 0)
      restart = true;
    if (settings.powell > 0 &&
        std::fabs(scalars[kNlcgSumGgPrev]) >=
            settings.powell * scalars[kNlcgSumGG])
      restart = true;
    if (restart)
      beta = 0;
    if (settings.betaClip)
      beta = std::clamp(beta, 0.0, 1.0);
  }

  // The online line search on the all-reduced loss (plus the L2 term).
  double alphaOld = started ? scalars[kNlcgAlpha] : 1.0;
  double alpha = alphaOld, undo = 0;
  using LS = NlcgSettings::LineSearch;
  if (loss) {
    double f = double(*loss) + 0.5 * scalars[kNlcgSumDecayW2];
    scalars[kNlcgLineLoss] = f;
    if (!started) {
      scalars[kNlcgEma] = f;
      scalars[kNlcgEmaRef] = f;
    } else {
      double ema = 0.7 * scalars[kNlcgEma] + 0.3 * f;
      scalars[kNlcgEma] = ema;
      bool fire = false;
      double r = 1;
      if (settings.lineSearch == LS::Online) {
        fire = true;
        r = f / ema;
      } else if (settings.lineSearch != LS::Off &&
                 t % settings.period == 0) {
        fire = true;
        r = ema / scalars[kNlcgEmaRef];
        scalars[kNlcgEmaRef] = ema;
      }
      if (fire) {
        LineSearchRow row =
            lineSearchTable(settings.lineSearch,
                            (r - 1) * 100 / settings.threshold);
        alpha = alphaOld * row.multiplier;
        if (row.multiplier > 1)
          alpha = std::min(alpha, 1.0);
        alpha = std::max(alpha, 1e-4);
        undo = row.undo;
      }
    }
  }
  double step = double(coeffs.lr) * alpha;
  double az = 1, ad = beta;
  // (N12): take (1 - undo) of the new step, retract undo of the last one.
  if (undo > 0 && step > eps) {
    az = 1 - undo;
    ad = (1 - undo) * beta - undo * alphaOld / alpha;
  } else {
    undo = 0;
  }
  derived[TRAINC_NLCG_AZ] = static_cast<float>(az);
  derived[TRAINC_NLCG_AD] = static_cast<float>(ad);
  derived[TRAINC_NLCG_STEP] = static_cast<float>(step);
  scalars[kNlcgStarted] = 1;
  scalars[kNlcgRhoPrev] = rho;
  scalars[kNlcgAlpha] = alpha;
  scalars[kNlcgStepScale] = double(static_cast<float>(step));
  scalars[kNlcgSteps] = double(t + 1);
  scalars[kNlcgBeta] = beta;
  scalars[kNlcgRestart] = restart ? 1 : 0;
  scalars[kNlcgUndo] = undo;
}

const char *ruleName(NlcgSettings::Rule rule) {
  switch (rule) {
  case NlcgSettings::Rule::FR:
    return "fr";
  case NlcgSettings::Rule::PR:
    return "pr";
  case NlcgSettings::Rule::PRPlus:
    return "pr+";
  case NlcgSettings::Rule::HS:
    return "hs";
  case NlcgSettings::Rule::DY:
    return "dy";
  }
  return "?";
}

bool parseRule(const std::string &text, NlcgSettings::Rule &rule) {
  for (auto r : {NlcgSettings::Rule::FR, NlcgSettings::Rule::PR,
                 NlcgSettings::Rule::PRPlus, NlcgSettings::Rule::HS,
                 NlcgSettings::Rule::DY})
    if (text == ruleName(r)) {
      rule = r;
      return true;
    }
  return false;
}

const char *lineSearchName(NlcgSettings::LineSearch mode) {
  switch (mode) {
  case NlcgSettings::LineSearch::Step:
    return "step";
  case NlcgSettings::LineSearch::Online:
    return "online";
  case NlcgSettings::LineSearch::Brief:
    return "brief";
  case NlcgSettings::LineSearch::Off:
    return "off";
  }
  return "?";
}

bool parseLineSearch(const std::string &text, NlcgSettings::LineSearch &mode) {
  for (auto m : {NlcgSettings::LineSearch::Step,
                 NlcgSettings::LineSearch::Online,
                 NlcgSettings::LineSearch::Brief,
                 NlcgSettings::LineSearch::Off})
    if (text == lineSearchName(m)) {
      mode = m;
      return true;
    }
  return false;
}

} // namespace trainc::rt

extern "C" void trainc_rt_nlcg_phase(void *context, int32_t phase,
                                     const double *partials, int32_t buckets,
                                     const float *loss, const void *hyper,
                                     void *scalars, float *derived) {
  using namespace trainc::rt;
  static const NlcgSettings defaults;
  RuntimeContext &rt = contextOf(context);
  const NlcgSettings &settings = rt.nlcg ? *rt.nlcg : defaults;
  const auto &coeffs = *static_cast<const trainc_update_coeffs *>(hyper);
  Device *device = rt.device.get();
  if (!device) {
    nlcgPhase(settings, phase, partials, buckets, loss, coeffs,
              static_cast<double *>(scalars), derived);
    return;
  }
  // The CUDA target: the partial sums, the loss and the scalar state are
  // device memory (the coefficients and `derived` are the host's). The
  // phase is a few dozen scalar operations: they run here, between two
  // waits for the step's stream.
  int width = phase == 1   ? TRAINC_NLCG_GATHER_WIDTH
              : phase == 2 ? TRAINC_NLCG_PRECOND_WIDTH
                           : 0;
  std::vector<double> hostPartials(static_cast<size_t>(buckets) * width);
  if (!hostPartials.empty())
    device->download(hostPartials.data(), partials,
                     8 * static_cast<int64_t>(hostPartials.size()));
  float hostLoss = 0;
  if (loss)
    device->download(&hostLoss, loss, sizeof(hostLoss));
  double hostScalars[kNumNlcgScalars];
  device->download(hostScalars, scalars, sizeof(hostScalars));
  nlcgPhase(settings, phase, hostPartials.data(), buckets,
            loss ? &hostLoss : nullptr, coeffs, hostScalars, derived);
  device->upload(scalars, hostScalars, sizeof(hostScalars));
}
