//===- Pipelines.h - the pass pipelines of the --emit ladder -----*- C++ -*-===//
//
//   mlir   imported forward graph (the importer)
//   train  + train-prepare-training, train-autodiff, train-data-parallel,
//            train-bucket-gradients, train-schedule-collectives,
//            train-insert-optimizer, train-fuse-updates,
//            train-assign-layouts, train-plan-memory
//   loops  + convert-train-to-loops
//   llvm   + lowering to the LLVM dialect, then LLVM IR with the description
//   obj    + an object file;  exe  + linked with the runtime
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_PIPELINES_H
#define TRAINC_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::train {

/// The options of the pipelines, as trainc's flags set them and as
/// trainc-opt's registered pipelines take them
/// (`train-pipeline{optimizer=adam sync-bn=true}`).
struct TrainingPipelineOptions
    : public PassPipelineOptions<TrainingPipelineOptions> {
  Option<float> labelSmoothing{*this, "label-smoothing",
                               llvm::cl::desc("Label smoothing of the loss"),
                               llvm::cl::init(0.0f)};
  Option<std::string> optimizer{*this, "optimizer",
                                llvm::cl::desc("The update algorithm"),
                                llvm::cl::init("momentum")};
  /// All-reduce buckets (train-bucket-gradients), in bytes.
  Option<int64_t> bucketCapBytes{*this, "bucket-cap-bytes",
                                 llvm::cl::desc("Bytes per bucket"),
                                 llvm::cl::init(25 * 1024 * 1024)};
  Option<int64_t> firstBucketBytes{*this, "first-bucket-bytes",
                                   llvm::cl::desc("Bytes of the first bucket"),
                                   llvm::cl::init(1024 * 1024)};
  /// BatchNorm statistics over the global batch (train-data-parallel).
  Option<bool> syncBatchNorm{*this, "sync-bn",
                             llvm::cl::desc("Synchronised BatchNorm"),
                             llvm::cl::init(false)};
  /// The type gradients travel in: f32, fp16 or bf16.
  Option<std::string> allreduceDtype{
      *this, "allreduce-dtype",
      llvm::cl::desc("The type gradients travel in (f32, fp16, bf16)"),
      llvm::cl::init("f32")};
  /// The channel block of activations (train-assign-layouts): 0 keeps
  /// every tensor plain; trainc sets 16 or 8 for the CPU target.
  Option<int64_t> channelBlock{
      *this, "channel-block",
      llvm::cl::desc("Channel block of activations (0, 8, 16)"),
      llvm::cl::init(0)};
  /// With a channel block, parameter filters too (train-assign-layouts).
  Option<bool> filterLayouts{
      *this, "filter-layouts",
      llvm::cl::desc("Store parameter filters in channel blocks too"),
      llvm::cl::init(true)};
  /// The code-generation target (passes/Conversion/TargetInfo.h).
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("The code-generation target"),
                             llvm::cl::init("cpu")};
};

/// --emit=train: imported @forward -> planned @train_step and @forward
/// (tensors). Registered as `train-pipeline`.
void buildTrainPipeline(OpPassManager &pm,
                        const TrainingPipelineOptions &options);
/// --emit=loops: planned tensors -> kernels and library calls on arenas,
/// with the update. Registered as `train-loops-pipeline`.
void buildLoopsPipeline(OpPassManager &pm,
                        const TrainingPipelineOptions &options);
/// Before --emit=llvm: the target's kernels, then the LLVM dialect
/// (bare-pointer calling convention). Registered as `train-llvm-pipeline`.
void buildLLVMPipeline(OpPassManager &pm,
                       const TrainingPipelineOptions &options);

/// The options of the CUDA target's device pipeline.
struct GpuKernelsPipelineOptions
    : public PassPipelineOptions<GpuKernelsPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("The GPU architecture (sm_80)"),
                           llvm::cl::init("sm_80")};
  Option<std::string> features{*this, "features",
                               llvm::cl::desc("The PTX ISA (+ptx80)"),
                               llvm::cl::init("+ptx80")};
  /// The CUDA toolkit: libdevice (nvvm/libdevice) links from it.
  Option<std::string> toolkit{*this, "toolkit",
                              llvm::cl::desc("The CUDA toolkit's directory"),
                              llvm::cl::init("")};
  /// "isa": the PTX (--emit=ptx; the launches stay gpu.launch_func);
  /// "fatbin": SASS for `chip` and the PTX, embedded as a constant, and the
  /// launches lowered to runtime calls (train-lower-gpu-launches), ready
  /// for train-llvm-pipeline.
  Option<std::string> format{*this, "format",
                             llvm::cl::desc("isa (PTX) or fatbin"),
                             llvm::cl::init("isa")};
};

/// --emit=ptx (the CUDA target): the kernel IR's kernels mapped to a grid
/// (train-map-kernels-to-gpu), outlined into one gpu.module
/// (train-merge-gpu-modules), lowered to NVVM and serialised to PTX with
/// libdevice linked (a gpu.binary, format isa); with format=fatbin the
/// binary is embedded and the launches call the runtime. Registered as
/// `train-gpu-kernels-pipeline`.
void buildGpuKernelsPipeline(OpPassManager &pm,
                             const GpuKernelsPipelineOptions &options);

/// What the device pipeline needs in a context: the gpu and NVVM
/// dialects, the NVVM target's serialisation (gpu-module-to-binary) and
/// the LLVM IR translations it runs.
void registerGpuKernelsDependencies(DialectRegistry &registry);

/// Registers the pipelines by name, with their options, for
/// trainc-opt: `--pass-pipeline='builtin.module(train-pipeline{...})'`
/// reproduces each --emit stage from the one before.
void registerTrainPipelines();

} // namespace mlir::train

#endif // TRAINC_PASSES_PIPELINES_H
