//===- FashionMnist.cpp - the Fashion-MNIST dataset -----------------------===//

#include "data/FashionMnist.h"

#include "data/Idx.h"

#include <sys/stat.h>

namespace trainc::rt {
namespace {

/// Reads one split (`prefix` is "train" or "t10k") into `split`.
bool loadSplit(const std::string &dir, const std::string &prefix,
               const std::vector<int64_t> &sampleShape, int64_t numClasses,
               DatasetSplit &split, std::string &error) {
  std::string imagesPath = dir + "/" + prefix + "-images-idx3-ubyte.gz";
  std::string labelsPath = dir + "/" + prefix + "-labels-idx1-ubyte.gz";
  std::optional<IdxArray> images = readIdx(imagesPath, kIdxImagesMagic, error);
  if (!images)
    return false;
  std::vector<int64_t> imageShape = {1, images->dims[1], images->dims[2]};
  if (imageShape != sampleShape) {
    error = "fashion-mnist samples have shape " + formatShape(imageShape) +
            " but the model takes " + formatShape(sampleShape) + " (" +
            imagesPath + ")";
    return false;
  }
  std::optional<IdxArray> labels = readIdx(labelsPath, kIdxLabelsMagic, error);
  if (!labels)
    return false;
  if (labels->dims[0] != images->dims[0]) {
    error = labelsPath + " has " + std::to_string(labels->dims[0]) +
            " labels but " + imagesPath + " has " +
            std::to_string(images->dims[0]) + " images";
    return false;
  }

  split.count = images->dims[0];
  split.labels.assign(labels->data.begin(), labels->data.end());
  if (!checkLabels(split, numClasses, labelsPath, error))
    return false;
  // Scale to [0, 1], then normalise with the training-set statistics.
  const float scale = 1.0f / (255.0f * kFashionMnistStd);
  const float shift = kFashionMnistMean / kFashionMnistStd;
  split.images.resize(images->data.size());
  for (size_t i = 0; i < images->data.size(); ++i)
    split.images[i] = images->data[i] * scale - shift;
  return true;
}

} // namespace

std::optional<Dataset> loadFashionMnist(const std::string &dir,
                                        const std::vector<int64_t> &sampleShape,
                                        int64_t numClasses,
                                        std::string &error) {
  struct stat info;
  if (stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    error = "fashion-mnist directory " + dir +
            " does not exist (install Debian's dataset-fashion-mnist or "
            "pass fashion-mnist:DIR)";
    return std::nullopt;
  }
  Dataset dataset;
  dataset.description = "fashion-mnist (" + dir + ")";
  dataset.sampleShape = sampleShape;
  dataset.numClasses = numClasses;
  if (!loadSplit(dir, "train", sampleShape, numClasses, dataset.train, error) ||
      !loadSplit(dir, "t10k", sampleShape, numClasses, dataset.test, error))
    return std::nullopt;
  return dataset;
}

} // namespace trainc::rt
