//===- Pipelines.h - the pass pipelines of the --emit ladder -----*- C++ -*-===//
//
//   mlir   imported forward graph (the importer)
//   train  + train-prepare-training, train-autodiff, train-data-parallel,
//            train-bucket-gradients, train-schedule-collectives,
//            train-insert-optimizer, train-plan-memory
//   loops  + convert-train-to-loops
//   llvm   + lowering to the LLVM dialect, then LLVM IR with the description
//   obj    + an object file;  exe  + linked with the runtime
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_CODEGEN_PIPELINES_H
#define TRAINC_CODEGEN_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::train {

struct TrainingPipelineOptions {
  float labelSmoothing = 0.0f;
  std::string optimizer = "momentum";
  /// All-reduce buckets (train-bucket-gradients), in bytes.
  int64_t bucketCapBytes = 25 * 1024 * 1024;
  int64_t firstBucketBytes = 1024 * 1024;
  /// BatchNorm statistics over the global batch (train-data-parallel).
  bool syncBatchNorm = false;
  /// The type gradients travel in: f32, fp16 or bf16.
  std::string allreduceDtype = "f32";
};

/// Imported @forward -> planned @train_step and @forward (tensors).
void buildTrainPipeline(OpPassManager &pm,
                        const TrainingPipelineOptions &options);
/// Planned tensors -> loops and library calls on arenas, with the update.
void buildLoopsPipeline(OpPassManager &pm,
                        const TrainingPipelineOptions &options);
/// Loops -> the LLVM dialect (bare-pointer calling convention).
void buildLLVMPipeline(OpPassManager &pm);

/// Registers the pipelines by name for trainc-opt.
void registerTrainPipelines();

} // namespace mlir::train

#endif // TRAINC_CODEGEN_PIPELINES_H
