//===- Passes.h - trainc passes ----------------------------------*- C++ -*-===//

#ifndef TRAINC_PASSES_PASSES_H
#define TRAINC_PASSES_PASSES_H

#include "dialects/Train/IR/TrainDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::train {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Names of the functions the pipeline passes along.
inline constexpr llvm::StringLiteral kForwardFn = "forward";
inline constexpr llvm::StringLiteral kForwardLossFn = "forward_loss";
inline constexpr llvm::StringLiteral kTrainStepFn = "train_step";

/// The module's @train_step, or null after an error saying it is missing
/// (the passes after train-autodiff need it).
inline func::FuncOp lookupTrainStep(ModuleOp module) {
  auto step = module.lookupSymbol<func::FuncOp>(kTrainStepFn);
  if (!step || step.isExternal()) {
    module.emitError("expected a func.func @train_step (run train-autodiff "
                     "first)");
    return nullptr;
  }
  return step;
}

} // namespace mlir::train

#endif // TRAINC_PASSES_PASSES_H
