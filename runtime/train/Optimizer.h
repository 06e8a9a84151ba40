//===- Optimizer.h - the compiled update's coefficients ---------*- C++ -*-===//
//
// The algorithm is compiled into the model (trainc --optimizer); its
// hyper-parameters are flags of the executable. This resolves the flags
// for the compiled algorithm (defaults as PyTorch's optimizers, and
// OPTIMIZERS.md for LARS and LAMB; a flag that does not apply is an error)
// and turns them, with the step count and the scheduled learning rate,
// into the per-step coefficients the generated update reads
// (trainc_update_coeffs in trainc/model.h, which gives each rule).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_OPTIMIZER_H
#define TRAINC_RUNTIME_TRAIN_OPTIMIZER_H

#include "train/Nlcg.h"
#include "train/Options.h"
#include "trainc/model.h"
#include "trainc/optimizers.h"

#include <cstdint>
#include <optional>
#include <string>

namespace trainc::rt {

/// The hyper-parameters of one run, every default resolved.
struct OptimizerSettings {
  std::string name;
  double momentum = 0, dampening = 0, weightDecay = 0;
  bool weightDecayBnBias = false;
  double beta1 = 0.9, beta2 = 0.999, eps = 0, alpha = 0.99;
  bool centered = false, biasCorrection = true;
  double lrDecay = 0, trust = 0.001;
  /// nlcg: the method's flags and the per-layer pre-scaling (N13; 0: off).
  NlcgSettings nlcg;
  double layerScale = 0;
};

/// The settings of the compiled `optimizer` from the command line, or a
/// one-line error naming a flag that does not apply to it.
std::optional<OptimizerSettings> resolveOptimizer(const TrainOptions &options,
                                                  const std::string &optimizer,
                                                  std::string &error);

/// The coefficients of step `step` (the steps done before it) at learning
/// rate `lr` (the schedule's).
trainc_update_coeffs updateCoefficients(const OptimizerSettings &settings,
                                        int64_t step, double lr);

/// "adam (beta1 0.9, beta2 0.999, eps 1e-08, weight decay 0)", for the log.
std::string describeOptimizer(const OptimizerSettings &settings);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_OPTIMIZER_H
