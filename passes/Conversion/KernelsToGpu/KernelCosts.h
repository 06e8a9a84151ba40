//===- KernelCosts.h - what each kernel of the kernel IR moves and computes -===//
//
// For `trainc --target=cuda --report`: the bytes each kernel (a top-level
// scf.parallel of the kernel IR, one GPU launch after
// train-map-kernels-to-gpu) loads and stores and the floating-point
// operations it executes, counted statically: every memref.load and
// memref.store once per iteration of the loops around it (constant trip
// counts; an scf.if counts its costlier side), so bytes are the traffic
// without cache reuse and flops count each arith/math float op once
// (fma twice). The roofline time of a kernel is the larger of bytes over
// the memory bandwidth and flops over the peak rate.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_CONVERSION_KERNELSTOGPU_KERNELCOSTS_H
#define TRAINC_PASSES_CONVERSION_KERNELSTOGPU_KERNELCOSTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::train {

struct KernelCost {
  /// Iterations of the kernel's parallel nest (its outputs).
  int64_t iterations = 0;
  double loadBytes = 0, storeBytes = 0, flops = 0;
  /// False when a loop bound is not a constant (its body then counted once).
  bool exact = true;
  /// The ONNX node the kernel comes from (its location's first name; the
  /// backward and the update of a node carry its name), or "".
  std::string node;
};

/// The trip count of a loop dimension with constant bounds and a positive
/// constant step (0 when empty); nullopt otherwise.
std::optional<int64_t> constantTripCount(Value lb, Value ub, Value step);

/// The kernels of `fn` (its top-level scf.parallel ops), in program order.
llvm::SmallVector<KernelCost> kernelCosts(func::FuncOp fn);

} // namespace mlir::train

#endif // TRAINC_PASSES_CONVERSION_KERNELSTOGPU_KERNELCOSTS_H
