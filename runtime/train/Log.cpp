//===- Log.cpp - the JSON-lines log and the progress line -----------------===//

#include "train/Log.h"

#include "Context.h"
#include "Error.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace trainc::rt {

std::string jsonFloat(float value) {
  if (!std::isfinite(value))
    return "null";
  char text[32];
  for (int precision = 6; precision <= 9; ++precision) {
    std::snprintf(text, sizeof(text), "%.*g", precision, value);
    if (std::strtof(text, nullptr) == value)
      break;
  }
  return text;
}

std::string jsonString(const std::string &text) {
  std::string out = "\"";
  for (unsigned char ch : text) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", ch);
      out += escaped;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

std::string jsonStopRecord(const std::string &signal, int64_t step,
                           const std::string &checkpoint) {
  std::string record = "{\"stopped\": " + jsonString(signal) +
                       ", \"step\": " + std::to_string(step);
  if (!checkpoint.empty())
    record += ", \"checkpoint\": " + jsonString(checkpoint);
  return record + "}";
}

std::string jsonDouble(double value) {
  if (!std::isfinite(value))
    return "null";
  char text[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(text, sizeof(text), "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value)
      break;
  }
  return text;
}

std::string jsonStepRecord(int64_t step, int64_t epoch, float loss, float lr,
                           double imagesPerSecond,
                           std::optional<double> commWaitSeconds,
                           int bucketsInStep, const std::string &extra) {
  char rate[32];
  std::snprintf(rate, sizeof(rate), "%.1f", imagesPerSecond);
  std::string record =
      "{\"step\": " + std::to_string(step) +
      ", \"epoch\": " + std::to_string(epoch) +
      ", \"loss\": " + jsonFloat(loss) + ", \"lr\": " + jsonFloat(lr) +
      ", \"images_per_s\": " +
      (std::isfinite(imagesPerSecond) ? rate : "null");
  if (commWaitSeconds) {
    char wait[32];
    std::snprintf(wait, sizeof(wait), "%.6f", *commWaitSeconds);
    record += std::string(", \"comm_wait_s\": ") + wait +
              ", \"buckets_started_in_backward\": " +
              std::to_string(bucketsInStep);
  }
  return record + extra + "}";
}

std::string jsonBatchFields(int64_t batch, int64_t accumulate,
                            float momentum) {
  return ", \"batch\": " + std::to_string(batch) +
         ", \"accumulate\": " + std::to_string(accumulate) +
         ", \"momentum\": " + jsonFloat(momentum);
}

std::string jsonNoiseFields(double gradSq, double trace, double scale) {
  return ", \"noise_grad_sq\": " + jsonDouble(gradSq) +
         ", \"noise_trace\": " + jsonDouble(trace) +
         ", \"noise_scale\": " + jsonDouble(scale);
}

std::string jsonNlcgFields(double lrMultiplier, double beta, bool restart,
                           double undo, bool preconditionerUpdated) {
  return ", \"lr_mult\": " + jsonDouble(lrMultiplier) +
         ", \"beta\": " + jsonDouble(beta) +
         ", \"restart\": " + (restart ? "true" : "false") +
         ", \"undo\": " + jsonDouble(undo) +
         ", \"precond\": " + (preconditionerUpdated ? "true" : "false");
}

std::string jsonEvalRecord(int64_t step, int64_t epoch, double accuracy,
                           double loss, int64_t samples) {
  return "{\"epoch\": " + std::to_string(epoch) +
         ", \"step\": " + std::to_string(step) +
         ", \"test_accuracy\": " + jsonDouble(accuracy) +
         ", \"test_loss\": " + jsonDouble(loss) +
         ", \"test_samples\": " + std::to_string(samples) + "}";
}

JsonLog::~JsonLog() {
  if (file)
    std::fclose(file);
}

bool JsonLog::open(const std::string &logPath, std::string &error) {
  path = logPath;
  file = std::fopen(path.c_str(), "w");
  if (!file) {
    error = "cannot write log " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void JsonLog::write(const std::string &record) {
  if (!file)
    return;
  if (std::fputs(record.c_str(), file) < 0 || std::fputc('\n', file) < 0 ||
      std::fflush(file) != 0)
    fatal("cannot write log " + path + ": " + std::strerror(errno));
}

Progress::Progress(bool enabled, int64_t stepsPerEpoch, int64_t totalEpochs,
                   int64_t totalSteps, int64_t batch)
    : enabled(enabled), terminal(isatty(STDERR_FILENO) == 1),
      stepsPerEpoch(stepsPerEpoch), totalEpochs(totalEpochs),
      totalSteps(totalSteps), batch(batch),
      interval(stepsPerEpoch >= 10 ? stepsPerEpoch / 10 : 1),
      windowStart(Clock::now()), lastDraw(windowStart) {}

void Progress::setBatch(int64_t newStepsPerEpoch, int64_t newBatch) {
  stepsPerEpoch = newStepsPerEpoch;
  batch = newBatch;
  interval = stepsPerEpoch >= 10 ? stepsPerEpoch / 10 : 1;
}

void Progress::step(int64_t step, int64_t epoch, int64_t position, float loss) {
  if (!enabled)
    return;
  ++windowSteps;
  windowLoss += loss;
  Clock::time_point now = Clock::now();
  bool last = step == totalSteps || position == stepsPerEpoch;
  // A terminal line starts at once, then is redrawn at most 5 times a
  // second.
  bool due = terminal
                 ? !open || now - lastDraw >= std::chrono::milliseconds(200)
                 : position % interval == 0;
  if (!last && !due)
    return;

  double seconds = std::chrono::duration<double>(now - windowStart).count();
  char text[256];
  std::string epochText = std::to_string(epoch + 1);
  if (totalEpochs > 0)
    epochText += "/" + std::to_string(totalEpochs);
  std::string stepText = std::to_string(step);
  if (totalSteps > 0)
    stepText += "/" + std::to_string(totalSteps);
  std::snprintf(text, sizeof(text),
                "epoch %s %3d%%  step %s  loss %.4g  %.0f img/s",
                epochText.c_str(),
                static_cast<int>(100 * position / stepsPerEpoch),
                stepText.c_str(), windowLoss / windowSteps,
                seconds > 0 ? windowSteps * batch / seconds : 0.0);
  std::string line = text;
  if (terminal) {
    // Pad over the rest of a longer previous line.
    size_t width = line.size();
    if (width < lastWidth)
      line.append(lastWidth - width, ' ');
    lastWidth = width;
    std::fprintf(stderr, "\r%s", line.c_str());
    open = runtimeContext().progressLineOpen = true;
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
  windowSteps = 0;
  windowLoss = 0;
  windowStart = lastDraw = now;
}

void Progress::finishLine() {
  if (open)
    std::fputc('\n', stderr);
  open = runtimeContext().progressLineOpen = false;
  lastWidth = 0;
}

void Progress::message(const std::string &text) {
  if (!enabled)
    return;
  finishLine();
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

} // namespace trainc::rt
