//===- Options.h - the training executable's command line -------*- C++ -*-===//
//
// A hand-written parser (the runtime has no dependencies beyond oneDNN and
// zlib). Every flag is one row of a table that both the parser and --help
// read, so the help cannot miss a flag. docs/runtime.md describes them.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_OPTIONS_H
#define TRAINC_RUNTIME_TRAIN_OPTIONS_H

#include "train/BatchSchedule.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace trainc::rt {

struct TrainOptions {
  /// synthetic[:TRAIN[,TEST]], fashion-mnist[:DIR] or npy:X.npy,Y.npy.
  std::string data = "fashion-mnist";
  /// Where the run stops, counted from the start of training (a resumed run
  /// continues up to the same totals). Without --steps, --epochs is 1.
  std::optional<int64_t> steps, epochs;
  /// Micro-batches per optimizer step (--accumulate).
  int64_t accumulate = 1;
  /// Evaluate the test split every N steps too (0: at epoch ends only),
  /// and stop once an evaluation reaches a goal (--stop-at-accuracy,
  /// --stop-at-loss).
  int64_t evalEvery = 0;
  std::optional<double> stopAtAccuracy, stopAtLoss;
  /// Measure the gradient noise scale where it can be (--no-noise-scale).
  bool noiseScale = true;
  /// How the batch grows (--batch-schedule, train/BatchSchedule.h), its
  /// cap in samples (0: none) and the learning rate's rule for it.
  BatchSchedule batchSchedule;
  std::string batchScheduleText;
  int64_t maxBatch = 0;
  std::string lrScaling = "none";
  /// The optimizer's hyper-parameters (train/Optimizer.h resolves them for
  /// the compiled algorithm; defaults that depend on it are applied there
  /// when a flag is not given).
  float lr = 0.1f, momentum = 0.9f, dampening = 0.0f, weightDecay = 0.0f;
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, alpha = 0.99f;
  float lrDecay = 0.0f, trustCoefficient = 0.001f;
  bool centered = false, noBiasCorrection = false;
  /// nlcg (train/Nlcg.h).
  std::string nlcgRule = "fr", nlcgPreconditioner = "bfgs", nlcgS = "step";
  std::string lineSearch = "step";
  bool noBetaClip = false;
  int64_t nlcgRestartEvery = 0, nlcgPrecondReset = 0, lineSearchPeriod = 5;
  float nlcgPowell = 0.0f, lineSearchThreshold = 1.0f, layerScale = 0.0f;
  /// Also decay BatchNorm parameters and biases.
  bool weightDecayBnBias = false;
  /// The learning-rate schedule (train/Schedule.h): "constant", "step",
  /// "cosine" or "polynomial", after a linear warm-up of `warmupSteps`
  /// (or `warmupEpochs`) from `warmupStartLr`.
  std::string lrSchedule = "constant";
  std::vector<double> lrMilestones;
  float lrGamma = 0.1f, lrPower = 1.0f, lrEnd = 0.0f;
  int64_t warmupSteps = 0;
  float warmupEpochs = 0.0f, warmupStartLr = 0.0f;
  uint64_t seed = 0;
  /// "kaiming" (--init): parameters drawn from `seed`; "": compiled in.
  std::string init;
  /// 0: this process's share of the cores (see Threads.h).
  int threads = 0;
  /// The GPU of a CUDA executable; -1: the local rank under mpirun, else 0.
  int device = -1;
  /// Seconds a collective may take before the job ends (--collective-timeout).
  float collectiveTimeout = 300.0f;
  /// Every N steps the ranks compare one bucket's parameters; 0: never.
  int64_t consistencyCheckEvery = 100;
  std::string logPath;
  /// --tensorboard DIR.
  std::string tensorboardDir;
  bool quiet = false;

  bool forwardOnly = false;
  std::string inputPath, outputPath;

  std::string dumpGradsDir, dumpParamsDir;
  std::string checkpointPath, resumePath;
  std::string saveOnnxPath;
  /// 0: only at the end.
  int64_t checkpointEvery = 0;
  /// --keep-checkpoints N: the checkpoint and the N - 1 before it
  /// (FILE.1, FILE.2, ...), which --resume falls back to.
  int64_t keepCheckpoints = 1;
  /// --on-nonfinite skip (else stop) and --max-skipped N.
  bool skipNonfinite = false;
  int64_t maxSkipped = 10;

  bool help = false;
  /// The flags given on the command line, e.g. "--seed", for checks that
  /// depend on whether a default was overridden.
  std::set<std::string> given;
};

/// Parses argv[1..argc). On a bad command line returns nothing and sets
/// `error` to a one-line message.
std::optional<TrainOptions> parseOptions(int argc, const char *const *argv,
                                         std::string &error);

struct ScheduleOptions;
/// The schedule the options ask for, with --warmup-epochs converted at
/// `stepsPerEpoch`.
ScheduleOptions scheduleOptions(const TrainOptions &options,
                                int64_t stepsPerEpoch = 1);

/// The text --help prints.
std::string helpText(const std::string &program);

/// Every flag the parser accepts, e.g. "--lr", in --help's order.
std::vector<std::string> optionNames();

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_OPTIONS_H
