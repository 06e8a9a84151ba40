//===- TargetInfo.h - what a code-generation target decides ------*- C++
//-*-===//
//
// The train dialect and its passes up to train-plan-memory are target
// neutral, and so is the kernel IR convert-train-to-loops produces: scf
// loop nests on arenas, with every tensor access inside a kernel
// (train-verify-kernels). What differs between the CPU and a GPU is
// gathered here: which ops become calls into a vendor library (oneDNN on the
// CPU; cuDNN and cuBLAS on CUDA) rather than generated kernels, the names
// of the runtime entry points the generated code calls, the memory space
// each arena lives in, and how a kernel is launched (a range of the outer
// dimension on the runtime's threads, or a grid of GPU threads). The
// lowering patterns (populateTrain<Family>LoweringPatterns) and the
// pipelines (passes/Pipelines.cpp) read it; nothing else names a target.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_CONVERSION_TARGETINFO_H
#define TRAINC_PASSES_CONVERSION_TARGETINFO_H

#include "runtime/include/trainc/abi.h"

#include "dialects/Train/IR/TrainAttrs.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir {
class Operation;
} // namespace mlir

namespace mlir::train {

struct TargetInfo {
  /// How the kernels (top-level scf.parallel nests) run.
  enum class KernelLaunch {
    /// A kernel function over a range of the outer dimension, run by
    /// trainc_rt_parallel_for on the runtime's threads
    /// (convert-parallel-loops-to-threads).
    HostThreads,
    /// A GPU kernel over a grid (the CUDA target).
    GpuGrid,
  };

  /// The name `--target` takes ("cpu").
  llvm::StringRef name;
  /// The prefix of every runtime entry point the generated code calls.
  llvm::StringRef runtimePrefix;
  /// Where the arenas (parameters, gradients, optimizer state, activations,
  /// the batch) live; what the runtime fills on the host each step (the
  /// update coefficients) is always TRAINC_MEMORY_HOST.
  trainc_memory_space arenaSpace;
  KernelLaunch launch;
  /// Convolutions (forward, backward data, backward filter) and GEMMs are
  /// library calls; every other op is a generated kernel.
  bool libraryConvolution;
  bool libraryGemm;

  /// The symbol of runtime entry point `entry` ("gemm" -> "trainc_rt_gemm").
  std::string symbol(llvm::StringRef entry) const {
    return runtimePrefix.str() + entry.str();
  }

  /// Where field `field` of trainc_step_args lives on this target: the
  /// arenas' space, except what is host memory everywhere (isHostField).
  trainc_memory_space memorySpace(mlir::train::Role field) const;

  /// The target named `name`, or null.
  static const TargetInfo *lookup(llvm::StringRef name);
  /// The target named `name`; null after an error on `op` naming the known
  /// ones.
  static const TargetInfo *lookupOrEmit(Operation *op, llvm::StringRef name);
  /// The names lookup knows, for diagnostics ("cpu").
  static std::string knownNames();
};

} // namespace mlir::train

#endif // TRAINC_PASSES_CONVERSION_TARGETINFO_H
