//===- Trainer.cpp - the training loop ------------------------------------===//
//
// One process, one model. The loop keeps where the run stands (optimizer
// steps done, the epoch in progress, the batches of it done); that and the
// arenas are all a checkpoint needs, because the epoch's order is a function
// of (seed, epoch) and everything else is deterministic.
//
//===----------------------------------------------------------------------===//

#include "train/Trainer.h"

#include "Context.h"
#include "Error.h"
#include "comm/BucketReduce.h"
#include "data/Dataset.h"
#include "train/Arenas.h"
#include "train/Checkpoint.h"
#include "train/Device.h"
#include "train/Hash.h"
#include "train/Init.h"
#include "train/Inference.h"
#include "train/Log.h"
#include "train/Optimizer.h"
#include "train/SaveOnnx.h"
#include "train/Schedule.h"
#include "train/Shuffle.h"
#include "train/TensorDump.h"
#include "train/TensorLayout.h"
#include "train/Threads.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>

namespace trainc::rt {
namespace {

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
        globalBatch(desc.batch * world) {}

  int run();

private:
  /// Everything before the first step, failing early on bad outputs.
  void start();
  /// Continues from --resume FILE, once the data is loaded.
  void restore(const Checkpoint &checkpoint);
  /// The step the run ends at: the first of --steps and --epochs.
  int64_t finalStep() const;
  void announce(Progress &progress, int threads);
  /// One step: a batch of the epoch's order, the train step, the update.
  float step();
  void evaluateTestSplit(Progress &progress, const std::string &when);
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
  /// the epoch's order, this rank the `desc.batch` at rank * desc.batch.
  const int rank, world;
  const int64_t globalBatch;
  /// This rank's contiguous share of the test split.
  DatasetSplit testShard;
  /// The gradient all-reduce, bucket by bucket, and the last step's wait.
  BucketReduce reduce{dataPlane(), desc};
  /// No step has moved the running statistics since syncBuffers().
  bool buffersShared = true;

  Arenas arenas;
  Dataset data;
  JsonLog log;
  uint64_t seed = 0;
  int64_t sampleSize = 0, stepsPerEpoch = 0, totalEpochs = 0;
  /// The compiled optimizer's hyper-parameters, and the learning rate of
  /// the step being taken (schedule and warm-up).
  OptimizerSettings optimizer;
  float learningRate();
  float lastLr = 0;
  /// NLCG's scalars of the last step, as log fields ("" for others).
  std::string nlcgLogFields();
  /// Where the run stands: optimizer steps done since the start of
  /// training, the 0-based epoch in progress and the batches of it done.
  int64_t stepCount = 0, epoch = 0, batchInEpoch = 0;
  /// The epoch's sample order.
  std::vector<int64_t> order;
  /// The step the run ends at (finalStep()).
  int64_t lastStep = 0;
  /// The batch on the CPU target.
  AlignedBytes input, labels;
  /// The batch pipeline on a device (train/Device.h): slot s % kBatchSlots
  /// holds step s's batch, uploaded from staging memory on the copy stream
  /// while step s - 1 runs.
  struct BatchSlot {
    void *input = nullptr, *labels = nullptr;
    void *deviceInput = nullptr, *deviceLabels = nullptr;
    /// The step whose batch the slot holds, or -1.
    int64_t step = -1;
  };
  BatchSlot slots[Device::kBatchSlots];
  /// Copies this rank's samples of batch `batch` of the epoch whose order
  /// is `epochOrder` into `images` and `classes`.
  void fillBatch(const std::vector<int64_t> &epochOrder, int64_t batch,
                 float *images, int32_t *classes) const;
  /// Uploads the batch of step `step` (this one or the next) into its slot.
  void uploadBatch(int64_t step);
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

  // The checkpoint comes first: its seed also generates synthetic data.
  std::optional<Checkpoint> checkpoint;
  seed = options.seed;
  if (!options.resumePath.empty()) {
    checkpoint = readCheckpointFor(options.resumePath, desc);
    uint64_t saved = checkpoint->header.seed;
    if (options.given.count("--seed") && saved != options.seed)
      fatal("checkpoint " + options.resumePath + " was taken with --seed " +
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
          (world > 1 ? " (" + std::to_string(world) + " ranks x " +
                           std::to_string(desc.batch) + ")"
                     : std::string()));
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
  if (checkpoint)
    restore(*checkpoint);
  order = epochPermutation(seed, epoch, data.train.count);
}

void Trainer::restore(const Checkpoint &checkpoint) {
  const CheckpointHeader &saved = checkpoint.header;
  if (saved.world != world)
    fatal("checkpoint " + options.resumePath + " was taken with " +
          std::to_string(saved.world) + " process" +
          (saved.world == 1 ? "" : "es") + " but this run has " +
          std::to_string(world) +
          " (the global batch and each rank's share of it would change)");
  if (saved.trainCount != data.train.count)
    fatal("checkpoint " + options.resumePath +
          " was taken on a training split of " +
          std::to_string(saved.trainCount) + " samples but " +
          data.description + " has " + std::to_string(data.train.count) +
          " (resume with the same --data)");
  if (saved.step < 0 || saved.epoch < 0 || saved.position < 0 ||
      saved.position >= stepsPerEpoch)
    fatal("checkpoint " + options.resumePath +
          " has an impossible position (step " + std::to_string(saved.step) +
          ", epoch " + std::to_string(saved.epoch) + ", batch " +
          std::to_string(saved.position) + ")");
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
  epoch = saved.epoch;
  batchInEpoch = saved.position;
}

int64_t Trainer::finalStep() const {
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  int64_t last = options.steps ? *options.steps : kNever;
  if (totalEpochs > 0)
    last = std::min(last, totalEpochs > kNever / stepsPerEpoch
                              ? kNever
                              : totalEpochs * stepsPerEpoch);
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
                   describeSchedule(scheduleOptions(options, stepsPerEpoch)));
  if (!options.resumePath.empty())
    progress.message("resuming " + options.resumePath + " at step " +
                     std::to_string(stepCount) + " (epoch " +
                     std::to_string(epoch + 1) + ", " +
                     std::to_string(batchInEpoch) + " of " +
                     std::to_string(stepsPerEpoch) + " batches done)");
}

float Trainer::learningRate() {
  // A pure function of the step, so a resumed run follows the same curve.
  ScheduleOptions schedule = scheduleOptions(options, stepsPerEpoch);
  lastLr = static_cast<float>(
      rt::learningRate(schedule, stepCount, finalStep(), stepsPerEpoch));
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
                        int64_t batch, float *images,
                        int32_t *classes) const {
  const int64_t *indices =
      &epochOrder[batch * globalBatch + rank * desc.batch];
  for (int64_t i = 0; i < desc.batch; ++i) {
    std::memcpy(images + i * sampleSize,
                &data.train.images[indices[i] * sampleSize], 4 * sampleSize);
    classes[i] = data.train.labels[indices[i]];
  }
}

void Trainer::uploadBatch(int64_t target) {
  Device &device = *arenas.device;
  int index = static_cast<int>(target % Device::kBatchSlots);
  BatchSlot &slot = slots[index];
  // The staging memory is free once the slot's last upload has read it
  // (long since: the step that used it is done).
  device.waitStaging(index);
  // This step's batch, the next one of the epoch, or the first of the
  // next epoch, whose order is a function of (seed, epoch) like this one's.
  int64_t batch = batchInEpoch + (target - stepCount);
  std::vector<int64_t> nextOrder;
  if (batch == stepsPerEpoch) {
    nextOrder = epochPermutation(seed, epoch + 1, data.train.count);
    batch = 0;
  }
  fillBatch(nextOrder.empty() ? order : nextOrder, batch,
            static_cast<float *>(slot.input),
            static_cast<int32_t *>(slot.labels));
  device.uploadBatch(index, slot.deviceInput, slot.input, input.size());
  device.uploadBatch(index, slot.deviceLabels, slot.labels, labels.size());
  slot.step = target;
}

float Trainer::step() {
  Device *device = arenas.device;
  int index = static_cast<int>(stepCount % Device::kBatchSlots);
  const void *stepInput = input.data(), *stepLabels = labels.data();
  if (!device) {
    fillBatch(order, batchInEpoch, input.as<float>(), labels.as<int32_t>());
  } else {
    // Uploaded while the step before ran, except the run's first.
    if (slots[index].step != stepCount)
      uploadBatch(stepCount);
    device->acquireBatch(index);
    stepInput = slots[index].deviceInput;
    stepLabels = slots[index].deviceLabels;
  }

  trainc_update_coeffs hyper =
      updateCoefficients(optimizer, stepCount, learningRate());

  float loss = 0;
  // The step starts each bucket's all-reduce as backward fills it, waits
  // for them in order and updates each bucket as soon as its sum is in.
  RuntimeContext &context = runtimeContext();
  if (world > 1) {
    reduce.begin();
    context.activeReduce = &reduce;
  }
  trainc_step_args args = stepArgs(&context);
  args.params = arenas.params_;
  args.grads = arenas.grads_;
  args.buffers = arenas.buffers_;
  args.state = arenas.state_;
  args.arena = arenas.activations_;
  args.input = stepInput;
  args.labels = stepLabels;
  args.output = device ? arenas.output_ : &loss;
  args.hyper = &hyper;
  api.trainStep(&args);
  if (device) {
    // The next step's batch uploads while this one runs; then the host
    // waits, once per step, for the loss.
    device->releaseBatch(index);
    if (stepCount + 1 < lastStep)
      uploadBatch(stepCount + 1);
    device->download(&loss, arenas.output_, sizeof(loss));
  }
  context.activeReduce = nullptr;
  buffersShared = false;
  // The step itself all-reduced the loss and every gradient bucket
  // (train-data-parallel): both are those of the global batch.
  if (world > 1)
    reduce.end();
  if (!std::isfinite(loss))
    fatal(std::string("loss is ") + (std::isnan(loss) ? "NaN" : "infinite") +
          " at step " + std::to_string(stepCount + 1) + " (epoch " +
          std::to_string(epoch + 1) + ", batch " +
          std::to_string(batchInEpoch + 1) + " of " +
          std::to_string(stepsPerEpoch) + ")");
  return loss;
}

void Trainer::syncBuffers() {
  if (world > 1 && desc.buffer_bytes > 0 && !buffersShared) {
    arenas.toHost(ArenaPart::Buffers);
    comm.broadcast(arenas.buffers.data(), desc.buffer_bytes, 0);
    arenas.toDevice(ArenaPart::Buffers);
  }
  buffersShared = true;
}

void Trainer::evaluateTestSplit(Progress &progress, const std::string &when) {
  if (data.test.count == 0)
    return;
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
  progress.message(when + ": " + describeResult(result));
}

void Trainer::saveCheckpoint() {
  syncBuffers();
  if (rank != 0)
    return;
  CheckpointHeader header = modelCheckpointHeader(desc);
  header.world = world;
  header.step = stepCount;
  header.epoch = epoch;
  header.position = batchInEpoch;
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
                       arenas.buffers.data(), state.data(), error))
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

int Trainer::run() {
  int threads = setThreads(options.threads);
  start();
  totalEpochs = options.epochs ? *options.epochs : options.steps ? 0 : 1;
  lastStep = finalStep();
  if (!options.dumpGradsDir.empty() && stepCount >= lastStep)
    fatal("--dump-grads: no step is left to take (the checkpoint is at step " +
          std::to_string(stepCount) + ", the run ends at step " +
          std::to_string(lastStep) + ")");
  Progress progress(!options.quiet && rank == 0, stepsPerEpoch, totalEpochs,
                    lastStep, globalBatch);
  announce(progress, threads);

  int64_t firstStep = stepCount;
  Clock::time_point start = Clock::now();
  while (stepCount < lastStep) {
    Clock::time_point stepStart = Clock::now();
    float loss = step();
    double seconds =
        std::chrono::duration<double>(Clock::now() - stepStart).count();
    ++stepCount;
    ++batchInEpoch;
    log.write(jsonStepRecord(stepCount, epoch + 1, loss, lastLr,
                             seconds > 0 ? globalBatch / seconds : 0.0,
                             world > 1 ? std::optional<double>(reduce.waitSeconds())
                                       : std::nullopt,
                             reduce.startedInBackward(), nlcgLogFields()));
    progress.step(stepCount, epoch, batchInEpoch, loss);
    if (batchInEpoch == stepsPerEpoch) {
      evaluateTestSplit(progress, "epoch " + std::to_string(epoch + 1));
      ++epoch;
      batchInEpoch = 0;
      order = epochPermutation(seed, epoch, data.train.count);
    }
    if (world > 1 && options.consistencyCheckEvery && desc.num_buckets > 0 &&
        stepCount % options.consistencyCheckEvery == 0 && stepCount < lastStep)
      checkBucketAgrees();
    if (options.checkpointEvery && stepCount % options.checkpointEvery == 0 &&
        stepCount < lastStep)
      saveCheckpoint();
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // A run that stops inside an epoch is evaluated where it stopped.
  if (stepCount > firstStep && batchInEpoch > 0)
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
                seconds > 0 ? steps * globalBatch / seconds : 0.0);
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
