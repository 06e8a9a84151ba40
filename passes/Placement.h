//===- Placement.h - where each tensor of a step function lives --*- C++ -*-===//
//
// The lowered step functions take byte arenas (parameters, gradients,
// buffers, activations) and the batch. Every tensor value gets a home: a
// slot of an arena, the same bytes as another value (reshapes), or an output
// of the function. train-plan-memory and the lowering both call homeOf, so
// the plan in the IR and the code that uses it cannot disagree.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_PLACEMENT_H
#define TRAINC_PASSES_PLACEMENT_H

#include "dialects/Train/IR/TrainAttrs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Value.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::train {

/// Attribute names of the memory plan.
inline constexpr llvm::StringLiteral kOffsetAttr = "train.offset";
inline constexpr llvm::StringLiteral kSlotsAttr = "train.slots";
inline constexpr llvm::StringLiteral kArenaBytesAttr = "train.arena_bytes";
/// Where compressed bucket collectives stage their 16-bit gradients in the
/// function's activation arena (train-plan-memory).
inline constexpr llvm::StringLiteral kWireOffsetAttr = "train.wire_offset";
inline constexpr llvm::StringLiteral kParamBytesAttr = "train.param_bytes";
inline constexpr llvm::StringLiteral kBufferBytesAttr = "train.buffer_bytes";
/// The all-reduce buckets (train-bucket-gradients, train-plan-memory).
inline constexpr llvm::StringLiteral kBucketsAttr = "train.buckets";
/// The update algorithm of the step's optimizer_update ops
/// (train-insert-optimizer).
inline constexpr llvm::StringLiteral kOptimizerAttr = "train.optimizer";
/// The model's description (train-describe-model), which code generation
/// turns into the trainc_model_desc of runtime/include/trainc/model.h.
inline constexpr llvm::StringLiteral kModelAttr = "train.model";

/// The byte offset, in the activation arena, of the scratch an op's kernels
/// use while it runs (train-plan-memory, from scratchBytes).
inline constexpr llvm::StringLiteral kScratchAttr = "train.scratch";
/// The role of each argument of a lowered function (#train.role<params>,
/// the field of trainc_step_args it comes from) and, where it is not the
/// target's arena memory, its memory space: #train.memory_space<host> for
/// what the runtime fills on the host each step (the update coefficients),
/// read by host code and passed to kernels as values.
inline constexpr llvm::StringLiteral kRoleAttr = "train.role";
inline constexpr llvm::StringLiteral kMemorySpaceAttr = "train.memory_space";

/// Whether the step-argument field of `role` is host memory on every
/// target: the runtime's context and the update coefficients the runtime
/// fills each step (#train.memory_space<host> on the argument).
bool isHostField(Role role);
/// The argument of `fn` with train.role `role`, or null.
Value argumentWithRole(FunctionOpInterface fn, Role role);
/// Whether `fn`'s argument `index` is host memory (#train.memory_space<host>).
bool isHostArgument(FunctionOpInterface fn, unsigned index);
/// Alignment of every slot, in bytes (a cache line, and AVX-512 loads).
inline constexpr int64_t kSlotAlignment = 64;

/// The memory layout of each result of an op (train-assign-layouts): for
/// a tensor [N, C, spatial...], the channel block B of its layout
/// [N, C/B, spatial..., B] (oneDNN's nChw8c and nChw16c), or 0 for the
/// plain row-major layout. Absent: every result plain.
inline constexpr llvm::StringLiteral kLayoutsAttr = "train.layouts";
/// The channel block of `value` (kLayoutsAttr; 0: plain, as every function
/// argument is).
int64_t channelBlockOf(Value value);
/// A parameter filter [O, I, kH, kW] stored in channel blocks of B,
/// [O/B, I/B, kH, kW, B (i), B (o)] (oneDNN's OIhw8i8o and OIhw16i16o),
/// with its gradient and optimizer state (train-assign-layouts): B on the
/// parameter argument of every step function (kParamLayoutAttr), on the
/// convolutions that read it (kFilterLayoutAttr), and as the layout of the
/// backward filter that writes its gradient (kLayoutsAttr). Absent: OIHW.
inline constexpr llvm::StringLiteral kParamLayoutAttr = "train.layout";
inline constexpr llvm::StringLiteral kFilterLayoutAttr = "train.filter_layout";
/// The trainc_conv2d_geometry (TRAINC_CONV_GEOMETRY_SIZE values, in
/// trainc/abi.h's order) the runtime receives for convolution `op`
/// (train.conv2d and its two backward ops), layouts included; empty for
/// another op.
SmallVector<int64_t> convolutionGeometry(Operation *op);
/// The channel block of the filter of convolution `op` (train.conv2d,
/// train.conv2d_backward_data: kFilterLayoutAttr; the backward filter: its
/// result's layout), 0 for OIHW.
int64_t filterBlockOf(Operation *op);
/// The batch pieces of BatchNorm's per-channel sums on blocked channels:
/// each piece sums its samples, then the pieces are added in piece order
/// (the same bits for any thread count).
inline int64_t batchNormPieces(int64_t batch) {
  return batch < 8 ? batch : 8;
}
/// Whether the BatchNorm (or its backward) `op` runs the kernels for
/// channel blocks: every operand and result of [N, C, ...] blocked alike,
/// statistics of this rank only. They keep partial sums in the op's
/// scratch (scratchBytes).
bool isBlockedBatchNorm(Operation *op);

struct Home {
  enum Kind {
    Activation,   ///< a slot of the activation arena (train.slots)
    Alias,        ///< the bytes of `aliasOf` (flatten / reshape)
    Param,        ///< a parameter argument's slot (train.offset)
    Buffer,       ///< a buffer argument's slot, or an in-place update of it
    Grad,         ///< the gradient slot of parameter argument `argIndex`
    Input,        ///< a data input argument
    Labels,       ///< the labels argument
    Result,       ///< a function output of its own (loss, logits)
  } kind;
  Value aliasOf;         ///< for Alias
  unsigned argIndex = 0; ///< for Param, Buffer, Grad, Input, Labels
  unsigned resultIndex = 0; ///< for Result
};

/// The home of `value` in `fn` (a step function: @train_step or @forward).
Home homeOf(func::FuncOp fn, Value value);

/// The scratch bytes the lowering of `op` needs while it runs (partial sums
/// of its reductions; synchronised BatchNorm's per-channel sums; an
/// optimizer's per-layer scales or, on train.optimizer_step, NLCG's
/// tables), or 0. train-plan-memory gives each such op a slot live only at
/// the op (an optimizer step's from the first update on), kScratchAttr;
/// the lowering finds its partials there.
int64_t scratchBytes(Operation *op);

/// The byte offset train-plan-memory gave `op`'s scratch (kScratchAttr), or
/// -1 when it has none.
inline int64_t scratchOffset(Operation *op) {
  auto offset = op->getAttrOfType<IntegerAttr>(kScratchAttr);
  return offset ? offset.getInt() : -1;
}

/// Function results whose value is not written in place by its producer and
/// must be copied into the result's home after the body runs.
SmallVector<unsigned> resultsNeedingCopy(func::FuncOp fn);

/// The bytes of the optimizer state: slots with the parameters' layout and
/// the algorithm's scalars (passes/Optimizers.h); 0 without an update.
int64_t optimizerStateBytes(ModuleOp module);
/// The partial sums in each table of the gradient noise scale: the step's
/// parameters in chunks of TRAINC_NOISE_CHUNK (trainc/abi.h), as the
/// runtime's trainc_noise_partials counts them from the description.
int64_t noisePartialCount(func::FuncOp step);
/// The scratch trainc_apply_update needs at the start of its activation
/// arena: the largest bucket's layer scales (LARS, LAMB), or NLCG's tables.
int64_t applyUpdateScratchBytes(ModuleOp module);
/// The activation arena every lowered function shares: the largest of the
/// planned steps' arenas and trainc_apply_update's scratch; -1 when
/// @forward (or @train_step) is not planned.
int64_t activationArenaBytes(ModuleOp module);

/// Parameters that by convention get no weight decay: BatchNorm scale and
/// shift, and biases.
bool isBatchNormOrBias(func::FuncOp fn, BlockArgument arg);

/// The role of @forward's argument `arg` for `--init` (a convolution's or
/// linear layer's weight, a BatchNorm scale, shift or running statistic, a
/// bias), from the ops that use it; InitRule::Other when they disagree or
/// none tells.
InitRule initRuleOf(func::FuncOp fn, BlockArgument arg);

} // namespace mlir::train

#endif // TRAINC_PASSES_PLACEMENT_H
