//===- NoiseScale.cpp - the gradient noise scale, measured live -----------===//

#include "train/NoiseScale.h"

#include <cmath>
#include <limits>

namespace trainc::rt {

NoiseEstimate estimateNoise(double smallNormSq, double small,
                            double bigNormSq, double big) {
  // (M2) |G|^2 = (B_big |G_big|^2 - B_small |G_small|^2) / (B_big - B_small)
  // (M3) tr(Sigma) = (|G_small|^2 - |G_big|^2) / (1/B_small - 1/B_big)
  NoiseEstimate e;
  e.gradSq = (big * bigNormSq - small * smallNormSq) / (big - small);
  e.trace = (smallNormSq - bigNormSq) / (1.0 / small - 1.0 / big);
  return e;
}

void NoiseScale::add(const NoiseEstimate &estimate) {
  emaGradSq = kBeta * emaGradSq + (1.0 - kBeta) * estimate.gradSq;
  emaTrace = kBeta * emaTrace + (1.0 - kBeta) * estimate.trace;
  ++steps;
}

double NoiseScale::gradSq() const {
  if (steps == 0)
    return std::numeric_limits<double>::quiet_NaN();
  return emaGradSq / (1.0 - std::pow(kBeta, static_cast<double>(steps)));
}

double NoiseScale::trace() const {
  if (steps == 0)
    return std::numeric_limits<double>::quiet_NaN();
  return emaTrace / (1.0 - std::pow(kBeta, static_cast<double>(steps)));
}

double NoiseScale::scale() const {
  double g = gradSq();
  if (!(g > 0))
    return std::numeric_limits<double>::quiet_NaN();
  return trace() / g;
}

} // namespace trainc::rt
