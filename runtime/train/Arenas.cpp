//===- Arenas.cpp - the model's memory and the checks on its description --===//

#include "train/Arenas.h"
#include "train/TensorLayout.h"

#include "train/Device.h"

#include "Error.h"
#include "train/Optimizer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace trainc::rt {
namespace {

constexpr int64_t kAlignment = 64;

std::string checkTensor(const trainc_model_desc &desc, int index) {
  const trainc_tensor_desc &tensor = desc.tensors[index];
  std::string name = tensor.name ? tensor.name : "";
  std::string which = "tensor " + std::to_string(index) +
                      (name.empty() ? "" : " ('" + name + "')");
  if (name.empty())
    return which + " has no name";
  if (tensor.kind != TRAINC_PARAM && tensor.kind != TRAINC_BUFFER)
    return which + " has unknown kind " + std::to_string(tensor.kind);
  if (tensor.rank < 0 || tensor.rank > TRAINC_MAX_RANK)
    return which + " has rank " + std::to_string(tensor.rank);
  int64_t numel = 1;
  for (int i = 0; i < tensor.rank; ++i) {
    if (tensor.shape[i] < 0)
      return which + " has a negative dimension";
    numel *= tensor.shape[i];
  }
  if (numel != tensor.numel)
    return which + " has " + std::to_string(tensor.numel) +
           " elements but its shape holds " + std::to_string(numel);
  int64_t arenaBytes =
      tensor.kind == TRAINC_PARAM ? desc.param_bytes : desc.buffer_bytes;
  if (tensor.offset < 0 || tensor.offset % kAlignment != 0 ||
      tensor.offset + 4 * numel > arenaBytes)
    return which + " at byte offset " + std::to_string(tensor.offset) +
           " is misaligned or outside its " + std::to_string(arenaBytes) +
           "-byte arena";
  return "";
}

std::string check(const trainc_model_desc &desc) {
  if (desc.abi_version != TRAINC_MODEL_ABI_VERSION)
    return "the model was compiled for runtime ABI version " +
           std::to_string(desc.abi_version) +
           " but this runtime implements "
           "version " +
           std::to_string(TRAINC_MODEL_ABI_VERSION) +
           " (compile it with the trainc that built this runtime)";
  // The CPU runtime allocates every arena in host memory; the CUDA
  // runtime (a device installed) the parameters' and the step's on the
  // device. The coefficients (hyper) and the context are host memory on
  // every target.
  bool onDevice = modelDevice() && !modelDevice()->hostKernels();
  for (int field = 0; field < TRAINC_NUM_STEP_ARGS; ++field) {
    bool host = field == TRAINC_ARG_CONTEXT || field == TRAINC_ARG_HYPER;
    int32_t expected =
        host || !onDevice ? TRAINC_MEMORY_HOST : TRAINC_MEMORY_DEVICE;
    if (desc.memory_spaces[field] != expected)
      return onDevice ? "the model was compiled for the CPU target; this "
                        "runtime is the CUDA target's"
                      : "the model was compiled for a target whose arenas "
                        "live in device memory; this runtime is the CPU "
                        "target's";
  }
  if (onDevice && (!desc.gpu_image || desc.gpu_image_bytes <= 0 ||
                   desc.num_gpu_kernels < 0 || !desc.gpu_kernel_names))
    return "the model's GPU kernels are missing from its description";
  if (desc.batch < 1)
    return "the model's batch is " + std::to_string(desc.batch);
  if (desc.input_rank < 2 || desc.input_rank > TRAINC_MAX_RANK ||
      desc.input_shape[0] != desc.batch)
    return "the model's input must be [batch, ...] with rank 2 to " +
           std::to_string(TRAINC_MAX_RANK);
  for (int i = 1; i < desc.input_rank; ++i)
    if (desc.input_shape[i] < 1)
      return "the model's input shape has an empty dimension";
  if (desc.num_classes < 1)
    return "the model has " + std::to_string(desc.num_classes) + " classes";
  if (desc.param_bytes < 0 || desc.buffer_bytes < 0 || desc.arena_bytes < 0 ||
      desc.state_bytes < 0)
    return "the model has a negative arena size";
  // Parameters may be left out (trainc --weights=none); buffers may not.
  if (desc.buffer_bytes > 0 && !desc.initial_buffers)
    return "the model has no initial buffers";
  for (int i = 0; i < desc.num_tensors; ++i) {
    if (desc.tensors[i].init_rule < 0 ||
        desc.tensors[i].init_rule >= TRAINC_NUM_INIT_RULES)
      return "tensor " + std::to_string(i) + " has an unknown init rule";
    std::string layout = layoutProblem(desc.tensors[i]);
    if (layout.empty() && isReordered(desc.tensors[i]) &&
        desc.tensors[i].kind != TRAINC_PARAM)
      layout = "is a buffer with a channel-block layout";
    if (!layout.empty())
      return "tensor " + std::to_string(i) + " ('" +
             (desc.tensors[i].name ? desc.tensors[i].name : "") + "') " +
             layout;
  }
  const trainc_optimizer_info *kind = trainc_find_optimizer(desc.optimizer);
  if (!kind)
    return std::string("the model was compiled with the '") +
           (desc.optimizer ? desc.optimizer : "") +
           "' optimizer, which this runtime does not know";
  if (desc.state_bytes !=
      kind->state_slots * desc.param_bytes + kind->scalar_bytes)
    return "the model's optimizer state is " +
           std::to_string(desc.state_bytes) + " bytes, not " +
           std::to_string(kind->state_slots) + " x the parameters' " +
           std::to_string(desc.param_bytes) + " bytes" +
           (kind->scalar_bytes
                ? " + " + std::to_string(kind->scalar_bytes) + " bytes"
                : std::string()) +
           " (" + desc.optimizer + ")";
  if (desc.num_tensors < 0 || (desc.num_tensors > 0 && !desc.tensors))
    return "the model's tensor table is missing";
  for (int i = 0; i < desc.num_tensors; ++i) {
    std::string problem = checkTensor(desc, i);
    if (!problem.empty())
      return problem;
  }
  if (desc.num_buckets < 0 || (desc.num_buckets > 0 && !desc.buckets))
    return "the model's bucket table is missing";
  int64_t bucketEnd = 0;
  for (int b = 0; b < desc.num_buckets; ++b) {
    const trainc_bucket &bucket = desc.buckets[b];
    if (bucket.offset < bucketEnd || bucket.bytes < 0 ||
        bucket.offset % kAlignment != 0 || bucket.bytes % 4 != 0 ||
        bucket.offset + bucket.bytes > desc.param_bytes)
      return "gradient bucket " + std::to_string(b) +
             " overlaps another, is misaligned or lies outside the " +
             std::to_string(desc.param_bytes) + "-byte parameter arena";
    bucketEnd = bucket.offset + bucket.bytes;
  }
  return "";
}

} // namespace

std::string checkModelDescription(const trainc_model_desc &desc) {
  std::string problem = check(desc);
  return problem.empty() ? "" : "invalid model description: " + problem;
}

const trainc_model_desc &describeModel(const ModelApi &api) {
  const trainc_model_desc *desc = api.describe();
  if (!desc)
    fatal("the model has no description (trainc_model() returned null)");
  std::string problem = checkModelDescription(*desc);
  if (!problem.empty())
    fatal(problem);
  return *desc;
}

std::vector<int64_t> sampleShape(const trainc_model_desc &desc) {
  return std::vector<int64_t>(desc.input_shape + 1,
                              desc.input_shape + desc.input_rank);
}

std::vector<int64_t> tensorShape(const trainc_tensor_desc &tensor) {
  return std::vector<int64_t>(tensor.shape, tensor.shape + tensor.rank);
}

void AlignedBytes::Free::operator()(void *pointer) const { std::free(pointer); }

AlignedBytes::AlignedBytes(int64_t size, const char *what) : bytes(size) {
  // aligned_alloc wants a multiple of the alignment, and never 0 here so
  // that every arena has a valid address.
  int64_t rounded = (size + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0)
    rounded = kAlignment;
  storage.reset(std::aligned_alloc(kAlignment, rounded));
  if (!storage)
    fatal("out of memory allocating " + std::to_string(size) + " bytes for " +
          what);
  std::memset(storage.get(), 0, rounded);
}

Arenas allocateArenas(const trainc_model_desc &desc) {
  Arenas arenas;
  Device *device = modelDevice();
  arenas.device = device;
  arenas.params = AlignedBytes(desc.param_bytes, "the parameters");
  arenas.grads = AlignedBytes(desc.param_bytes, "the gradients");
  arenas.buffers = AlignedBytes(desc.buffer_bytes, "the buffers");
  arenas.state = AlignedBytes(desc.state_bytes, "the optimizer state");
  if (!device)
    arenas.activations = AlignedBytes(desc.arena_bytes, "the activations");
  if (desc.param_bytes > 0 && desc.initial_params)
    std::memcpy(arenas.params.data(), desc.initial_params, desc.param_bytes);
  if (desc.buffer_bytes > 0)
    std::memcpy(arenas.buffers.data(), desc.initial_buffers, desc.buffer_bytes);
  if (!device) {
    arenas.params_ = arenas.params.data();
    arenas.grads_ = arenas.grads.data();
    arenas.buffers_ = arenas.buffers.data();
    arenas.state_ = arenas.state.data();
    arenas.activations_ = arenas.activations.data();
    return arenas;
  }
  // The kernels first: an image the GPU cannot run fails before anything
  // is allocated. Then one allocation per arena, as the plan sized them.
  device->loadKernels(desc);
  arenas.params_ = device->allocate(desc.param_bytes, "the parameters");
  arenas.grads_ = device->allocate(desc.param_bytes, "the gradients");
  arenas.buffers_ = device->allocate(desc.buffer_bytes, "the buffers");
  arenas.state_ = device->allocate(desc.state_bytes, "the optimizer state");
  arenas.activations_ = device->allocate(desc.arena_bytes, "the activations");
  int64_t sample = 1;
  for (int64_t dim : sampleShape(desc))
    sample *= dim;
  arenas.input_ = device->allocate(4 * desc.batch * sample, "the input batch");
  arenas.labels_ = device->allocate(4 * desc.batch, "the labels");
  arenas.output_ = device->allocate(
      4 * std::max<int64_t>(1, desc.batch * desc.num_classes), "the output");
  arenas.toDevice(ArenaPart::Params);
  arenas.toDevice(ArenaPart::Buffers);
  return arenas;
}

namespace {
std::pair<AlignedBytes *, void *> partOf(Arenas &arenas, ArenaPart part) {
  switch (part) {
  case ArenaPart::Params:
    return {&arenas.params, arenas.params_};
  case ArenaPart::Grads:
    return {&arenas.grads, arenas.grads_};
  case ArenaPart::Buffers:
    return {&arenas.buffers, arenas.buffers_};
  case ArenaPart::State:
    return {&arenas.state, arenas.state_};
  case ArenaPart::Accum:
    return {&arenas.accum, arenas.accum_};
  case ArenaPart::Stats:
    return {&arenas.stats, arenas.stats_};
  }
  return {nullptr, nullptr};
}
} // namespace

void Arenas::allocateAccumulation(const trainc_model_desc &desc,
                                  bool accumulate, bool noise) {
  if (accumulate) {
    accum = AlignedBytes(desc.param_bytes, "the accumulated gradients");
    accum_ = device ? device->allocate(desc.param_bytes,
                                       "the accumulated gradients")
                    : accum.data();
    toDevice(ArenaPart::Accum);
  }
  if (noise) {
    int64_t bytes = 2 * 8 * trainc_noise_partials(&desc);
    stats = AlignedBytes(bytes, "the noise scale's partial sums");
    stats_ = device ? device->allocate(bytes, "the noise scale's partial sums")
                    : stats.data();
    toDevice(ArenaPart::Stats);
  }
}

void Arenas::toDevice(ArenaPart part) {
  auto [host, onDevice] = partOf(*this, part);
  if (device && host->size() > 0)
    device->upload(onDevice, host->data(), host->size());
}

void Arenas::toHost(ArenaPart part) {
  auto [host, onDevice] = partOf(*this, part);
  if (device && host->size() > 0)
    device->download(host->data(), onDevice, host->size());
}

void Arenas::read(ArenaPart part, void *host, int64_t offset,
                  int64_t bytes) {
  auto [mirror, onDevice] = partOf(*this, part);
  if (device)
    device->download(host, static_cast<const char *>(onDevice) + offset,
                     bytes);
  else
    std::memcpy(host, mirror->as<const char>() + offset, bytes);
}

const void *Arenas::stage(void *onDevice, const void *host, int64_t bytes) {
  if (!device)
    return host;
  device->upload(onDevice, host, bytes);
  return onDevice;
}

} // namespace trainc::rt
