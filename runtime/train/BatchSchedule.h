//===- BatchSchedule.h - the batch of each step -----------------*- C++ -*-===//
//
// --batch-schedule: how many micro-batches (gradient accumulation, K) each
// optimizer step takes, so that the batch B = b K world can grow during a
// run instead of the learning rate decaying (Smith, Kindermans, Ying and Le;
// ../shared/design/OPTIMIZERS.md section 2):
//   epoch:E1=K1,E2=K2,...  from epoch E (counted from 0, possibly
//                          fractional: examples seen / N) on, K micro-batches
//   step:S1=K1,S2=K2,...   from optimizer step S (counted from 0) on
//   smith                  each decay of --lr-schedule step by gamma becomes
//                          a batch increase by 1/gamma (an integer), up to
//                          --max-batch; the rest of a factor the cap stops
//                          decays the learning rate (the hybrid)
//   noise[:F]              at the end of an epoch, K grows by F (2) when the
//                          measured noise scale B_simple exceeds the batch,
//                          up to --max-batch
// Before the first milestone a step takes --accumulate micro-batches. Except
// for `noise`, K is a pure function of where the run stands, so a resumed
// run recomputes it. --lr-scaling multiplies the learning rate by B / B0
// (linear) or its square root (sqrt) for a batch B grown from the first
// step's B0; the default, none, is Smith's point: the rate stays.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_BATCHSCHEDULE_H
#define TRAINC_RUNTIME_TRAIN_BATCHSCHEDULE_H

#include "train/Schedule.h"

#include <cstdint>
#include <string>
#include <vector>

namespace trainc::rt {

struct BatchSchedule {
  enum class Kind { Fixed, Epochs, Steps, Smith, Noise };
  Kind kind = Kind::Fixed;
  struct Milestone {
    double at;          // epoch (Epochs) or step (Steps)
    int64_t accumulate; // K from there on
  };
  std::vector<Milestone> milestones;
  /// Noise: the factor K grows by.
  int64_t noiseFactor = 2;
};

/// Parses --batch-schedule's value; false with a one-line `error` naming the
/// flag on a bad one.
bool parseBatchSchedule(const std::string &text, BatchSchedule &out,
                        std::string &error);

/// Where the run stands before a step.
struct RunPosition {
  int64_t step = 0;  // optimizer steps done
  int64_t epoch = 0; // the epoch in progress, from 0
  int64_t samples = 0; // samples of it consumed
};

/// The batch and learning-rate plan of a run: which K each step takes and
/// the learning rate it uses.
class BatchPlan {
public:
  /// `shard`: the samples of one micro-batch over all processes (the
  /// compiled batch times world); `baseAccumulate`: --accumulate;
  /// `maxBatch`: --max-batch (0: no cap); `trainCount`: N; `lrScaling`:
  /// "none", "linear" or "sqrt". Checks the combination (smith needs
  /// --lr-schedule step with integer factors 1 / gamma, a cap that is at
  /// least the first batch, ...): on a bad one `error` is set.
  BatchPlan(const BatchSchedule &schedule, const ScheduleOptions &lr,
            int64_t shard, int64_t baseAccumulate, int64_t maxBatch,
            int64_t trainCount, const std::string &lrScaling,
            std::string &error);

  /// K of the step at `at`; `noiseAccumulate` is the noise schedule's
  /// current K (its state), ignored by the others.
  int64_t accumulate(const RunPosition &at, int64_t noiseAccumulate) const;
  /// The largest K --max-batch allows (a huge number without a cap).
  int64_t maxAccumulate() const { return kMax; }
  /// The steps of an epoch taking `accumulate` micro-batches each.
  int64_t stepsPerEpoch(int64_t accumulate) const;
  /// --lr-scaling's factor for a step of `accumulate` micro-batches: 1,
  /// K / K0 or sqrt(K / K0).
  double rateScale(int64_t accumulate) const;
  /// The learning rate of the step at `at` taking `accumulate`
  /// micro-batches, in a run whose length is `totalSteps` steps of the first
  /// batch (for cosine and polynomial decay).
  double learningRate(const RunPosition &at, int64_t accumulate,
                      int64_t totalSteps) const;
  /// The learning-rate schedule the steps follow (smith's takes the step
  /// decay out: the batch grows instead).
  const ScheduleOptions &rateSchedule() const { return rates; }
  /// The first step's batch (samples).
  int64_t baseBatch() const { return shard * base; }
  /// "epoch:0=1,30=2", "smith (x5 at epochs 30, 60; cap 4992)", ...
  std::string describe() const;

private:
  /// Epochs of progress at `at`: epoch + samples / N.
  double epochs(const RunPosition &at) const;
  /// Smith's K and learning-rate factor after the milestones passed at
  /// `at`.
  std::pair<int64_t, double> smith(const RunPosition &at) const;

  BatchSchedule schedule;
  ScheduleOptions rates;
  std::vector<double> smithMilestones;
  int64_t smithFactor = 1;
  int64_t shard, base, kMax, trainCount;
  std::string lrScaling;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_BATCHSCHEDULE_H
