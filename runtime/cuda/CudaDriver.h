//===- CudaDriver.h - the CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// The executable does not link libcuda: it loads the driver with
// dlopen("libcuda.so.1") when it starts, so that it starts on any machine
// and says in one line why it cannot run where there is no driver or no
// GPU (a program linked against the driver, or its stub, fails in the
// dynamic loader or with an obscure status instead). The types come from
// the toolkit's cuda.h; the functions from the loaded library, by the
// versioned names the driver exports (cuMemAlloc is cuMemAlloc_v2).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_CUDA_CUDADRIVER_H
#define TRAINC_RUNTIME_CUDA_CUDADRIVER_H

#include <cuda.h>

#include <string>

namespace trainc::rt {

// X(member, exported symbol)
#define TRAINC_CUDA_DRIVER_FUNCTIONS(X)                                        \
  X(cuInit, "cuInit")                                                          \
  X(cuDriverGetVersion, "cuDriverGetVersion")                                  \
  X(cuGetErrorName, "cuGetErrorName")                                          \
  X(cuGetErrorString, "cuGetErrorString")                                      \
  X(cuDeviceGetCount, "cuDeviceGetCount")                                      \
  X(cuDeviceGet, "cuDeviceGet")                                                \
  X(cuDeviceGetName, "cuDeviceGetName")                                        \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute")                              \
  X(cuDeviceTotalMem, "cuDeviceTotalMem_v2")                                   \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain")                      \
  X(cuCtxSetCurrent, "cuCtxSetCurrent")                                        \
  X(cuStreamCreate, "cuStreamCreate")                                          \
  X(cuStreamSynchronize, "cuStreamSynchronize")                                \
  X(cuMemAlloc, "cuMemAlloc_v2")                                               \
  X(cuMemFree, "cuMemFree_v2")                                                 \
  X(cuMemGetInfo, "cuMemGetInfo_v2")                                           \
  X(cuMemsetD8Async, "cuMemsetD8Async")                                        \
  X(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2")                                 \
  X(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2")                                 \
  X(cuModuleLoadDataEx, "cuModuleLoadDataEx")                                  \
  X(cuModuleGetFunction, "cuModuleGetFunction")                                \
  X(cuLaunchKernel, "cuLaunchKernel")                                          \
  X(cuMemHostAlloc, "cuMemHostAlloc")                                          \
  X(cuMemFreeHost, "cuMemFreeHost")                                            \
  X(cuEventCreate, "cuEventCreate")                                            \
  X(cuEventRecord, "cuEventRecord")                                            \
  X(cuEventSynchronize, "cuEventSynchronize")                                  \
  X(cuStreamWaitEvent, "cuStreamWaitEvent")                                    \
  X(cuStreamQuery, "cuStreamQuery")                                            \
  X(cuEventQuery, "cuEventQuery")

struct CudaDriver {
#define TRAINC_DECLARE(name, symbol) decltype(&::name) name = nullptr;
  TRAINC_CUDA_DRIVER_FUNCTIONS(TRAINC_DECLARE)
#undef TRAINC_DECLARE
};

/// The driver, loaded and initialised (cuInit) on the first call; calls
/// fatal() with one line when there is no driver, it lacks a function or
/// cuInit fails (no GPU, a stub library).
const CudaDriver &cudaDriver();

/// "CUDA_ERROR_OUT_OF_MEMORY (out of memory)".
std::string cudaErrorText(CUresult result);

/// Calls fatal() with "<what>: <error>" unless `result` is CUDA_SUCCESS.
void checkCuda(CUresult result, const std::string &what);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_CUDA_CUDADRIVER_H
