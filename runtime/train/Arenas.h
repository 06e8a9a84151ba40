//===- Arenas.h - the model's memory and the checks on its description -*-===//
//
// The runtime owns every byte the generated code touches: parameters,
// gradients (same layout), buffers, optimizer state (same layout as the
// parameters) and the activation arena, each 64-byte aligned.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_ARENAS_H
#define TRAINC_RUNTIME_TRAIN_ARENAS_H

#include "train/ModelApi.h"
#include "trainc/model.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trainc::rt {

/// Returns "" when this runtime can run a model described by `desc`, else
/// a one-line reason.
std::string checkModelDescription(const trainc_model_desc &desc);

/// The model's description, checked; calls fatal() when it is unusable.
const trainc_model_desc &describeModel(const ModelApi &api);

/// The shape of one sample: input_shape without the batch.
std::vector<int64_t> sampleShape(const trainc_model_desc &desc);

/// The shape of tensor `tensor` as a vector.
std::vector<int64_t> tensorShape(const trainc_tensor_desc &tensor);

/// Zeroed memory aligned to 64 bytes (never null, even for 0 bytes).
class AlignedBytes {
public:
  AlignedBytes() = default;
  /// Calls fatal() naming `what` when the memory is not available.
  AlignedBytes(int64_t size, const char *what);

  void *data() const { return storage.get(); }
  int64_t size() const { return bytes; }
  template <typename T> T *as() const { return static_cast<T *>(data()); }

private:
  struct Free {
    void operator()(void *pointer) const;
  };
  std::unique_ptr<void, Free> storage;
  int64_t bytes = 0;
};

class Device;

/// The arenas the runtime reads and writes between steps.
enum class ArenaPart { Params, Grads, Buffers, State, Accum, Stats };

struct Arenas {
  /// The host's copy of each arena (on the CPU target, the arena itself;
  /// on the CUDA target, the activations have none).
  AlignedBytes params, grads, buffers, state, activations;
  /// Gradient accumulation's second gradient arena and the noise scale's
  /// partial sums (trainc_step_args.accum, .stats): empty until
  /// allocateAccumulation.
  AlignedBytes accum, stats;
  /// What the entry points are given (trainc_step_args): the host memory
  /// above on the CPU target, device memory on the CUDA target, where the
  /// step's input, labels and output also have device buffers.
  void *params_ = nullptr, *grads_ = nullptr, *buffers_ = nullptr,
       *state_ = nullptr, *activations_ = nullptr;
  void *accum_ = nullptr, *stats_ = nullptr;
  void *input_ = nullptr, *labels_ = nullptr, *output_ = nullptr;
  /// The model's device, or null (the CPU target).
  Device *device = nullptr;

  /// Allocates (zeroed) the second gradient arena of gradient
  /// accumulation when `accumulate`, and the noise scale's partial sums
  /// when `noise`.
  void allocateAccumulation(const trainc_model_desc &desc, bool accumulate,
                            bool noise);
  /// Makes the device's copy of `part` equal to the host's (nothing on the
  /// CPU target); ordered before the next step.
  void toDevice(ArenaPart part);
  /// Makes the host's copy of `part` equal to the device's, waiting for the
  /// steps enqueued so far (nothing on the CPU target).
  void toHost(ArenaPart part);
  /// Copies `bytes` at byte `offset` of the device's `part` to `host`
  /// (reads the host's copy on the CPU target), leaving the host's copy of
  /// the rest as it is.
  void read(ArenaPart part, void *host, int64_t offset, int64_t bytes);
  /// The pointer an entry point takes for `bytes` of input at `host`: the
  /// host memory itself, or `device` (the CUDA target) after uploading.
  const void *stage(void *device, const void *host, int64_t bytes);
};

/// Allocates the arenas of a model whose description passed
/// checkModelDescription, with the initial parameters and buffers copied in
/// and everything else zero: in host memory, and on the model's device
/// when its arenas live there (trainc_model_desc.memory_spaces).
Arenas allocateArenas(const trainc_model_desc &desc);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_ARENAS_H
