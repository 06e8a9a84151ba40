//===- NoiseScaleTest.cpp - (M2)-(M4) on constructed gradients ------------===//

#include "train/NoiseScale.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace trainc::rt;

namespace {

// (M1): E|G_B|^2 = |G|^2 + tr(Sigma) / B. With |G|^2 = 4 and tr(Sigma) =
// 64, a batch of 8 has E|G_8|^2 = 12 and a batch of 32 has 6: (M2) and (M3)
// recover 4 and 64 exactly, and B_simple = 16.
TEST(NoiseScaleTest, RecoversTheConstructedNoise) {
  NoiseEstimate e = estimateNoise(12.0, 8.0, 6.0, 32.0);
  EXPECT_DOUBLE_EQ(e.gradSq, 4.0);
  EXPECT_DOUBLE_EQ(e.trace, 64.0);
  NoiseScale scale;
  EXPECT_TRUE(std::isnan(scale.scale()));
  scale.add(e);
  // One step: the bias-corrected averages are the step's own values.
  EXPECT_DOUBLE_EQ(scale.gradSq(), 4.0);
  EXPECT_DOUBLE_EQ(scale.trace(), 64.0);
  EXPECT_DOUBLE_EQ(scale.scale(), 16.0);
}

// The ratio of EMAs (beta 0.99), not the EMA of ratios: after steps with
// (|G|^2, tr) = (1, 10) and (3, 10), each average is (0.99 0.01 x1 + 0.01
// x2) / (1 - 0.99^2), computed below. A handful of roundings of values near
// 1 to 10 (and pow): within 1e-13 relative.
TEST(NoiseScaleTest, IsTheRatioOfTheAverages) {
  NoiseScale scale;
  scale.add({1.0, 10.0});
  scale.add({3.0, 10.0});
  double g = (0.99 * 0.01 * 1.0 + 0.01 * 3.0) / (1 - 0.99 * 0.99);
  double t = (0.99 * 0.01 * 10.0 + 0.01 * 10.0) / (1 - 0.99 * 0.99);
  EXPECT_NEAR(scale.gradSq(), g, 1e-13 * g);
  EXPECT_NEAR(scale.trace(), t, 1e-13 * t);
  EXPECT_NEAR(scale.scale(), t / g, 1e-13 * (t / g));
  // A negative |G|^2 average (few samples) has no scale.
  NoiseScale negative;
  negative.add({-1.0, 10.0});
  EXPECT_TRUE(std::isnan(negative.scale()));
}

} // namespace
