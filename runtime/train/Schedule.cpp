//===- Schedule.cpp - the learning rate of each step ----------------------===//

#include "train/Schedule.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace trainc::rt {
namespace {

/// The shortest "%g" form of `value` that reads back as the same float (the
/// flags are floats), without an exponent between 1e-4 and 1e16: "0.1",
/// "30", "2.5", "1e-05".
std::string formatNumber(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    bool exponent = std::strchr(buffer, 'e') != nullptr;
    double magnitude = std::fabs(value);
    if (float(std::strtod(buffer, nullptr)) == float(value) &&
        (!exponent || magnitude < 1e-4 || magnitude >= 1e16))
      break;
  }
  return buffer;
}

std::string joinNumbers(const std::vector<double> &values,
                        const char *separator) {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? separator : "") + formatNumber(values[i]);
  return text;
}

bool increasingAndPositive(const std::vector<double> &epochs) {
  for (size_t i = 0; i < epochs.size(); ++i)
    if (!std::isfinite(epochs[i]) || !(epochs[i] > 0.0) ||
        (i > 0 && !(epochs[i] > epochs[i - 1])))
      return false;
  return true;
}

std::string milestoneError(const std::string &flag, const std::string &text) {
  return flag + ": expected increasing epochs > 0, got '" + text + "'";
}

/// A finite value with `value >= 0` (or `> 0` if `strict`), else an error
/// naming `flag`.
bool checkNumber(const char *flag, double value, bool strict,
                 std::string &error) {
  if (std::isfinite(value) && (strict ? value > 0.0 : value >= 0.0))
    return true;
  error = std::string(flag) + ": expected a finite number " +
          (strict ? "> 0" : ">= 0") + ", got '" + formatNumber(value) + "'";
  return false;
}

/// s(t) of Schedule.h, before the warm-up.
double baseRate(const ScheduleOptions &o, double t, int64_t totalSteps,
                int64_t stepsPerEpoch) {
  double lr = o.lr;
  if (o.kind == "step") {
    // Compared in double: round(m * stepsPerEpoch) may not fit an int64_t.
    int k = 0;
    for (double milestone : o.milestones)
      if (double(t) >= std::round(milestone * double(stepsPerEpoch)))
        ++k;
    return k ? lr * std::pow(o.gamma, k) : lr;
  }
  if (o.kind == "cosine" && totalSteps > 0)
    // Multiplying by 0.5 * (1 + cos) as the original trainer did keeps the
    // endLr = 0 case bit for bit: 0 + (lr - 0) * x == lr * x.
    return o.endLr +
           (lr - o.endLr) *
               (0.5 * (1.0 + std::cos(M_PI * double(t) / double(totalSteps))));
  if (o.kind == "polynomial" && totalSteps > 0) {
    double done = std::min(t, double(totalSteps)) / double(totalSteps);
    return o.endLr + (lr - o.endLr) * std::pow(1.0 - done, o.power);
  }
  return lr;
}

} // namespace

double learningRate(const ScheduleOptions &o, double t, int64_t totalSteps,
                    int64_t stepsPerEpoch) {
  double rate = baseRate(o, t, totalSteps, stepsPerEpoch);
  if (t < double(o.warmupSteps))
    rate = o.warmupStartLr +
           (rate - o.warmupStartLr) * ((t + 1.0) / double(o.warmupSteps));
  return rate;
}

bool validateSchedule(const ScheduleOptions &o, std::string &error) {
  bool step = o.kind == "step";
  if (!step && o.kind != "constant" && o.kind != "cosine" &&
      o.kind != "polynomial") {
    error = "--lr-schedule: expected 'constant', 'step', 'cosine' or "
            "'polynomial', got '" +
            o.kind + "'";
    return false;
  }
  if (!checkNumber("--lr", o.lr, false, error))
    return false;
  if (step && o.milestones.empty()) {
    error = "--lr-schedule step needs --lr-milestones E1,E2,...";
    return false;
  }
  if (!step && !o.milestones.empty()) {
    error = "--lr-milestones needs --lr-schedule step";
    return false;
  }
  if (!increasingAndPositive(o.milestones)) {
    error = milestoneError("--lr-milestones", joinNumbers(o.milestones, ","));
    return false;
  }
  if (!checkNumber("--lr-gamma", o.gamma, true, error) ||
      !checkNumber("--lr-power", o.power, true, error) ||
      !checkNumber("--lr-end", o.endLr, false, error))
    return false;
  if (o.warmupSteps < 0) {
    error = "--warmup-steps: expected an integer >= 0, got '" +
            std::to_string(o.warmupSteps) + "'";
    return false;
  }
  return checkNumber("--warmup-start-lr", o.warmupStartLr, false, error);
}

bool parseMilestones(const std::string &flag, const std::string &text,
                     std::vector<double> &out, std::string &error) {
  std::vector<double> epochs;
  size_t begin = 0;
  while (true) {
    size_t comma = text.find(',', begin);
    std::string item = text.substr(
        begin, comma == std::string::npos ? std::string::npos : comma - begin);
    // strtod skips leading white space and reads "inf" and "nan": refuse
    // those here rather than accept "30, 60" only half the time.
    char *end = nullptr;
    errno = 0;
    double value = item.empty() ? 0.0 : std::strtod(item.c_str(), &end);
    if (item.empty() ||
        item.find_first_of(" \t\n\v\f\r") != std::string::npos ||
        end != item.c_str() + item.size() || errno == ERANGE ||
        !std::isfinite(value)) {
      error = flag +
              ": expected comma-separated epochs such as 30,60,80, got '" +
              text + "'";
      return false;
    }
    epochs.push_back(value);
    if (comma == std::string::npos)
      break;
    begin = comma + 1;
  }
  if (!increasingAndPositive(epochs)) {
    error = milestoneError(flag, text);
    return false;
  }
  out = std::move(epochs);
  return true;
}

std::string describeSchedule(const ScheduleOptions &o) {
  std::string text = o.kind;
  if (o.kind == "step")
    text += " x" + formatNumber(o.gamma) + " at epoch" +
            (o.milestones.size() == 1 ? " " : "s ") +
            joinNumbers(o.milestones, ", ");
  else if (o.kind == "cosine")
    text += " to " + formatNumber(o.endLr);
  else if (o.kind == "polynomial")
    text += " power " + formatNumber(o.power) + " to " + formatNumber(o.endLr);
  if (o.warmupSteps > 0)
    text += " after " + std::to_string(o.warmupSteps) + " warm-up step" +
            (o.warmupSteps == 1 ? "" : "s") + " from " +
            formatNumber(o.warmupStartLr);
  return text;
}

} // namespace trainc::rt
