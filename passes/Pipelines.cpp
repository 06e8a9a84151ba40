//===- Pipelines.cpp - the pass pipelines of the --emit ladder ------------===//

#include "passes/Pipelines.h"

#include "passes/Conversion/TargetInfo.h"

#include "passes/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::train;

namespace {
/// The debug name (its C++ type) of MLIR 19's scf.parallel canonicalization
/// that removes single-iteration dimensions and inlines a nest left with
/// none (test/Driver/kernels.test fails if the name changes).
constexpr llvm::StringLiteral kSingleIterationParallelFolder =
    "(anonymous namespace)::ParallelOpSingleOrZeroIterationDimsFolder";
} // namespace

void mlir::train::buildTrainPipeline(OpPassManager &pm,
                                     const TrainingPipelineOptions &options) {
  PrepareTrainingPassOptions prepare;
  prepare.labelSmoothing = options.labelSmoothing;
  pm.addPass(createPrepareTrainingPass(prepare));
  pm.addPass(createAutodiffPass());
  pm.addPass(createCSEPass());
  DataParallelPassOptions dataParallel;
  dataParallel.syncBatchNorm = options.syncBatchNorm;
  dataParallel.allreduceDtype = options.allreduceDtype;
  pm.addPass(createDataParallelPass(dataParallel));
  BucketGradientsPassOptions buckets;
  buckets.bucketCapBytes = options.bucketCapBytes;
  buckets.firstBucketBytes = options.firstBucketBytes;
  pm.addPass(createBucketGradientsPass(buckets));
  pm.addPass(createScheduleCollectivesPass());
  InsertOptimizerPassOptions optimizer;
  optimizer.optimizer = options.optimizer;
  pm.addPass(createInsertOptimizerPass(optimizer));
  pm.addPass(createFuseUpdatesPass());
  // Layouts before the plan: a blocked BatchNorm's partial sums need
  // scratch (the layouts themselves move no byte).
  AssignLayoutsPassOptions layouts;
  layouts.channelBlock = options.channelBlock;
  layouts.filters = options.filterLayouts;
  pm.addPass(createAssignLayoutsPass(layouts));
  pm.addPass(createPlanMemoryPass());
}

void mlir::train::buildLoopsPipeline(OpPassManager &pm,
                                     const TrainingPipelineOptions &options) {
  DescribeModelPassOptions describe;
  describe.targetName = options.target;
  pm.addPass(createDescribeModelPass(describe));
  ConvertTrainToLoopsPassOptions convert;
  convert.targetName = options.target;
  pm.addPass(createConvertTrainToLoopsPass(convert));
  // A kernel of one iteration (a serial kernel: a reduction's last level)
  // stays a kernel: the fold that inlines it would put its tensor accesses
  // on the host.
  std::string disabled[] = {kSingleIterationParallelFolder.str()};
  pm.addPass(createCanonicalizerPass(GreedyRewriteConfig(), disabled));
  pm.addPass(createCSEPass());
  // The contract every target relies on: tensor data only in kernels.
  pm.addPass(createVerifyKernelsPass());
}

void mlir::train::buildLLVMPipeline(OpPassManager &pm,
                                    const TrainingPipelineOptions &options) {
  // How the target launches kernels. The CPU: top-level scf.parallel nests
  // run on the runtime's OpenMP threads, the pool oneDNN uses. (An unknown
  // target has already failed convert-train-to-loops.)
  const TargetInfo *target = TargetInfo::lookup(options.target);
  if (!target || target->launch == TargetInfo::KernelLaunch::HostThreads)
    pm.addPass(createConvertParallelLoopsToThreadsPass());
  pm.addPass(createConvertSCFToCFPass());
  // The CPU kernels on channel blocks load and store whole blocks as
  // vectors.
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(func));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // The C entry points on trainc_step_args.
  pm.addPass(createEmitEntryPointsPass());
  pm.addPass(createAddDebugInfoPass());
}

void mlir::train::buildGpuKernelsPipeline(
    OpPassManager &pm, const GpuKernelsPipelineOptions &options) {
  // Sums with few outputs over several blocks each, then every kernel on
  // a grid.
  pm.addPass(createSplitGpuSumsPass());
  pm.addPass(createMapKernelsToGpuPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createMergeGpuModulesPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  // arith.ceildivui and friends have no NVVM lowering (CUDA.md).
  device.addPass(arith::createArithExpandOpsPass());
  device.addPass(memref::createExpandStridedMetadataPass());
  device.addPass(createConvertSCFToCFPass());
  // Arenas reach kernels as bare pointers: one parameter each, and the
  // host passes an address (train-lower-gpu-launches).
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = true;
  device.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  // PTX (format isa) with libdevice linked from the toolkit: without the
  // toolkit's path math.exp and friends stay unresolved (CUDA.md).
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkit;
  binary.compilationTarget = options.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (options.format != "isa")
    pm.addPass(createLowerGpuLaunchesPass());
}

void mlir::train::registerGpuKernelsDependencies(DialectRegistry &registry) {
  registry.insert<gpu::GPUDialect, NVVM::NVVMDialect>();
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
}

void mlir::train::registerTrainPipelines() {
  PassPipelineRegistration<TrainingPipelineOptions>(
      "train-pipeline",
      "--emit=train: the imported @forward to the planned training step",
      buildTrainPipeline);
  PassPipelineRegistration<TrainingPipelineOptions>(
      "train-loops-pipeline",
      "--emit=loops: the planned steps to kernels and library calls",
      buildLoopsPipeline);
  PassPipelineRegistration<TrainingPipelineOptions>(
      "train-llvm-pipeline",
      "the target's kernels, then the LLVM dialect (before --emit=llvm)",
      buildLLVMPipeline);
  PassPipelineRegistration<GpuKernelsPipelineOptions>(
      "train-gpu-kernels-pipeline",
      "--emit=ptx: the kernels on a GPU grid, outlined, NVVM, PTX",
      buildGpuKernelsPipeline);
}
