//===- Optimizers.h - the optimizers trainc compiles ------------*- C++ -*-===//
//
// One row per algorithm `trainc --optimizer` accepts: its name, how many
// slots of optimizer state (each with the parameters' layout) it keeps, and
// whether its update needs per-layer norms (a reduction over each
// parameter before the update). The per-element rules and the coefficients
// they read are in runtime/include/trainc/model.h (trainc_update_coeffs);
// the lowering is TrainToLoops/Optimizers.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_OPTIMIZERS_H
#define TRAINC_PASSES_OPTIMIZERS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::train {

/// NLCG's scalar state (runtime/train/Nlcg.h): 32 f64.
inline constexpr int kNlcgScalarBytes = 256;

struct OptimizerInfo {
  llvm::StringLiteral name;
  int stateSlots;
  bool perLayerNorms;
  /// Needs dot products over every parameter before any update: the
  /// buckets' updates gather partial sums, and one train.optimizer_step
  /// after the last finishes the step (runtime scalars, then a pass per
  /// bucket).
  bool global;
  /// Bytes of scalar state after the slots (the runtime's, f64).
  int scalarBytes;
  llvm::StringLiteral summary;
};

inline llvm::ArrayRef<OptimizerInfo> optimizers() {
  static constexpr OptimizerInfo table[] = {
      {"sgd", 0, false, false, 0,
       "plain SGD (torch.optim.SGD without momentum)"},
      {"momentum", 1, false, false, 0, "SGD with momentum (torch.optim.SGD)"},
      {"nesterov", 1, false, false, 0,
       "SGD with Nesterov momentum (torch.optim.SGD)"},
      {"adagrad", 1, false, false, 0, "torch.optim.Adagrad"},
      {"rmsprop", 3, false, false, 0,
       "torch.optim.RMSprop (centered, momentum)"},
      {"adam", 2, false, false, 0, "torch.optim.Adam"},
      {"adamw", 2, false, false, 0,
       "torch.optim.AdamW (decoupled weight decay)"},
      {"lars", 1, true, false, 0, "LARS: per-layer trust ratio, momentum"},
      {"lamb", 2, true, false, 0, "LAMB: Adam with a per-layer trust ratio"},
      // h (the diagonal preconditioner), d (the last applied direction),
      // g_prev; scalars: runtime/train/Nlcg.h.
      {"nlcg", 3, false, true, kNlcgScalarBytes,
       "preconditioned nonlinear conjugate gradient with a line search"},
  };
  return table;
}

inline const OptimizerInfo *lookupOptimizer(llvm::StringRef name) {
  for (const OptimizerInfo &info : optimizers())
    if (info.name == name)
      return &info;
  return nullptr;
}

/// "sgd, momentum, ... or lamb", for error messages and help.
inline std::string optimizerNames() {
  std::string names;
  llvm::ArrayRef<OptimizerInfo> all = optimizers();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i)
      names += i + 1 == all.size() ? " or " : ", ";
    names += all[i].name.str();
  }
  return names;
}

} // namespace mlir::train

#endif // TRAINC_PASSES_OPTIMIZERS_H
