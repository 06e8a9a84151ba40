//===- MockModelTest.cpp - the mock's gradients and update are right ------===//
//
// The runtime tests trust MockModel.cpp as the model; these check it against
// finite differences and against the torch.optim.SGD formulas (the lit test
// test/Runtime/sgd-vs-torch.test checks it against torch itself).
//
//===----------------------------------------------------------------------===//

#include "MockModel.h"
#include "Context.h"
#include "train/ModelApi.h"
#include "train/Optimizer.h"
#include "data/SplitMix64.h"
#include "train/Arenas.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

struct Batch {
  std::vector<float> images;
  std::vector<int32_t> labels;
};

Batch randomBatch(uint64_t seed) {
  SplitMix64 rng(seed);
  Batch batch;
  for (int64_t i = 0; i < kMockBatch * kMockFeatures; ++i)
    batch.images.push_back(rng.symmetric());
  for (int64_t i = 0; i < kMockBatch; ++i)
    batch.labels.push_back(static_cast<int32_t>(rng.below(kMockClasses)));
  return batch;
}

/// The mean loss at `params` in double (the finite-difference reference).
double meanLoss(const float *params, const Batch &batch) {
  const float *w = params, *b = params + kMockBiasOffset / 4;
  double total = 0;
  for (int64_t n = 0; n < kMockBatch; ++n) {
    double logits[kMockClasses], maximum = -1e300, sum = 0;
    for (int64_t k = 0; k < kMockClasses; ++k) {
      double z = b[k];
      for (int64_t j = 0; j < kMockFeatures; ++j)
        z += double(w[k * kMockFeatures + j]) *
             batch.images[n * kMockFeatures + j];
      logits[k] = z;
      maximum = std::max(maximum, z);
    }
    for (double z : logits)
      sum += std::exp(z - maximum);
    total += maximum + std::log(sum) - logits[batch.labels[n]];
  }
  return total / kMockBatch;
}

TEST(MockModelTest, GradientsMatchFiniteDifferences) {
  const trainc_model_desc &desc = *trainc_model();
  Arenas arenas = allocateArenas(desc);
  Batch batch = randomBatch(3);
  float loss = 0;
  trainc_step_args args = stepArgs(&runtimeContext());
  args.params = arenas.params.data();
  args.grads = arenas.grads.data();
  args.buffers = arenas.buffers.data();
  args.arena = arenas.activations.data();
  args.state = arenas.state.data();
  args.input = batch.images.data();
  args.labels = batch.labels.data();
  args.output = &loss;
  args.hyper = nullptr; // no update: the gradients alone
  trainc_train_step(&args);
  float *params = arenas.params.as<float>();
  const float *grads = arenas.grads.as<float>();
  EXPECT_NEAR(loss, meanLoss(params, batch), 1e-5);
  EXPECT_EQ(arenas.buffers.as<float>()[0], float(kMockBatch))
      << "samples_seen after one step";

  // Every bias and a spread of weights, by central differences in double.
  std::vector<int64_t> indices;
  for (int64_t k = 0; k < kMockClasses; ++k)
    indices.push_back(kMockBiasOffset / 4 + k);
  for (int64_t i = 0; i < kMockClasses * kMockFeatures; i += 397)
    indices.push_back(i);
  const float h = 1e-2f;
  for (int64_t index : indices) {
    float saved = params[index];
    params[index] = saved + h;
    double plus = meanLoss(params, batch);
    params[index] = saved - h;
    double minus = meanLoss(params, batch);
    params[index] = saved;
    double expected = (plus - minus) / (double(saved + h) - (saved - h));
    EXPECT_NEAR(grads[index], expected, 1e-4 + 1e-3 * std::fabs(expected))
        << "gradient of parameter element " << index;
  }
}

struct Hyper {
  float lr, momentum, dampening, weightDecay;
  bool nesterov, decayBias;
};

/// torch.optim.SGD on one element over `grads.size()` steps, in float.
float torchSgd(float p, const std::vector<float> &grads, const Hyper &h,
               bool isBias) {
  float buf = 0;
  for (size_t t = 0; t < grads.size(); ++t) {
    float d = grads[t];
    if (h.weightDecay != 0 && (!isBias || h.decayBias))
      d += h.weightDecay * p;
    if (h.momentum != 0) {
      buf = t == 0 ? d : h.momentum * buf + (1 - h.dampening) * d;
      d = h.nesterov ? d + h.momentum * buf : buf;
    }
    p -= h.lr * d;
  }
  return p;
}

TEST(MockModelTest, OptimizerIsTorchSgd) {
  // The mock's optimizer is "momentum" (SGD with momentum): the runtime's
  // coefficients (train/Optimizer.h) with the rule of trainc/model.h must
  // be torch.optim.SGD, momentum buffer started at the first gradient.
  const trainc_model_desc &desc = *trainc_model();
  ASSERT_EQ(std::string(desc.optimizer), "momentum");
  for (Hyper h : {Hyper{0.1f, 0, 0, 0, false, false},
                  Hyper{0.1f, 0.9f, 0, 0, false, false},
                  Hyper{0.05f, 0.9f, 0.5f, 0.01f, false, false},
                  Hyper{0.05f, 0.8f, 0, 0.01f, false, true}}) {
    Arenas arenas = allocateArenas(desc);
    float *params = arenas.params.as<float>();
    float *grads = arenas.grads.as<float>();
    const int64_t weight = 1234, bias = kMockBiasOffset / 4 + 3;
    params[bias] = 0.75f;
    float weight0 = params[weight], bias0 = params[bias];
    OptimizerSettings settings;
    settings.name = "momentum";
    settings.momentum = h.momentum;
    settings.dampening = h.dampening;
    settings.weightDecay = h.weightDecay;
    settings.weightDecayBnBias = h.decayBias;
    std::vector<float> g = {0.5f, -0.25f, 1.0f};
    for (size_t t = 0; t < g.size(); ++t) {
      grads[weight] = g[t];
      grads[bias] = -g[t];
      trainc_update_coeffs hyper = updateCoefficients(settings, t, h.lr);
      mockOptimizerStep(params, grads, arenas.state.data(), &hyper);
    }
    std::vector<float> negated = {-0.5f, 0.25f, -1.0f};
    std::string what = "lr " + std::to_string(h.lr) + " momentum " +
                       std::to_string(h.momentum) + " dampening " +
                       std::to_string(h.dampening) + " weight decay " +
                       std::to_string(h.weightDecay) +
                       (h.decayBias ? " decay-bias" : "");
    EXPECT_EQ(params[weight], torchSgd(weight0, g, h, false)) << what;
    EXPECT_EQ(params[bias], torchSgd(bias0, negated, h, true)) << what;
  }
}

} // namespace
