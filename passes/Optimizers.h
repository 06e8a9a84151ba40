//===- Optimizers.h - the optimizers trainc compiles ------------*- C++ -*-===//
//
// The compiler's view of runtime/include/trainc/optimizers.h, the one table
// of algorithms `trainc --optimizer` accepts (state slots, global dot
// products, scalar bytes), which the runtime reads too. The
// per-element rules and the coefficients they read are in
// runtime/include/trainc/model.h (trainc_update_coeffs); the lowering is
// TrainToLoops/Optimizers.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_OPTIMIZERS_H
#define TRAINC_PASSES_OPTIMIZERS_H

#include "runtime/include/trainc/optimizers.h"

#include "dialects/Train/IR/TrainAttrs.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::train {

using OptimizerInfo = trainc_optimizer_info;

inline llvm::ArrayRef<OptimizerInfo> optimizers() { return trainc_optimizers; }

inline const OptimizerInfo *lookupOptimizer(llvm::StringRef name) {
  return trainc_find_optimizer(name.str().c_str());
}

/// The row of `algorithm` (the enum indexes the table).
inline const OptimizerInfo &optimizerInfo(Algorithm algorithm) {
  return trainc_optimizers[static_cast<int>(algorithm)];
}

/// Whether `algorithm`'s update keeps a step scale per layer in scratch
/// between its norms kernel and its update kernel (LARS, LAMB; sized by
/// Placement.cpp's scratchBytes).
inline bool usesLayerScales(Algorithm algorithm) {
  return algorithm == Algorithm::Lars || algorithm == Algorithm::Lamb;
}

/// The bytes of NLCG's partial-sum tables for `buckets` buckets (f64): the
/// gather table, then the preconditioner's. Kernels write them in the
/// activation arena; the runtime's scalar phases read them.
inline int64_t nlcgTableBytes(int64_t buckets) {
  int64_t rows = buckets < 1 ? 1 : buckets;
  return 8 * rows * (TRAINC_NLCG_GATHER_WIDTH + TRAINC_NLCG_PRECOND_WIDTH);
}

/// "sgd, momentum, ... or nlcg", for error messages and help.
inline std::string optimizerNames() {
  std::string names;
  llvm::ArrayRef<OptimizerInfo> all = optimizers();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i)
      names += i + 1 == all.size() ? " or " : ", ";
    names += all[i].name;
  }
  return names;
}

} // namespace mlir::train

#endif // TRAINC_PASSES_OPTIMIZERS_H
