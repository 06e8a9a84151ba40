//===- MockModel.h - what the tests know about MockModel.cpp ----*- C++ -*-===//

#ifndef TRAINC_TEST_UNIT_RUNTIME_MOCKMODEL_H
#define TRAINC_TEST_UNIT_RUNTIME_MOCKMODEL_H

#include "train/ModelApi.h"

#include <cstdint>

namespace trainc::test {

inline constexpr int64_t kMockBatch = 16, kMockFeatures = 784,
                         kMockClasses = 10;
/// Byte offset of "linear/bias" in the parameter arena.
inline constexpr int64_t kMockBiasOffset = 4 * kMockClasses * kMockFeatures;

/// The entry points MockModel.cpp defines.
inline rt::ModelApi mockApi() {
  return {trainc_model, trainc_train_step, trainc_eval_step};
}

/// The mock's parameter update (torch.optim.SGD), which its train step
/// ends with when given hyper-parameters.
void mockOptimizerStep(void *params, const void *grads, void *state,
                       const void *hyper);

} // namespace trainc::test

#endif // TRAINC_TEST_UNIT_RUNTIME_MOCKMODEL_H
