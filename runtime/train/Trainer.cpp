//===- Trainer.cpp - the training loop ------------------------------------===//
//
// One process, one model. The loop keeps where the run stands (optimizer
// steps done, the epoch in progress, the samples of it consumed); that, the
// arenas and the noise scale's averages are all a checkpoint needs, because
// the epoch's order is a function of (seed, epoch), the batch of each step
// one of the position (train/BatchSchedule.h; the noise schedule's K is
// saved) and everything else is deterministic.
//
//===----------------------------------------------------------------------===//

#include "train/Trainer.h"

#include "Context.h"
#include "Error.h"
#include "comm/BucketReduce.h"
#include "data/Dataset.h"
#include "train/Arenas.h"
#include "train/BatchSchedule.h"
#include "train/Checkpoint.h"
#include "train/Device.h"
#include "train/Hash.h"
#include "train/Init.h"
#include "train/Inference.h"
#include "train/Log.h"
#include "train/NoiseScale.h"
#include "train/Optimizer.h"
#include "train/SaveOnnx.h"
#include "train/TensorBoard.h"
#include "train/Schedule.h"
#include "train/Shuffle.h"
#include "train/TensorDump.h"
#include "train/TensorLayout.h"
#include "train/Threads.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>

#include <unistd.h>

namespace trainc::rt {

namespace {

/// Preemption (SIGTERM, SIGINT): the first signal asks the run to stop at
/// the next step boundary with a checkpoint; a second one exits at once.
volatile std::sig_atomic_t stopSignal = 0;
/// "PROGRAM: error: a second signal: stopping at once\n", made before the
/// handlers are installed (the handler may only write(2) it).
char secondSignalLine[160];
size_t secondSignalLength = 0;

extern "C" void onStopSignal(int signal) {
  if (stopSignal != 0) {
    ssize_t ignored = ::write(STDERR_FILENO, secondSignalLine,
                              secondSignalLength);
    (void)ignored;
    ::_exit(128 + signal);
  }
  stopSignal = signal;
}

void installStopHandlers() {
  std::string line = runtimeContext().program +
                     ": error: a second signal: stopping at once, without "
                     "a checkpoint\n";
  secondSignalLength = std::min(line.size(), sizeof(secondSignalLine));
  std::memcpy(secondSignalLine, line.data(), secondSignalLength);
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

const char *signalName(int signal) {
  return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM"
                                                         : "a signal";
}


using Clock = std::chrono::steady_clock;

void copyInto(AlignedBytes &arena, const std::vector<char> &bytes) {
  if (!bytes.empty())
    std::memcpy(arena.data(), bytes.data(), bytes.size());
}

/// "2 (7850 values)": the tensors of `kind` and their elements.
std::string countTensors(const trainc_model_desc &desc,
                         trainc_tensor_kind kind) {
  int64_t tensors = 0, values = 0;
  for (int i = 0; i < desc.num_tensors; ++i) {
    if (desc.tensors[i].kind == kind) {
      ++tensors;
      values += desc.tensors[i].numel;
    }
  }
  return std::to_string(tensors) + " (" + std::to_string(values) + " values)";
}

std::string describeResult(const EvalResult &result) {
  char text[96];
  std::snprintf(text, sizeof(text), "test accuracy %.2f%%, test loss %.4g",
                100 * result.accuracy, result.loss);
  return text;
}

class Trainer {
public:
  Trainer(const TrainOptions &options, const ModelApi &api)
      : options(options), api(api), desc(describeModel(api)),
        comm(communicator()), rank(comm.rank()), world(comm.world()),
        accumulate(options.accumulate),
        globalBatch(desc.batch * world * accumulate),
        noiseAccumulate(options.accumulate) {}

  int run();

private:
  /// "32 per process x 2 micro-batches x 4 processes": the step's batch.
  std::string describeBatch() const;
  /// Everything before the first step, failing early on bad outputs.
  void start();
  /// Continues from --resume FILE, once the data is loaded.
  void restore(const Checkpoint &checkpoint);
  /// The length of the run in steps of the first batch (the learning-rate
  /// schedule's T): the first of --steps and --epochs.
  int64_t finalStep() const;
  /// The position the run stands at.
  RunPosition position() const { return {stepCount, epoch, samplesInEpoch}; }
  /// The samples of a step taken at `at` (all processes, all
  /// micro-batches).
  int64_t batchAt(RunPosition at) const {
    return desc.batch * world * plan->accumulate(at, noiseAccumulate);
  }
  /// Where the step planned at `at` starts, and its batch: `at`, or the
  /// next epoch's start when the rest of the epoch's order is less than
  /// that step's batch (the one rule of where epochs end). Fails on a
  /// batch that outgrows the training split.
  RunPosition stepStart(RunPosition at, int64_t &batch) const;
  /// Sets `accumulate` and what follows from it for the step at the
  /// current position; ends the epoch first when that step does not fit in
  /// it.
  void planStep();
  /// The steps the run will take from here (0 when unknown: the noise
  /// schedule), by following the plan; fails on a batch that outgrows the
  /// training split.
  int64_t plannedSteps() const;
  /// Whether the run goes on after the current position.
  bool running() const {
    return stepCount < stepsLimit && (totalEpochs == 0 || epoch < totalEpochs);
  }
  /// The noise schedule, at the end of an epoch: grows K when the measured
  /// noise scale exceeds the batch.
  void growWithNoise(Progress &progress);
  void announce(Progress &progress, int threads);
  /// One step: `accumulate` micro-batches of the epoch's order through the
  /// train step, then the all-reduce and the update.
  float step();
  /// Table `table` of the noise scale's partials (trainc/abi.h,
  /// TRAINC_NOISE_CHUNK), and its sum in index order.
  std::vector<double> readPartials(int table);
  static double sumPartials(const std::vector<double> &partials);
  /// After a step with measureNoise: (M2) and (M3) from its micro-batches'
  /// squared norms (summed over this process's) and the step's.
  void measureNoiseScale(double microNormSqSum, double stepNormSq);
  /// Evaluates the test split (nothing without one); returns whether the
  /// result reaches --stop-at-accuracy or --stop-at-loss.
  bool evaluateTestSplit(Progress &progress, const std::string &when);
  /// The step of the last evaluation (-1: none).
  int64_t lastEvalStep = -1;
  void saveCheckpoint();
  void finish();
  /// The ranks whose `hash` differs from rank 0's (all-gathered).
  std::vector<int> ranksDiffering(uint64_t hash);
  /// Fails unless every rank holds the same parameters and state.
  void checkRanksAgree(Progress &progress);
  /// --consistency-check-every: fails unless every rank holds the same
  /// parameters in one gradient bucket (the buckets in turn).
  void checkBucketAgrees();
  /// Rank 0's outputs can be written (before the first step).
  void checkOutputs();
  /// Checks that every rank runs the same compiled plan.
  void checkSamePlan();
  /// Every rank takes rank 0's running statistics (as DDP's
  /// broadcast_buffers), before they are evaluated or saved; once after
  /// each step that moved them.
  void syncBuffers();

  const TrainOptions &options;
  const ModelApi &api;
  const trainc_model_desc &desc;
  Communicator &comm;
  /// This process among `world`; each step takes `globalBatch` samples of
  /// the epoch's order, `accumulate` micro-batches of `world` shares of
  /// `desc.batch`: this rank's share of micro-batch k at (k world + rank)
  /// desc.batch.
  const int rank, world;
  int64_t accumulate, globalBatch;
  /// What K the batch schedule gives each step (train/BatchSchedule.h), and
  /// the noise schedule's current K.
  std::optional<BatchPlan> plan;
  int64_t noiseAccumulate;
  /// --lr-scaling with a warm-up: after a batch change the scale ramps from
  /// the old batch's to the new one's over the warm-up length (Goyal et
  /// al.'s gradual warm-up, at every increase): the step the ramp started
  /// at and K before it (0: no ramp).
  int64_t rampStep = 0, rampFrom = 0;
  /// Whether the step measures the gradient noise scale (two or more
  /// micro-batches in a step, --no-noise-scale not given).
  bool measureNoise = false;
  NoiseScale noise;
  /// The last step's estimates (M2) and (M3).
  NoiseEstimate lastNoise{};
  /// This rank's contiguous share of the test split.
  DatasetSplit testShard;
  /// The gradient all-reduce, bucket by bucket, and the last step's wait.
  BucketReduce reduce{dataPlane(), desc};
  /// No step has moved the running statistics since syncBuffers().
  bool buffersShared = true;

  Arenas arenas;
  Dataset data;
  JsonLog log;
  /// --tensorboard (rank 0).
  TensorBoardWriter tensorboard;
  uint64_t seed = 0;
  int64_t sampleSize = 0, stepsPerEpoch = 0, totalEpochs = 0;
  /// The compiled optimizer's hyper-parameters, and the learning rate of
  /// the step being taken (schedule and warm-up).
  OptimizerSettings optimizer;
  float learningRate();
  float lastLr = 0, lastMomentum = 0;
  /// NLCG's scalars of the last step, as log fields ("" for others).
  std::string nlcgLogFields();
  /// Where the run stands: optimizer steps done since the start of
  /// training, the 0-based epoch in progress and the samples of it
  /// consumed; the steps of it done (for the progress line).
  int64_t stepCount = 0, epoch = 0, samplesInEpoch = 0, batchInEpoch = 0;
  /// The checkpoint this run resumed (--resume's, or an older one).
  std::string resumedPath;
  /// The last checkpoint known good: the one this run wrote last, or the
  /// one it resumed (empty: none), and its step.
  std::string lastGoodCheckpoint;
  int64_t lastGoodStep = 0;
  /// --on-nonfinite: whether the step defers its update until the whole
  /// step is known finite (skip, for the optimizers whose update is
  /// per bucket); what the last step found not finite ("" when all is
  /// finite); the steps skipped so far in this run.
  bool deferUpdate = false;
  std::string nonfinite;
  /// With deferUpdate, the running statistics before the step.
  std::vector<char> buffersBefore;
  int64_t skippedSteps = 0;
  /// "" when the step's loss and finished gradient are finite; else what
  /// is not, naming the first bucket and parameter affected (from the
  /// second table of `stats`: its sums are finite exactly when the
  /// gradient elements are).
  std::string describeNonfinite(float loss,
                                const std::vector<double> &partials);
  /// Ends the run after a step that was not finite: one line from rank 0,
  /// nothing of the step saved; returns the exit status.
  int stopForNonfinite(const std::string &why, const std::string &note = "");
  /// Preemption: the signal some rank received, agreed on by every rank at
  /// a step boundary (0: none), and the lowest rank that received it.
  int agreedStopSignal(int &fromRank);
  /// Stops the run after a signal: a checkpoint when --checkpoint is
  /// given, one line saying where to resume; returns the exit status.
  int stopForSignal(Progress &progress, int signal, int fromRank,
                    bool saved);
  /// The epoch's sample order.
  std::vector<int64_t> order;
  /// --steps (or no limit), and finalStep().
  int64_t stepsLimit = 0, lastStep = 0;
  /// The batch on the CPU target.
  AlignedBytes input, labels;
  /// The batch pipeline on a device (train/Device.h): micro-step m of the
  /// process (counted over the run) uses slot m % kBatchSlots, uploaded
  /// from staging memory on the copy stream while micro-step m - 1 runs.
  /// A slot is keyed by the batch it holds, so a guess of the next
  /// micro-step that the plan overturns is uploaded again.
  struct BatchSlot {
    void *input = nullptr, *labels = nullptr;
    void *deviceInput = nullptr, *deviceLabels = nullptr;
    /// The epoch and the first sample (of the epoch's order) of the batch
    /// the slot holds; epoch -1: none.
    int64_t epoch = -1, first = -1;
  };
  BatchSlot slots[Device::kBatchSlots];
  int64_t microCount = 0;
  /// Copies this rank's `desc.batch` samples from sample `first` of the
  /// epoch whose order is `epochOrder` into `images` and `classes`.
  void fillBatch(const std::vector<int64_t> &epochOrder, int64_t first,
                 float *images, int32_t *classes) const;
  /// The first sample of this rank's share of micro-batch `k` of the step
  /// that starts at sample `first`.
  int64_t shareStart(int64_t first, int64_t k) const {
    return first + (k * world + rank) * desc.batch;
  }
  /// Uploads this rank's batch from sample `first` of epoch `batchEpoch`
  /// into slot `index`, unless it holds it already.
  void uploadBatch(int index, int64_t batchEpoch, int64_t first);
};

void Trainer::checkSamePlan() {
  std::vector<uint64_t> hashes = comm.allgather(desc.plan_hash);
  for (int r = 0; r < world; ++r)
    if (hashes[r] != hashes[0])
      fatal("rank " + std::to_string(r) +
            " runs a different model or build than rank 0 (plan hash " +
            hex64(hashes[r]) + ", rank 0's is " + hex64(hashes[0]) +
            "): every rank must run the same executable");
}

void Trainer::checkOutputs() {
  std::string error;
  if (!options.checkpointPath.empty() &&
      !checkCheckpointWritable(options.checkpointPath, error))
    fatal(error);
  if (!options.saveOnnxPath.empty() &&
      !checkSaveOnnx(options.saveOnnxPath, desc, error))
    fatal(error);
  for (const std::string &dir : {options.dumpGradsDir, options.dumpParamsDir})
    if (!dir.empty() &&
        (!makeDirectory(dir, error) || !checkDumpNames(desc, error)))
      fatal(error);
  if (!options.logPath.empty() && !log.open(options.logPath, error))
    fatal(error);
  if (!options.tensorboardDir.empty() &&
      !tensorboard.open(options.tensorboardDir, error))
    fatal(error);
}

std::string Trainer::describeBatch() const {
  std::string text = std::to_string(desc.batch) + " per process";
  if (accumulate > 1)
    text += " x " + std::to_string(accumulate) + " micro-batches";
  if (world > 1)
    text += " x " + std::to_string(world) + " processes";
  return text;
}

void Trainer::start() {
  std::string error;
  if (!options.init.empty() && !options.resumePath.empty())
    fatal("--init and --resume are exclusive (the checkpoint holds the "
          "parameters)");
  if (options.init.empty() && options.resumePath.empty() &&
      desc.param_bytes > 0 && !desc.initial_params)
    fatal("this executable was compiled without its weights (trainc "
          "--weights=none): pass --init kaiming to train from scratch, or "
          "--resume CHECKPOINT");
  std::optional<OptimizerSettings> settings =
      resolveOptimizer(options, desc.optimizer ? desc.optimizer : "", error);
  if (!settings)
    fatal(error);
  optimizer = *settings;
  if (optimizer.name == "nlcg")
    runtimeContext().nlcg = &optimizer.nlcg;
  if (world > 1)
    checkSamePlan();
  // Rank 0 writes every output; a path it cannot write ends the job.
  if (rank == 0)
    checkOutputs();
  // --on-nonfinite skip: NLCG's update is not per bucket (its passes and
  // line search run inside the step after every bucket's gather), so it
  // cannot wait for trainc_apply_update yet.
  deferUpdate = options.skipNonfinite;
  if (deferUpdate && desc.optimizer && std::strcmp(desc.optimizer, "nlcg") == 0)
    fatal("--on-nonfinite skip is not supported with the nlcg optimizer "
          "(its update is not deferred); use --on-nonfinite stop");
  if (deferUpdate && !api.applyUpdate)
    fatal("--on-nonfinite skip: this executable's model has no separate "
          "update (trainc_apply_update)");
  if (deferUpdate)
    buffersBefore.resize(static_cast<size_t>(desc.buffer_bytes));

  // The checkpoint comes first: its seed also generates synthetic data.
  std::optional<Checkpoint> checkpoint;
  seed = options.seed;
  if (!options.resumePath.empty()) {
    // The file resumed: --resume's, or an older one it fell back to.
    resumedPath = options.resumePath;
    checkpoint = readCheckpointFor(resumedPath, desc, rank == 0);
    uint64_t saved = checkpoint->header.seed;
    if (options.given.count("--seed") && saved != options.seed)
      fatal("checkpoint " + resumedPath + " was taken with --seed " +
            std::to_string(saved) + " but --seed " +
            std::to_string(options.seed) +
            " was given (the order of the rest of the epoch depends on it)");
    seed = saved;
  }

  std::optional<Dataset> loaded = loadDataset(options.data, sampleShape(desc),
                                              desc.num_classes, seed, error);
  if (!loaded)
    fatal(error);
  data = std::move(*loaded);
  sampleSize = data.sampleSize();
  stepsPerEpoch = data.train.count / globalBatch;
  if (stepsPerEpoch == 0)
    fatal("the training split of " + data.description + " has " +
          std::to_string(data.train.count) +
          " samples, fewer than one batch of " + std::to_string(globalBatch) +
          (world > 1 || accumulate > 1 ? " (" + describeBatch() + ")"
                                       : std::string()));
  // The learning-rate schedule counts steps of the first batch.
  plan.emplace(options.batchSchedule, scheduleOptions(options, stepsPerEpoch),
               desc.batch * world, options.accumulate, options.maxBatch,
               data.train.count, options.lrScaling, error);
  if (!error.empty())
    fatal(error);
  if ((options.evalEvery || options.stopAtAccuracy || options.stopAtLoss) &&
      data.test.count == 0)
    fatal(std::string(options.evalEvery ? "--eval-every" : "--stop-at-") +
          (options.evalEvery ? ""
           : options.stopAtAccuracy ? "accuracy" : "loss") +
          " needs a test split, and " + data.description + " has none");
  if (options.batchSchedule.kind == BatchSchedule::Kind::Noise &&
      (!options.noiseScale || (options.accumulate < 2 && world < 2)))
    fatal("--batch-schedule noise grows the batch by the measured noise "
          "scale, which needs two or more micro-batches per step "
          "(--accumulate 2 or more, or several processes) and no "
          "--no-noise-scale");
  // The test split is evaluated in contiguous shards, one per rank.
  if (data.test.count) {
    int64_t first = data.test.count * rank / world;
    int64_t last = data.test.count * (rank + 1) / world;
    testShard.count = last - first;
    testShard.images.assign(data.test.images.begin() + first * sampleSize,
                            data.test.images.begin() + last * sampleSize);
    testShard.labels.assign(data.test.labels.begin() + first,
                            data.test.labels.begin() + last);
  }

  arenas = allocateArenas(desc);
  // The partial sums always: the non-finite check reads their second table.
  arenas.allocateAccumulation(
      desc,
      options.accumulate > 1 ||
          options.batchSchedule.kind != BatchSchedule::Kind::Fixed,
      /*noise=*/true);
  if (!options.init.empty()) {
    initialiseKaiming(desc, seed, arenas.params.data(), arenas.buffers.data());
    arenas.toDevice(ArenaPart::Params);
    arenas.toDevice(ArenaPart::Buffers);
  }
  input = AlignedBytes(4 * desc.batch * sampleSize, "an input batch");
  labels = AlignedBytes(4 * desc.batch, "a batch of labels");
  if (Device *device = arenas.device)
    for (BatchSlot &slot : slots) {
      slot.input = device->allocateStaging(input.size(), "an input batch");
      slot.labels = device->allocateStaging(labels.size(), "a batch of labels");
      slot.deviceInput = device->allocate(input.size(), "an input batch");
      slot.deviceLabels = device->allocate(labels.size(), "a batch of labels");
    }
  totalEpochs = options.epochs ? *options.epochs : options.steps ? 0 : 1;
  stepsLimit = options.steps ? *options.steps
                             : std::numeric_limits<int64_t>::max();
  if (checkpoint)
    restore(*checkpoint);
  order = epochPermutation(seed, epoch, data.train.count);
  lastStep = finalStep();
  planStep();
}

RunPosition Trainer::stepStart(RunPosition at, int64_t &batch) const {
  batch = batchAt(at);
  if (at.samples > 0 && at.samples + batch > data.train.count) {
    // The rest of the epoch's order is less than a step: the epoch ends.
    ++at.epoch;
    at.samples = 0;
    batch = batchAt(at);
  }
  if (batch > data.train.count)
    fatal("the batch schedule grows the batch to " + std::to_string(batch) +
          " samples in epoch " + std::to_string(at.epoch + 1) +
          ", more than the training split's " +
          std::to_string(data.train.count) + " (--batch-schedule " +
          options.batchScheduleText + ")");
  return at;
}

void Trainer::planStep() {
  int64_t batch;
  RunPosition at = stepStart(position(), batch);
  if (at.epoch != epoch) {
    epoch = at.epoch;
    samplesInEpoch = 0;
    order = epochPermutation(seed, epoch, data.train.count);
  }
  globalBatch = batch;
  accumulate = batch / (desc.batch * world);
  stepsPerEpoch = plan->stepsPerEpoch(accumulate);
  batchInEpoch = samplesInEpoch / globalBatch;
  measureNoise = options.noiseScale && (accumulate > 1 || world > 1);
}

int64_t Trainer::plannedSteps() const {
  if (options.batchSchedule.kind == BatchSchedule::Kind::Noise)
    return stepsLimit == std::numeric_limits<int64_t>::max() ? 0 : stepsLimit;
  // A fixed batch: the first of --steps and --epochs, in its steps.
  if (options.batchSchedule.kind == BatchSchedule::Kind::Fixed)
    return lastStep;
  if (totalEpochs == 0 && stepsLimit == std::numeric_limits<int64_t>::max())
    return 0;
  RunPosition at = position();
  while (at.step < stepsLimit) {
    int64_t batch;
    at = stepStart(at, batch);
    if (totalEpochs != 0 && at.epoch >= totalEpochs)
      break;
    ++at.step;
    at.samples += batch;
  }
  return at.step;
}

void Trainer::restore(const Checkpoint &checkpoint) {
  const CheckpointHeader &saved = checkpoint.header;
  if (saved.world != world)
    fatal("checkpoint " + resumedPath + " was taken with " +
          std::to_string(saved.world) + " process" +
          (saved.world == 1 ? "" : "es") + " but this run has " +
          std::to_string(world) +
          " (the global batch and each rank's share of it would change)");
  if (saved.trainCount != data.train.count)
    fatal("checkpoint " + resumedPath +
          " was taken on a training split of " +
          std::to_string(saved.trainCount) + " samples but " +
          data.description + " has " + std::to_string(data.train.count) +
          " (resume with the same --data)");
  if (saved.step < 0 || saved.epoch < 0 || saved.samples < 0 ||
      saved.samples >= data.train.count)
    fatal("checkpoint " + resumedPath +
          " has an impossible position (step " + std::to_string(saved.step) +
          ", epoch " + std::to_string(saved.epoch) + ", sample " +
          std::to_string(saved.samples) + ")");
  // The run goes on from the checkpoint's sample of the epoch, whatever
  // this run's batch: epochs count examples (train/BatchSchedule.h).
  // From the file's ONNX layouts into the arenas'.
  std::vector<char> params = checkpoint.params, state = checkpoint.state;
  convertParamSlots(desc, params.data(), 1, /*toOnnx=*/false);
  convertParamSlots(desc, state.data(), paramShapedStateSlots(desc),
                    /*toOnnx=*/false);
  copyInto(arenas.params, params);
  copyInto(arenas.buffers, checkpoint.buffers);
  copyInto(arenas.state, state);
  for (ArenaPart part : {ArenaPart::Params, ArenaPart::Buffers, ArenaPart::State})
    arenas.toDevice(part);
  stepCount = saved.step;
  lastGoodCheckpoint = resumedPath;
  lastGoodStep = saved.step;
  epoch = saved.epoch;
  samplesInEpoch = saved.samples;
  if (options.batchSchedule.kind == BatchSchedule::Kind::Noise)
    noiseAccumulate = saved.accumulate;
  rampStep = saved.rampStep;
  rampFrom = saved.rampFrom;
  noise.steps = saved.noiseSteps;
  noise.emaGradSq = saved.noiseGradSq;
  noise.emaTrace = saved.noiseTrace;
}

int64_t Trainer::finalStep() const {
  // In steps of the first batch (the learning-rate schedule's clock).
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  int64_t perEpoch = plan->stepsPerEpoch(options.accumulate);
  int64_t last = options.steps ? *options.steps : kNever;
  if (totalEpochs > 0)
    last = std::min(last, totalEpochs > kNever / perEpoch
                              ? kNever
                              : totalEpochs * perEpoch);
  return last;
}

void Trainer::announce(Progress &progress, int threads) {
  if (world > 1) {
    std::string plane = dataPlane().describe();
    progress.message(std::to_string(world) + " processes (" +
                     comm.describe() +
                     (plane.empty() ? "" : "; collectives over " + plane) +
                     "), global batch " + std::to_string(globalBatch));
  }
  if (accumulate > 1)
    progress.message("gradient accumulation: " + std::to_string(accumulate) +
                     " micro-batches per step, a step's batch " +
                     std::to_string(globalBatch) + " (" + describeBatch() +
                     ")");
  progress.message(std::string(desc.source ? desc.source : "model") +
                   ": batch " + std::to_string(desc.batch) + ", parameters " +
                   countTensors(desc, TRAINC_PARAM) + ", buffers " +
                   countTensors(desc, TRAINC_BUFFER) + ", " +
                   std::to_string(threads) + " thread" +
                   (threads == 1 ? "" : "s"));
  if (arenas.device) {
    auto mib = [](int64_t bytes) {
      char text[32];
      std::snprintf(text, sizeof(text), "%.1f MiB", bytes / 1048576.0);
      return std::string(text);
    };
    progress.message("device: " + arenas.device->describe() +
                     "; arenas: parameters " + mib(desc.param_bytes) +
                     ", gradients " + mib(desc.param_bytes) + ", state " +
                     mib(desc.state_bytes) + ", buffers " +
                     mib(desc.buffer_bytes) + ", activations " +
                     mib(desc.arena_bytes));
  }
  progress.message(
      "data: " + data.description + ": " + std::to_string(data.train.count) +
      " training samples (" + std::to_string(stepsPerEpoch) +
      " steps per epoch, " +
      std::to_string(data.train.count - stepsPerEpoch * globalBatch) +
      " dropped), " +
      (data.test.count ? std::to_string(data.test.count) + " test samples"
                       : std::string("no test split")));
  std::ostringstream rate;
  rate << options.lr;
  progress.message("optimizer: " + describeOptimizer(optimizer) + ", lr " +
                   rate.str() + ", " +
                   describeSchedule(plan->rateSchedule()));
  if (!plan->describe().empty())
    progress.message("batch schedule: " + plan->describe());
  if (!options.resumePath.empty())
    progress.message("resuming " + resumedPath + " at step " +
                     std::to_string(stepCount) + " (epoch " +
                     std::to_string(epoch + 1) + ", " +
                     std::to_string(batchInEpoch) + " of " +
                     std::to_string(stepsPerEpoch) + " batches done)");
}

float Trainer::learningRate() {
  // A pure function of where the run stands, so a resumed run follows the
  // same curve.
  double rate = plan->learningRate(position(), accumulate, lastStep);
  int64_t warmup = plan->rateSchedule().warmupSteps;
  int64_t into = stepCount - rampStep;
  if (rampFrom > 0 && warmup > 0 && into < warmup) {
    double from = plan->rateScale(rampFrom), to = plan->rateScale(accumulate);
    rate *= (from + (to - from) * double(into + 1) / double(warmup)) / to;
  }
  lastLr = static_cast<float>(rate);
  return lastLr;
}

std::string Trainer::nlcgLogFields() {
  if (optimizer.name != "nlcg")
    return std::string();
  // The scalar state follows the element slots (train/Nlcg.h).
  double scalars[kNumNlcgScalars];
  arenas.read(ArenaPart::State, scalars,
              trainc_find_optimizer(optimizer.name.c_str())->state_slots *
                  desc.param_bytes,
              sizeof(scalars));
  return jsonNlcgFields(scalars[kNlcgAlpha], scalars[kNlcgBeta],
                        scalars[kNlcgRestart] != 0, scalars[kNlcgUndo],
                        scalars[kNlcgPrecond] != 0);
}

void Trainer::fillBatch(const std::vector<int64_t> &epochOrder,
                        int64_t first, float *images,
                        int32_t *classes) const {
  const int64_t *indices = &epochOrder[first];
  for (int64_t i = 0; i < desc.batch; ++i) {
    std::memcpy(images + i * sampleSize,
                &data.train.images[indices[i] * sampleSize], 4 * sampleSize);
    classes[i] = data.train.labels[indices[i]];
  }
}

void Trainer::uploadBatch(int index, int64_t batchEpoch, int64_t first) {
  Device &device = *arenas.device;
  BatchSlot &slot = slots[index];
  if (slot.epoch == batchEpoch && slot.first == first)
    return;
  // The staging memory is free once the slot's last upload has read it
  // (long since: the micro-step that used it is done).
  device.waitStaging(index);
  // This epoch's order, or the next one's, a function of (seed, epoch)
  // like this one's.
  std::vector<int64_t> nextOrder;
  if (batchEpoch != epoch)
    nextOrder = epochPermutation(seed, batchEpoch, data.train.count);
  fillBatch(nextOrder.empty() ? order : nextOrder, first,
            static_cast<float *>(slot.input),
            static_cast<int32_t *>(slot.labels));
  device.uploadBatch(index, slot.deviceInput, slot.input, input.size());
  device.uploadBatch(index, slot.deviceLabels, slot.labels, labels.size());
  slot.epoch = batchEpoch;
  slot.first = first;
}

float Trainer::step() {
  Device *device = arenas.device;
  trainc_update_coeffs hyper =
      updateCoefficients(optimizer, stepCount, learningRate());
  lastMomentum = hyper.momentum;
  hyper.accumulate = static_cast<float>(accumulate);
  hyper.noise = measureNoise ? 1.0f : 0.0f;
  hyper.nonfinite = static_cast<float>(deferUpdate ? TRAINC_NONFINITE_DEFER
                                                   : TRAINC_NONFINITE_CHECK);
  RuntimeContext &context = runtimeContext();
  // The losses of micro-batches 1..K-1 (this process's), which the last
  // folds into the step's; and their gradients' squared norms.
  float carry = 0, loss = 0;
  double microNormSq = 0;
  // A skipped step leaves the running statistics as they were too: its
  // forward passes move them.
  if (deferUpdate && desc.buffer_bytes > 0) {
    arenas.toHost(ArenaPart::Buffers);
    std::memcpy(buffersBefore.data(), arenas.buffers.data(),
                desc.buffer_bytes);
  }
  for (int64_t k = 0; k < accumulate; ++k) {
    const bool last = k + 1 == accumulate;
    int index = static_cast<int>(microCount % Device::kBatchSlots);
    const void *stepInput = input.data(), *stepLabels = labels.data();
    if (!device) {
      fillBatch(order, shareStart(samplesInEpoch, k), input.as<float>(),
                labels.as<int32_t>());
    } else {
      // Uploaded while the micro-step before ran, except the run's first
      // (or a guess the plan overturned).
      uploadBatch(index, epoch, shareStart(samplesInEpoch, k));
      device->acquireBatch(index);
      stepInput = slots[index].deviceInput;
      stepLabels = slots[index].deviceLabels;
    }
    // trainc/abi.h's trainc_micro_step: micro-batch 1 leaves its gradients
    // in the accumulation arena, 2..K-1 add theirs to it, K adds it to its
    // own and finishes the step.
    hyper.micro = static_cast<float>(
        accumulate == 1 ? TRAINC_MICRO_NONE
        : k == 0        ? TRAINC_MICRO_FIRST
        : last          ? TRAINC_MICRO_LAST
                        : TRAINC_MICRO_ADD);
    hyper.loss_carry = carry;
    // The last micro-step starts each bucket's all-reduce as backward
    // fills it, waits for them in order and updates each bucket as soon as
    // its sum is in.
    if (last && world > 1) {
      reduce.begin();
      context.activeReduce = &reduce;
    }
    trainc_step_args args = stepArgs(&context);
    args.params = arenas.params_;
    args.grads = accumulate > 1 && k == 0 ? arenas.accum_ : arenas.grads_;
    args.accum = arenas.accum_;
    args.stats = arenas.stats_;
    args.buffers = arenas.buffers_;
    args.state = arenas.state_;
    args.arena = arenas.activations_;
    args.input = stepInput;
    args.labels = stepLabels;
    float microLoss = 0;
    args.output = device ? arenas.output_ : &microLoss;
    args.hyper = &hyper;
    api.trainStep(&args);
    if (device) {
      // The next micro-step's batch uploads while this one runs: the next
      // of this step, or the first of the next step as the plan stands
      // (the noise schedule may still change it); then the host waits,
      // once per micro-step, for the loss.
      device->releaseBatch(index);
      int nextIndex = static_cast<int>((microCount + 1) % Device::kBatchSlots);
      if (!last) {
        uploadBatch(nextIndex, epoch, shareStart(samplesInEpoch, k + 1));
      } else if (stepCount + 1 < stepsLimit) {
        int64_t nextBatch;
        RunPosition next = stepStart(
            {stepCount + 1, epoch, samplesInEpoch + globalBatch}, nextBatch);
        if (totalEpochs == 0 || next.epoch < totalEpochs)
          uploadBatch(nextIndex, next.epoch, shareStart(next.samples, 0));
      }
      device->download(&microLoss, arenas.output_, sizeof(microLoss));
    }
    ++microCount;
    context.activeReduce = nullptr;
    if (measureNoise)
      microNormSq += sumPartials(readPartials(0));
    if (last)
      loss = microLoss;
    else
      carry += microLoss;
  }
  buffersShared = false;
  // The step itself all-reduced the loss and every gradient bucket
  // (train-data-parallel): both are those of the global batch.
  if (world > 1)
    reduce.end();
  // The verdict is the same on every rank: the loss and the finished
  // gradient are the all-reduced ones.
  // The finished gradient's partials, read once for the check and the
  // noise scale.
  std::vector<double> finished = readPartials(1);
  nonfinite = describeNonfinite(loss, finished);
  if (!nonfinite.empty()) {
    if (deferUpdate && desc.buffer_bytes > 0) {
      std::memcpy(arenas.buffers.data(), buffersBefore.data(),
                  desc.buffer_bytes);
      arenas.toDevice(ArenaPart::Buffers);
    }
    return loss;
  }
  if (deferUpdate) {
    trainc_step_args args = stepArgs(&context);
    args.params = arenas.params_;
    args.grads = arenas.grads_;
    args.state = arenas.state_;
    args.arena = arenas.activations_;
    args.hyper = &hyper;
    api.applyUpdate(&args);
  }
  if (measureNoise)
    measureNoiseScale(microNormSq, sumPartials(finished));
  return loss;
}

std::string Trainer::describeNonfinite(float loss,
                                       const std::vector<double> &partials) {
  std::string what;
  if (!std::isfinite(loss))
    what = std::string("loss is ") + (std::isnan(loss) ? "NaN" : "infinite");
  int64_t count = static_cast<int64_t>(partials.size());
  int64_t bad = -1;
  for (int64_t k = 0; k < count && bad < 0; ++k)
    if (!std::isfinite(partials[k]))
      bad = k;
  if (bad >= 0) {
    // The chunks follow the parameters in arena order (abi.h).
    std::vector<const trainc_tensor_desc *> params;
    for (int32_t i = 0; i < desc.num_tensors; ++i)
      if (desc.tensors[i].kind == TRAINC_PARAM)
        params.push_back(&desc.tensors[i]);
    std::sort(params.begin(), params.end(),
              [](const trainc_tensor_desc *a, const trainc_tensor_desc *b) {
                return a->offset < b->offset;
              });
    const trainc_tensor_desc *param = nullptr;
    int64_t first = 0;
    for (const trainc_tensor_desc *p : params) {
      first += (p->numel + TRAINC_NOISE_CHUNK - 1) / TRAINC_NOISE_CHUNK;
      if (bad < first) {
        param = p;
        break;
      }
    }
    std::string where;
    for (int32_t b = 0; param && b < desc.num_buckets; ++b)
      if (param->offset >= desc.buckets[b].offset &&
          param->offset < desc.buckets[b].offset + desc.buckets[b].bytes)
        where = "bucket " + std::to_string(b) + ", ";
    if (param)
      where += std::string("parameter ") + param->name;
    what += std::string(what.empty() ? "" : " and ") +
            "gradient is not finite (first in " + where + ")";
  }
  return what;
}

int Trainer::stopForNonfinite(const std::string &why, const std::string &note) {
  log.write(jsonStopRecord("nonfinite", stepCount, lastGoodCheckpoint));
  if (rank != 0)
    return 1;
  std::string resume =
      lastGoodCheckpoint.empty()
          ? std::string("no checkpoint was written (--checkpoint-every N "
                        "keeps one)")
          : "the last good checkpoint is " + lastGoodCheckpoint +
                " (step " + std::to_string(lastGoodStep) + ")";
  reportError(why + " at step " + std::to_string(stepCount) + " (epoch " +
              std::to_string(epoch + 1) + ", batch " +
              std::to_string(batchInEpoch + 1) + " of " +
              std::to_string(stepsPerEpoch) + ")" +
              (note.empty() ? std::string() : "; " + note) +
              "; stopped before saving anything of it: " + resume);
  return 1;
}

std::vector<double> Trainer::readPartials(int table) {
  int64_t count = trainc_noise_partials(&desc);
  std::vector<double> partials(static_cast<size_t>(count));
  if (count > 0)
    arenas.read(ArenaPart::Stats, partials.data(), 8 * count * table,
                8 * count);
  return partials;
}

double Trainer::sumPartials(const std::vector<double> &partials) {
  double sum = 0;
  for (double partial : partials)
    sum += partial;
  return sum;
}

void Trainer::measureNoiseScale(double microNormSq, double stepNormSq) {
  // |G_small|^2: the mean over every micro-batch of every process, summed
  // in rank order on every rank (the same bits everywhere; OPTIMIZERS.md
  // I7), one 8-byte all-gather.
  double small = microNormSq / static_cast<double>(accumulate);
  if (world > 1) {
    uint64_t bits;
    std::memcpy(&bits, &small, 8);
    std::vector<uint64_t> all =
        comm.allgather(bits, "the micro-batch gradients' squared norms");
    double sum = 0;
    for (uint64_t rankBits : all) {
      double value;
      std::memcpy(&value, &rankBits, 8);
      sum += value;
    }
    small = sum / static_cast<double>(world);
  }
  // |G_big|^2: the step's gradient, the same on every rank.
  lastNoise = estimateNoise(small, static_cast<double>(desc.batch), stepNormSq,
                            static_cast<double>(globalBatch));
  noise.add(lastNoise);
}

void Trainer::syncBuffers() {
  if (world > 1 && desc.buffer_bytes > 0 && !buffersShared) {
    arenas.toHost(ArenaPart::Buffers);
    comm.broadcast(arenas.buffers.data(), desc.buffer_bytes, 0);
    arenas.toDevice(ArenaPart::Buffers);
  }
  buffersShared = true;
}

bool Trainer::evaluateTestSplit(Progress &progress, const std::string &when) {
  if (data.test.count == 0)
    return false;
  lastEvalStep = stepCount;
  syncBuffers();
  EvalResult result = evaluate(api, desc, arenas, testShard);
  if (world > 1) {
    double sums[3] = {
        std::round(result.accuracy * static_cast<double>(result.samples)),
        result.loss * static_cast<double>(result.samples),
        static_cast<double>(result.samples)};
    comm.allreduceSum(sums, 3);
    result.samples = static_cast<int64_t>(sums[2]);
    result.accuracy = sums[2] > 0 ? sums[0] / sums[2] : 0;
    result.loss = sums[2] > 0 ? sums[1] / sums[2] : 0;
  }
  log.write(jsonEvalRecord(stepCount, epoch + 1, result.accuracy, result.loss,
                           result.samples));
  tensorboard.scalars(stepCount,
                      {{"test/accuracy", static_cast<float>(result.accuracy)},
                       {"test/loss", static_cast<float>(result.loss)}});
  progress.message(when + ": " + describeResult(result));
  // Every rank has the same all-reduced result, so all stop together.
  return (options.stopAtAccuracy && result.accuracy >= *options.stopAtAccuracy) ||
         (options.stopAtLoss && result.loss <= *options.stopAtLoss);
}

void Trainer::saveCheckpoint() {
  syncBuffers();
  // Every rank knows it (rank 0 writes it, or ends the job).
  lastGoodCheckpoint = options.checkpointPath;
  lastGoodStep = stepCount;
  if (rank != 0)
    return;
  CheckpointHeader header = modelCheckpointHeader(desc);
  header.world = world;
  header.step = stepCount;
  header.epoch = epoch;
  header.position = batchInEpoch;
  header.samples = samplesInEpoch;
  header.accumulate = options.batchSchedule.kind == BatchSchedule::Kind::Noise
                          ? noiseAccumulate
                          : accumulate;
  header.noiseSteps = noise.steps;
  header.rampStep = rampStep;
  header.rampFrom = rampFrom;
  header.noiseGradSq = noise.emaGradSq;
  header.noiseTrace = noise.emaTrace;
  header.seed = seed;
  header.trainCount = data.train.count;
  for (ArenaPart part : {ArenaPart::Params, ArenaPart::Buffers, ArenaPart::State})
    arenas.toHost(part);
  // The file holds every tensor in ONNX's layout (docs/runtime.md).
  std::vector<char> params = onnxLayoutCopy(desc, arenas.params.data(),
                                            desc.param_bytes, 1);
  std::vector<char> state = onnxLayoutCopy(
      desc, arenas.state.data(), desc.state_bytes, paramShapedStateSlots(desc));
  std::string error;
  if (!writeCheckpoint(options.checkpointPath, header, params.data(),
                       arenas.buffers.data(), state.data(), error,
                       options.keepCheckpoints))
    fatal(error);
}

std::vector<int> Trainer::ranksDiffering(uint64_t hash) {
  std::vector<uint64_t> all = comm.allgather(hash);
  std::vector<int> differ;
  for (int r = 1; r < world; ++r)
    if (all[r] != all[0])
      differ.push_back(r);
  return differ;
}

void Trainer::checkRanksAgree(Progress &progress) {
  // OPTIMIZERS.md I7: the reduced gradients are bit-identical on every
  // rank, so parameters and optimizer state must be too.
  arenas.toHost(ArenaPart::Params);
  arenas.toHost(ArenaPart::State);
  Fnv1a64 hash;
  hash.update(arenas.params.data(), desc.param_bytes);
  hash.update(arenas.state.data(), desc.state_bytes);
  std::vector<int> differ = ranksDiffering(hash.value());
  if (!differ.empty())
    fatal("rank " + std::to_string(differ.front()) +
          "'s parameters or optimizer state differ from rank 0's after step " +
          std::to_string(stepCount));
  progress.message("parameters and optimizer state identical on all " +
                   std::to_string(world) + " ranks");
}

void Trainer::checkBucketAgrees() {
  // Cheap enough to run often: one bucket's parameters hashed, one 8-byte
  // all-gather. The reduced gradients are the same bits on every rank
  // (OPTIMIZERS.md I7), so any difference is a fault: a flipped bit, a
  // rank-dependent kernel, a collective that went wrong.
  int64_t check = stepCount / options.consistencyCheckEvery - 1;
  const trainc_bucket &bucket = desc.buckets[check % desc.num_buckets];
  std::vector<char> bytes(static_cast<size_t>(bucket.bytes));
  arenas.read(ArenaPart::Params, bytes.data(), bucket.offset,
              bucket.bytes);
  if (const char *fault = std::getenv("TRAINC_TEST_FLIP_PARAM_BIT")) {
    // Test hook (test/e2e/mpi-failures.test): "RANK:STEP" flips the low
    // bit of the bucket's first parameter on RANK at STEP, as a fault.
    long long faultRank = -1, faultStep = -1;
    if (std::sscanf(fault, "%lld:%lld", &faultRank, &faultStep) == 2 &&
        faultRank == rank && faultStep == stepCount && !bytes.empty())
      bytes[0] ^= 1;
  }
  Fnv1a64 hash;
  hash.update(bytes.data(), bytes.size());
  std::vector<int> differ = ranksDiffering(hash.value());
  std::string names;
  for (int r : differ)
    names += (names.empty() ? "" : ", ") + std::to_string(r);
  if (!differ.empty())
    fatal("the ranks diverged: after step " + std::to_string(stepCount) +
          " the parameters of gradient bucket " +
          std::to_string(check % desc.num_buckets) + " on rank" +
          (differ.size() == 1 ? " " : "s ") + names +
          " differ from rank 0's (--consistency-check-every " +
          std::to_string(options.consistencyCheckEvery) +
          "): a fault on that rank, not a property of the model");
}

void Trainer::finish() {
  std::string error;
  if (!options.checkpointPath.empty())
    saveCheckpoint();
  syncBuffers();
  if (rank != 0)
    return;
  for (ArenaPart part : {ArenaPart::Params, ArenaPart::Grads, ArenaPart::Buffers})
    arenas.toHost(part);
  if (!options.dumpGradsDir.empty() &&
      !dumpTensors(options.dumpGradsDir, desc, TRAINC_PARAM,
                   arenas.grads.data(), error))
    fatal(error);
  if (!options.dumpParamsDir.empty() &&
      !dumpParamsAndBuffers(options.dumpParamsDir, desc, arenas.params.data(),
                            arenas.buffers.data(), error))
    fatal(error);
  if (!options.saveOnnxPath.empty() &&
      !saveOnnx(options.saveOnnxPath, desc, arenas.params.data(),
                arenas.buffers.data(), error))
    fatal(error);
}

int Trainer::agreedStopSignal(int &fromRank) {
  uint64_t mine = static_cast<uint64_t>(stopSignal);
  if (world == 1) {
    fromRank = 0;
    return static_cast<int>(mine);
  }
  // Every rank stops at the same step boundary, whichever got the signal.
  std::vector<uint64_t> all = comm.allgather(mine, "the preemption check");
  for (int r = 0; r < world; ++r)
    if (all[r] != 0) {
      fromRank = r;
      return static_cast<int>(all[r]);
    }
  return 0;
}

int Trainer::stopForSignal(Progress &progress, int signal, int fromRank,
                           bool saved) {
  std::string what = std::string(signalName(signal)) +
                     (world > 1 ? " (rank " + std::to_string(fromRank) + ")"
                                : std::string());
  std::string stopped = "stopped by " + what + " after step " +
                        std::to_string(stepCount);
  const std::string &path = options.checkpointPath;
  if (!path.empty() && !saved)
    saveCheckpoint();
  log.write(jsonStopRecord(signalName(signal), stepCount, path));
  if (path.empty()) {
    if (rank == 0)
      warning(stopped + ": no --checkpoint FILE, nothing saved");
    return 128 + signal;
  }
  progress.message(stopped + ": checkpoint " + path +
                   " written; continue with --resume " + path);
  return 0;
}

void Trainer::growWithNoise(Progress &progress) {
  if (options.batchSchedule.kind != BatchSchedule::Kind::Noise ||
      noise.steps == 0)
    return;
  // The same bits on every rank (NoiseScale's inputs are), so every rank
  // decides alike.
  double scale = noise.scale();
  if (!(scale > static_cast<double>(globalBatch)))
    return;
  int64_t grown = std::min(noiseAccumulate * options.batchSchedule.noiseFactor,
                           plan->maxAccumulate());
  if (grown <= noiseAccumulate)
    return;
  noiseAccumulate = grown;
  char text[160];
  std::snprintf(text, sizeof(text),
                "epoch %lld: the noise scale %.4g exceeds the batch of %lld: "
                "%lld micro-batches per step from now on",
                static_cast<long long>(epoch + 1), scale,
                static_cast<long long>(globalBatch),
                static_cast<long long>(grown));
  progress.message(text);
}

int Trainer::run() {
  int threads = setThreads(options.threads);
  installStopHandlers();
  start();
  if (!options.dumpGradsDir.empty() && !running())
    fatal("--dump-grads: no step is left to take (the checkpoint is at step " +
          std::to_string(stepCount) + ", the run ends at step " +
          std::to_string(lastStep) + ")");
  Progress progress(!options.quiet && rank == 0, stepsPerEpoch, totalEpochs,
                    plannedSteps(), globalBatch);
  announce(progress, threads);

  int64_t firstStep = stepCount, samplesDone = 0;
  Clock::time_point start = Clock::now();
  while (running()) {
    Clock::time_point stepBegan = Clock::now();
    float loss = step();
    double seconds =
        std::chrono::duration<double>(Clock::now() - stepBegan).count();
    ++stepCount;
    if (!nonfinite.empty() && !deferUpdate)
      return stopForNonfinite(nonfinite);
    if (!nonfinite.empty() && ++skippedSteps > options.maxSkipped)
      return stopForNonfinite(nonfinite,
                              std::to_string(skippedSteps) +
                                  " steps skipped, more than --max-skipped " +
                                  std::to_string(options.maxSkipped));
    samplesInEpoch += globalBatch;
    samplesDone += globalBatch;
    batchInEpoch = samplesInEpoch / globalBatch;
    std::string fields = jsonBatchFields(globalBatch, accumulate, lastMomentum);
    if (measureNoise && nonfinite.empty())
      fields += jsonNoiseFields(lastNoise.gradSq, lastNoise.trace,
                                noise.scale());
    if (!nonfinite.empty()) {
      fields += ", \"skipped\": " + jsonString(nonfinite) +
                ", \"skipped_steps\": " + std::to_string(skippedSteps);
      if (rank == 0)
        warning(nonfinite + " at step " + std::to_string(stepCount) +
                ": its update is skipped (" + std::to_string(skippedSteps) +
                " skipped, at most " + std::to_string(options.maxSkipped) +
                ")");
    }
    if (tensorboard.isOpen()) {
      std::vector<std::pair<std::string, float>> scalars;
      if (std::isfinite(loss))
        scalars.push_back({"train/loss", loss});
      scalars.push_back({"train/learning_rate", lastLr});
      scalars.push_back({"train/batch_size", static_cast<float>(globalBatch)});
      if (seconds > 0)
        scalars.push_back({"train/images_per_second",
                           static_cast<float>(globalBatch / seconds)});
      if (world > 1)
        scalars.push_back({"train/comm_wait_seconds",
                           static_cast<float>(reduce.waitSeconds())});
      double scale = measureNoise && nonfinite.empty() ? noise.scale() : NAN;
      if (std::isfinite(scale))
        scalars.push_back({"train/noise_scale", static_cast<float>(scale)});
      if (skippedSteps > 0)
        scalars.push_back(
            {"train/skipped_steps", static_cast<float>(skippedSteps)});
      tensorboard.scalars(stepCount, scalars);
    }
    log.write(jsonStepRecord(stepCount, epoch + 1, loss, lastLr,
                             seconds > 0 ? globalBatch / seconds : 0.0,
                             world > 1 ? std::optional<double>(reduce.waitSeconds())
                                       : std::nullopt,
                             reduce.startedInBackward(),
                             fields + nlcgLogFields()));
    // The epoch ends when the rest of its order is less than the next
    // step's batch.
    int64_t nextBatch;
    bool epochEnds = stepStart(position(), nextBatch).epoch != epoch;
    progress.step(stepCount, epoch, epochEnds ? stepsPerEpoch : batchInEpoch,
                  loss);
    bool goal = false;
    if (options.evalEvery && stepCount % options.evalEvery == 0)
      goal = evaluateTestSplit(progress, "step " + std::to_string(stepCount));
    if (epochEnds) {
      if (lastEvalStep != stepCount)
        goal = evaluateTestSplit(progress, "epoch " + std::to_string(epoch + 1));
      growWithNoise(progress);
      ++epoch;
      samplesInEpoch = batchInEpoch = 0;
      order = epochPermutation(seed, epoch, data.train.count);
    }
    if (goal) {
      progress.message("step " + std::to_string(stepCount) +
                       ": the goal is reached (" +
                       (options.stopAtAccuracy
                            ? "--stop-at-accuracy " +
                                  jsonFloat(static_cast<float>(
                                      *options.stopAtAccuracy))
                            : "--stop-at-loss " +
                                  jsonFloat(static_cast<float>(
                                      *options.stopAtLoss))) +
                       ")");
      break;
    }
    if (running()) {
      int64_t before = globalBatch, beforeK = accumulate;
      planStep();
      if (globalBatch != before) {
        if (options.lrScaling != "none") {
          rampStep = stepCount;
          rampFrom = beforeK;
        }
        progress.setBatch(stepsPerEpoch, globalBatch);
        progress.message("step " + std::to_string(stepCount + 1) +
                         ": the batch is " + std::to_string(globalBatch) +
                         " samples (" + describeBatch() + ")");
      }
    }
    if (world > 1 && options.consistencyCheckEvery && desc.num_buckets > 0 &&
        stepCount % options.consistencyCheckEvery == 0 && running())
      checkBucketAgrees();
    bool saved = false;
    if (options.checkpointEvery && stepCount % options.checkpointEvery == 0 &&
        running()) {
      saveCheckpoint();
      saved = true;
    }
    int fromRank = 0;
    if (int signal = running() ? agreedStopSignal(fromRank) : 0)
      return stopForSignal(progress, signal, fromRank, saved);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // A run that stops inside an epoch is evaluated where it stopped.
  if (stepCount > firstStep && samplesInEpoch > 0 && lastEvalStep != stepCount)
    evaluateTestSplit(progress, "step " + std::to_string(stepCount) +
                                    " (epoch " + std::to_string(epoch + 1) +
                                    ", batch " + std::to_string(batchInEpoch) +
                                    " of " + std::to_string(stepsPerEpoch) +
                                    ")");
  if (world > 1)
    checkRanksAgree(progress);
  finish();

  int64_t steps = stepCount - firstStep;
  char summary[128];
  std::snprintf(summary, sizeof(summary),
                "done: %lld steps in %.2f s (%.0f img/s)",
                static_cast<long long>(steps), seconds,
                seconds > 0 ? samplesDone / seconds : 0.0);
  progress.message(summary + (options.checkpointPath.empty()
                                  ? std::string()
                                  : ", checkpoint " + options.checkpointPath));
  return 0;
}

} // namespace

int runTraining(const TrainOptions &options, const ModelApi &api) {
  Trainer trainer(options, api);
  return trainer.run();
}

} // namespace trainc::rt
