//===- OptimizerTest.cpp - flags to the compiled update's coefficients ----===//
//
// The coefficients are checked against the optimizers' published update
// rules (torch/optim/{sgd,adagrad,rmsprop,adam,adamw}.py), written out
// here step by step in double: the rule of trainc/model.h with the
// runtime's coefficients must reproduce them.
//
//===----------------------------------------------------------------------===//

#include "train/Optimizer.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace trainc::rt;

namespace {

OptimizerSettings resolve(const std::string &optimizer,
                          std::vector<const char *> flags = {}) {
  flags.insert(flags.begin(), "train");
  std::string error;
  auto options =
      parseOptions(static_cast<int>(flags.size()), flags.data(), error);
  EXPECT_TRUE(options) << error;
  auto settings = resolveOptimizer(*options, optimizer, error);
  EXPECT_TRUE(settings) << error;
  return settings ? *settings : OptimizerSettings();
}

std::string resolveError(const std::string &optimizer,
                         std::vector<const char *> flags) {
  flags.insert(flags.begin(), "train");
  std::string error;
  auto options =
      parseOptions(static_cast<int>(flags.size()), flags.data(), error);
  EXPECT_TRUE(options) << error;
  EXPECT_FALSE(resolveOptimizer(*options, optimizer, error));
  return error;
}

TEST(OptimizerTest, DefaultsFollowTheReferences) {
  EXPECT_EQ(resolve("momentum").momentum, 0.9);
  EXPECT_EQ(resolve("rmsprop").momentum, 0.0);
  EXPECT_FLOAT_EQ(resolve("adamw").weightDecay, 0.01);
  EXPECT_FLOAT_EQ(resolve("lars").weightDecay, 1e-4);
  EXPECT_EQ(resolve("adam").weightDecay, 0.0);
  EXPECT_FLOAT_EQ(resolve("adagrad").eps, 1e-10);
  EXPECT_FLOAT_EQ(resolve("lamb").eps, 1e-6);
  EXPECT_EQ(resolve("lars").eps, 0.0);
  EXPECT_FLOAT_EQ(resolve("adam").eps, 1e-8);
  EXPECT_FLOAT_EQ(resolve("adam", {"--eps", "1e-3"}).eps, 1e-3);
  EXPECT_EQ(resolve("adamw", {"--weight-decay", "0"}).weightDecay, 0.0);
  EXPECT_TRUE(resolve("lamb").biasCorrection);
  EXPECT_FALSE(resolve("lamb", {"--no-bias-correction"}).biasCorrection);
}

TEST(OptimizerTest, FlagsThatDoNotApplyAreErrors) {
  EXPECT_EQ(resolveError("momentum", {"--beta1", "0.8"}),
            "--beta1 does not apply to the compiled optimizer 'momentum' "
            "(it is a flag of adam, adamw or lamb)");
  EXPECT_EQ(resolveError("sgd", {"--momentum", "0.9"}),
            "--momentum does not apply to the compiled optimizer 'sgd' (it "
            "is a flag of momentum, nesterov, rmsprop or lars)");
  EXPECT_EQ(resolveError("nesterov", {"--dampening", "0.1"}),
            "--dampening does not apply to the compiled optimizer "
            "'nesterov' (it is a flag of momentum)");
  EXPECT_EQ(resolveError("adam", {"--centered"}),
            "--centered does not apply to the compiled optimizer 'adam' (it "
            "is a flag of rmsprop)");
  EXPECT_EQ(resolveError("adam", {"--beta2", "1"}),
            "--beta1 and --beta2 must be < 1 and --alpha <= 1");
  EXPECT_EQ(resolveError("nlcg-2", {}),
            "the model was compiled with the unknown optimizer 'nlcg-2'");
}

/// w after `grads.size()` steps of the model.h rule for `settings`.
struct Element {
  double w, s0 = 0, s1 = 0, s2 = 0;
};

void applyRule(const std::string &name, const trainc_update_coeffs &c,
               Element &e, double g) {
  double d = g + c.weight_decay * e.w;
  if (name == "momentum" || name == "nesterov") {
    e.s0 = c.momentum * e.s0 + c.keep * d;
    e.w -= c.lr * (name == "nesterov" ? d + c.momentum * e.s0 : e.s0);
  } else if (name == "adagrad") {
    e.s0 += d * d;
    e.w -= c.lr * d / (std::sqrt(e.s0) + c.eps);
  } else if (name == "rmsprop") {
    e.s0 = c.beta2 * e.s0 + c.keep2 * d * d;
    double var = e.s0;
    if (c.centered != 0) {
      e.s2 = c.beta2 * e.s2 + c.keep2 * d;
      var -= e.s2 * e.s2;
    }
    double step = d / (std::sqrt(var) + c.eps);
    if (c.has_momentum != 0)
      step = e.s1 = c.momentum * e.s1 + step;
    e.w -= c.lr * step;
  } else if (name == "adam" || name == "adamw") {
    e.s0 = c.momentum * e.s0 + c.keep * d;
    e.s1 = c.beta2 * e.s1 + c.keep2 * d * d;
    e.w = c.decay * e.w -
          c.lr * e.s0 / (std::sqrt(e.s1) * c.denom_scale + c.eps);
  }
}

const double kGrads[] = {0.5, -0.25, 1.0, 0.125, -2.0};

double runRule(const OptimizerSettings &s, double lr) {
  Element e{0.75};
  int64_t t = 0;
  for (double g : kGrads)
    applyRule(s.name, updateCoefficients(s, t++, lr), e, g);
  return e.w;
}

TEST(OptimizerTest, AdamAndAdamWAreTorchs) {
  for (const char *name : {"adam", "adamw"}) {
    OptimizerSettings s = resolve(name, {"--weight-decay", "0.1"});
    double lr = 0.01, w = 0.75, m = 0, v = 0;
    int t = 0;
    for (double g : kGrads) {
      ++t;
      if (s.name == "adamw")
        w *= 1 - lr * s.weightDecay;
      else
        g += s.weightDecay * w;
      m = s.beta1 * m + (1 - s.beta1) * g;
      v = s.beta2 * v + (1 - s.beta2) * g * g;
      double bc1 = 1 - std::pow(s.beta1, t), bc2 = 1 - std::pow(s.beta2, t);
      w -= lr / bc1 * m / (std::sqrt(v) / std::sqrt(bc2) + s.eps);
    }
    EXPECT_NEAR(runRule(s, lr), w, 1e-6 * std::fabs(w)) << name;
  }
}

TEST(OptimizerTest, SgdFamilyAdagradRmspropAreTorchs) {
  {
    OptimizerSettings s = resolve(
        "momentum", {"--dampening", "0.3", "--weight-decay", "0.01"});
    double w = 0.75, buf = 0, lr = 0.1;
    bool first = true;
    for (double g : kGrads) {
      g += 0.01 * w;
      buf = first ? g : 0.9 * buf + 0.7 * g;
      first = false;
      w -= lr * buf;
    }
    EXPECT_NEAR(runRule(s, 0.1), w, 1e-6);
  }
  {
    OptimizerSettings s = resolve("adagrad", {"--lr-decay", "0.5"});
    double w = 0.75, sum = 0;
    int step = 0;
    for (double g : kGrads) {
      ++step;
      double clr = 0.1 / (1 + (step - 1) * 0.5);
      sum += g * g;
      w -= clr * g / (std::sqrt(sum) + 1e-10);
    }
    EXPECT_NEAR(runRule(s, 0.1), w, 1e-6);
  }
  for (bool centered : {false, true}) {
    std::vector<const char *> flags = {"--momentum", "0.5", "--alpha", "0.9"};
    if (centered)
      flags.push_back("--centered");
    OptimizerSettings s = resolve("rmsprop", flags);
    double w = 0.75, sq = 0, avg = 0, buf = 0;
    for (double g : kGrads) {
      sq = 0.9 * sq + 0.1 * g * g;
      double denom;
      if (centered) {
        avg = 0.9 * avg + 0.1 * g;
        denom = std::sqrt(sq - avg * avg) + 1e-8;
      } else {
        denom = std::sqrt(sq) + 1e-8;
      }
      buf = 0.5 * buf + g / denom;
      w -= 0.01 * buf;
    }
    EXPECT_NEAR(runRule(s, 0.01), w, 1e-6) << centered;
  }
}

TEST(OptimizerTest, LambBiasCorrectionIsAFlag) {
  trainc_update_coeffs c = updateCoefficients(resolve("lamb"), 1, 0.01);
  // (beta1 and beta2 are the float flags' values: compare to 1e-5.)
  EXPECT_NEAR(c.m_scale, 1 / (1 - 0.9 * 0.9), 1e-5 * c.m_scale);
  EXPECT_NEAR(c.denom_scale, 1 / std::sqrt(1 - 0.999 * 0.999),
              1e-5 * c.denom_scale);
  EXPECT_FLOAT_EQ(c.lr, 0.01f);
  c = updateCoefficients(resolve("lamb", {"--no-bias-correction"}), 1, 0.01);
  EXPECT_EQ(c.m_scale, 1.0f);
  EXPECT_EQ(c.denom_scale, 1.0f);
}

TEST(OptimizerTest, WeightDecayOfBatchNormAndBiasesIsAFlag) {
  trainc_update_coeffs c =
      updateCoefficients(resolve("adam", {"--weight-decay", "0.5"}), 0, 0.1);
  EXPECT_EQ(c.weight_decay, 0.5f);
  EXPECT_EQ(c.weight_decay_bn_bias, 0.0f);
  c = updateCoefficients(
      resolve("adam", {"--weight-decay", "0.5", "--weight-decay-bn-bias"}), 0,
      0.1);
  EXPECT_EQ(c.weight_decay_bn_bias, 0.5f);
  c = updateCoefficients(resolve("adamw", {"--weight-decay", "0.5"}), 0, 0.1);
  EXPECT_EQ(c.weight_decay, 0.0f);
  EXPECT_FLOAT_EQ(c.decay, 0.95f);
  EXPECT_EQ(c.decay_bn_bias, 1.0f);
}

} // namespace
