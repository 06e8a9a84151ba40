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

struct Arenas {
  AlignedBytes params, grads, buffers, state, activations;
};

/// Allocates the arenas of a model whose description passed
/// checkModelDescription, with the initial parameters and buffers copied in
/// and everything else zero.
Arenas allocateArenas(const trainc_model_desc &desc);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_ARENAS_H
