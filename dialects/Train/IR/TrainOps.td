//===- TrainOps.td - train dialect forward ops --------------*- tablegen -*-===//
//
// Tensor-level forward ops of image classifiers (the ResNet family). Layout is
// NCHW, shapes are static. Every op infers its result types through the shape
// functions in ShapeFunctions.h, so the verifier and the ONNX importer apply
// exactly the same rules.
//
//===----------------------------------------------------------------------===//

#ifndef TRAIN_OPS
#define TRAIN_OPS

include "dialects/Train/IR/TrainAttrs.td"
include "dialects/Train/IR/TrainDialect.td"
include "dialects/Train/IR/TrainInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Train_FloatTensor : StaticShapeTensorOf<[AnyFloat]>;

class Train_ForwardOp<string mnemonic, list<Trait> traits = []> :
    Train_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])>;

// Elementwise ops: ODS derives the result type from SameOperandsAndResultType.
class Train_ElementwiseOp<string mnemonic, list<Trait> traits = []> :
    Train_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                            InferTypeOpInterface])>;

// Differentiable ops state their reverse-mode rule (VJPRules.cpp).
defvar Train_VJP = DeclareOpInterfaceMethods<Train_VJPOpInterface>;

//===----------------------------------------------------------------------===//
// Constants and shape ops
//===----------------------------------------------------------------------===//

def Train_ConstantOp : Train_ForwardOp<"constant", [ConstantLike]> {
  let summary = "A constant floating-point tensor";
  let description = [{
    Materialises a constant tensor, such as an ONNX `Constant` node or an
    initializer that is not a trainable parameter. The result type is the
    type of `value`.

    ```mlir
    %c = train.constant dense<1.0> : tensor<4xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Train_FlattenOp : Train_ForwardOp<"flatten", [Train_VJP]> {
  let summary = "Flattens a tensor to two dimensions at an axis";
  let description = [{
    ONNX `Flatten`: the dimensions before `axis` form the first result
    dimension, the rest the second. `axis` lies in `[0, rank]`.

    ```mlir
    %f = train.flatten %x axis = 1 : tensor<8x512x1x1xf32> -> tensor<8x512xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $input `axis` `=` $axis attr-dict `:` type($input) `->` type($output)
  }];
}

def Train_ReshapeOp : Train_ForwardOp<"reshape", [Train_VJP]> {
  let summary = "Reshapes a tensor to a static shape";
  let description = [{
    Reinterprets the row-major elements of `input` with the static `shape`;
    the element counts must agree. The importer resolves ONNX's `0` and `-1`
    entries, so every entry here is positive.

    ```mlir
    %r = train.reshape %x [8, 512] : tensor<8x512x1x1xf32> -> tensor<8x512xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $input $shape attr-dict `:` type($input) `->` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Convolution and dense layers
//===----------------------------------------------------------------------===//

def Train_Conv2DOp : Train_ForwardOp<"conv2d", [Train_VJP]> {
  let summary = "2-D convolution in NCHW layout, grouped and dilated";
  let description = [{
    ONNX `Conv` on 4-D tensors. `input` is `[N, C, H, W]`, `filter` is
    `[M, C/groups, kH, kW]`, the optional `bias` is `[M]`; the result is
    `[N, M, OH, OW]` with

    `OH = (H + pad_top + pad_bottom - dilation_h * (kH - 1) - 1) / stride_h + 1`

    and likewise for `OW`. `pads` is `[top, left, bottom, right]` (ONNX's
    begin-then-end order). `groups` divides both `C` and `M`.

    ```mlir
    %y = train.conv2d %x, %w strides = [2, 2] pads = [3, 3, 3, 3]
           dilations = [1, 1] groups = 1
           : (tensor<8x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<8x64x112x112xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, Train_FloatTensor:$filter,
                       Optional<Train_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `groups` `=` $groups attr-dict
    `:` functional-type(operands, results)
  }];
}

def Train_GemmOp : Train_ForwardOp<"gemm", [Train_VJP]> {
  let summary = "General matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    ONNX `Gemm`. `op(X)` is `X` or its transpose as `trans_a` / `trans_b` say;
    `op(A)` is `[M, K]`, `op(B)` is `[K, N]`, and the optional `C` broadcasts
    to `[M, N]` (shapes `[]`, `[N]`, `[1, N]`, `[M, 1]`, `[M, N]`).

    ```mlir
    %y = train.gemm %x, %w, %b trans_a = false trans_b = true alpha = 1.0 beta = 1.0
           : (tensor<8x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<8x1000xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$a, Train_FloatTensor:$b,
                       Optional<Train_FloatTensor>:$c,
                       BoolAttr:$trans_a, BoolAttr:$trans_b,
                       F32Attr:$alpha, F32Attr:$beta);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? `trans_a` `=` $trans_a `trans_b` `=` $trans_b
    `alpha` `=` $alpha `beta` `=` $beta attr-dict
    `:` functional-type(operands, results)
  }];
}

def Train_MatMulOp : Train_ForwardOp<"matmul", [Train_VJP]> {
  let summary = "Matrix product of two rank-2 tensors";
  let description = [{
    ONNX `MatMul` restricted to rank-2 operands: `[M, K] x [K, N] -> [M, N]`.

    ```mlir
    %y = train.matmul %x, %w : (tensor<8x512xf32>, tensor<512x10xf32>) -> tensor<8x10xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$lhs, Train_FloatTensor:$rhs);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

def Train_BatchNormOp : Train_ForwardOp<"batch_norm",
    [AllTypesMatch<["scale", "bias", "running_mean", "running_var"]>,
     Train_VJP]> {
  let summary = "Batch normalisation, training form (batch statistics)";
  let description = [{
    Normalises `input` (`[N, C, ...]`) per channel with the statistics of the
    batch, `y = scale * (x - mean_B) / sqrt(var_B + epsilon) + bias`, where
    `var_B` is the biased batch variance. It also yields the updated running
    statistics, `running * momentum + batch * (1 - momentum)` (ONNX's
    convention: `momentum` weighs the old value), and the batch mean and
    variance that the backward pass reuses. This is ONNX
    `BatchNormalization` in training mode (5 outputs before opset 15,
    `training_mode = 1` with 3 outputs since).

    With `sync` (train-data-parallel's `sync-bn`), the batch is the global
    one: the per-channel sums are all-reduced over the ranks, so every rank
    normalises with the mean and variance of all ranks' samples and updates
    its running statistics with them (OPTIMIZERS.md I5).

    ```mlir
    %y, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v
        epsilon = 1.0e-05 momentum = 0.9 : tensor<8x64x56x56xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, Train_FloatTensor:$scale,
                       Train_FloatTensor:$bias, Train_FloatTensor:$running_mean,
                       Train_FloatTensor:$running_var,
                       F32Attr:$epsilon, F32Attr:$momentum, UnitAttr:$sync);
  let results = (outs Train_FloatTensor:$output,
                      Train_FloatTensor:$running_mean_out,
                      Train_FloatTensor:$running_var_out,
                      Train_FloatTensor:$batch_mean,
                      Train_FloatTensor:$batch_var);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $running_mean `,` $running_var
    `epsilon` `=` $epsilon `momentum` `=` $momentum (`sync` $sync^)?
    attr-dict `:` type($input) `,` type($scale)
  }];
}

def Train_BatchNormInferenceOp : Train_ForwardOp<"batch_norm_inference",
    [AllTypesMatch<["scale", "bias", "mean", "variance"]>]> {
  let summary = "Batch normalisation, inference form (running statistics)";
  let description = [{
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias` per channel of
    `input` (`[N, C, ...]`) with the given (running) statistics: ONNX
    `BatchNormalization` with one output, as model-zoo and eval exports write
    it.

    ```mlir
    %y = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-05
        : tensor<8x64x56x56xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, Train_FloatTensor:$scale,
                       Train_FloatTensor:$bias, Train_FloatTensor:$mean,
                       Train_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance
    `epsilon` `=` $epsilon attr-dict `:` type($input) `,` type($scale)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def Train_ReluOp : Train_ElementwiseOp<"relu", [Train_VJP]> {
  let summary = "Rectified linear unit, max(x, 0)";
  let description = [{
    ```mlir
    %y = train.relu %x : tensor<8x64x56x56xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Train_AddOp : Train_ElementwiseOp<"add", [Commutative, Train_VJP]> {
  let summary = "Elementwise sum of two tensors of the same type";
  let description = [{
    The residual connection of a ResNet. Both operands have the same shape
    and element type (ONNX `Add` and `Sum` without broadcasting).

    ```mlir
    %y = train.add %a, %b : tensor<8x64x56x56xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$lhs, Train_FloatTensor:$rhs);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($output)";
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Train_MaxPool2DOp : Train_ForwardOp<"max_pool2d", [Train_VJP]> {
  let summary = "2-D max pooling in NCHW layout";
  let description = [{
    ONNX `MaxPool` on 4-D tensors. `pads` is `[top, left, bottom, right]`;
    each pad is smaller than the (dilated) window. With `ceil_mode`, the
    output size rounds up, and a last window that would start inside the end
    padding is dropped (the PyTorch and ONNX Runtime rule).

    ```mlir
    %y = train.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1]
           dilations = [1, 1] ceil_mode = false
           : tensor<8x64x112x112xf32> -> tensor<8x64x56x56xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `ceil_mode` `=` $ceil_mode attr-dict
    `:` type($input) `->` type($output)
  }];
}

def Train_AvgPool2DOp : Train_ForwardOp<"avg_pool2d", [Train_VJP]> {
  let summary = "2-D average pooling in NCHW layout";
  let description = [{
    ONNX `AveragePool` on 4-D tensors. `pads` is `[top, left, bottom, right]`;
    `count_include_pad` says whether padded positions count in the divisor.
    `ceil_mode` follows the same rule as `train.max_pool2d`.

    ```mlir
    %y = train.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0]
           ceil_mode = false count_include_pad = false
           : tensor<8x64x8x8xf32> -> tensor<8x64x4x4xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       BoolAttr:$ceil_mode, BoolAttr:$count_include_pad);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    `ceil_mode` `=` $ceil_mode `count_include_pad` `=` $count_include_pad
    attr-dict `:` type($input) `->` type($output)
  }];
}

def Train_GlobalAvgPoolOp : Train_ForwardOp<"global_avg_pool", [Train_VJP]> {
  let summary = "Mean over all spatial positions of each channel";
  let description = [{
    ONNX `GlobalAveragePool`: `[N, C, d1, ...] -> [N, C, 1, ...]`.

    ```mlir
    %y = train.global_avg_pool %x : tensor<8x512x7x7xf32> -> tensor<8x512x1x1xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

include "dialects/Train/IR/TrainGradOps.td"

//===----------------------------------------------------------------------===//
// Collectives
//===----------------------------------------------------------------------===//

def Train_AllReduceOp : Train_Op<"all_reduce", [SameOperandsAndResultType]> {
  let summary = "The sum or the mean of a tensor over the data-parallel ranks";
  let description = [{
    Every rank contributes its `input`; every rank gets the elementwise sum
    (`sum`) or mean (`mean`) over all ranks, bit-identical on all of them
    (the runtime adds the ranks' values in rank order). With one process it
    is the identity. train-data-parallel puts one on the loss and on every
    gradient of `@train_step`; train-schedule-collectives replaces those of
    the gradients by the asynchronous bucket collectives below. `as f16` or
    `as bf16` (`--allreduce-dtype`) sends the values in that type: the
    bucket collectives compress and decompress around the transfer.

    ```mlir
    %global = train.all_reduce mean %loss : tensor<f32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, Train_ReductionAttr:$reduction,
                       OptionalAttr<TypeAttr>:$wire);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat =
      "$reduction $input (`as` $wire^)? attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Train_AllReduceStartOp : Train_Op<"allreduce_start"> {
  let summary = "Start the all-reduce of a gradient bucket";
  let description = [{
    Placed by train-schedule-collectives in `@train_step` right after the
    op that finishes the last gradient of bucket `bucket` (see
    `train.buckets`), so that the bucket's sum over ranks runs while
    backward goes on with earlier layers. Lowers to a call of the runtime's
    `trainc_rt_allreduce_start(bucket)` (runtime/include/trainc/kernels.h),
    which also progresses the reductions already in flight. With `as f16`
    or `as bf16` the bucket epilogue first compresses the bucket (divided
    by world for a mean, so the 16-bit sum cannot overflow where the mean
    would not) into a staging range of the activation arena
    (`train.wire_offset` of the function, planned by train-plan-memory),
    and that range travels instead.

    ```mlir
    train.allreduce_start 0
    train.allreduce_start 1 as bf16
    ```
  }];
  let arguments = (ins I64Attr:$bucket, OptionalAttr<TypeAttr>:$wire);
  let assemblyFormat = "$bucket (`as` $wire^)? attr-dict";
  let hasVerifier = 1;
}

def Train_AllReduceWaitOp : Train_Op<"allreduce_wait"> {
  let summary = "Finish the all-reduce of a gradient bucket";
  let description = [{
    Waits until bucket `bucket`'s sum over ranks has arrived in the
    gradient arena; with `mean`, the bucket epilogue then scales the
    bucket's range by 1/world (a generated loop; nothing when world is 1).
    After it, every gradient of the bucket is the gradient of the global
    batch, identical on every rank. With `as f16` / `as bf16`, the epilogue
    decompresses the staged sum into the gradient arena instead (already a
    mean: the start divided). With one process nothing is compressed.
    `fused` (train-fuse-updates) leaves the epilogue to the bucket's
    `train.optimizer_update`, which must follow right after it and say so:
    the wait then only waits.

    ```mlir
    train.allreduce_wait 0 mean
    train.allreduce_wait 1 mean as bf16
    train.allreduce_wait 2 mean fused
    train.optimizer_update 2 "adam" fused mean
    ```
  }];
  let arguments = (ins I64Attr:$bucket, Train_ReductionAttr:$reduction,
                       OptionalAttr<TypeAttr>:$wire, UnitAttr:$fused);
  let assemblyFormat =
      "$bucket $reduction (`as` $wire^)? (`fused` $fused^)? attr-dict";
  let hasVerifier = 1;
}

def Train_OptimizerUpdateOp : Train_Op<"optimizer_update"> {
  let summary = "Update the parameters and optimizer state of one bucket";
  let description = [{
    Placed by train-insert-optimizer in `@train_step` right after bucket
    `bucket`'s `train.allreduce_wait` (before the return when the step has
    no collectives), so that a bucket is updated as soon as its reduction
    completes while later buckets are still being reduced. It applies the
    update `algorithm` to the bucket's ranges of the parameter, gradient
    and optimizer-state arenas, with the coefficients the runtime passes
    each step (runtime/include/trainc/model.h). With `fused mean` (and
    `as f16/bf16`), put there by train-fuse-updates, it also does its
    wait's epilogue: one pass over the bucket reads the reduced sum (or the
    staged 16-bit mean), finishes the gradient (stored back), and updates
    parameters and state.

    ```mlir
    train.allreduce_wait 0 mean fused
    train.optimizer_update 0 adam fused mean
    train.allreduce_wait 1 mean as bf16 fused
    train.optimizer_update 1 adam fused mean as bf16
    ```
  }];
  let arguments = (ins I64Attr:$bucket, Train_AlgorithmAttr:$algorithm,
                       OptionalAttr<Train_ReductionAttr>:$epilogue,
                       OptionalAttr<TypeAttr>:$wire);
  let assemblyFormat = "$bucket $algorithm (`fused` $epilogue^)? "
                       "(`as` $wire^)? attr-dict";
  let hasVerifier = 1;
}

def Train_OptimizerStepOp : Train_Op<"optimizer_step"> {
  let summary = "The global part of an update that needs every gradient";
  let description = [{
    For an optimizer whose update needs dot products over all parameters
    (`nlcg`: the preconditioner's curvature test, beta, the line search),
    each bucket's `train.optimizer_update` only gathers its partial sums as
    the bucket's reduction completes (fused with the epilogue), and this
    op, after the last of them, finishes the step: the scalars from the
    summed partials (a runtime call), a pass over every bucket (the
    preconditioner and its dot products), the scalars again (beta, the
    line search), and a last pass that steps the parameters.

    ```mlir
    train.allreduce_wait 1 mean
    train.optimizer_update 1 nlcg
    train.optimizer_step nlcg
    ```
  }];
  let arguments = (ins Train_AlgorithmAttr:$algorithm);
  let assemblyFormat = "$algorithm attr-dict";
}

#endif // TRAIN_OPS
