//===- FashionMnist.h - the Fashion-MNIST dataset ---------------*- C++ -*-===//

#ifndef TRAINC_RUNTIME_DATA_FASHIONMNIST_H
#define TRAINC_RUNTIME_DATA_FASHIONMNIST_H

#include "data/Dataset.h"

namespace trainc::rt {

/// Where Debian's dataset-fashion-mnist package installs the files.
inline constexpr const char *kFashionMnistDefaultDir =
    "/usr/share/datasets/fashion-mnist";

/// Mean and standard deviation of all training-set pixels scaled to [0, 1]
/// (0.28604 and 0.35302); DataTest recomputes them from the files. Samples
/// are normalised with these so the inputs are about zero-mean, unit-variance.
inline constexpr float kFashionMnistMean = 0.2860f;
inline constexpr float kFashionMnistStd = 0.3530f;

/// Reads the four IDX files in `dir` (train-images-idx3-ubyte.gz,
/// train-labels-idx1-ubyte.gz, t10k-...), normalised, for a model taking
/// `sampleShape` ([1, 28, 28]) with `numClasses` classes.
std::optional<Dataset> loadFashionMnist(const std::string &dir,
                                        const std::vector<int64_t> &sampleShape,
                                        int64_t numClasses, std::string &error);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_DATA_FASHIONMNIST_H
