//===- CudaDevice.h - one GPU per process -----------------------*- C++ -*-===//

#ifndef TRAINC_RUNTIME_CUDA_CUDADEVICE_H
#define TRAINC_RUNTIME_CUDA_CUDADEVICE_H

#include "cuda/CudaDriver.h"
#include "train/Device.h"

#include <functional>
#include <vector>

namespace trainc::rt {

class CudaDevice final : public Device {
public:
  /// Opens GPU `ordinal` (its primary context, current on this thread) and
  /// the step's stream; fatal() with one line when it cannot.
  explicit CudaDevice(int ordinal);

  std::string describe() const override;
  void *allocate(int64_t bytes, const char *what) override;
  void upload(void *device, const void *host, int64_t bytes) override;
  void download(void *host, const void *device, int64_t bytes) override;
  void loadKernels(const trainc_model_desc &desc) override;
  void *allocateStaging(int64_t bytes, const char *what) override;
  void waitStaging(int slot) override;
  void uploadBatch(int slot, void *device, const void *host,
                   int64_t bytes) override;
  void acquireBatch(int slot) override;
  void releaseBatch(int slot) override;

  /// Enqueues kernel `kernel` of the loaded image (trainc_rt_launch).
  void launch(int32_t kernel, const int64_t grid[3], const int64_t block[3],
              int32_t sharedBytes, void *params, int32_t numParams);
  /// Waits for the stream; fatal() naming `what` on an error.
  void synchronize(const char *what);

  /// Called while the host waits on the GPU (NCCL's watch over its
  /// collectives: errors and timeouts end the job); may be empty.
  std::function<void()> watch;

  const CudaDriver &driver;
  /// The stream every step's work is ordered on.
  CUstream stream = nullptr;
  /// The batch pipeline's: uploads of the next batch while a step runs.
  CUstream copyStream = nullptr;

private:
  const char *kernelName(int32_t kernel) const;
  /// Returns once `query` says CUDA_SUCCESS (a stream's or event's work is
  /// done), calling `watch` meanwhile; fatal() naming `what` on an error.
  void await(const std::function<CUresult()> &query, const char *what);

  int ordinal;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUmodule module = nullptr;
  std::vector<CUfunction> kernels;
  /// Per batch slot: recorded on the copy stream after its uploads, and
  /// on the step stream after the last step that reads it.
  CUevent uploaded[kBatchSlots] = {}, released[kBatchSlots] = {};
  const trainc_model_desc *described = nullptr;
  /// allocateStaging's memory (the process's lifetime).
  std::vector<void *> staging;
  std::string description;
};

/// The CUDA device of a runtime call's context.
CudaDevice &cudaDeviceOf(void *context);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_CUDA_CUDADEVICE_H
