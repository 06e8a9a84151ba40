//===- Synthetic.cpp - a deterministic learnable dataset ------------------===//

#include "data/Synthetic.h"

#include "data/SplitMix64.h"

namespace trainc::rt {
namespace {

void fillSplit(DatasetSplit &split, int64_t count, int64_t sampleSize,
               int64_t numClasses, const std::vector<float> &prototypes,
               SplitMix64 &rng) {
  split.count = count;
  split.images.resize(count * sampleSize);
  split.labels.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t label = static_cast<int64_t>(rng.next() % numClasses);
    split.labels[i] = static_cast<int32_t>(label);
    const float *prototype = &prototypes[label * sampleSize];
    float *sample = &split.images[i * sampleSize];
    // Noise as large as half the prototype's range: learnable, not trivial.
    for (int64_t j = 0; j < sampleSize; ++j)
      sample[j] = prototype[j] + 0.5f * rng.symmetric();
  }
}

} // namespace

Dataset makeSyntheticDataset(const std::vector<int64_t> &sampleShape,
                             int64_t numClasses, int64_t trainCount,
                             int64_t testCount, uint64_t seed) {
  Dataset dataset;
  dataset.sampleShape = sampleShape;
  dataset.numClasses = numClasses;
  dataset.description = "synthetic (seed " + std::to_string(seed) + ", " +
                        std::to_string(numClasses) + " classes)";
  int64_t sampleSize = dataset.sampleSize();

  SplitMix64 rng(seed);
  std::vector<float> prototypes(numClasses * sampleSize);
  for (float &value : prototypes)
    value = rng.symmetric();
  fillSplit(dataset.train, trainCount, sampleSize, numClasses, prototypes, rng);
  fillSplit(dataset.test, testCount, sampleSize, numClasses, prototypes, rng);
  return dataset;
}

} // namespace trainc::rt
