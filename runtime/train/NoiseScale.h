//===- NoiseScale.h - the gradient noise scale, measured live ---*- C++ -*-===//
//
// McCandlish et al. (1812.06162; ../shared/design/OPTIMIZERS.md, M1-M4):
// from the mean squared norm of the gradients of small batches (each
// micro-batch of b samples on each process, before any reduction) and the
// squared norm of the step's gradient (B = b K world samples), unbiased
// estimates of |G|^2 and tr(Sigma) each step, and B_simple, the ratio of
// their exponential moving averages.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_NOISESCALE_H
#define TRAINC_RUNTIME_TRAIN_NOISESCALE_H

#include <cstdint>

namespace trainc::rt {

/// One step's estimates, (M2) and (M3). They need two batch sizes:
/// `small` < `big`.
struct NoiseEstimate {
  double gradSq, trace;
};
NoiseEstimate estimateNoise(double smallNormSq, double small,
                            double bigNormSq, double big);

/// The running averages of (M4): EMAs with decay `beta` (0.99), bias
/// corrected; their ratio is B_simple.
class NoiseScale {
public:
  static constexpr double kBeta = 0.99;

  /// Adds one step's estimates.
  void add(const NoiseEstimate &estimate);
  /// B_simple = EMA(tr Sigma) / EMA(|G|^2) (the bias corrections cancel);
  /// NaN before the first step or when the |G|^2 average is not positive
  /// (it can be, on few samples: (M2) is not clamped).
  double scale() const;
  /// The bias-corrected averages.
  double gradSq() const;
  double trace() const;

  /// The state a checkpoint keeps.
  int64_t steps = 0;
  double emaGradSq = 0, emaTrace = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_NOISESCALE_H
