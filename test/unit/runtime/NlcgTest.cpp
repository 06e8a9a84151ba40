//===- NlcgTest.cpp - NLCG's scalar phases --------------------------------===//
//
// The scalar part of NLCG (train/Nlcg.h) against OPTIMIZERS.md 1.2-1.3,
// computed here by hand: the curvature guard, beta by rule with restarts
// and the clip, the line search's table and its undo, the step.
//
//===----------------------------------------------------------------------===//

#include "train/Nlcg.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace trainc::rt;

namespace {

struct Phases {
  NlcgSettings settings;
  std::vector<double> scalars = std::vector<double>(kNumNlcgScalars, 0.0);
  float derived[TRAINC_NLCG_DERIVED_WIDTH] = {};
  trainc_update_coeffs coeffs{};
  Phases() {
    coeffs.lr = 0.5f;
    coeffs.eps = 1e-8f;
  }
  /// One step's three phases; `gather` is one bucket's first-pass sums,
  /// `rho`/`gpg` its second-pass sums.
  void step(std::vector<double> gather, double rho, double gpg, float loss) {
    gather.resize(TRAINC_NLCG_GATHER_WIDTH, 0.0);
    nlcgPhase(settings, 0, nullptr, 0, nullptr, coeffs, scalars.data(),
              derived);
    nlcgPhase(settings, 1, gather.data(), 1, nullptr, coeffs,
              scalars.data(), derived);
    double precond[TRAINC_NLCG_PRECOND_WIDTH] = {rho, gpg};
    nlcgPhase(settings, 2, precond, 1, &loss, coeffs, scalars.data(),
              derived);
  }
};

TEST(NlcgTest, StepZeroIsSgdAndResetsThePreconditioner) {
  Phases p;
  p.step({0, 0, 4, 0, 0, 0, 0}, 4, 0, 2.0f);
  EXPECT_EQ(p.derived[TRAINC_NLCG_RESET_H], 1.0f);
  EXPECT_EQ(p.derived[TRAINC_NLCG_AZ], 1.0f); // d = z = -P G
  EXPECT_EQ(p.derived[TRAINC_NLCG_AD], 0.0f);
  EXPECT_EQ(p.derived[TRAINC_NLCG_STEP], 0.5f); // eta * alpha, alpha = 1
  EXPECT_EQ(p.scalars[kNlcgRestart], 1.0);
  EXPECT_EQ(p.scalars[kNlcgRhoPrev], 4.0);
  EXPECT_EQ(p.scalars[kNlcgEma], 2.0);
  EXPECT_EQ(p.scalars[kNlcgEmaRef], 2.0);
}

TEST(NlcgTest, CurvatureGuardAndBfgsCoefficients) {
  Phases p;
  p.step({}, 4, 0, 2.0f);
  // Next step: s = step scale * d; phase 0 gives that scale.
  nlcgPhase(p.settings, 0, nullptr, 0, nullptr, p.coeffs, p.scalars.data(),
            p.derived);
  EXPECT_EQ(p.derived[TRAINC_NLCG_CS], 0.5f);
  std::vector<double> gather(TRAINC_NLCG_GATHER_WIDTH, 0.0);
  gather[TRAINC_NLCG_YS] = 2;
  gather[TRAINC_NLCG_SHS] = 3;
  nlcgPhase(p.settings, 1, gather.data(), 1, nullptr, p.coeffs,
            p.scalars.data(), p.derived);
  EXPECT_EQ(p.derived[TRAINC_NLCG_UPDATE_H], 1.0f);
  EXPECT_FLOAT_EQ(p.derived[TRAINC_NLCG_C1], 1 / 3.0f);
  EXPECT_FLOAT_EQ(p.derived[TRAINC_NLCG_C2], 1 / 2.0f);
  // y's below eps keeps h (N3).
  gather[TRAINC_NLCG_YS] = -1;
  nlcgPhase(p.settings, 1, gather.data(), 1, nullptr, p.coeffs,
            p.scalars.data(), p.derived);
  EXPECT_EQ(p.derived[TRAINC_NLCG_UPDATE_H], 0.0f);
  EXPECT_EQ(p.derived[TRAINC_NLCG_RESET_H], 0.0f);
}

TEST(NlcgTest, BetaByRuleWithinItsClip) {
  // rho_prev 4; now rho 3, G'P_prev g_prev 1, d'y 2, G'P g_prev 0.5.
  auto beta = [](NlcgSettings::Rule rule, bool clip) {
    Phases p;
    p.settings.rule = rule;
    p.settings.betaClip = clip;
    p.settings.lineSearch = NlcgSettings::LineSearch::Off;
    p.step({}, 4, 0, 1.0f);
    p.step({0, 0, 9, 0, 1, 2, 0}, 3, 0.5, 1.0f);
    return p.scalars[kNlcgBeta];
  };
  const double eps = double(1e-8f);
  EXPECT_DOUBLE_EQ(beta(NlcgSettings::Rule::FR, true), 3 / (4 + eps));
  EXPECT_DOUBLE_EQ(beta(NlcgSettings::Rule::PR, true), 2 / (4 + eps));
  EXPECT_DOUBLE_EQ(beta(NlcgSettings::Rule::HS, true), 1.0); // 2.5 clipped
  EXPECT_DOUBLE_EQ(beta(NlcgSettings::Rule::HS, false), 2.5 / (2 + eps));
  EXPECT_DOUBLE_EQ(beta(NlcgSettings::Rule::DY, false), 3 / (2 + eps));
  // rho_prev 4 and rho 3 with G'P_prev g_prev 5: PR is negative.
  Phases p;
  p.settings.rule = NlcgSettings::Rule::PR;
  p.settings.betaClip = false;
  p.step({}, 4, 0, 1.0f);
  p.step({0, 0, 9, 0, 5, 0, 0}, 3, 0, 1.0f);
  EXPECT_LT(p.scalars[kNlcgBeta], 0);
  Phases q;
  q.settings.rule = NlcgSettings::Rule::PRPlus;
  q.settings.betaClip = false;
  q.step({}, 4, 0, 1.0f);
  q.step({0, 0, 9, 0, 5, 0, 0}, 3, 0, 1.0f);
  EXPECT_EQ(q.scalars[kNlcgBeta], 0);
}

TEST(NlcgTest, RestartsFireWhereTheyShould) {
  Phases p;
  p.settings.restartEvery = 3;
  std::vector<bool> restarts;
  for (int t = 0; t < 7; ++t) {
    p.step({0, 0, 1, 0.1, 0, 0, 0}, 1, 0, 1.0f);
    restarts.push_back(p.scalars[kNlcgRestart] != 0);
    EXPECT_EQ(p.derived[TRAINC_NLCG_AD] == 0.0f, restarts.back());
  }
  EXPECT_EQ(restarts, (std::vector<bool>{true, false, false, true, false,
                                         false, true}));
  // Powell: |G'g_prev| >= 0.2 G'G.
  Phases q;
  q.settings.powell = 0.2;
  q.step({}, 1, 0, 1.0f);
  q.step({0, 0, 1, 0.19, 0, 0, 0}, 1, 0, 1.0f);
  EXPECT_EQ(q.scalars[kNlcgRestart], 0);
  q.step({0, 0, 1, -0.2, 0, 0, 0}, 1, 0, 1.0f);
  EXPECT_EQ(q.scalars[kNlcgRestart], 1);
}

TEST(NlcgTest, LineSearchFollowsItsTable) {
  using LS = NlcgSettings::LineSearch;
  EXPECT_EQ(lineSearchTable(LS::Step, 0.5).multiplier, 1.05);
  EXPECT_EQ(lineSearchTable(LS::Online, 0.5).multiplier, 1.02);
  EXPECT_EQ(lineSearchTable(LS::Step, 1.0).undo, 0.0);
  EXPECT_EQ(lineSearchTable(LS::Step, 2.5).multiplier, 1.0);
  EXPECT_EQ(lineSearchTable(LS::Step, 2.5).undo, 0.1);
  EXPECT_EQ(lineSearchTable(LS::Step, 2.6).multiplier, 0.975);
  EXPECT_EQ(lineSearchTable(LS::Step, 7.5).undo, 0.2);
  EXPECT_EQ(lineSearchTable(LS::Step, 10).multiplier, 0.9);
  EXPECT_EQ(lineSearchTable(LS::Step, 12.5).undo, 0.5);
  EXPECT_EQ(lineSearchTable(LS::Step, 15).multiplier, 0.7);
  EXPECT_EQ(lineSearchTable(LS::Step, 15.1).multiplier, 0.5);
  EXPECT_EQ(lineSearchTable(LS::Step, 15.1).undo, 0.9);
  EXPECT_EQ(lineSearchTable(LS::Brief, 0.5).multiplier, 1.025);
  EXPECT_EQ(lineSearchTable(LS::Brief, 2.0).multiplier, 1.0);
  EXPECT_EQ(lineSearchTable(LS::Brief, 2.1).multiplier, 0.975);

  // Step mode, period 2: the EMA rises 20% between decisions -> x0.5 and
  // undo 0.9 of the last step; a fall grows alpha again, capped at 1.
  Phases p;
  p.settings.period = 2;
  p.step({}, 1, 0, 1.0f);   // t 0: ema 1, ref 1
  p.step({}, 1, 0, 1.0f);   // t 1: no decision
  EXPECT_EQ(p.scalars[kNlcgAlpha], 1.0);
  p.step({}, 1, 0, 2.0f);   // t 2: ema 1.3, r 1.3 -> 30% -> x0.5, undo 0.9
  EXPECT_DOUBLE_EQ(p.scalars[kNlcgAlpha], 0.5);
  EXPECT_DOUBLE_EQ(p.scalars[kNlcgUndo], 0.9);
  EXPECT_FLOAT_EQ(p.derived[TRAINC_NLCG_AZ], 0.1f);
  // ad = (1 - undo) beta - undo alpha_old / alpha_new; beta = 1 (FR, clip).
  EXPECT_FLOAT_EQ(p.derived[TRAINC_NLCG_AD], 0.1f - 0.9f * 2.0f);
  EXPECT_FLOAT_EQ(p.derived[TRAINC_NLCG_STEP], 0.25f);
  p.step({}, 1, 0, 0.5f);   // t 3: no decision
  p.step({}, 1, 0, 0.5f);   // t 4: the average fell -> x1.05
  EXPECT_DOUBLE_EQ(p.scalars[kNlcgAlpha], 0.525);
  EXPECT_EQ(p.scalars[kNlcgUndo], 0.0);
}

TEST(NlcgTest, AlphaStaysWithinItsRange) {
  Phases p;
  p.settings.lineSearch = NlcgSettings::LineSearch::Online;
  p.step({}, 1, 0, 1.0f);
  float loss = 1.0f;
  for (int t = 1; t < 40; ++t) {
    loss *= 2; // always > 15%: x0.5 each step
    p.step({}, 1, 0, loss);
    EXPECT_GE(p.scalars[kNlcgAlpha], 1e-4);
  }
  EXPECT_EQ(p.scalars[kNlcgAlpha], 1e-4);
  for (int t = 0; t < 600; ++t) { // x1.02 a step: 1e-4 to 1 in 466
    p.step({}, 1, 0, 1e-3f);
    EXPECT_LE(p.scalars[kNlcgAlpha], 1.0);
  }
  EXPECT_EQ(p.scalars[kNlcgAlpha], 1.0);
}

} // namespace
