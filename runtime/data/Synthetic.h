//===- Synthetic.h - a deterministic learnable dataset ----------*- C++ -*-===//
//
// Each class gets a random prototype sample; a sample is its class's
// prototype plus uniform noise, so a model can learn it and a run is
// reproducible from the seed alone (no std:: distributions, whose output
// differs between standard libraries).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_DATA_SYNTHETIC_H
#define TRAINC_RUNTIME_DATA_SYNTHETIC_H

#include "data/Dataset.h"

namespace trainc::rt {

/// `sampleShape` and `numClasses` must be positive (loadDataset checks).
Dataset makeSyntheticDataset(const std::vector<int64_t> &sampleShape,
                             int64_t numClasses, int64_t trainCount,
                             int64_t testCount, uint64_t seed);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_DATA_SYNTHETIC_H
