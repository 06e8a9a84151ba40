//===- Shuffle.cpp - the order of the training samples in an epoch --------===//

#include "train/Shuffle.h"

#include "data/SplitMix64.h"

#include <numeric>
#include <utility>

namespace trainc::rt {

std::vector<int64_t> epochPermutation(uint64_t seed, int64_t epoch,
                                      int64_t count) {
  // Derive the epoch's stream through one SplitMix64 step of the seed, so
  // that nearby (seed, epoch) pairs do not give overlapping streams.
  uint64_t epochSeed = SplitMix64(seed).next() ^
                       (static_cast<uint64_t>(epoch) * 0xd1342543de82ef95ull);
  SplitMix64 rng(epochSeed);
  std::vector<int64_t> order(count > 0 ? count : 0);
  std::iota(order.begin(), order.end(), int64_t(0));
  for (int64_t i = count - 1; i > 0; --i) {
    int64_t j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i) + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

} // namespace trainc::rt
