//===- TrainGradOps.td - loss and backward ops ------------*- tablegen -*-===//
//
// The loss appended by train-prepare-training and the backward ops that
// train-autodiff emits from the ops' VJP rules. Ops whose result shape is not
// determined by their operands (the input of a strided convolution, say)
// take the result type explicitly and verify it by running the forward
// shape rule on it.
//
//===----------------------------------------------------------------------===//

#ifndef TRAIN_GRAD_OPS
#define TRAIN_GRAD_OPS

def Train_LabelTensor : StaticShapeTensorOf<[AnyInteger]>;
def Train_ScalarTensor : 0DTensorOf<[F32]>,
    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getF32Type())">;

class Train_GradOp<string mnemonic, list<Trait> traits = []> :
    Train_Op<mnemonic, !listconcat(traits, [Pure])>;

//===----------------------------------------------------------------------===//
// Loss
//===----------------------------------------------------------------------===//

def Train_SoftmaxXentOp : Train_GradOp<"softmax_xent",
    [DeclareOpInterfaceMethods<InferTypeOpInterface>, Train_VJP]> {
  let summary = "Mean softmax cross-entropy of logits against class labels";
  let description = [{
    `loss = mean_n [ -sum_k q_nk * log softmax(logits_n)_k ]` for `logits`
    `[N, K]` and integer `labels` `[N]` in `[0, K)`, where the target
    distribution is `q_nk = (1 - s) * [k == labels_n] + s / K` with
    `s = label_smoothing` (PyTorch's `cross_entropy(label_smoothing=s)`,
    ONNX `SoftmaxCrossEntropyLoss` with `reduction = mean` when `s = 0`).

    ```mlir
    %loss = train.softmax_xent %logits, %labels label_smoothing = 0.0
              : tensor<128x10xf32>, tensor<128xi32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$logits, Train_LabelTensor:$labels,
                       F32Attr:$label_smoothing);
  let results = (outs Train_ScalarTensor:$loss);
  let assemblyFormat = [{
    $logits `,` $labels `label_smoothing` `=` $label_smoothing attr-dict
    `:` type($logits) `,` type($labels)
  }];
  let hasVerifier = 1;
}

def Train_SoftmaxXentBackwardOp : Train_GradOp<"softmax_xent_backward",
    [InferTypeOpAdaptor]> {
  let summary = "Gradient of train.softmax_xent with respect to the logits";
  let description = [{
    `dlogits = dloss * (softmax(logits) - q) / N`, with `q` the (smoothed)
    target distribution of `train.softmax_xent`.
  }];
  let arguments = (ins Train_FloatTensor:$logits, Train_LabelTensor:$labels,
                       Train_ScalarTensor:$grad_loss, F32Attr:$label_smoothing);
  let results = (outs Train_FloatTensor:$grad_logits);
  let assemblyFormat = [{
    $logits `,` $labels `,` $grad_loss `label_smoothing` `=` $label_smoothing
    attr-dict `:` type($logits) `,` type($labels)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise and reductions
//===----------------------------------------------------------------------===//

def Train_ScaleOp : Train_GradOp<"scale",
    [SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = "Multiplies every element by a constant factor";
  let description = [{
    ```mlir
    %y = train.scale %x by 0.5 : tensor<8x10xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input, F32Attr:$factor);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = "$input `by` $factor attr-dict `:` type($input)";
}

def Train_ReduceSumToOp : Train_GradOp<"reduce_sum_to"> {
  let summary = "Sums a tensor down to a shape it was broadcast from";
  let description = [{
    The adjoint of NumPy-style broadcasting: sums `input` over the leading
    dimensions it has in excess of the result, and over every dimension in
    which the result has extent 1. The result shape must broadcast to the
    input shape. It gives the gradient of Gemm's broadcast `C`.

    ```mlir
    %db = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<10xf32>
    ```
  }];
  let arguments = (ins Train_FloatTensor:$input);
  let results = (outs Train_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Train_ReluBackwardOp : Train_GradOp<"relu_backward",
    [SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = "Gradient of train.relu, masked by its output";
  let description = [{
    `dx = output > 0 ? dy : 0`. It reads the ReLU's output rather than its
    input (the same mask), so the input need not stay alive for backward.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output,
                       Train_FloatTensor:$output);
  let results = (outs Train_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $output attr-dict `:` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

def Train_Conv2DBackwardDataOp : Train_GradOp<"conv2d_backward_data"> {
  let summary = "Gradient of train.conv2d with respect to its input";
  let description = [{
    The transposed convolution of `grad_output` (`[N, M, OH, OW]`) with
    `filter` (`[M, C/groups, kH, kW]`). The result is the input's type, given
    explicitly since strides make it ambiguous; the verifier checks that the
    forward rule maps it to `grad_output`'s shape.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output,
                       Train_FloatTensor:$filter,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs Train_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $filter `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `groups` `=` $groups attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Train_Conv2DBackwardFilterOp : Train_GradOp<"conv2d_backward_filter"> {
  let summary = "Gradient of train.conv2d with respect to its filter";
  let description = [{
    The correlation of the forward `input` with `grad_output`, summed over
    the batch. The result is the filter's type, given explicitly; the
    verifier checks it against the forward rule.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output,
                       Train_FloatTensor:$input,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs Train_FloatTensor:$grad_filter);
  let assemblyFormat = [{
    $grad_output `,` $input `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `groups` `=` $groups attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Train_Conv2DBackwardBiasOp : Train_GradOp<"conv2d_backward_bias",
    [InferTypeOpAdaptor]> {
  let summary = "Gradient of train.conv2d with respect to its bias";
  let description = [{
    Sums `grad_output` (`[N, M, ...]`) over every dimension but the channel:
    the result is `[M]`.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output);
  let results = (outs Train_FloatTensor:$grad_bias);
  let assemblyFormat = [{
    $grad_output attr-dict `:` type($grad_output) `->` type($grad_bias)
  }];
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

def Train_BatchNormBackwardOp : Train_GradOp<"batch_norm_backward",
    [InferTypeOpAdaptor, AllTypesMatch<["grad_output", "input"]>,
     AllTypesMatch<["scale", "batch_mean", "batch_var"]>]> {
  let summary = "Gradient of train.batch_norm (training form)";
  let description = [{
    With `xhat = (x - batch_mean) / sqrt(batch_var + epsilon)` over the `m`
    elements of each channel:
    `grad_bias = sum(dy)`, `grad_scale = sum(dy * xhat)`,
    `grad_input = scale / sqrt(batch_var + epsilon) *
                  (dy - grad_bias / m - xhat * grad_scale / m)`.
    With `sync` (the backward of a synchronised train.batch_norm), the two
    sums and `m` in `grad_input` are all-reduced over the ranks first;
    `grad_scale` and `grad_bias` stay this rank's sums, which the gradient
    all-reduce then averages.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output, Train_FloatTensor:$input,
                       Train_FloatTensor:$scale, Train_FloatTensor:$batch_mean,
                       Train_FloatTensor:$batch_var, F32Attr:$epsilon,
                       UnitAttr:$sync);
  let results = (outs Train_FloatTensor:$grad_input,
                      Train_FloatTensor:$grad_scale,
                      Train_FloatTensor:$grad_bias);
  let assemblyFormat = [{
    $grad_output `,` $input `,` $scale `,` $batch_mean `,` $batch_var
    `epsilon` `=` $epsilon (`sync` $sync^)? attr-dict
    `:` type($input) `,` type($scale)
  }];
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Train_MaxPool2DBackwardOp : Train_GradOp<"max_pool2d_backward",
    [InferTypeOpAdaptor]> {
  let summary = "Gradient of train.max_pool2d";
  let description = [{
    Routes each element of `grad_output` to the position of its window's
    maximum in `input` (the first one in row-major order on ties, as PyTorch
    does), accumulating where windows overlap.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output, Train_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       BoolAttr:$ceil_mode);
  let results = (outs Train_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $input `kernel` `=` $kernel `strides` `=` $strides
    `pads` `=` $pads `dilations` `=` $dilations `ceil_mode` `=` $ceil_mode
    attr-dict `:` type($grad_output) `,` type($input)
  }];
}

def Train_AvgPool2DBackwardOp : Train_GradOp<"avg_pool2d_backward"> {
  let summary = "Gradient of train.avg_pool2d";
  let description = [{
    Spreads each element of `grad_output` evenly over its window (divided by
    the same count the forward used). The result is the input's type, given
    explicitly and checked against the forward rule.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, BoolAttr:$ceil_mode,
                       BoolAttr:$count_include_pad);
  let results = (outs Train_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    `ceil_mode` `=` $ceil_mode `count_include_pad` `=` $count_include_pad
    attr-dict `:` type($grad_output) `->` type($grad_input)
  }];
  let hasVerifier = 1;
}

def Train_GlobalAvgPoolBackwardOp : Train_GradOp<"global_avg_pool_backward"> {
  let summary = "Gradient of train.global_avg_pool";
  let description = [{
    Broadcasts `grad_output` (`[N, C, 1, ...]`) over the spatial positions,
    divided by their number. The result is the input's type.
  }];
  let arguments = (ins Train_FloatTensor:$grad_output);
  let results = (outs Train_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output attr-dict `:` type($grad_output) `->` type($grad_input)
  }];
  let hasVerifier = 1;
}

#endif // TRAIN_GRAD_OPS
