//===- MockModel.cpp - trainc/model.h written by hand, for tests ----------===//
//
// What a compiled model exports, for a linear softmax classifier on the
// flattened 1x28x28 input: logits = W x + b, mean cross-entropy loss, exact
// gradients, and torch.optim.SGD as the update. Linked with the runtime it
// is the executable `trainc-mock-train`, which the runtime tests drive like
// a real compiled model, and numpy/torch can recompute every number it
// produces.
//
// Tensors: "linear/weight" [10, 784] and "linear/bias" [10] (a bias: no
// weight decay unless asked), and the buffer "linear/samples_seen" [1],
// which the train step increases by the batch, so that buffers travel
// through checkpoints and dumps.
//
// For tests, the environment can change three things:
//   TRAINC_MOCK_PLAN_HASH=N        a different plan hash (another "model")
//   TRAINC_MOCK_REPORT_THREADS=1   the first step prints
//                                  "mock: omp_get_max_threads() = N"
//   TRAINC_MOCK_NAN_AT_STEP=K      the K-th train step of the process
//                                  returns a NaN loss (a run that breaks)
//
//===----------------------------------------------------------------------===//

#include "MockModel.h"
#include "trainc/model.h"

#include "data/SplitMix64.h"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <thread>

namespace {

constexpr int64_t kBatch = 16, kChannels = 1, kHeight = 28, kWidth = 28;
constexpr int64_t kFeatures = kChannels * kHeight * kWidth;
constexpr int64_t kClasses = 10;

constexpr int64_t kWeightOffset = 0;
constexpr int64_t kBiasOffset = 4 * kClasses * kFeatures; // 31360 = 490 * 64
constexpr int64_t kParamBytes = kBiasOffset + 64;
constexpr int64_t kBufferBytes = 64;
constexpr int64_t kArenaBytes = (4 * kBatch * kClasses + 63) / 64 * 64;

struct Mock {
  trainc_tensor_desc tensors[3];
  trainc_model_desc desc;
  alignas(64) float initialParams[kParamBytes / 4];
  alignas(64) float initialBuffers[kBufferBytes / 4];
  bool reportThreads = false;
  /// 0, or the train step (counted from 1 in this process) whose loss is
  /// NaN; `trainSteps` counts them.
  long nanAtStep = 0, trainSteps = 0;
  /// TRAINC_MOCK_STEP_MS: each train step also sleeps this long, so a
  /// test can signal the process in the middle of one.
  long stepMilliseconds = 0;
};

Mock makeMock() {
  Mock mock;
  std::memset(&mock, 0, sizeof(mock));
  mock.tensors[0] = {
      "linear/weight",      TRAINC_PARAM,  2, {kClasses, kFeatures},
      kClasses * kFeatures, kWeightOffset, 0, 0};
  mock.tensors[1] = {"linear/bias", TRAINC_PARAM, 1, {kClasses},
                     kClasses,      kBiasOffset,  1, 0};
  mock.tensors[2] = {"linear/samples_seen", TRAINC_BUFFER, 1, {1}, 1, 0, 0, 0};
  // Small random weights (as a real initializer would have), zero bias.
  trainc::rt::SplitMix64 rng(42);
  for (int64_t i = 0; i < kClasses * kFeatures; ++i)
    mock.initialParams[i] = 0.01f * rng.symmetric();

  trainc_model_desc &d = mock.desc;
  d.abi_version = TRAINC_MODEL_ABI_VERSION;
  d.num_tensors = 3;
  d.tensors = nullptr; // set by trainc_model(), once `mock` has its address
  d.param_bytes = kParamBytes;
  d.buffer_bytes = kBufferBytes;
  d.arena_bytes = kArenaBytes;
  d.batch = kBatch;
  d.input_rank = 4;
  d.input_shape[0] = kBatch;
  d.input_shape[1] = kChannels;
  d.input_shape[2] = kHeight;
  d.input_shape[3] = kWidth;
  d.num_classes = kClasses;
  d.source = "mock-linear.onnx";
  d.input_name = "input";
  d.output_name = "logits";
  // The compiled optimizer: "momentum" (SGD with momentum, trainc's
  // default), or TRAINC_MOCK_OPTIMIZER: sgd, momentum or nesterov.
  d.optimizer = "momentum";
  d.state_bytes = kParamBytes;
  if (const char *name = std::getenv("TRAINC_MOCK_OPTIMIZER")) {
    for (const char *known : {"sgd", "momentum", "nesterov"})
      if (std::strcmp(name, known) == 0)
        d.optimizer = known;
    if (std::strcmp(name, d.optimizer) != 0)
      d.optimizer = "unknown-to-the-mock";
    d.state_bytes = std::strcmp(d.optimizer, "sgd") == 0 ? 0 : kParamBytes;
  }
  d.plan_hash = 0x6d6f636b6c696e31ull; // "mocklin1"
  d.onnx_unsupported = "the mock model has no ONNX graph";
  if (const char *hash = std::getenv("TRAINC_MOCK_PLAN_HASH"))
    d.plan_hash = std::strtoull(hash, nullptr, 0);
  mock.reportThreads = std::getenv("TRAINC_MOCK_REPORT_THREADS") != nullptr;
  if (const char *step = std::getenv("TRAINC_MOCK_NAN_AT_STEP"))
    mock.nanAtStep = std::atol(step);
  if (const char *ms = std::getenv("TRAINC_MOCK_STEP_MS"))
    mock.stepMilliseconds = std::atol(ms);
  return mock;
}

Mock &mock() {
  static Mock *instance = [] {
    Mock *m = new Mock(makeMock());
    m->desc.tensors = m->tensors;
    m->desc.initial_params = m->initialParams;
    m->desc.initial_buffers = m->initialBuffers;
    return m;
  }();
  return *instance;
}

void reportThreadsOnce() {
  static bool reported = false;
  if (mock().reportThreads && !reported) {
    reported = true;
    std::fprintf(stderr, "mock: omp_get_max_threads() = %d\n",
                 omp_get_max_threads());
  }
}

const float *weight(const void *params) {
  return reinterpret_cast<const float *>(static_cast<const char *>(params) +
                                         kWeightOffset);
}
const float *bias(const void *params) {
  return reinterpret_cast<const float *>(static_cast<const char *>(params) +
                                         kBiasOffset);
}

/// logits[k] = b[k] + sum_j W[k, j] x[j] for one sample.
void forward(const void *params, const float *x, float *logits) {
  const float *w = weight(params), *b = bias(params);
  for (int64_t k = 0; k < kClasses; ++k) {
    float sum = b[k];
    for (int64_t j = 0; j < kFeatures; ++j)
      sum += w[k * kFeatures + j] * x[j];
    logits[k] = sum;
  }
}

/// One tensor of the compiled update for "sgd", "momentum" and
/// "nesterov", as trainc_update_coeffs documents it (trainc/model.h).
void sgdUpdate(float *p, const float *g, float *buf, int64_t n,
               const trainc_update_coeffs &h, float decay) {
  const std::string optimizer = mock().desc.optimizer;
  for (int64_t i = 0; i < n; ++i) {
    float d = g[i] + decay * p[i];
    if (optimizer != "sgd") {
      buf[i] = h.momentum * buf[i] + h.keep * d;
      d = optimizer == "nesterov" ? d + h.momentum * buf[i] : buf[i];
    }
    p[i] = p[i] - h.lr * d;
  }
}

} // namespace

void trainc::test::mockOptimizerStep(void *params, const void *grads,
                                     void *state, const void *hyper) {
  const trainc_update_coeffs &h =
      *static_cast<const trainc_update_coeffs *>(hyper);
  char *p = static_cast<char *>(params);
  const char *g = static_cast<const char *>(grads);
  char *s = static_cast<char *>(state);
  for (const trainc_tensor_desc &tensor : mock().tensors) {
    if (tensor.kind != TRAINC_PARAM)
      continue;
    float decay =
        tensor.is_bn_or_bias ? h.weight_decay_bn_bias : h.weight_decay;
    sgdUpdate(reinterpret_cast<float *>(p + tensor.offset),
              reinterpret_cast<const float *>(g + tensor.offset),
              reinterpret_cast<float *>(s + tensor.offset), tensor.numel, h,
              decay);
  }
}

extern "C" {

const trainc_model_desc *trainc_model(void) { return &mock().desc; }

void trainc_train_step(const trainc_step_args *args) {
  reportThreadsOnce();
  void *params = args->params, *grads = args->grads, *buffers = args->buffers;
  void *arena = args->arena, *state = args->state;
  const void *hyper = args->hyper;
  const float *input = static_cast<const float *>(args->input);
  const int32_t *labels = static_cast<const int32_t *>(args->labels);
  float *loss = static_cast<float *>(args->output);
  // delta[n, k] = softmax(logits)[k] - [k == label], kept in the arena.
  float *delta = static_cast<float *>(arena);
  float total = 0.0f;
  for (int64_t n = 0; n < kBatch; ++n) {
    float *row = delta + n * kClasses;
    forward(params, input + n * kFeatures, row);
    float maximum = row[0];
    for (int64_t k = 1; k < kClasses; ++k)
      maximum = std::fmax(maximum, row[k]);
    float sum = 0.0f;
    for (int64_t k = 0; k < kClasses; ++k)
      sum += std::exp(row[k] - maximum);
    total += maximum + std::log(sum) - row[labels[n]];
    for (int64_t k = 0; k < kClasses; ++k)
      row[k] = std::exp(row[k] - maximum) / sum;
    row[labels[n]] -= 1.0f;
  }
  *loss = total / kBatch;
  if (++mock().trainSteps == mock().nanAtStep)
    *loss = std::nanf("");
  if (mock().stepMilliseconds > 0)
    std::this_thread::sleep_for(
        std::chrono::milliseconds(mock().stepMilliseconds));

  // The mean loss: dW = delta^T x / B, db = sum_n delta / B.
  float *gw =
      reinterpret_cast<float *>(static_cast<char *>(grads) + kWeightOffset);
  float *gb =
      reinterpret_cast<float *>(static_cast<char *>(grads) + kBiasOffset);
  const float scale = 1.0f / kBatch;
  for (int64_t k = 0; k < kClasses; ++k) {
    float db = 0.0f;
    for (int64_t n = 0; n < kBatch; ++n)
      db += delta[n * kClasses + k];
    gb[k] = db * scale;
    for (int64_t j = 0; j < kFeatures; ++j) {
      float dw = 0.0f;
      for (int64_t n = 0; n < kBatch; ++n)
        dw += delta[n * kClasses + k] * input[n * kFeatures + j];
      gw[k * kFeatures + j] = dw * scale;
    }
  }
  static_cast<float *>(buffers)[0] += static_cast<float>(kBatch);
  // The update, as the compiled step ends with it (no hyper-parameters: no
  // update, for tests of the gradients alone).
  if (hyper)
    trainc::test::mockOptimizerStep(params, grads, state, hyper);
}

void trainc_eval_step(const trainc_step_args *args) {
  reportThreadsOnce();
  const void *params = args->params;
  const float *input = static_cast<const float *>(args->input);
  float *logits = static_cast<float *>(args->output);
  for (int64_t n = 0; n < kBatch; ++n)
    forward(params, input + n * kFeatures, logits + n * kClasses);
}

} // extern "C"
