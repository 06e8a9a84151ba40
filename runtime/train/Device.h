//===- Device.h - where the compiled model's arenas live --------*- C++ -*-===//
//
// The CPU target's arenas are host memory: the entry points get the
// runtime's own buffers and nothing is copied. The CUDA target's arenas
// are device memory (trainc_model_desc.memory_spaces): the runtime keeps
// its host buffers as the mirror that checkpoints, dumps, the ONNX export
// and the checks read and write, and copies between the two at those
// boundaries only; within a run of steps the data stays on the device and
// the host waits once per step (for the loss).
//
// The CUDA runtime (runtime/cuda) installs a Device at start-up
// (RuntimeContext::device); the CPU runtime installs none.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_DEVICE_H
#define TRAINC_RUNTIME_TRAIN_DEVICE_H

#include "trainc/model.h"

#include <cstdint>
#include <memory>
#include <string>

namespace trainc::rt {

class Device {
public:
  virtual ~Device() = default;
  /// One line for the start-up banner ("NVIDIA H100 (device 0, sm_90)").
  virtual std::string describe() const = 0;
  /// `bytes` of zeroed device memory, at least 256-byte aligned; calls
  /// fatal() naming `what` when it is not available.
  virtual void *allocate(int64_t bytes, const char *what) = 0;
  /// Copies `bytes` from the host to the device, after everything the step
  /// stream holds; `host` may be reused when it returns.
  virtual void upload(void *device, const void *host, int64_t bytes) = 0;
  /// Copies `bytes` from the device to the host after everything the step
  /// stream holds, and returns when they are there (a failed kernel
  /// before it is reported here, in one line).
  virtual void download(void *host, const void *device, int64_t bytes) = 0;
  /// Loads the model's GPU kernels (its description's image); calls
  /// fatal() with one line when the image does not fit this device.
  virtual void loadKernels(const trainc_model_desc &desc) = 0;
  /// Whether the model's kernels run on the host (the CPU runtime's
  /// emulated device): its arenas are then host memory in the model's
  /// description.
  virtual bool hostKernels() const { return false; }

  // The batch pipeline: the trainer fills a batch in host staging memory
  // and uploads it to one of kBatchSlots device buffers on a copy stream
  // while the step before runs on the step stream.
  //
  //   waitStaging(s); fill staging s; uploadBatch(s, ...)   (host)
  //   acquireBatch(s); the step reading slot s; releaseBatch(s)  (stream)
  //
  // A slot's upload starts once the step stream has passed the last
  // releaseBatch(s); the step stream waits at acquireBatch(s) for the
  // uploads before it.
  static constexpr int kBatchSlots = 2;
  /// `bytes` of zeroed host memory the device copies from asynchronously
  /// (page-locked on a GPU), kept for the process's lifetime; fatal()
  /// naming `what`.
  virtual void *allocateStaging(int64_t bytes, const char *what) = 0;
  /// Returns once slot `slot`'s uploads have read their staging memory.
  virtual void waitStaging(int slot) = 0;
  /// Copies `bytes` of staging memory `host` to `device` (a buffer of slot
  /// `slot`) on the copy stream, after the last releaseBatch(slot).
  virtual void uploadBatch(int slot, void *device, const void *host,
                           int64_t bytes) = 0;
  /// The step stream waits for slot `slot`'s uploads.
  virtual void acquireBatch(int slot) = 0;
  /// The step stream's work so far is the last to read slot `slot`.
  virtual void releaseBatch(int slot) = 0;
};

/// The model's device: null on the CPU target.
Device *modelDevice();

struct TrainOptions;

/// The device the executable's target runs on, chosen from the options
/// (--device) and the process's place among `world` (main() installs it
/// in the runtime's context): null for the CPU target, which refuses
/// --device; the GPU for the CUDA target, or fatal() with one line (no
/// driver, no such device).
std::unique_ptr<Device> openDevice(const TrainOptions &options, int rank,
                                   int world);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_DEVICE_H
