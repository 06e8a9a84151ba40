//===- Log.h - the JSON-lines log and the progress line ---------*- C++ -*-===//
//
// --log FILE.jsonl gets one JSON object per training step and one per
// evaluation (fields in docs/runtime.md); stderr gets a progress line,
// rewritten in place on a terminal and printed every ~10% of an epoch
// otherwise. Epochs are counted from 1 in both.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_LOG_H
#define TRAINC_RUNTIME_TRAIN_LOG_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace trainc::rt {

/// The shortest decimal text that reads back as `value`; JSON has no NaN or
/// infinity, so those become null.
std::string jsonFloat(float value);
std::string jsonDouble(double value);
/// `text` as a JSON string, quoted and escaped.
std::string jsonString(const std::string &text);

/// The record of a run stopped by a signal after `step`: {"stopped":
/// "SIGTERM", "step": N[, "checkpoint": FILE]}.
std::string jsonStopRecord(const std::string &signal, int64_t step,
                           const std::string &checkpoint);

/// One line of the log, without the newline. Under mpirun (a wait time
/// given) also the seconds the step waited for its gradient all-reduce
/// after backward and how many buckets backward itself started. `extra`
/// is more fields, each starting with ", " (jsonNlcgFields).
std::string jsonStepRecord(int64_t step, int64_t epoch, float loss, float lr,
                           double imagesPerSecond,
                           std::optional<double> commWaitSeconds = std::nullopt,
                           int bucketsInStep = 0,
                           const std::string &extra = std::string());
/// Every step's batch fields: the effective batch (samples per update), the
/// micro-batches per update and the momentum coefficient.
std::string jsonBatchFields(int64_t batch, int64_t accumulate, float momentum);
/// The gradient noise scale (train/NoiseScale.h): this step's (M2) and (M3)
/// and B_simple from their running averages (null when not finite).
std::string jsonNoiseFields(double gradSq, double trace, double scale);
/// NLCG's step: the line-search multiplier of the learning rate, beta,
/// whether beta was a restart, the undo fraction and whether the
/// preconditioner was updated.
std::string jsonNlcgFields(double lrMultiplier, double beta, bool restart,
                           double undo, bool preconditionerUpdated);
std::string jsonEvalRecord(int64_t step, int64_t epoch, double accuracy,
                           double loss, int64_t samples);

class JsonLog {
public:
  JsonLog() = default;
  ~JsonLog();
  JsonLog(const JsonLog &) = delete;
  JsonLog &operator=(const JsonLog &) = delete;

  /// Creates or truncates `path`; false with `error` when it cannot.
  bool open(const std::string &path, std::string &error);
  /// Appends one record and flushes it, so that the log is complete up to
  /// the last step even when the run ends with an error. A no-op until
  /// open() succeeds; calls fatal() when the write fails.
  void write(const std::string &record);

private:
  std::FILE *file = nullptr;
  std::string path;
};

class Progress {
public:
  /// `enabled` false prints nothing (--quiet). `totalEpochs` 0 means the
  /// run is bounded by `totalSteps` only.
  Progress(bool enabled, int64_t stepsPerEpoch, int64_t totalEpochs,
           int64_t totalSteps, int64_t batch);

  /// After every step: `epoch` 0-based, `position` the batches of it done.
  void step(int64_t step, int64_t epoch, int64_t position, float loss);
  /// The batch changed (train/BatchSchedule.h): the steps of an epoch and
  /// the samples of a step from now on.
  void setBatch(int64_t stepsPerEpoch, int64_t batch);
  /// A line of its own (evaluations, the summary), after the progress line.
  void message(const std::string &text);

private:
  using Clock = std::chrono::steady_clock;
  void finishLine();

  bool enabled, terminal;
  int64_t stepsPerEpoch, totalEpochs, totalSteps, batch, interval;
  /// The steps since the last line and their losses, for the mean shown.
  int64_t windowSteps = 0;
  double windowLoss = 0;
  Clock::time_point windowStart, lastDraw;
  /// A '\r' line is on the terminal and needs a newline before a message.
  bool open = false;
  size_t lastWidth = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_LOG_H
