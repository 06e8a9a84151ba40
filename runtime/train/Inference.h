//===- Inference.h - the eval step over any number of samples ---*- C++ -*-===//
//
// The compiled eval step takes exactly one batch; this runs it over M
// samples, zero-padding the last batch and keeping only its valid rows, for
// --forward-only and for the test-split evaluation after each epoch.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_INFERENCE_H
#define TRAINC_RUNTIME_TRAIN_INFERENCE_H

#include "data/Dataset.h"
#include "train/Arenas.h"
#include "train/ModelApi.h"

#include <cstdint>

namespace trainc::rt {

/// Writes the [count, num_classes] logits of `count` samples (each of the
/// model's sample shape, row-major) to `logits`.
void predict(const ModelApi &api, const trainc_model_desc &desc, Arenas &arenas,
             const float *samples, int64_t count, float *logits);

/// -log softmax(logits)[label], computed stably (log-sum-exp with the
/// maximum subtracted) in double.
double crossEntropy(const float *logits, int64_t classes, int32_t label);

struct EvalResult {
  /// Fraction of samples whose largest logit (the first, on ties) is at the
  /// label.
  double accuracy = 0;
  /// Mean cross-entropy.
  double loss = 0;
  int64_t samples = 0;
};

/// Evaluates the model on every sample of `split` (which must not be
/// empty).
EvalResult evaluate(const ModelApi &api, const trainc_model_desc &desc,
                    Arenas &arenas, const DatasetSplit &split);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_INFERENCE_H
