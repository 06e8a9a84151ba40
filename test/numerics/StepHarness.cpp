//===- StepHarness.cpp - drive a compiled model's entry points directly ---===//
//
// Linked with an object from `trainc --emit=obj` and the runtime library
// (instead of the runtime's main), this checks the compiled train_step
// against independent references:
//
//   step-harness fdcheck [SEED]
//       For every parameter tensor, the directional derivative of the loss
//       along the tensor's gradient, by central finite differences, must
//       equal the gradient's norm (Cauchy-Schwarz: only the true gradient
//       gives equality). Prints one line per tensor and a summary.
//   step-harness step X.npy Y.npy OUTDIR
//       One train_step on the batch; writes loss.npy, per parameter
//       OUTDIR/grad/<name>.npy, per buffer the updated OUTDIR/buffer/<name>.npy
//       and then the eval_step's output on the same batch with the updated
//       running statistics (OUTDIR/logits.npy), for comparison with PyTorch.
//   step-harness update DIR
//       The compiled optimizer alone (trainc_apply_update) on given
//       tensors: DIR/coeffs.npy (float32 [20], trainc_update_coeffs), per
//       parameter DIR/param/<name>.npy and DIR/grad/<name>.npy, and per
//       state slot k DIR/state<k>/<name>.npy (zeros when missing); writes
//       DIR/out/param/<name>.npy and DIR/out/state<k>/<name>.npy.
//   step-harness bench-update ITERATIONS
//       A benchmark, not a test (test/bench/update_bandwidth.py): the
//       compiled update alone (trainc_apply_update) on random parameters
//       and gradients, and STREAM's triad a = b + s c on float arrays of
//       the parameters' size, single-threaded and on every OpenMP thread,
//       in the same process. Prints one JSON object: the median seconds of
//       each and the triad's bandwidth.
//   step-harness bad-args ENTRY FIELD
//       Calls entry point ENTRY (train, eval or update) with a
//       trainc_step_args whose FIELD (size or version) is wrong: the model
//       must refuse it with one line (trainc_rt_bad_step_args), before it
//       reads any pointer (all are null).
//   step-harness eval X.npy OUT.npy [COUNT]
//       One eval_step (running statistics) on the batch; writes the output
//       as OUT.npy: [batch, num_classes] as model.h documents, or COUNT
//       floats as a 1-D array when COUNT is given (the conformance tests,
//       test/conformance, whose outputs need not be [batch, classes]). The
//       output buffer is filled with a NaN sentinel and followed by a guard
//       of the same sentinel: an element the step leaves unwritten stays
//       NaN, and a write past the end is an error.
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "data/Npy.h"
#include "train/ModelApi.h"
#include "train/TensorLayout.h"
#include "trainc/model.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
struct Arenas {
  const trainc_model_desc *m;
  std::vector<char *> owned;
  char *params, *grads, *buffers, *activations, *state;
  /// All zero: learning rate 0 leaves the parameters as they are (Adam's
  /// and AdamW's decay multiplies them by 0, so those are set to 1).
  trainc_update_coeffs hyper{};

  explicit Arenas(const trainc_model_desc *m) : m(m) {
    params = alloc(m->param_bytes);
    grads = alloc(m->param_bytes);
    buffers = alloc(m->buffer_bytes);
    activations = alloc(m->arena_bytes);
    state = alloc(m->state_bytes);
    std::memcpy(params, m->initial_params, m->param_bytes);
    hyper.decay = hyper.decay_bn_bias = 1.0f;
    hyper.denom_scale = hyper.m_scale = 1.0f;
    hyper.eps = 1.0f;
    resetBuffers();
  }
  ~Arenas() {
    for (char *p : owned)
      std::free(p);
  }
  char *alloc(int64_t bytes) {
    size_t size = ((bytes + 63) / 64) * 64 + 64;
    char *p = static_cast<char *>(std::aligned_alloc(64, size));
    std::memset(p, 0, size);
    owned.push_back(p);
    return p;
  }
  void resetBuffers() {
    std::memcpy(buffers, m->initial_buffers, m->buffer_bytes);
  }
  /// The entry points' arguments: every arena, this batch and output.
  trainc_step_args args(const void *input, const void *labels, void *output,
                        const trainc_update_coeffs *coeffs) {
    trainc_step_args a = trainc::rt::stepArgs(&trainc::rt::runtimeContext());
    a.params = params;
    a.grads = grads;
    a.buffers = buffers;
    a.state = state;
    a.arena = activations;
    a.input = input;
    a.labels = labels;
    a.output = output;
    a.hyper = coeffs;
    return a;
  }
  float loss(const std::vector<float> &x, const std::vector<int32_t> &y) {
    float l = 0;
    resetBuffers(); // the loss uses batch statistics; keep state identical
    trainc_step_args step = args(x.data(), y.data(), &l, &hyper);
    trainc_train_step(&step);
    return l;
  }
  float *tensor(char *arena, const trainc_tensor_desc &t) {
    return reinterpret_cast<float *>(arena + t.offset);
  }
  /// A tensor of a parameter-shaped arena in ONNX's layout (the arenas may
  /// hold a filter in channel blocks: model.h), and back.
  std::vector<float> onnx(char *arena, const trainc_tensor_desc &t) {
    std::vector<float> plain(t.numel);
    trainc::rt::toOnnxLayout(t, tensor(arena, t), plain.data());
    return plain;
  }
  void setOnnx(char *arena, const trainc_tensor_desc &t, const float *plain) {
    trainc::rt::fromOnnxLayout(t, plain, tensor(arena, t));
  }
};

/// A deterministic standard-normal-ish stream (splitmix64 + Box-Muller).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
  float normal() {
    double u = uniform() + 1e-12, v = uniform();
    return static_cast<float>(std::sqrt(-2 * std::log(u)) *
                              std::cos(6.283185307179586 * v));
  }
};

int64_t sampleSize(const trainc_model_desc *m) {
  int64_t n = 1;
  for (int i = 1; i < m->input_rank; ++i)
    n *= m->input_shape[i];
  return n;
}

int fdcheck(uint64_t seed, double h) {
  const trainc_model_desc *m = trainc_model();
  Arenas a(m);
  Rng rng{seed};
  std::vector<float> x(m->batch * sampleSize(m));
  for (float &v : x)
    v = rng.normal();
  std::vector<int32_t> y(m->batch);
  for (int32_t &v : y)
    v = static_cast<int32_t>(rng.next() % m->num_classes);

  float base = a.loss(x, y);
  std::vector<char> grads(a.grads, a.grads + m->param_bytes);
  // Central differences along the unit gradient direction of each tensor.
  // Tolerance: the loss is computed in f32 activations (relative rounding
  // near 1e-6, so about 2e-3 absolute in the quotient at h = 1e-3), and a
  // ReLU network is only piecewise smooth: the units whose pre-activation
  // lies within the step of a kink make the quotient differ from the
  // derivative by O(h). Measured on ResNet-8 (8x8, batch 4) over seeds 1-4
  // the worst tensor is 2.4% off; the bound is 5% relative plus 1e-3.
  // Wrong rules fail by far more (a missing BatchNorm term, a transposed
  // filter gradient). PyTorch in f64 (compare_torch_step.py) is the tight
  // check: 1e-3 by norm.
  int failed = 0, checked = 0;
  for (int i = 0; i < m->num_tensors; ++i) {
    const trainc_tensor_desc &t = m->tensors[i];
    if (t.kind != TRAINC_PARAM)
      continue;
    const float *g = reinterpret_cast<const float *>(grads.data() + t.offset);
    double norm = 0;
    for (int64_t k = 0; k < t.numel; ++k)
      norm += double(g[k]) * g[k];
    norm = std::sqrt(norm);
    float *w = a.tensor(a.params, t);
    std::vector<float> saved(w, w + t.numel);
    auto at = [&](double step) {
      for (int64_t k = 0; k < t.numel; ++k)
        w[k] = saved[k] + static_cast<float>(norm > 0 ? step * g[k] / norm : 0);
      return double(a.loss(x, y));
    };
    double plus = at(h), minus = at(-h);
    std::memcpy(w, saved.data(), t.numel * sizeof(float));
    double fd = (plus - minus) / (2 * h);
    double diff = std::fabs(fd - norm);
    bool ok = diff <= 5e-2 * norm + 1e-3;
    ++checked;
    failed += !ok;
    std::printf("%s %s: |grad| %.6e, finite difference %.6e, |diff| %.3e\n",
                ok ? "ok  " : "FAIL", t.name, norm, fd, diff);
  }
  std::printf("loss %.6f; %d parameter tensors checked, %d failed\n", base,
              checked, failed);
  return failed ? 1 : 0;
}

int step(const char *xPath, const char *yPath, const std::string &out) {
  const trainc_model_desc *m = trainc_model();
  std::string error;
  std::vector<int64_t> shape;
  auto x = trainc::rt::readNpyFloat32(xPath, shape, error);
  auto y = x ? trainc::rt::readNpyLabels(yPath, error) : std::nullopt;
  if (!x || !y) {
    std::fprintf(stderr, "step-harness: error: %s\n", error.c_str());
    return 1;
  }
  if (static_cast<int64_t>(x->size()) != m->batch * sampleSize(m) ||
      static_cast<int64_t>(y->size()) != m->batch) {
    std::fprintf(stderr, "step-harness: error: the batch must hold %lld "
                         "samples\n", static_cast<long long>(m->batch));
    return 1;
  }
  Arenas a(m);
  float loss = a.loss(*x, *y);
  if (!trainc::rt::writeNpyFloat32(out + "/loss.npy", &loss, {}, error))
    return std::fprintf(stderr, "step-harness: error: %s\n", error.c_str()), 1;
  for (int i = 0; i < m->num_tensors; ++i) {
    const trainc_tensor_desc &t = m->tensors[i];
    std::vector<int64_t> dims(t.shape, t.shape + t.rank);
    std::string name = t.name;
    for (char &c : name)
      if (c == '/')
        c = '_';
    char *arena = t.kind == TRAINC_PARAM ? a.grads : a.buffers;
    std::string path =
        out + (t.kind == TRAINC_PARAM ? "/grad/" : "/buffer/") + name + ".npy";
    if (!trainc::rt::writeNpyFloat32(path, a.onnx(arena, t).data(), dims,
                                     error))
      return std::fprintf(stderr, "step-harness: error: %s\n", error.c_str()),
             1;
  }
  // The forward pass in inference form, with the statistics just updated.
  float *input = reinterpret_cast<float *>(a.alloc(4 * x->size()));
  std::memcpy(input, x->data(), 4 * x->size());
  float *logits =
      reinterpret_cast<float *>(a.alloc(4 * m->batch * m->num_classes));
  trainc_step_args evalArgs = a.args(input, nullptr, logits, nullptr);
  trainc_eval_step(&evalArgs);
  if (!trainc::rt::writeNpyFloat32(out + "/logits.npy", logits,
                                   {m->batch, m->num_classes}, error))
    return std::fprintf(stderr, "step-harness: error: %s\n", error.c_str()), 1;
  std::printf("loss %.7f\n", loss);
  return 0;
}

int eval(const char *xPath, const char *outPath, const char *countArg) {
  const trainc_model_desc *m = trainc_model();
  std::string error;
  std::vector<int64_t> shape;
  auto x = trainc::rt::readNpyFloat32(xPath, shape, error);
  if (!x) {
    std::fprintf(stderr, "step-harness: error: %s\n", error.c_str());
    return 1;
  }
  if (static_cast<int64_t>(x->size()) != m->batch * sampleSize(m)) {
    std::fprintf(stderr, "step-harness: error: the batch must hold %lld "
                         "samples\n", static_cast<long long>(m->batch));
    return 1;
  }
  std::vector<int64_t> dims{m->batch, m->num_classes};
  int64_t count = m->batch * m->num_classes;
  if (countArg) {
    char *end = nullptr;
    count = std::strtoll(countArg, &end, 10);
    if (!*countArg || *end || count < 1) {
      std::fprintf(stderr, "step-harness: error: COUNT must be a positive "
                           "integer, got '%s'\n", countArg);
      return 2;
    }
    dims = {count};
  }
  // A quiet NaN with a recognisable payload.
  const uint32_t sentinelBits = 0x7fc0deadu;
  float sentinel;
  std::memcpy(&sentinel, &sentinelBits, sizeof sentinel);
  const int64_t guard = 1024;
  Arenas a(m);
  // 64-byte aligned input and output, as the runtime passes them.
  float *input = reinterpret_cast<float *>(a.alloc(4 * x->size()));
  std::memcpy(input, x->data(), 4 * x->size());
  float *out = reinterpret_cast<float *>(a.alloc(4 * (count + guard)));
  std::fill(out, out + count + guard, sentinel);
  trainc_step_args evalArgs = a.args(input, nullptr, out, nullptr);
  trainc_eval_step(&evalArgs);
  for (int64_t i = count; i < count + guard; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &out[i], sizeof bits);
    if (bits != sentinelBits) {
      std::fprintf(stderr, "step-harness: error: eval_step wrote past the "
                           "%lld output floats (element %lld)\n",
                   static_cast<long long>(count), static_cast<long long>(i));
      return 1;
    }
  }
  if (!trainc::rt::writeNpyFloat32(outPath, out, dims, error))
    return std::fprintf(stderr, "step-harness: error: %s\n", error.c_str()), 1;
  return 0;
}
/// A tensor's file name: its ONNX name with '/' replaced.
std::string fileName(const trainc_tensor_desc &t) {
  std::string name = t.name;
  for (char &c : name)
    if (c == '/')
      c = '_';
  return name + ".npy";
}

bool fileExists(const std::string &path) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (f)
    std::fclose(f);
  return f != nullptr;
}

int update(const std::string &dir) {
  const trainc_model_desc *m = trainc_model();
  Arenas a(m);
  std::string error;
  std::vector<int64_t> shape;
  auto fail = [&] {
    std::fprintf(stderr, "step-harness: error: %s\n", error.c_str());
    return 1;
  };
  auto coeffs = trainc::rt::readNpyFloat32(dir + "/coeffs.npy", shape, error);
  if (!coeffs)
    return fail();
  if (coeffs->size() != sizeof(trainc_update_coeffs) / 4) {
    error = dir + "/coeffs.npy must hold " +
            std::to_string(sizeof(trainc_update_coeffs) / 4) + " floats";
    return fail();
  }
  std::memcpy(&a.hyper, coeffs->data(), sizeof(trainc_update_coeffs));
  int64_t slots = m->param_bytes ? m->state_bytes / m->param_bytes : 0;
  // Reads `path` into tensor t's range of `arena`; a missing optional file
  // leaves zeros.
  auto load = [&](const std::string &path, const trainc_tensor_desc &t,
                  char *arena, bool required) {
    if (!required && !fileExists(path))
      return true;
    auto data = trainc::rt::readNpyFloat32(path, shape, error);
    if (!data)
      return false;
    if (static_cast<int64_t>(data->size()) != t.numel) {
      error = path + " holds " + std::to_string(data->size()) +
              " values, the parameter " + std::to_string(t.numel);
      return false;
    }
    a.setOnnx(arena, t, data->data());
    return true;
  };
  for (int i = 0; i < m->num_tensors; ++i) {
    const trainc_tensor_desc &t = m->tensors[i];
    if (t.kind != TRAINC_PARAM)
      continue;
    if (!load(dir + "/param/" + fileName(t), t, a.params, true) ||
        !load(dir + "/grad/" + fileName(t), t, a.grads, true))
      return fail();
    for (int64_t k = 0; k < slots; ++k)
      if (!load(dir + "/state" + std::to_string(k) + "/" + fileName(t), t,
                a.state + k * m->param_bytes, false))
        return fail();
  }
  trainc_step_args updateArgs = a.args(nullptr, nullptr, nullptr, &a.hyper);
  trainc_apply_update(&updateArgs);
  for (int i = 0; i < m->num_tensors; ++i) {
    const trainc_tensor_desc &t = m->tensors[i];
    if (t.kind != TRAINC_PARAM)
      continue;
    std::vector<int64_t> dims(t.shape, t.shape + t.rank);
    if (!trainc::rt::writeNpyFloat32(dir + "/out/param/" + fileName(t),
                                     a.onnx(a.params, t).data(), dims, error))
      return fail();
    for (int64_t k = 0; k < slots; ++k)
      if (!trainc::rt::writeNpyFloat32(
              dir + "/out/state" + std::to_string(k) + "/" + fileName(t),
              a.onnx(a.state + k * m->param_bytes, t).data(), dims, error))
        return fail();
  }
  return 0;
}
} // namespace

double seconds(const std::function<void()> &f, int iterations) {
  std::vector<double> times;
  for (int i = 0; i < iterations + 2; ++i) {
    auto start = std::chrono::steady_clock::now();
    f();
    auto end = std::chrono::steady_clock::now();
    if (i >= 2) // warm-up
      times.push_back(std::chrono::duration<double>(end - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

int benchUpdate(int iterations) {
  const trainc_model_desc *m = trainc_model();
  Arenas a(m);
  Rng rng{7};
  int64_t count = m->param_bytes / 4;
  float *w = reinterpret_cast<float *>(a.params);
  float *g = reinterpret_cast<float *>(a.grads);
  for (int64_t i = 0; i < count; ++i) {
    w[i] = 0.05f * rng.normal();
    g[i] = 0.01f * rng.normal();
  }
  // A small step every iteration: the values stay finite, and every
  // branch of the rules runs as in training.
  trainc_update_coeffs &h = a.hyper;
  h.lr = 1e-4f;
  h.weight_decay = 1e-4f;
  h.momentum = 0.9f;
  h.keep = 0.1f;
  h.beta2 = 0.999f;
  h.keep2 = 0.001f;
  h.eps = 1e-8f;
  h.trust = 0.001f;
  trainc_step_args updateArgs = a.args(nullptr, nullptr, nullptr, &h);
  double update =
      seconds([&] { trainc_apply_update(&updateArgs); }, iterations);
  // STREAM's triad on arrays as large as the parameters.
  std::vector<float> x(count), y(count, 1.0f), z(count, 2.0f);
  const float scalar = 3.0f;
  auto triad = [&](bool threaded) {
    float *xp = x.data();
    const float *yp = y.data(), *zp = z.data();
    if (threaded) {
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < count; ++i)
        xp[i] = yp[i] + scalar * zp[i];
    } else {
      for (int64_t i = 0; i < count; ++i)
        xp[i] = yp[i] + scalar * zp[i];
    }
  };
  double triad1 = seconds([&] { triad(false); }, iterations);
  double triadN = seconds([&] { triad(true); }, iterations);
  std::printf("{\"optimizer\": \"%s\", \"parameters\": %lld, "
              "\"update_s\": %.6g, \"triad_1thread_s\": %.6g, "
              "\"triad_threads_s\": %.6g, \"threads\": %d, "
              "\"triad_1thread_gb_s\": %.4g, \"triad_threads_gb_s\": %.4g}\n",
              m->optimizer, static_cast<long long>(count), update, triad1,
              triadN, omp_get_max_threads(), 12.0 * count / triad1 / 1e9,
              12.0 * count / triadN / 1e9);
  return 0;
}

int badArgs(const std::string &entry, const std::string &field) {
  trainc_step_args args = trainc::rt::stepArgs(&trainc::rt::runtimeContext());
  if (field == "size")
    args.size = sizeof(trainc_step_args) - 8; // a caller that lacks hyper
  else if (field == "version")
    args.abi_version = TRAINC_MODEL_ABI_VERSION - 1;
  else
    return std::fprintf(stderr, "step-harness: unknown field %s\n",
                        field.c_str()),
           2;
  if (entry == "train")
    trainc_train_step(&args);
  else if (entry == "eval")
    trainc_eval_step(&args);
  else if (entry == "update")
    trainc_apply_update(&args);
  else
    return std::fprintf(stderr, "step-harness: unknown entry %s\n",
                        entry.c_str()),
           2;
  std::printf("the model accepted the arguments\n");
  return 0;
}

int main(int argc, char **argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "bad-args" && argc == 4)
    return badArgs(argv[2], argv[3]);
  if (mode == "fdcheck")
    return fdcheck(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1,
                   argc > 3 ? std::strtod(argv[3], nullptr) : 1e-3);
  if (mode == "step" && argc == 5)
    return step(argv[2], argv[3], argv[4]);
  if (mode == "update" && argc == 3)
    return update(argv[2]);
  if (mode == "bench-update" && argc == 3)
    return benchUpdate(std::atoi(argv[2]));
  if (mode == "eval" && (argc == 4 || argc == 5))
    return eval(argv[2], argv[3], argc == 5 ? argv[4] : nullptr);
  std::fprintf(stderr, "usage: step-harness fdcheck [SEED] | step X.npy "
                       "Y.npy OUTDIR | update DIR | bench-update ITERATIONS | "
                       "eval X.npy OUT.npy [COUNT] | bad-args ENTRY FIELD\n");
  return 2;
}
