//===- InferenceTest.cpp - the eval step over any number of samples -------===//

#include "train/Inference.h"
#include "MockModel.h"
#include "data/SplitMix64.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

std::vector<float> randomSamples(int64_t count, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<float> samples(count * kMockFeatures);
  for (float &value : samples)
    value = rng.symmetric();
  return samples;
}

/// W x + b in double, from the mock's initial parameters.
std::vector<double> referenceLogits(const trainc_model_desc &desc,
                                    const float *x) {
  const float *w = static_cast<const float *>(desc.initial_params);
  const float *b = w + kMockBiasOffset / 4;
  std::vector<double> logits(kMockClasses);
  for (int64_t k = 0; k < kMockClasses; ++k) {
    double sum = b[k];
    for (int64_t j = 0; j < kMockFeatures; ++j)
      sum += double(w[k * kMockFeatures + j]) * x[j];
    logits[k] = sum;
  }
  return logits;
}

TEST(InferenceTest, PadsTheLastBatchAndKeepsOnlyValidRows) {
  ModelApi api = mockApi();
  const trainc_model_desc &desc = *api.describe();
  Arenas arenas = allocateArenas(desc);
  for (int64_t count : {0, 1, 16, 37}) {
    std::vector<float> samples = randomSamples(count, 5);
    // A sentinel after the rows predict() may write.
    std::vector<float> logits(count * kMockClasses + 1, 12345.0f);
    predict(api, desc, arenas, samples.data(), count, logits.data());
    EXPECT_EQ(logits.back(), 12345.0f) << "wrote past " << count << " rows";
    for (int64_t i = 0; i < count; ++i) {
      std::vector<double> expected =
          referenceLogits(desc, &samples[i * kMockFeatures]);
      for (int64_t k = 0; k < kMockClasses; ++k)
        ASSERT_NEAR(logits[i * kMockClasses + k], expected[k], 1e-5)
            << "sample " << i << " of " << count << ", class " << k;
    }
  }
}

TEST(InferenceTest, CrossEntropyIsStable) {
  float logits[3] = {1000.0f, 0.0f, -1000.0f};
  EXPECT_NEAR(crossEntropy(logits, 3, 0), 0.0, 1e-12);
  EXPECT_NEAR(crossEntropy(logits, 3, 1), 1000.0, 1e-9);
  EXPECT_NEAR(crossEntropy(logits, 3, 2), 2000.0, 1e-9);
  float equal[4] = {3.0f, 3.0f, 3.0f, 3.0f};
  EXPECT_NEAR(crossEntropy(equal, 4, 2), std::log(4.0), 1e-12);
}

TEST(InferenceTest, EvaluateCountsArgmaxHitsAndAveragesTheLoss) {
  ModelApi api = mockApi();
  const trainc_model_desc &desc = *api.describe();
  Arenas arenas = allocateArenas(desc);
  DatasetSplit split;
  split.count = 21;
  split.images = randomSamples(split.count, 9);
  int64_t hits = 0;
  double loss = 0;
  for (int64_t i = 0; i < split.count; ++i) {
    std::vector<double> logits =
        referenceLogits(desc, &split.images[i * kMockFeatures]);
    // Every third label is the argmax, the others its neighbour.
    int32_t best =
        std::max_element(logits.begin(), logits.end()) - logits.begin();
    int32_t label = i % 3 == 0 ? best : (best + 1) % kMockClasses;
    split.labels.push_back(label);
    hits += label == best;
    double maximum = *std::max_element(logits.begin(), logits.end()), sum = 0;
    for (double z : logits)
      sum += std::exp(z - maximum);
    loss += maximum + std::log(sum) - logits[label];
  }
  EvalResult result = evaluate(api, desc, arenas, split);
  EXPECT_EQ(result.samples, 21);
  EXPECT_DOUBLE_EQ(result.accuracy, double(hits) / 21);
  EXPECT_NEAR(result.loss, loss / 21, 1e-6);
}

} // namespace
