//===- TargetInfo.cpp - the code-generation targets -----------------------===//

#include "passes/Conversion/TargetInfo.h"
#include "passes/Placement.h"

#include "mlir/IR/Operation.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir::train;

namespace {
/// The CPU: oneDNN for convolutions and GEMMs (runtime/kernels/
/// DnnlKernels.cpp), kernels on the runtime's OpenMP threads, every arena
/// in host memory.
const TargetInfo kCpu{
    /*name=*/"cpu",
    /*runtimePrefix=*/"trainc_rt_",
    /*arenaSpace=*/TRAINC_MEMORY_HOST,
    /*launch=*/TargetInfo::KernelLaunch::HostThreads,
    /*libraryConvolution=*/true,
    /*libraryGemm=*/true,
};

/// An NVIDIA GPU: cuDNN for convolutions, cuBLAS for GEMMs, kernels on a
/// grid (train-map-kernels-to-gpu), every arena in device memory. The
/// runtime's entry points keep their names: the CUDA backend implements
/// the same C interface (runtime/include/trainc/kernels.h) on device
/// pointers and the context's stream.
const TargetInfo kCuda{
    /*name=*/"cuda",
    /*runtimePrefix=*/"trainc_rt_",
    /*arenaSpace=*/TRAINC_MEMORY_DEVICE,
    /*launch=*/TargetInfo::KernelLaunch::GpuGrid,
    /*libraryConvolution=*/true,
    /*libraryGemm=*/true,
};

const TargetInfo *const kTargets[] = {&kCpu, &kCuda};
} // namespace

const TargetInfo *TargetInfo::lookup(llvm::StringRef name) {
  for (const TargetInfo *target : kTargets)
    if (target->name == name)
      return target;
  return nullptr;
}

trainc_memory_space TargetInfo::memorySpace(mlir::train::Role field) const {
  return isHostField(field) ? TRAINC_MEMORY_HOST : arenaSpace;
}

const TargetInfo *TargetInfo::lookupOrEmit(mlir::Operation *op,
                                           llvm::StringRef name) {
  const TargetInfo *target = lookup(name);
  if (!target)
    op->emitError("unknown target '")
        << name << "' (known: " << knownNames() << ")";
  return target;
}

std::string TargetInfo::knownNames() {
  std::string names;
  for (const TargetInfo *target : kTargets)
    names += (names.empty() ? "" : ", ") + target->name.str();
  return names;
}
