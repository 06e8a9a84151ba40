//===- ShuffleTest.cpp - the per-epoch order of the training samples ------===//

#include "train/Shuffle.h"

#include "data/SplitMix64.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

using namespace trainc::rt;

namespace {

void expectPermutation(const std::vector<int64_t> &order, int64_t count) {
  ASSERT_EQ(static_cast<int64_t>(order.size()), count);
  std::vector<int> seen(count, 0);
  for (int64_t index : order) {
    ASSERT_GE(index, 0);
    ASSERT_LT(index, count);
    ++seen[index];
  }
  for (int64_t i = 0; i < count; ++i)
    EXPECT_EQ(seen[i], 1) << "sample " << i << " appears " << seen[i]
                          << " times in the epoch";
}

TEST(ShuffleTest, EveryEpochVisitsEverySampleOnce) {
  for (int64_t count : {0, 1, 2, 17, 1000, 60000})
    for (int64_t epoch : {0, 1, 7})
      expectPermutation(epochPermutation(3, epoch, count), count);
}

TEST(ShuffleTest, IsAPureFunctionOfSeedAndEpoch) {
  EXPECT_EQ(epochPermutation(5, 2, 1000), epochPermutation(5, 2, 1000));
}

TEST(ShuffleTest, DiffersBetweenEpochsAndSeeds) {
  std::vector<int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  std::vector<std::vector<int64_t>> orders;
  for (uint64_t seed : {0, 1, 2})
    for (int64_t epoch : {0, 1, 2})
      orders.push_back(epochPermutation(seed, epoch, 1000));
  for (size_t i = 0; i < orders.size(); ++i) {
    EXPECT_NE(orders[i], identity) << "order " << i << " is not shuffled";
    for (size_t j = i + 1; j < orders.size(); ++j) {
      // Two independent shuffles of 1000 agree in about one place.
      int same = 0;
      for (size_t k = 0; k < 1000; ++k)
        same += orders[i][k] == orders[j][k];
      EXPECT_LT(same, 20) << "orders " << i << " and " << j
                          << " (seed i/3, epoch i%3) agree in " << same
                          << " places";
    }
  }
}

TEST(ShuffleTest, IsUniformOverSmallPermutations) {
  // All 6 orders of 3 samples, each about 1/6 of 60000 (seed, epoch) pairs.
  std::map<std::vector<int64_t>, int> counts;
  for (int64_t epoch = 0; epoch < 60000; ++epoch)
    ++counts[epochPermutation(11, epoch, 3)];
  ASSERT_EQ(counts.size(), 6u);
  for (const auto &[order, count] : counts)
    EXPECT_NEAR(count, 10000, 400)
        << "order " << order[0] << order[1] << order[2];
}

TEST(ShuffleTest, OrderIsStableAcrossBuilds) {
  // Pinned: a checkpoint resumed by a later build must see the same order.
  EXPECT_EQ(epochPermutation(0, 0, 10),
            (std::vector<int64_t>{1, 2, 5, 7, 0, 8, 4, 3, 9, 6}));
  EXPECT_EQ(epochPermutation(7, 3, 10),
            (std::vector<int64_t>{8, 2, 1, 5, 3, 4, 6, 7, 9, 0}));
}

TEST(SplitMix64Test, BelowStaysInRange) {
  SplitMix64 rng(1);
  for (uint64_t bound : {1ull, 2ull, 3ull, 10ull, 1000003ull, 1ull << 63})
    for (int i = 0; i < 1000; ++i)
      EXPECT_LT(rng.below(bound), bound);
}

} // namespace
