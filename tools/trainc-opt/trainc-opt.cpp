//===- trainc-opt.cpp - mlir-opt with the train dialect and passes --------===//
//
// Registers only what trainc's pipelines use (curated, not all of MLIR), so
// lit tests run exactly the compiler's passes.
//
//===----------------------------------------------------------------------===//

#include "dialects/Train/IR/TrainDialect.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::train::TrainDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::tensor::TensorDialect,
                  mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                  mlir::math::MathDialect, mlir::LLVM::LLVMDialect,
                  mlir::cf::ControlFlowDialect, mlir::gpu::GPUDialect,
                  mlir::vector::VectorDialect>();
  mlir::train::registerGpuKernelsDependencies(registry);
  mlir::train::registerTrainPasses();
  mlir::train::registerTrainPipelines();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  // The upstream steps of train-gpu-kernels-pipeline, for its lit tests.
  mlir::registerGpuKernelOutliningPass();
  mlir::registerGpuNVVMAttachTargetPass();
  mlir::registerGpuModuleToBinaryPassPass();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "trainc optimizer driver\n", registry));
}
