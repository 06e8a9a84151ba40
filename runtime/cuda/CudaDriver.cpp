//===- CudaDriver.cpp - the CUDA driver API, loaded at run time -----------===//

#include "cuda/CudaDriver.h"

#include "Error.h"

#include <dlfcn.h>

namespace trainc::rt {
namespace {

/// "a driver for CUDA 13.0 or newer": the toolkit this was built with.
std::string neededDriver() {
  return "a driver for CUDA " + std::to_string(CUDA_VERSION / 1000) + "." +
         std::to_string(CUDA_VERSION % 1000 / 10) + " or newer";
}

CudaDriver loadDriver() {
  // The driver the system's loader finds (LD_LIBRARY_PATH, ld.so.conf):
  // the one installed with the kernel module.
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    fatal(std::string("no CUDA driver: cannot load libcuda.so.1 (") +
          (why ? why : "not found") +
          "); this executable was compiled with --target=cuda and needs an "
          "NVIDIA GPU and its driver");
  }
  CudaDriver driver;
#define TRAINC_LOAD(name, symbol)                                              \
  driver.name = reinterpret_cast<decltype(driver.name)>(dlsym(library, symbol)); \
  if (!driver.name)                                                            \
    fatal("the CUDA driver (libcuda.so.1) lacks " symbol                       \
          ": this executable needs " + neededDriver());
  TRAINC_CUDA_DRIVER_FUNCTIONS(TRAINC_LOAD)
#undef TRAINC_LOAD
  CUresult init = driver.cuInit(0);
  if (init == CUDA_ERROR_STUB_LIBRARY)
    fatal("no CUDA driver: libcuda.so.1 is the toolkit's stub, not a "
          "driver (is an NVIDIA GPU installed?)");
  if (init == CUDA_ERROR_NO_DEVICE)
    fatal("no CUDA device: the driver is installed but sees no GPU");
  if (init != CUDA_SUCCESS) {
    const char *name = nullptr;
    driver.cuGetErrorName(init, &name);
    fatal(std::string("the CUDA driver failed to start (cuInit: ") +
          (name ? name : "error " + std::to_string(init)) + ")");
  }
  // cuBLAS, cuDNN and the fatbin come from the toolkit this executable was
  // built with; an older driver would fail later, obscurely.
  int version = 0;
  driver.cuDriverGetVersion(&version);
  if (version / 1000 < CUDA_VERSION / 1000)
    fatal("the NVIDIA driver supports CUDA " + std::to_string(version / 1000) +
          "." + std::to_string(version % 1000 / 10) +
          "; this executable needs " + neededDriver());
  return driver;
}

} // namespace

const CudaDriver &cudaDriver() {
  static const CudaDriver driver = loadDriver();
  return driver;
}

std::string cudaErrorText(CUresult result) {
  const CudaDriver &driver = cudaDriver();
  const char *name = nullptr, *text = nullptr;
  driver.cuGetErrorName(result, &name);
  driver.cuGetErrorString(result, &text);
  std::string out = name ? name : "CUDA error " + std::to_string(result);
  if (text)
    out += std::string(" (") + text + ")";
  return out;
}

void checkCuda(CUresult result, const std::string &what) {
  if (result != CUDA_SUCCESS)
    fatal(what + ": " + cudaErrorText(result));
}

} // namespace trainc::rt
