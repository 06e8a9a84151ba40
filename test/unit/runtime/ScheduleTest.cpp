//===- ScheduleTest.cpp - the learning rate of each step ------------------===//

#include "train/Schedule.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace trainc::rt;

namespace {

/// The expected values below are worked out by hand (cosines from tables),
/// so they agree with the schedule to about 1e-15, not bit for bit.
void expectRate(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::fabs(expected) + 1e-15);
}

ScheduleOptions schedule(const std::string &kind, double lr) {
  ScheduleOptions o;
  o.kind = kind;
  o.lr = lr;
  return o;
}

std::string validationError(const ScheduleOptions &o) {
  std::string error;
  EXPECT_FALSE(validateSchedule(o, error)) << "expected an error";
  return error;
}

std::string parseError(const std::string &text) {
  std::vector<double> out = {42.0};
  std::string error;
  EXPECT_FALSE(parseMilestones("--lr-milestones", text, out, error))
      << "'" << text << "' parsed";
  EXPECT_EQ(out, std::vector<double>{42.0}) << "touched on error: " << text;
  return error;
}

TEST(ScheduleTest, ConstantIsTheBaseRate) {
  ScheduleOptions o = schedule("constant", 0.25);
  for (int64_t t : {0, 1, 99, 100, 1000})
    EXPECT_EQ(learningRate(o, t, 100, 7), 0.25);
}

TEST(ScheduleTest, StepDecaysAtMilestonesConvertedToSteps) {
  // Epochs 2.5 and 5 at 7 steps per epoch: steps round(17.5) = 18 and 35.
  ScheduleOptions o = schedule("step", 0.4);
  o.milestones = {2.5, 5};
  o.gamma = 0.1;
  for (int64_t t : {0, 1, 17})
    expectRate(learningRate(o, t, 100, 7), 0.4);
  for (int64_t t : {18, 19, 34})
    expectRate(learningRate(o, t, 100, 7), 0.04);
  for (int64_t t : {35, 36, 99, 500})
    expectRate(learningRate(o, t, 100, 7), 0.004);
}

TEST(ScheduleTest, StepRoundsMilestonesToTheNearestStep) {
  // 0.5 * 7 = 3.5 rounds up to 4; 0.4 * 7 = 2.8 to 3; 0.35 * 10 = 3.5 to 4.
  ScheduleOptions half = schedule("step", 1.0);
  half.milestones = {0.5};
  half.gamma = 0.5;
  expectRate(learningRate(half, 3, 100, 7), 1.0);
  expectRate(learningRate(half, 4, 100, 7), 0.5);
  ScheduleOptions down = half;
  down.milestones = {0.4};
  expectRate(learningRate(down, 2, 100, 7), 1.0);
  expectRate(learningRate(down, 3, 100, 7), 0.5);
  // Whole epochs land on epoch boundaries; gamma > 1 grows the rate.
  ScheduleOptions whole = schedule("step", 0.01);
  whole.milestones = {1, 3};
  whole.gamma = 3;
  expectRate(learningRate(whole, 6, 100, 7), 0.01);
  expectRate(learningRate(whole, 7, 100, 7), 0.03);
  expectRate(learningRate(whole, 20, 100, 7), 0.03);
  expectRate(learningRate(whole, 21, 100, 7), 0.09);
}

TEST(ScheduleTest, StepAppliesMilestonesRoundingToOneStepTogether) {
  // 1.0 and 1.05 epochs at 7 steps per epoch are both step 7.
  ScheduleOptions o = schedule("step", 1.0);
  o.milestones = {1.0, 1.05};
  o.gamma = 0.5;
  expectRate(learningRate(o, 6, 100, 7), 1.0);
  expectRate(learningRate(o, 7, 100, 7), 0.25);
}

TEST(ScheduleTest, CosineEndpointsAndMidpoint) {
  ScheduleOptions o = schedule("cosine", 0.5);
  o.endLr = 0.1;
  expectRate(learningRate(o, 0, 20, 7), 0.5);
  expectRate(learningRate(o, 10, 20, 7), 0.3); // 0.1 + 0.4 / 2
  expectRate(learningRate(o, 20, 20, 7), 0.1);
  // t / T = 1/4: 0.1 + 0.4 * (1 + sqrt(2) / 2) / 2.
  expectRate(learningRate(o, 5, 20, 7), 0.1 + 0.2 * 1.7071067811865476);
  // Symmetric about the midpoint: s(10 - d) + s(10 + d) = lr + endLr.
  expectRate(learningRate(o, 3, 20, 7) + learningRate(o, 17, 20, 7), 0.6);
}

TEST(ScheduleTest, CosineWithoutALengthIsConstant) {
  ScheduleOptions o = schedule("cosine", 0.5);
  o.endLr = 0.1;
  EXPECT_EQ(learningRate(o, 0, 0, 7), 0.5);
  EXPECT_EQ(learningRate(o, 3, -1, 7), 0.5);
}

TEST(ScheduleTest, PolynomialPowerTwoAndOneHalf) {
  ScheduleOptions square = schedule("polynomial", 1.0);
  square.power = 2;
  expectRate(learningRate(square, 0, 10, 7), 1.0);
  expectRate(learningRate(square, 3, 10, 7), 0.49); // 0.7^2
  expectRate(learningRate(square, 5, 10, 7), 0.25);
  EXPECT_EQ(learningRate(square, 10, 10, 7), 0.0);
  EXPECT_EQ(learningRate(square, 15, 10, 7), 0.0); // held past T

  ScheduleOptions root = schedule("polynomial", 1.0);
  root.power = 0.5;
  expectRate(learningRate(root, 5, 10, 7), 0.7071067811865476);  // sqrt 0.5
  expectRate(learningRate(root, 9, 10, 7), 0.31622776601683794); // sqrt 0.1

  ScheduleOptions toEnd = schedule("polynomial", 0.5);
  toEnd.power = 2;
  toEnd.endLr = 0.1;
  expectRate(learningRate(toEnd, 5, 10, 7), 0.2); // 0.1 + 0.4 * 0.25
  expectRate(learningRate(toEnd, 10, 10, 7), 0.1);
  expectRate(learningRate(toEnd, 12, 10, 7), 0.1);
  EXPECT_EQ(learningRate(toEnd, 4, 0, 7), 0.5);
}

TEST(ScheduleTest, PolynomialPowerOneIsLinear) {
  ScheduleOptions o = schedule("polynomial", 0.8);
  expectRate(learningRate(o, 1, 4, 7), 0.6);
  expectRate(learningRate(o, 2, 4, 7), 0.4);
  expectRate(learningRate(o, 3, 4, 7), 0.2);
}

TEST(ScheduleTest, WarmupFromZeroScalesByStepOverLength) {
  ScheduleOptions o = schedule("constant", 0.8);
  o.warmupSteps = 4;
  expectRate(learningRate(o, 0, 100, 7), 0.2);
  expectRate(learningRate(o, 1, 100, 7), 0.4);
  expectRate(learningRate(o, 2, 100, 7), 0.6);
  EXPECT_EQ(learningRate(o, 3, 100, 7), 0.8);
  EXPECT_EQ(learningRate(o, 4, 100, 7), 0.8);
}

TEST(ScheduleTest, WarmupFromANonZeroStartIsLinear) {
  ScheduleOptions o = schedule("constant", 1.0);
  o.warmupSteps = 4;
  o.warmupStartLr = 0.2;
  // 0.2 + 0.8 * (t + 1) / 4: equal steps of 0.2 reaching lr at t = W - 1.
  expectRate(learningRate(o, 0, 100, 7), 0.4);
  expectRate(learningRate(o, 1, 100, 7), 0.6);
  expectRate(learningRate(o, 2, 100, 7), 0.8);
  expectRate(learningRate(o, 3, 100, 7), 1.0);
  EXPECT_EQ(learningRate(o, 4, 100, 7), 1.0);
}

TEST(ScheduleTest, WarmupRampsTowardsTheCurveAndJoinsIt) {
  ScheduleOptions o = schedule("cosine", 0.5);
  o.warmupSteps = 4;
  o.warmupStartLr = 0.1;
  ScheduleOptions base = o;
  base.warmupSteps = 0;
  // s(1) = 0.25 * (1 + cos 9 deg), rate(1) = 0.1 + (s(1) - 0.1) * 2 / 4.
  double s1 = 0.25 * (1 + 0.98768834059513777);
  expectRate(learningRate(base, 1, 20, 7), s1);
  expectRate(learningRate(o, 1, 20, 7), 0.1 + (s1 - 0.1) / 2);
  // s(3) = 0.25 * (1 + cos 27 deg): the last warm-up step is on the curve...
  expectRate(learningRate(o, 3, 20, 7), 0.25 * (1 + 0.89100652418836787));
  expectRate(learningRate(o, 3, 20, 7), learningRate(base, 3, 20, 7));
  // ...and from W on the rate is the curve's, bit for bit.
  for (int64_t t = 4; t <= 20; ++t)
    EXPECT_EQ(learningRate(o, t, 20, 7), learningRate(base, t, 20, 7)) << t;
}

TEST(ScheduleTest, WarmupLongerThanTheRunKeepsRamping) {
  ScheduleOptions o = schedule("constant", 1.0);
  o.warmupSteps = 10;
  expectRate(learningRate(o, 4, 5, 7), 0.5);
}

/// Trainer::learningRate() before this module: what the existing runs and
/// test/Runtime/lr-schedule.test expect.
float originalTrainerRate(float optionLr, const std::string &kind,
                          int64_t warmupSteps, int64_t stepCount,
                          int64_t total) {
  double lr = optionLr;
  if (kind == "cosine" && total > 0)
    lr *= 0.5 * (1.0 + std::cos(M_PI * double(stepCount) / double(total)));
  if (stepCount < warmupSteps)
    lr *= double(stepCount + 1) / double(warmupSteps);
  return static_cast<float>(lr);
}

TEST(ScheduleTest, ConstantAndCosineMatchTheOriginalTrainerBitForBit) {
  for (const char *kind : {"constant", "cosine"})
    for (float lr : {0.5f, 0.1f, 0.05f, 1e-3f})
      for (int64_t warmup : {0, 1, 4, 30})
        for (int64_t total : {0, 1, 20, 1000}) {
          ScheduleOptions o = schedule(kind, lr);
          o.warmupSteps = warmup;
          for (int64_t t = 0; t < 40; ++t)
            EXPECT_EQ(static_cast<float>(learningRate(o, t, total, 16)),
                      originalTrainerRate(lr, kind, warmup, t, total))
                << kind << " lr " << lr << " warm-up " << warmup << " T "
                << total << " t " << t;
        }
}

TEST(ScheduleTest, ValidSchedulesPass) {
  std::string error;
  EXPECT_TRUE(validateSchedule(ScheduleOptions(), error)) << error;
  ScheduleOptions step = schedule("step", 0.1);
  step.milestones = {0.5, 30, 60.25};
  step.warmupSteps = 5;
  step.warmupStartLr = 0.01;
  EXPECT_TRUE(validateSchedule(step, error)) << error;
  ScheduleOptions poly = schedule("polynomial", 0.0);
  poly.power = 0.5;
  poly.endLr = 0.2; // rising is allowed, as in TensorFlow
  EXPECT_TRUE(validateSchedule(poly, error)) << error;
  EXPECT_TRUE(validateSchedule(schedule("cosine", 1.0), error)) << error;
}

TEST(ScheduleTest, ValidationErrorsNameTheFlag) {
  EXPECT_EQ(validationError(schedule("linear", 0.1)),
            "--lr-schedule: expected 'constant', 'step', 'cosine' or "
            "'polynomial', got 'linear'");
  EXPECT_EQ(validationError(schedule("constant", -0.5)),
            "--lr: expected a finite number >= 0, got '-0.5'");
  EXPECT_EQ(validationError(schedule("constant", NAN)),
            "--lr: expected a finite number >= 0, got 'nan'");
  EXPECT_EQ(validationError(schedule("step", 0.1)),
            "--lr-schedule step needs --lr-milestones E1,E2,...");

  ScheduleOptions o = schedule("cosine", 0.1);
  o.milestones = {30};
  EXPECT_EQ(validationError(o), "--lr-milestones needs --lr-schedule step");

  o.kind = "step";
  o.milestones = {30, 20};
  EXPECT_EQ(validationError(o),
            "--lr-milestones: expected increasing epochs > 0, got '30,20'");
  o.milestones = {2.5, 2.5};
  EXPECT_EQ(validationError(o),
            "--lr-milestones: expected increasing epochs > 0, got '2.5,2.5'");
  o.milestones = {0, 5};
  EXPECT_EQ(validationError(o),
            "--lr-milestones: expected increasing epochs > 0, got '0,5'");
  o.milestones = {1, INFINITY};
  EXPECT_EQ(validationError(o),
            "--lr-milestones: expected increasing epochs > 0, got '1,inf'");
  o.milestones = {30};

  o.gamma = 0;
  EXPECT_EQ(validationError(o),
            "--lr-gamma: expected a finite number > 0, got '0'");
  o.gamma = 0.1;
  o.power = -2;
  EXPECT_EQ(validationError(o),
            "--lr-power: expected a finite number > 0, got '-2'");
  o.power = 1;
  o.endLr = -1e-05;
  EXPECT_EQ(validationError(o),
            "--lr-end: expected a finite number >= 0, got '-1e-05'");
  o.endLr = 0;
  o.warmupSteps = -3;
  EXPECT_EQ(validationError(o),
            "--warmup-steps: expected an integer >= 0, got '-3'");
  o.warmupSteps = 3;
  o.warmupStartLr = INFINITY;
  EXPECT_EQ(validationError(o),
            "--warmup-start-lr: expected a finite number >= 0, got 'inf'");
}

TEST(ScheduleTest, MilestonesParse) {
  std::vector<double> out;
  std::string error;
  ASSERT_TRUE(parseMilestones("--lr-milestones", "30,60,80", out, error))
      << error;
  EXPECT_EQ(out, (std::vector<double>{30, 60, 80}));
  ASSERT_TRUE(parseMilestones("--lr-milestones", "2.5,5", out, error)) << error;
  EXPECT_EQ(out, (std::vector<double>{2.5, 5}));
  ASSERT_TRUE(parseMilestones("--lr-milestones", "0.1", out, error)) << error;
  EXPECT_EQ(out, (std::vector<double>{0.1}));
  ASSERT_TRUE(parseMilestones("--lr-milestones", "1e1,2.5e1", out, error))
      << error;
  EXPECT_EQ(out, (std::vector<double>{10, 25}));
}

TEST(ScheduleTest, MilestoneParseErrorsNameTheFlag) {
  for (const char *text :
       {"", ",", "30,,60", "30,60,", ",30", "abc", "30x", "30, 60", " 30",
        "30 ", "nan", "inf", "1e999", "30;60"})
    EXPECT_EQ(parseError(text),
              std::string("--lr-milestones: expected comma-separated epochs "
                          "such as 30,60,80, got '") +
                  text + "'");
  for (const char *text : {"30,20", "30,30", "0,5", "-1", "5,-5", "0"})
    EXPECT_EQ(parseError(text),
              std::string("--lr-milestones: expected increasing epochs > 0, "
                          "got '") +
                  text + "'");
  std::vector<double> out;
  std::string error;
  EXPECT_FALSE(parseMilestones("--decay-at", "x", out, error));
  EXPECT_EQ(error, "--decay-at: expected comma-separated epochs such as "
                   "30,60,80, got 'x'");
}

TEST(ScheduleTest, Descriptions) {
  ScheduleOptions step = schedule("step", 0.1);
  step.milestones = {30, 60, 80};
  step.warmupSteps = 5;
  EXPECT_EQ(describeSchedule(step),
            "step x0.1 at epochs 30, 60, 80 after 5 warm-up steps from 0");
  step.milestones = {2.5};
  step.gamma = 0.5;
  step.warmupSteps = 1;
  step.warmupStartLr = 0.001;
  EXPECT_EQ(describeSchedule(step),
            "step x0.5 at epoch 2.5 after 1 warm-up step from 0.001");
  EXPECT_EQ(describeSchedule(ScheduleOptions()), "constant");
  EXPECT_EQ(describeSchedule(schedule("cosine", 0.5)), "cosine to 0");
  ScheduleOptions poly = schedule("polynomial", 0.5);
  poly.power = 2;
  poly.endLr = 1e-4;
  EXPECT_EQ(describeSchedule(poly), "polynomial power 2 to 0.0001");
}

} // namespace
