//===- Optimizer.cpp - the compiled update's coefficients -----------------===//

#include "train/Optimizer.h"

#include <cmath>
#include <cstring>
#include <sstream>

namespace trainc::rt {
namespace {

/// The optimizers each algorithm-specific flag applies to (the others:
/// --lr, --weight-decay, --weight-decay-bn-bias apply to all).
struct FlagUse {
  const char *flag;
  const char *optimizers; // space-separated
};
const FlagUse kFlagUses[] = {
    {"--momentum", "momentum nesterov rmsprop lars"},
    {"--dampening", "momentum"},
    {"--beta1", "adam adamw lamb"},
    {"--beta2", "adam adamw lamb"},
    {"--eps", "adagrad rmsprop adam adamw lars lamb nlcg"},
    {"--alpha", "rmsprop"},
    {"--centered", "rmsprop"},
    {"--lr-decay", "adagrad"},
    {"--trust-coefficient", "lars"},
    {"--no-bias-correction", "lamb"},
    {"--nlcg-rule", "nlcg"},
    {"--no-beta-clip", "nlcg"},
    {"--nlcg-restart-every", "nlcg"},
    {"--nlcg-powell", "nlcg"},
    {"--nlcg-preconditioner", "nlcg"},
    {"--nlcg-precond-reset", "nlcg"},
    {"--nlcg-s", "nlcg"},
    {"--line-search", "nlcg"},
    {"--line-search-period", "nlcg"},
    {"--line-search-threshold", "nlcg"},
    {"--layer-scale", "nlcg"},
};

bool appliesTo(const char *list, const std::string &name) {
  std::istringstream words(list);
  std::string word;
  while (words >> word)
    if (word == name)
      return true;
  return false;
}

/// "adam, adamw or lamb"
std::string joined(const char *list) {
  std::istringstream words(list);
  std::vector<std::string> all;
  std::string word;
  while (words >> word)
    all.push_back(word);
  std::string text;
  for (size_t i = 0; i < all.size(); ++i)
    text += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + all[i];
  return text;
}

} // namespace

std::optional<OptimizerSettings> resolveOptimizer(const TrainOptions &options,
                                                  const std::string &optimizer,
                                                  std::string &error) {
  if (!trainc_find_optimizer(optimizer.c_str())) {
    error = "the model was compiled with the unknown optimizer '" +
            optimizer + "'";
    return std::nullopt;
  }
  for (const FlagUse &use : kFlagUses) {
    if (options.given.count(use.flag) && !appliesTo(use.optimizers, optimizer)) {
      error = std::string(use.flag) +
              " does not apply to the compiled optimizer '" + optimizer +
              "' (it is a flag of " + joined(use.optimizers) + ")";
      return std::nullopt;
    }
  }
  auto given = [&](const char *flag) { return options.given.count(flag) > 0; };
  OptimizerSettings s;
  s.name = optimizer;
  // PyTorch's defaults, except momentum 0.9 for SGD with momentum and
  // LARS (OPTIMIZERS.md) and LARS's weight decay 1e-4.
  s.momentum = given("--momentum")     ? options.momentum
               : optimizer == "rmsprop" ? 0.0
                                        : 0.9;
  s.dampening = options.dampening;
  s.weightDecay = given("--weight-decay") ? options.weightDecay
                  : optimizer == "adamw"  ? 0.01
                  : optimizer == "lars"   ? 1e-4
                                          : 0.0;
  s.weightDecayBnBias = options.weightDecayBnBias;
  s.beta1 = options.beta1;
  s.beta2 = options.beta2;
  s.eps = given("--eps")               ? options.eps
          : optimizer == "adagrad"     ? 1e-10
          : optimizer == "lamb"        ? 1e-6
          : optimizer == "lars"        ? 0.0
                                       : 1e-8; // adam, adamw, rmsprop, nlcg
  s.alpha = options.alpha;
  s.centered = options.centered;
  s.biasCorrection = !options.noBiasCorrection;
  s.lrDecay = options.lrDecay;
  s.trust = options.trustCoefficient;
  NlcgSettings &n = s.nlcg;
  if (!parseRule(options.nlcgRule, n.rule)) {
    error = "--nlcg-rule: expected fr, pr, pr+, hs or dy, got '" +
            options.nlcgRule + "'";
    return std::nullopt;
  }
  if (!parseLineSearch(options.lineSearch, n.lineSearch)) {
    error = "--line-search: expected step, online, brief or off, got '" +
            options.lineSearch + "'";
    return std::nullopt;
  }
  if (options.nlcgPreconditioner != "bfgs" &&
      options.nlcgPreconditioner != "none") {
    error = "--nlcg-preconditioner: expected bfgs or none, got '" +
            options.nlcgPreconditioner + "'";
    return std::nullopt;
  }
  if (options.nlcgS != "step" && options.nlcgS != "code") {
    error = "--nlcg-s: expected step (w_t - w_{t-1}) or code, got '" +
            options.nlcgS + "'";
    return std::nullopt;
  }
  n.betaClip = !options.noBetaClip;
  n.restartEvery = options.nlcgRestartEvery;
  n.powell = options.nlcgPowell;
  n.precondition = options.nlcgPreconditioner == "bfgs";
  n.precondReset = options.nlcgPrecondReset;
  n.codeCompatS = options.nlcgS == "code";
  n.period = options.lineSearchPeriod;
  n.threshold = options.lineSearchThreshold;
  s.layerScale = options.layerScale;
  if (s.beta1 >= 1 || s.beta2 >= 1 || s.alpha > 1) {
    error = "--beta1 and --beta2 must be < 1 and --alpha <= 1";
    return std::nullopt;
  }
  return s;
}

trainc_update_coeffs updateCoefficients(const OptimizerSettings &s,
                                        int64_t step, double lr) {
  trainc_update_coeffs c;
  std::memset(&c, 0, sizeof(c));
  const std::string &name = s.name;
  double wd = s.weightDecay, wdBnBias = s.weightDecayBnBias ? wd : 0.0;
  double t = double(step + 1); // torch's 1-based step count
  double decay = 1, decayBnBias = 1;
  c.denom_scale = 1.0f;
  c.m_scale = 1.0f;
  if (name == "momentum" || name == "nesterov") {
    c.momentum = float(s.momentum);
    // torch.optim.SGD starts the buffer at the first gradient (the buffer
    // is zero then); after a resume it comes from the checkpoint.
    c.keep = step == 0 ? 1.0f : float(1.0 - s.dampening);
  } else if (name == "adagrad") {
    lr = lr / (1.0 + double(step) * s.lrDecay);
  } else if (name == "rmsprop") {
    c.beta2 = float(s.alpha);
    c.keep2 = float(1.0 - s.alpha);
    c.momentum = float(s.momentum);
    c.centered = s.centered ? 1.0f : 0.0f;
    c.has_momentum = s.momentum > 0 ? 1.0f : 0.0f;
  } else if (name == "adam" || name == "adamw" || name == "lamb") {
    c.momentum = float(s.beta1);
    c.keep = float(1.0 - s.beta1);
    c.beta2 = float(s.beta2);
    c.keep2 = float(1.0 - s.beta2);
    double correction1 = 1.0 - std::pow(s.beta1, t);
    double correction2 = 1.0 - std::pow(s.beta2, t);
    bool correct = name != "lamb" || s.biasCorrection;
    if (correct)
      c.denom_scale = float(1.0 / std::sqrt(correction2));
    if (name == "lamb") {
      if (correct)
        c.m_scale = float(1.0 / correction1);
    } else {
      lr = lr / correction1;
    }
    if (name == "adamw") {
      // Decoupled: w *= 1 - lr * wd with the scheduled rate (before the
      // bias correction), and no L2 term in the gradient.
      decay = 1.0 - (lr * correction1) * wd;
      decayBnBias = s.weightDecayBnBias ? decay : 1.0;
      wd = wdBnBias = 0;
    }
  } else if (name == "lars") {
    c.momentum = float(s.momentum);
    c.trust = float(s.trust);
  } else if (name == "nlcg") {
    // eta_t; the L2 term is coupled (in G); trust is N13's lambda.
    c.trust = float(s.layerScale);
  }
  c.lr = float(lr);
  c.weight_decay = float(wd);
  c.weight_decay_bn_bias = float(wdBnBias);
  c.decay = float(decay);
  c.decay_bn_bias = float(decayBnBias);
  c.eps = float(s.eps);
  return c;
}

std::string describeOptimizer(const OptimizerSettings &s) {
  std::ostringstream out;
  out << s.name << " (";
  const std::string &n = s.name;
  if (n == "momentum" || n == "nesterov" || n == "lars" ||
      (n == "rmsprop" && s.momentum > 0))
    out << "momentum " << s.momentum << ", ";
  if (n == "momentum" && s.dampening != 0)
    out << "dampening " << s.dampening << ", ";
  if (n == "adam" || n == "adamw" || n == "lamb")
    out << "beta1 " << s.beta1 << ", beta2 " << s.beta2 << ", ";
  if (n == "rmsprop")
    out << "alpha " << s.alpha << (s.centered ? ", centered" : "") << ", ";
  if (n == "adagrad" && s.lrDecay != 0)
    out << "lr decay " << s.lrDecay << ", ";
  if (n == "lars")
    out << "trust " << s.trust << ", ";
  if (n == "lamb" && !s.biasCorrection)
    out << "no bias correction, ";
  if (n == "nlcg") {
    const NlcgSettings &g = s.nlcg;
    out << ruleName(g.rule) << (g.betaClip ? "" : ", beta unclipped")
        << (g.precondition ? ", diagonal BFGS" : ", no preconditioner");
    if (g.precondReset)
      out << " reset every " << g.precondReset;
    if (g.codeCompatS)
      out << ", s as the authors' code";
    if (g.restartEvery)
      out << ", restart every " << g.restartEvery;
    if (g.powell > 0)
      out << ", Powell restarts " << g.powell;
    out << ", line search " << lineSearchName(g.lineSearch);
    if (g.lineSearch == NlcgSettings::LineSearch::Step ||
        g.lineSearch == NlcgSettings::LineSearch::Brief)
      out << " every " << g.period;
    if (g.threshold != 1)
      out << " threshold " << g.threshold << "%";
    if (s.layerScale > 0)
      out << ", layer scale " << s.layerScale;
    out << ", ";
  }
  if (n != "sgd" && n != "momentum" && n != "nesterov")
    out << "eps " << s.eps << ", ";
  out << (n == "adamw" ? "decoupled weight decay " : "weight decay ")
      << s.weightDecay
      << (s.weightDecayBnBias ? " (also BatchNorm and biases)" : "") << ")";
  return out.str();
}

} // namespace trainc::rt
