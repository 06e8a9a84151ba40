//===- Passes.td - trainc passes ----------------------------*- tablegen -*-===//

#ifndef TRAINC_PASSES
#define TRAINC_PASSES

include "mlir/Pass/PassBase.td"

def PrepareTrainingPass : Pass<"train-prepare-training", "::mlir::ModuleOp"> {
  let summary = "Turn the imported forward graph into a loss function";
  let description = [{
    From the imported `@forward`, builds `@forward_loss`: the same graph with
    every BatchNorm in training form (batch statistics, running statistics
    updated), the mean softmax cross-entropy of the first output (the logits,
    `[N, classes]`) against a new integer labels argument (`train.labels`),
    returning the loss (`train.loss`) and the updated running statistics
    (`train.buffer_update = "name"`). `@forward` itself becomes the inference
    function: every BatchNorm in inference form, using the running
    statistics.
  }];
  let options = [
    Option<"labelSmoothing", "label-smoothing", "float", "0.0f",
           "Label smoothing of the cross-entropy, in [0, 1]">,
    Option<"bnMomentum", "bn-momentum", "float", "0.9f",
           "ONNX-convention momentum (weight of the old running value) for "
           "BatchNorms imported in inference form">,
  ];
  let dependentDialects = ["::mlir::train::TrainDialect",
                           "::mlir::func::FuncDialect"];
}

def AutodiffPass : Pass<"train-autodiff", "::mlir::ModuleOp"> {
  let summary = "Reverse-mode differentiation of @forward_loss into @train_step";
  let description = [{
    Replaces `@forward_loss` with `@train_step`: the forward graph followed by
    its backward graph, built by walking the ops in reverse and calling each
    op's reverse-mode rule (`VJPOpInterface`). Cotangents of values used more
    than once are summed (`train.add`, the residual connections). Only values
    that depend on a parameter get a cotangent, so no gradient is computed
    for the input images. `@train_step` returns the loss, one gradient per
    parameter in argument order (`train.grad = "name"`; zeros for a parameter
    the loss does not depend on), then the buffer updates.
  }];
  let dependentDialects = ["::mlir::train::TrainDialect"];
}

#endif // TRAINC_PASSES
