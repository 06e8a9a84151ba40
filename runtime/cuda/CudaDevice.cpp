//===- CudaDevice.cpp - one GPU per process: memory, stream, kernels ------===//
//
// The CUDA runtime's Device (train/Device.h). One GPU per process: --device
// N, else the local rank under mpirun, else 0; its primary context (the
// one cuDNN and cuBLAS use too), one stream every step's work is ordered
// on (kernels, library calls, copies), a copy stream that uploads the next
// batch from page-locked memory while a step runs, and the model's kernels
// loaded once from the fatbin in its description.
//
//===----------------------------------------------------------------------===//

#include "cuda/CudaDevice.h"

#include "Context.h"
#include "Error.h"
#include "cuda/NcclDataPlane.h"
#include "train/Options.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace trainc::rt {

CudaDevice::CudaDevice(int ordinal) : driver(cudaDriver()), ordinal(ordinal) {
  int count = 0;
  checkCuda(driver.cuDeviceGetCount(&count), "counting the CUDA devices");
  if (count == 0)
    fatal("no CUDA device: the driver sees no GPU");
  if (ordinal >= count)
    fatal("CUDA device " + std::to_string(ordinal) + " does not exist (" +
          std::to_string(count) + " device" + (count == 1 ? "" : "s") +
          ": 0 to " + std::to_string(count - 1) + ")");
  checkCuda(driver.cuDeviceGet(&device, ordinal), "opening CUDA device " +
                                                      std::to_string(ordinal));
  char name[256] = {};
  driver.cuDeviceGetName(name, sizeof(name) - 1, device);
  int major = 0, minor = 0;
  driver.cuDeviceGetAttribute(
      &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
  driver.cuDeviceGetAttribute(
      &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
  size_t total = 0;
  driver.cuDeviceTotalMem(&total, device);
  char text[384];
  std::snprintf(text, sizeof(text), "%s (device %d, sm_%d%d, %.1f GiB)", name,
                ordinal, major, minor, total / 1073741824.0);
  description = text;
  checkCuda(driver.cuDevicePrimaryCtxRetain(&context, device),
            "creating a context on CUDA device " + std::to_string(ordinal));
  checkCuda(driver.cuCtxSetCurrent(context), "making the CUDA context current");
  // A blocking stream: it also orders after the legacy default stream,
  // which the libraries' own set-up work may use.
  checkCuda(driver.cuStreamCreate(&stream, CU_STREAM_DEFAULT),
            "creating the CUDA stream");
  // The copy stream does not order after the legacy default stream: the
  // events below are all that orders it with the step stream.
  checkCuda(driver.cuStreamCreate(&copyStream, CU_STREAM_NON_BLOCKING),
            "creating the CUDA copy stream");
  for (int slot = 0; slot < kBatchSlots; ++slot)
    for (CUevent *event : {&uploaded[slot], &released[slot]})
      checkCuda(driver.cuEventCreate(event, CU_EVENT_DISABLE_TIMING),
                "creating a CUDA event");
}

std::string CudaDevice::describe() const { return description; }

void *CudaDevice::allocate(int64_t bytes, const char *what) {
  CUdeviceptr pointer = 0;
  // Never 0 bytes: every arena has an address.
  size_t size = static_cast<size_t>(std::max<int64_t>(bytes, 256));
  CUresult result = driver.cuMemAlloc(&pointer, size);
  if (result == CUDA_ERROR_OUT_OF_MEMORY) {
    size_t free = 0, total = 0;
    driver.cuMemGetInfo(&free, &total);
    fatal("out of GPU memory allocating " + std::to_string(bytes) +
          " bytes for " + what + " (" + std::to_string(free >> 20) +
          " MiB free of " + std::to_string(total >> 20) + " MiB on " +
          description + ")");
  }
  checkCuda(result, std::string("allocating GPU memory for ") + what);
  checkCuda(driver.cuMemsetD8Async(pointer, 0, size, stream),
            std::string("zeroing ") + what);
  // Zero before any stream uses it: the copy stream, which uploads the
  // batches, is not ordered after the step stream's work (allocation is
  // start-up only).
  synchronize((std::string("zeroing ") + what).c_str());
  return reinterpret_cast<void *>(pointer);
}

void CudaDevice::upload(void *onDevice, const void *host, int64_t bytes) {
  if (bytes <= 0)
    return;
  // From pageable memory the copy is staged before the call returns, so
  // `host` may be reused at once.
  checkCuda(driver.cuMemcpyHtoDAsync(reinterpret_cast<CUdeviceptr>(onDevice),
                                     host, bytes, stream),
            "copying to the GPU");
}

void *CudaDevice::allocateStaging(int64_t bytes, const char *what) {
  void *host = nullptr;
  // Page-locked, so that a copy from it runs asynchronously on the copy
  // stream (from pageable memory the driver stages it synchronously).
  CUresult result = driver.cuMemHostAlloc(
      &host, static_cast<size_t>(std::max<int64_t>(bytes, 256)), 0);
  if (result == CUDA_ERROR_OUT_OF_MEMORY)
    fatal("out of page-locked host memory allocating " +
          std::to_string(bytes) + " bytes for " + what);
  checkCuda(result, std::string("allocating page-locked memory for ") + what);
  std::memset(host, 0, static_cast<size_t>(std::max<int64_t>(bytes, 0)));
  staging.push_back(host);
  return host;
}

void CudaDevice::waitStaging(int slot) {
  // An event never recorded counts as complete.
  await([&] { return driver.cuEventQuery(uploaded[slot]); },
        "uploading a batch to the GPU");
}

void CudaDevice::uploadBatch(int slot, void *onDevice, const void *host,
                             int64_t bytes) {
  // After the last step that read the slot (nothing before the first
  // release), then the copy, then the slot's mark for the step stream.
  checkCuda(driver.cuStreamWaitEvent(copyStream, released[slot], 0),
            "ordering a batch upload after the step");
  if (bytes > 0)
    checkCuda(driver.cuMemcpyHtoDAsync(reinterpret_cast<CUdeviceptr>(onDevice),
                                       host, bytes, copyStream),
              "uploading a batch to the GPU");
  checkCuda(driver.cuEventRecord(uploaded[slot], copyStream),
            "recording a batch upload");
}

void CudaDevice::acquireBatch(int slot) {
  checkCuda(driver.cuStreamWaitEvent(stream, uploaded[slot], 0),
            "ordering the step after its batch's upload");
}

void CudaDevice::releaseBatch(int slot) {
  checkCuda(driver.cuEventRecord(released[slot], stream),
            "recording the end of a step");
}

void CudaDevice::download(void *host, const void *onDevice, int64_t bytes) {
  if (bytes > 0)
    checkCuda(driver.cuMemcpyDtoHAsync(
                  host, reinterpret_cast<CUdeviceptr>(onDevice), bytes, stream),
              "copying from the GPU");
  synchronize("a GPU kernel or copy failed");
}

void CudaDevice::synchronize(const char *what) {
  await([&] { return driver.cuStreamQuery(stream); }, what);
}

void CudaDevice::await(const std::function<CUresult()> &query,
                       const char *what) {
  // Polled rather than cuStreamSynchronize: a collective waiting for a
  // rank that died would block that call forever, and the watch must run.
  for (unsigned spins = 0;; ++spins) {
    CUresult result = query();
    if (result == CUDA_SUCCESS)
      return;
    if (result != CUDA_ERROR_NOT_READY)
      checkCuda(result, what);
    if (watch)
      watch();
    if (spins > 1000)
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    else
      std::this_thread::yield();
  }
}

void CudaDevice::loadKernels(const trainc_model_desc &desc) {
  described = &desc;
  std::string arch = desc.gpu_arch ? desc.gpu_arch : "?";
  // The driver's JIT log says why PTX did not compile.
  char log[4096] = {};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log) - 1)};
  CUresult result =
      driver.cuModuleLoadDataEx(&module, desc.gpu_image, 2, options, values);
  if (result != CUDA_SUCCESS) {
    std::string line = "cannot load the model's GPU kernels (compiled for " +
                       arch + ") on " + description + ": " +
                       cudaErrorText(result);
    if (log[0])
      line += ": " + std::string(log);
    fatal(line);
  }
  const char *name = desc.gpu_kernel_names;
  for (int32_t k = 0; k < desc.num_gpu_kernels; ++k) {
    CUfunction function = nullptr;
    checkCuda(driver.cuModuleGetFunction(&function, module, name),
              std::string("the model's GPU kernel '") + name + "'");
    kernels.push_back(function);
    name += std::strlen(name) + 1;
  }
}

void CudaDevice::launch(int32_t kernel, const int64_t grid[3],
                        const int64_t block[3], int32_t sharedBytes,
                        void *params, int32_t numParams) {
  if (kernel < 0 || kernel >= static_cast<int32_t>(kernels.size()))
    fatal("internal error: GPU kernel " + std::to_string(kernel) +
          " of a model with " + std::to_string(kernels.size()));
  for (int d = 0; d < 3; ++d) {
    if (grid[d] == 0 || block[d] == 0)
      return; // nothing to run
    if (grid[d] < 0 || block[d] < 0 || grid[d] > 0x7fffffff ||
        block[d] > 1024)
      fatal("internal error: GPU kernel " + std::to_string(kernel) +
            " launched with a grid or block out of range");
  }
  void *pointers[256];
  if (numParams < 0 || numParams > 256)
    fatal("internal error: a GPU kernel with " + std::to_string(numParams) +
          " arguments");
  for (int32_t i = 0; i < numParams; ++i)
    pointers[i] = static_cast<char *>(params) + 8 * i;
  CUresult result = driver.cuLaunchKernel(
      kernels[kernel], static_cast<unsigned>(grid[0]),
      static_cast<unsigned>(grid[1]), static_cast<unsigned>(grid[2]),
      static_cast<unsigned>(block[0]), static_cast<unsigned>(block[1]),
      static_cast<unsigned>(block[2]), static_cast<unsigned>(sharedBytes),
      stream, pointers, nullptr);
  if (result != CUDA_SUCCESS) {
    const char *name = kernelName(kernel);
    checkCuda(result, std::string("launching GPU kernel '") + name + "'");
  }
}

const char *CudaDevice::kernelName(int32_t kernel) const {
  const trainc_model_desc *desc = described;
  if (!desc)
    return "?";
  const char *name = desc->gpu_kernel_names;
  for (int32_t k = 0; k < kernel; ++k)
    name += std::strlen(name) + 1;
  return name;
}

CudaDevice &cudaDeviceOf(void *context) {
  Device *device = contextOf(context).device.get();
  if (!device)
    fatal("internal error: a CUDA kernel without the CUDA device");
  return static_cast<CudaDevice &>(*device);
}

std::unique_ptr<Device> openDevice(const TrainOptions &options, int rank,
                                   int world) {
  RuntimeContext &context = runtimeContext();
  // NCCL's id first: it needs no GPU, and every rank must take part in
  // its broadcast before any can fail on its device.
  NcclId id{};
  if (world > 1)
    id = bootstrapNccl(communicator());
  int ordinal = options.device;
  if (ordinal < 0) {
    ordinal = 0;
    if (const char *local = std::getenv("OMPI_COMM_WORLD_LOCAL_RANK"))
      ordinal = std::atoi(local);
  }
  auto device = std::make_unique<CudaDevice>(ordinal);
  context.stream = device->stream;
  if (world > 1)
    context.deviceData = openNcclDataPlane(*device, id, rank, world,
                                           options.collectiveTimeout);
  return device;
}

} // namespace trainc::rt
