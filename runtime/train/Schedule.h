//===- Schedule.h - the learning rate of each step --------------*- C++ -*-===//
//
// The learning-rate schedules of --lr-schedule: a base schedule over the run
// (constant, step decay at epoch milestones, cosine annealing or polynomial
// decay) under an optional linear warm-up. The rate is a pure function of the
// step, so a resumed run recomputes the same curve instead of storing it.
// Everything is computed in double; the trainer rounds the result to float.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_SCHEDULE_H
#define TRAINC_RUNTIME_TRAIN_SCHEDULE_H

#include <cstdint>
#include <string>
#include <vector>

namespace trainc::rt {

struct ScheduleOptions {
  /// "constant", "step", "cosine" or "polynomial" (--lr-schedule).
  std::string kind = "constant";
  /// The base (peak) learning rate, >= 0 (--lr).
  double lr = 0.1;
  /// Kind "step" only (and required by it): the epochs, possibly fractional,
  /// strictly increasing and > 0, at which the rate is multiplied by `gamma`
  /// (--lr-milestones).
  std::vector<double> milestones;
  /// Kind "step": the factor applied at each milestone, > 0 (--lr-gamma).
  double gamma = 0.1;
  /// Kind "polynomial": the exponent, > 0 (--lr-power).
  double power = 1.0;
  /// Kinds "polynomial" and "cosine": the rate at step `totalSteps`, >= 0
  /// (--lr-end).
  double endLr = 0.0;
  /// The length of the linear warm-up in steps; 0: none (--warmup-steps).
  int64_t warmupSteps = 0;
  /// The rate the warm-up starts from, >= 0 (--warmup-start-lr).
  double warmupStartLr = 0.0;
};

/// The rate of step `t` (0-based: the number of steps done before this one,
/// t >= 0; fractional when the batch changes, train/BatchSchedule.h) of a run of `totalSteps` steps with `stepsPerEpoch` (>= 1) steps
/// per epoch. With lr = o.lr, E = o.endLr, T = totalSteps, the base schedule
/// s(t) is
///  - constant:   lr.
///  - step:       lr * gamma^k, k = the number of milestones m with
///                t >= round(m * stepsPerEpoch), round() to nearest with
///                halves away from zero (std::round): torch's MultiStepLR
///                with the milestones converted from epochs to steps. Two
///                milestones that round to the same step both apply there.
///  - cosine:     E + (lr - E) * (1 + cos(pi * t / T)) / 2: torch's
///                CosineAnnealingLR with eta_min = E and T_max = T (lr at
///                t = 0, E at t = T; not clamped beyond T). lr if T <= 0.
///  - polynomial: E + (lr - E) * (1 - min(t, T) / T)^power: TensorFlow's
///                polynomial_decay with decay_steps = T (E from t = T on).
///                lr if T <= 0.
/// Then, with W = o.warmupSteps and S = o.warmupStartLr, the linear warm-up
/// of Goyal et al. (2017) gives, for t < W,
///   rate(t) = S + (s(t) - S) * (t + 1) / W,
/// so that rate(W - 1) = s(W - 1) (to rounding); rate(t) = s(t) for t >= W.
/// With S = 0 and E = 0 this is bit for bit the trainer's original
/// constant/cosine schedule, lr * [0.5 * (1 + cos)] * ((t + 1) / W).
/// `o` is assumed to pass validateSchedule().
double learningRate(const ScheduleOptions &o, double t, int64_t totalSteps,
                    int64_t stepsPerEpoch);

/// Checks `o`. On a bad value returns false and sets `error` to a one-line
/// message naming the flag, e.g.
///   --lr-milestones: expected increasing epochs > 0, got '30,20'
///   --lr-schedule step needs --lr-milestones E1,E2,...
///   --lr-milestones needs --lr-schedule step
/// Rates (lr, endLr, warmupStartLr) must be finite and >= 0, gamma and power
/// finite and > 0, warmupSteps >= 0. Values that the kind ignores (gamma
/// with "cosine", say) are still checked but not rejected.
bool validateSchedule(const ScheduleOptions &o, std::string &error);

/// Parses a comma-separated list of epochs such as "30,60,80" or "2.5,5"
/// (no spaces) into `out`. On an empty item, an item that is not a finite
/// number, or epochs that are not strictly increasing and > 0, returns false
/// without touching `out` and sets `error` to a one-line message starting
/// with `flag`, e.g. "--lr-milestones: expected increasing epochs > 0, got
/// '30,20'".
bool parseMilestones(const std::string &flag, const std::string &text,
                     std::vector<double> &out, std::string &error);

/// A short description of the schedule for the log header, without the base
/// rate, e.g. "constant", "cosine to 0", "polynomial power 2 to 0.001",
/// "step x0.1 at epochs 30, 60, 80 after 5 warm-up steps from 0".
std::string describeSchedule(const ScheduleOptions &o);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_SCHEDULE_H
