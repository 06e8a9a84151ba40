//===- Dataset.cpp - dataset specs and the checks every source shares ----===//

#include "data/Dataset.h"

#include "data/FashionMnist.h"
#include "data/Npy.h"
#include "data/Synthetic.h"

#include <cstdlib>

namespace trainc::rt {
namespace {

constexpr int64_t kSyntheticTrainCount = 1024;
constexpr int64_t kSyntheticTestCount = 256;

const char *const kSpecHelp =
    "expected synthetic[:TRAIN[,TEST]], fashion-mnist[:DIR] or "
    "npy:IMAGES.npy,LABELS.npy";

/// Parses a non-negative decimal count; false on anything else.
bool parseCount(const std::string &text, int64_t &value) {
  if (text.empty() || text.size() > 12 ||
      text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  value = std::strtoll(text.c_str(), nullptr, 10);
  return true;
}

std::optional<Dataset> loadSynthetic(const std::string &arguments,
                                     const std::vector<int64_t> &sampleShape,
                                     int64_t numClasses, uint64_t seed,
                                     std::string &error) {
  int64_t trainCount = kSyntheticTrainCount, testCount = kSyntheticTestCount;
  if (!arguments.empty()) {
    size_t comma = arguments.find(',');
    bool ok = parseCount(arguments.substr(0, comma), trainCount);
    if (comma != std::string::npos)
      ok = ok && parseCount(arguments.substr(comma + 1), testCount);
    if (!ok) {
      error = "bad sample counts in 'synthetic:" + arguments +
              "' (expected synthetic:TRAIN or synthetic:TRAIN,TEST)";
      return std::nullopt;
    }
  }
  return makeSyntheticDataset(sampleShape, numClasses, trainCount, testCount,
                              seed);
}

std::optional<Dataset> loadNpy(const std::string &arguments,
                               const std::vector<int64_t> &sampleShape,
                               int64_t numClasses, std::string &error) {
  size_t comma = arguments.find(',');
  if (comma == std::string::npos || comma == 0 ||
      comma + 1 == arguments.size()) {
    error = "bad dataset 'npy:" + arguments +
            "' (expected npy:IMAGES.npy,LABELS.npy)";
    return std::nullopt;
  }
  std::string imagesPath = arguments.substr(0, comma);
  std::string labelsPath = arguments.substr(comma + 1);

  Dataset dataset;
  dataset.description = "npy (" + imagesPath + ", " + labelsPath + ")";
  dataset.sampleShape = sampleShape;
  dataset.numClasses = numClasses;
  std::vector<int64_t> shape;
  std::optional<std::vector<float>> images =
      readNpyFloat32(imagesPath, shape, error);
  if (!images)
    return std::nullopt;
  std::vector<int64_t> found(shape.begin() + (shape.empty() ? 0 : 1),
                             shape.end());
  if (shape.empty() || found != sampleShape) {
    error = imagesPath + " has shape " + formatShape(shape) +
            " but the model takes samples of shape " +
            formatShape(sampleShape) + " (expected [N, " +
            formatShape(sampleShape).substr(1) + ")";
    return std::nullopt;
  }
  std::optional<std::vector<int32_t>> labels = readNpyLabels(labelsPath, error);
  if (!labels)
    return std::nullopt;
  if (static_cast<int64_t>(labels->size()) != shape[0]) {
    error = labelsPath + " has " + std::to_string(labels->size()) +
            " labels but " + imagesPath + " has " + std::to_string(shape[0]) +
            " samples";
    return std::nullopt;
  }
  dataset.train.count = shape[0];
  dataset.train.images = std::move(*images);
  dataset.train.labels = std::move(*labels);
  if (!checkLabels(dataset.train, numClasses, labelsPath, error))
    return std::nullopt;
  return dataset;
}

} // namespace

int64_t Dataset::sampleSize() const {
  int64_t size = 1;
  for (int64_t dim : sampleShape)
    size *= dim;
  return size;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

bool checkLabels(const DatasetSplit &split, int64_t numClasses,
                 const std::string &source, std::string &error) {
  for (int64_t i = 0; i < split.count; ++i) {
    int32_t label = split.labels[i];
    if (label < 0 || label >= numClasses) {
      error = source + ": label " + std::to_string(label) + " of sample " +
              std::to_string(i) + " is outside the model's " +
              std::to_string(numClasses) + " classes [0, " +
              std::to_string(numClasses) + ")";
      return false;
    }
  }
  return true;
}

std::optional<Dataset> loadDataset(const std::string &spec,
                                   const std::vector<int64_t> &sampleShape,
                                   int64_t numClasses, uint64_t seed,
                                   std::string &error) {
  bool shapeOk = !sampleShape.empty();
  for (int64_t dim : sampleShape)
    shapeOk = shapeOk && dim > 0;
  if (!shapeOk) {
    error = "the model's sample shape " + formatShape(sampleShape) +
            " has no elements";
    return std::nullopt;
  }
  if (numClasses < 1) {
    error = "the model has " + std::to_string(numClasses) +
            " classes (expected at least 1)";
    return std::nullopt;
  }

  size_t colon = spec.find(':');
  std::string kind = spec.substr(0, colon);
  std::string arguments =
      colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "synthetic")
    return loadSynthetic(arguments, sampleShape, numClasses, seed, error);
  if (kind == "fashion-mnist")
    return loadFashionMnist(colon == std::string::npos ? kFashionMnistDefaultDir
                                                       : arguments,
                            sampleShape, numClasses, error);
  if (kind == "npy" && colon != std::string::npos)
    return loadNpy(arguments, sampleShape, numClasses, error);
  error = "unknown dataset '" + spec + "' (" + kSpecHelp + ")";
  return std::nullopt;
}

} // namespace trainc::rt
