//===- Dataset.h - training data in memory ----------------------*- C++ -*-===//
//
// A dataset is two splits of (sample, label) pairs already in the model's
// input layout: float32 samples of the model's sample shape ([C, H, W] for
// images, stored NCHW), int32 labels in [0, numClasses).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_DATA_DATASET_H
#define TRAINC_RUNTIME_DATA_DATASET_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trainc::rt {

struct DatasetSplit {
  /// [count, sampleShape...], row-major.
  std::vector<float> images;
  /// [count], each in [0, numClasses).
  std::vector<int32_t> labels;
  int64_t count = 0;
};

struct Dataset {
  /// Where the data came from, for the training log.
  std::string description;
  /// The shape of one sample, e.g. [1, 28, 28].
  std::vector<int64_t> sampleShape;
  int64_t numClasses = 0;
  DatasetSplit train;
  /// Empty (count 0) when the source has no test split (npy:).
  DatasetSplit test;

  /// Number of floats in one sample.
  int64_t sampleSize() const;
};

/// Loads the dataset `spec` names for a model whose samples have shape
/// `sampleShape` and whose outputs have `numClasses` classes. Specs:
///   synthetic[:TRAIN[,TEST]]  deterministic from `seed` (default 1024, 256)
///   fashion-mnist[:DIR]       the four IDX .gz files; DIR defaults to
///                             kFashionMnistDefaultDir
///   npy:IMAGES.npy,LABELS.npy the whole files are the training split; there
///                             is no test split
/// On failure returns nothing and sets `error` to a one-line message.
std::optional<Dataset> loadDataset(const std::string &spec,
                                   const std::vector<int64_t> &sampleShape,
                                   int64_t numClasses, uint64_t seed,
                                   std::string &error);

/// "[1, 28, 28]", for messages.
std::string formatShape(const std::vector<int64_t> &shape);

/// Sets `error` and returns false when a label of `split` lies outside
/// [0, numClasses); `source` names the file in the message.
bool checkLabels(const DatasetSplit &split, int64_t numClasses,
                 const std::string &source, std::string &error);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_DATA_DATASET_H
