//===- BatchSchedule.cpp - the batch of each step -------------------------===//

#include "train/BatchSchedule.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace trainc::rt {
namespace {

constexpr int64_t kNoCap = int64_t(1) << 40;

std::string format(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

/// A whole number in [1, 2^40] from `text`, or false.
bool parseCount(const std::string &text, int64_t &out) {
  if (text.empty() || text.size() > 13 ||
      text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::strtoll(text.c_str(), nullptr, 10);
  return out >= 1 && out <= kNoCap;
}

/// A finite number >= 0 from `text`, or false.
bool parseAt(const std::string &text, double &out) {
  if (text.empty() || text.find_first_of(" \t\n") != std::string::npos)
    return false;
  char *end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno != ERANGE &&
         std::isfinite(out) && out >= 0;
}

} // namespace

bool parseBatchSchedule(const std::string &text, BatchSchedule &out,
                        std::string &error) {
  BatchSchedule schedule;
  auto bad = [&](const std::string &why) {
    error = "--batch-schedule: " + why + ", got '" + text + "'";
    return false;
  };
  if (text == "smith") {
    schedule.kind = BatchSchedule::Kind::Smith;
    out = schedule;
    return true;
  }
  if (text == "noise" || text.rfind("noise:", 0) == 0) {
    schedule.kind = BatchSchedule::Kind::Noise;
    if (text.size() > 5 &&
        (!parseCount(text.substr(6), schedule.noiseFactor) ||
         schedule.noiseFactor < 2))
      return bad("expected noise or noise:F with a whole factor F >= 2");
    out = schedule;
    return true;
  }
  bool epochs = text.rfind("epoch:", 0) == 0;
  bool steps = text.rfind("step:", 0) == 0;
  if (!epochs && !steps)
    return bad("expected epoch:E=K,..., step:S=K,..., smith or noise[:F]");
  schedule.kind =
      epochs ? BatchSchedule::Kind::Epochs : BatchSchedule::Kind::Steps;
  std::string list = text.substr(epochs ? 6 : 5);
  const char *unit = epochs ? "epoch" : "step";
  size_t begin = 0;
  while (true) {
    size_t comma = list.find(',', begin);
    std::string item = list.substr(
        begin, comma == std::string::npos ? std::string::npos : comma - begin);
    size_t equals = item.find('=');
    BatchSchedule::Milestone milestone{};
    if (equals == std::string::npos ||
        !parseAt(item.substr(0, equals), milestone.at) ||
        !parseCount(item.substr(equals + 1), milestone.accumulate) ||
        (steps && milestone.at != std::floor(milestone.at)))
      return bad(std::string("expected ") + unit + ":" +
                 (epochs ? "E" : "S") + "=K,... with " +
                 (epochs ? "epochs" : "whole steps") +
                 " >= 0 and whole K >= 1");
    if (!schedule.milestones.empty() &&
        milestone.at <= schedule.milestones.back().at)
      return bad(std::string("expected increasing ") + unit + "s");
    schedule.milestones.push_back(milestone);
    if (comma == std::string::npos)
      break;
    begin = comma + 1;
  }
  out = schedule;
  return true;
}

BatchPlan::BatchPlan(const BatchSchedule &schedule, const ScheduleOptions &lr,
                     int64_t shard, int64_t baseAccumulate, int64_t maxBatch,
                     int64_t trainCount, const std::string &lrScaling,
                     std::string &error)
    : schedule(schedule), rates(lr), shard(shard), base(baseAccumulate),
      kMax(maxBatch > 0 ? maxBatch / shard : kNoCap), trainCount(trainCount),
      lrScaling(lrScaling) {
  using Kind = BatchSchedule::Kind;
  if (lrScaling != "none" && lrScaling != "linear" && lrScaling != "sqrt") {
    error = "--lr-scaling: expected none, linear or sqrt, got '" + lrScaling +
            "'";
    return;
  }
  if (maxBatch > 0 && kMax < base) {
    error = "--max-batch " + std::to_string(maxBatch) +
            " is smaller than the first step's batch of " +
            std::to_string(shard * base) + " samples";
    return;
  }
  if (maxBatch > 0 && schedule.kind != Kind::Smith &&
      schedule.kind != Kind::Noise) {
    error = "--max-batch needs --batch-schedule smith or noise";
    return;
  }
  if (schedule.kind == Kind::Smith) {
    if (rates.kind != "step") {
      error = "--batch-schedule smith turns the decays of --lr-schedule step "
              "into batch increases: it needs --lr-schedule step";
      return;
    }
    double factor = 1.0 / rates.gamma;
    smithFactor = std::llround(factor);
    if (smithFactor < 2 || std::fabs(factor - double(smithFactor)) > 1e-6) {
      error = "--batch-schedule smith grows the batch by 1 / --lr-gamma, "
              "which must be a whole number >= 2 (--lr-gamma " +
              format(rates.gamma) + ")";
      return;
    }
    smithMilestones = rates.milestones;
    rates.kind = "constant";
    rates.milestones.clear();
  }
  for (const BatchSchedule::Milestone &m : schedule.milestones)
    if (m.accumulate > kMax) {
      error = "--batch-schedule: K " + std::to_string(m.accumulate) +
              " exceeds --max-batch";
      return;
    }
}

double BatchPlan::epochs(const RunPosition &at) const {
  return double(at.epoch) + double(at.samples) / double(trainCount);
}

std::pair<int64_t, double> BatchPlan::smith(const RunPosition &at) const {
  // Each milestone passed multiplies B by f; past the cap, B stays at the
  // cap and the rate takes what is left: lr B_max / (f B) (OPTIMIZERS.md 2).
  int64_t k = base;
  double rate = 1.0;
  double progress = epochs(at);
  for (double milestone : smithMilestones) {
    if (progress < milestone)
      break;
    if (k * smithFactor <= kMax) {
      k *= smithFactor;
    } else {
      rate *= double(kMax) / (double(smithFactor) * double(k));
      k = kMax;
    }
  }
  return {k, rate};
}

int64_t BatchPlan::accumulate(const RunPosition &at,
                              int64_t noiseAccumulate) const {
  using Kind = BatchSchedule::Kind;
  switch (schedule.kind) {
  case Kind::Fixed:
    return base;
  case Kind::Noise:
    return noiseAccumulate;
  case Kind::Smith:
    return smith(at).first;
  case Kind::Epochs:
  case Kind::Steps: {
    double where = schedule.kind == Kind::Epochs ? epochs(at) : double(at.step);
    int64_t k = base;
    for (const BatchSchedule::Milestone &m : schedule.milestones)
      if (where >= m.at)
        k = m.accumulate;
    return k;
  }
  }
  return base;
}

int64_t BatchPlan::stepsPerEpoch(int64_t accumulate) const {
  return trainCount / (shard * accumulate);
}

double BatchPlan::learningRate(const RunPosition &at, int64_t accumulate,
                               int64_t totalSteps) const {
  // The schedule runs on steps of the first batch: epoch e starts at
  // e * (its steps per epoch), and the samples of an epoch count in those
  // steps. With a fixed batch this is the step count itself.
  int64_t perEpoch = stepsPerEpoch(base);
  double t = double(at.epoch) * double(perEpoch) +
             double(at.samples) / double(shard * base);
  double rate = rt::learningRate(rates, t, totalSteps, perEpoch);
  if (schedule.kind == BatchSchedule::Kind::Smith)
    rate *= smith(at).second;
  return rate * rateScale(accumulate);
}

double BatchPlan::rateScale(int64_t accumulate) const {
  double grown = double(accumulate) / double(base);
  if (lrScaling == "linear")
    return grown;
  if (lrScaling == "sqrt")
    return std::sqrt(grown);
  return 1.0;
}

std::string BatchPlan::describe() const {
  using Kind = BatchSchedule::Kind;
  std::string text;
  switch (schedule.kind) {
  case Kind::Fixed:
    return "";
  case Kind::Epochs:
  case Kind::Steps:
    text = schedule.kind == Kind::Epochs ? "epoch:" : "step:";
    for (size_t i = 0; i < schedule.milestones.size(); ++i)
      text += (i ? "," : "") + format(schedule.milestones[i].at) + "=" +
              std::to_string(schedule.milestones[i].accumulate);
    break;
  case Kind::Smith:
    text = "smith (batch x" + std::to_string(smithFactor) + " at epoch";
    text += smithMilestones.size() == 1 ? " " : "s ";
    for (size_t i = 0; i < smithMilestones.size(); ++i)
      text += (i ? ", " : "") + format(smithMilestones[i]);
    text += ")";
    break;
  case Kind::Noise:
    text = "noise (batch x" + std::to_string(schedule.noiseFactor) +
           " at the end of an epoch whose noise scale exceeds it)";
    break;
  }
  if (kMax < kNoCap)
    text += ", at most " + std::to_string(shard * kMax) + " samples";
  if (lrScaling == "linear")
    text += ", learning rate x B / B0";
  else if (lrScaling == "sqrt")
    text += ", learning rate x sqrt(B / B0)";
  return text;
}

} // namespace trainc::rt
