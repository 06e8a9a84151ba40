//===- Shuffle.h - the order of the samples in an epoch ---------*- C++ -*-===//
//
// The order is a pure function of (seed, epoch, count), so a resumed run
// recomputes the permutation of the epoch it stopped in instead of storing
// it, and every run with the same seed sees the same batches.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_SHUFFLE_H
#define TRAINC_RUNTIME_TRAIN_SHUFFLE_H

#include <cstdint>
#include <vector>

namespace trainc::rt {

/// A permutation of [0, count): Fisher-Yates driven by SplitMix64 seeded
/// from `seed` and `epoch` (0-based).
std::vector<int64_t> epochPermutation(uint64_t seed, int64_t epoch,
                                      int64_t count);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_SHUFFLE_H
