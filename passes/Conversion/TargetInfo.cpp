//===- TargetInfo.cpp - the code-generation targets -----------------------===//

#include "passes/Conversion/TargetInfo.h"

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

const TargetInfo *const kTargets[] = {&kCpu};
} // namespace

const TargetInfo *TargetInfo::lookup(llvm::StringRef name) {
  for (const TargetInfo *target : kTargets)
    if (target->name == name)
      return target;
  return nullptr;
}

std::string TargetInfo::knownNames() {
  std::string names;
  for (const TargetInfo *target : kTargets)
    names += (names.empty() ? "" : ", ") + target->name.str();
  return names;
}
