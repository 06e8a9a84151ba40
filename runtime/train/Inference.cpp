//===- Inference.cpp - the eval step over any number of samples -----------===//

#include "train/Inference.h"

#include "Context.h"
#include "train/Device.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace trainc::rt {

void predict(const ModelApi &api, const trainc_model_desc &desc, Arenas &arenas,
             const float *samples, int64_t count, float *logits) {
  int64_t batch = desc.batch, classes = desc.num_classes;
  int64_t sampleSize = 1;
  for (int64_t dim : sampleShape(desc))
    sampleSize *= dim;
  // Batches are copied into aligned memory: the generated code may assume
  // the 64-byte alignment of every other pointer it gets.
  AlignedBytes input(4 * batch * sampleSize, "an input batch");
  AlignedBytes output(4 * batch * classes, "a batch of logits");
  for (int64_t first = 0; first < count; first += batch) {
    int64_t valid = std::min(batch, count - first);
    std::memcpy(input.data(), samples + first * sampleSize,
                4 * valid * sampleSize);
    if (valid < batch)
      std::memset(input.as<float>() + valid * sampleSize, 0,
                  4 * (batch - valid) * sampleSize);
    trainc_step_args args = stepArgs(&runtimeContext());
    args.params = arenas.params_;
    args.buffers = arenas.buffers_;
    args.arena = arenas.activations_;
    args.input = arenas.stage(arenas.input_, input.data(), input.size());
    args.output = arenas.device ? arenas.output_ : output.data();
    api.evalStep(&args);
    if (arenas.device)
      arenas.device->download(output.data(), arenas.output_, output.size());
    std::memcpy(logits + first * classes, output.data(), 4 * valid * classes);
  }
}

double crossEntropy(const float *logits, int64_t classes, int32_t label) {
  double maximum = logits[0];
  for (int64_t k = 1; k < classes; ++k)
    maximum = std::max(maximum, double(logits[k]));
  double sum = 0;
  for (int64_t k = 0; k < classes; ++k)
    sum += std::exp(double(logits[k]) - maximum);
  return maximum + std::log(sum) - double(logits[label]);
}

EvalResult evaluate(const ModelApi &api, const trainc_model_desc &desc,
                    Arenas &arenas, const DatasetSplit &split) {
  int64_t classes = desc.num_classes;
  std::vector<float> logits(split.count * classes);
  predict(api, desc, arenas, split.images.data(), split.count, logits.data());
  int64_t correct = 0;
  double loss = 0;
  for (int64_t i = 0; i < split.count; ++i) {
    const float *row = &logits[i * classes];
    int64_t best = std::max_element(row, row + classes) - row;
    correct += best == split.labels[i];
    loss += crossEntropy(row, classes, split.labels[i]);
  }
  EvalResult result;
  result.samples = split.count;
  result.accuracy = split.count ? double(correct) / split.count : 0;
  result.loss = split.count ? loss / split.count : 0;
  return result;
}

} // namespace trainc::rt
