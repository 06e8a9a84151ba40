//===- BatchScheduleTest.cpp - --batch-schedule against hand tables -------===//

#include "train/BatchSchedule.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace trainc::rt;

namespace {

BatchSchedule parse(const std::string &text) {
  BatchSchedule schedule;
  std::string error;
  EXPECT_TRUE(parseBatchSchedule(text, schedule, error)) << error;
  return schedule;
}

std::string parseError(const std::string &text) {
  BatchSchedule schedule;
  std::string error;
  EXPECT_FALSE(parseBatchSchedule(text, schedule, error)) << text;
  return error;
}

ScheduleOptions stepDecay(std::vector<double> milestones, double gamma) {
  ScheduleOptions o;
  o.kind = "step";
  o.lr = 0.1;
  o.milestones = milestones;
  o.gamma = gamma;
  return o;
}

TEST(BatchScheduleTest, Parses) {
  BatchSchedule e = parse("epoch:0=1,2=4,3.5=8");
  ASSERT_EQ(e.kind, BatchSchedule::Kind::Epochs);
  ASSERT_EQ(e.milestones.size(), 3u);
  EXPECT_EQ(e.milestones[2].at, 3.5);
  EXPECT_EQ(e.milestones[2].accumulate, 8);
  EXPECT_EQ(parse("step:10=2").kind, BatchSchedule::Kind::Steps);
  EXPECT_EQ(parse("smith").kind, BatchSchedule::Kind::Smith);
  EXPECT_EQ(parse("noise").noiseFactor, 2);
  EXPECT_EQ(parse("noise:4").noiseFactor, 4);
}

TEST(BatchScheduleTest, RefusesBadSpecs) {
  EXPECT_EQ(parseError("linear"),
            "--batch-schedule: expected epoch:E=K,..., step:S=K,..., smith or "
            "noise[:F], got 'linear'");
  EXPECT_EQ(parseError("epoch:3=2,1=4"),
            "--batch-schedule: expected increasing epochs, got "
            "'epoch:3=2,1=4'");
  EXPECT_EQ(parseError("step:1.5=2"),
            "--batch-schedule: expected step:S=K,... with whole steps >= 0 "
            "and whole K >= 1, got 'step:1.5=2'");
  EXPECT_EQ(parseError("epoch:1=0"),
            "--batch-schedule: expected epoch:E=K,... with epochs >= 0 and "
            "whole K >= 1, got 'epoch:1=0'");
  EXPECT_EQ(parseError("epoch:"),
            "--batch-schedule: expected epoch:E=K,... with epochs >= 0 and "
            "whole K >= 1, got 'epoch:'");
  EXPECT_EQ(parseError("noise:1"),
            "--batch-schedule: expected noise or noise:F with a whole factor "
            "F >= 2, got 'noise:1'");
}

// Smith et al.'s CIFAR-10 schedule (OPTIMIZERS.md 2) at B0 = 128, lr 0.1,
// "decays" x0.2 at epochs 60, 120, 160 and a cap of 5000 samples: the batch
// goes 128 -> 640 -> 3200 -> 4992 (39 x 128, the largest step under the
// cap) and the last factor's remainder, 16000 / 4992, decays the rate: lr
// 0.1 x 4992 / 16000 = 0.0312. N = 12800 samples: 100 steps an epoch at
// B0.
TEST(BatchScheduleTest, SmithWithTheHybridCap) {
  std::string error;
  BatchPlan plan(parse("smith"), stepDecay({60, 120, 160}, 0.2), 128, 1, 5000,
                 12800, "none", error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(plan.maxAccumulate(), 39);
  struct Row {
    int64_t epoch, samples, accumulate;
    double lr;
  } table[] = {
      {0, 0, 1, 0.1},       {59, 12672, 1, 0.1},   {60, 0, 5, 0.1},
      {119, 9600, 5, 0.1},  {120, 0, 25, 0.1},     {159, 9600, 25, 0.1},
      {160, 0, 39, 0.0312}, {170, 4992, 39, 0.0312},
  };
  for (const Row &row : table) {
    RunPosition at{0, row.epoch, row.samples};
    int64_t k = plan.accumulate(at, 1);
    EXPECT_EQ(k, row.accumulate) << "epoch " << row.epoch;
    EXPECT_NEAR(plan.learningRate(at, k, 20000), row.lr, 1e-15)
        << "epoch " << row.epoch;
  }
  EXPECT_EQ(plan.stepsPerEpoch(39), 2); // 12800 / 4992
  EXPECT_EQ(plan.describe(),
            "smith (batch x5 at epochs 60, 120, 160), at most 4992 samples");
  // Without a cap the batch keeps growing and the rate stays.
  BatchPlan free(parse("smith"), stepDecay({60, 120, 160}, 0.2), 128, 1, 0,
                 12800, "none", error);
  EXPECT_EQ(free.accumulate({0, 160, 0}, 1), 125);
  EXPECT_EQ(free.learningRate({0, 160, 0}, 125, 20000), 0.1);
}

TEST(BatchScheduleTest, ExplicitEpochsAndSteps) {
  std::string error;
  ScheduleOptions constant;
  constant.lr = 0.1;
  // Epochs count examples: 3.5 is half-way through epoch 3.
  BatchPlan epochs(parse("epoch:2=4,3.5=8"), constant, 16, 2, 0, 1600,
                   "none", error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(epochs.accumulate({0, 1, 1568}, 1), 2);
  EXPECT_EQ(epochs.accumulate({0, 2, 0}, 1), 4);
  EXPECT_EQ(epochs.accumulate({0, 3, 768}, 1), 4);
  EXPECT_EQ(epochs.accumulate({0, 3, 800}, 1), 8);
  BatchPlan steps(parse("step:10=3"), constant, 16, 1, 0, 1600, "none",
                  error);
  EXPECT_EQ(steps.accumulate({9, 0, 0}, 1), 1);
  EXPECT_EQ(steps.accumulate({10, 0, 0}, 1), 3);
}

TEST(BatchScheduleTest, LearningRateScaling) {
  std::string error;
  ScheduleOptions constant;
  constant.lr = 0.1;
  BatchPlan linear(parse("step:1=4"), constant, 16, 1, 0, 1600, "linear",
                   error);
  EXPECT_DOUBLE_EQ(linear.learningRate({1, 0, 16}, 4, 100), 0.4);
  BatchPlan sqrt(parse("step:1=4"), constant, 16, 1, 0, 1600, "sqrt", error);
  EXPECT_DOUBLE_EQ(sqrt.learningRate({1, 0, 16}, 4, 100), 0.2);
}

// With a fixed batch the plan's rate is the step-based schedule's, bit for
// bit, at every step (the virtual step is the step count).
TEST(BatchScheduleTest, FixedBatchKeepsTheStepSchedule) {
  std::string error;
  ScheduleOptions cosine;
  cosine.kind = "cosine";
  cosine.lr = 0.3;
  cosine.warmupSteps = 7;
  BatchPlan plan(BatchSchedule{}, cosine, 24, 3, 0, 1000, "none", error);
  ASSERT_EQ(error, "");
  int64_t perEpoch = 1000 / 72; // 13
  for (int64_t step = 0; step < 60; ++step) {
    RunPosition at{step, step / perEpoch, (step % perEpoch) * 72};
    EXPECT_EQ(plan.learningRate(at, 3, 60),
              learningRate(cosine, step, 60, perEpoch))
        << "step " << step;
  }
}

TEST(BatchScheduleTest, RefusesBadCombinations) {
  std::string error;
  ScheduleOptions constant;
  BatchPlan a(parse("smith"), constant, 16, 1, 0, 1600, "none", error);
  EXPECT_EQ(error, "--batch-schedule smith turns the decays of --lr-schedule "
                   "step into batch increases: it needs --lr-schedule step");
  error.clear();
  BatchPlan b(parse("smith"), stepDecay({1}, 0.3), 16, 1, 0, 1600, "none",
              error);
  EXPECT_EQ(error, "--batch-schedule smith grows the batch by 1 / "
                   "--lr-gamma, which must be a whole number >= 2 "
                   "(--lr-gamma 0.3)");
  error.clear();
  BatchPlan c(parse("noise"), constant, 16, 2, 20, 1600, "none", error);
  EXPECT_EQ(error, "--max-batch 20 is smaller than the first step's batch of "
                   "32 samples");
  error.clear();
  BatchPlan d(parse("step:3=2"), constant, 16, 1, 64, 1600, "none", error);
  EXPECT_EQ(error, "--max-batch needs --batch-schedule smith or noise");
}

} // namespace
