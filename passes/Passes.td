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

def PlanMemoryPass : Pass<"train-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Static arenas with liveness-based reuse";
  let description = [{
    Gives every tensor of every step function a home, known at compile time.
    Parameters and buffers get fixed byte offsets (`train.offset` on their
    arguments), in the argument order of `@forward`, shared by all
    functions; gradients use the parameters' offsets in a gradient arena of
    the same size; running-statistics updates are written in place. Every
    other value gets a slot of one activation arena (`train.slots` on its
    producer: a byte offset per result, -1 for a value that lives elsewhere):
    a value is live from its producer to its last use, reshapes share their
    operand's bytes, and values that are never live together share memory.
    Slots are 64-byte aligned. The sizes are recorded as
    `train.param_bytes` / `train.buffer_bytes` on the module and
    `train.arena_bytes` on each function.
  }];
}

def ConvertTrainToLoopsPass : Pass<"convert-train-to-loops", "::mlir::ModuleOp"> {
  let summary = "Lower planned step functions to loops and library calls (CPU)";
  let description = [{
    Replaces `@train_step` and `@forward` (planned by train-plan-memory) by
    `@trainc_train_step` and `@trainc_eval_step`, functions on byte arenas
    (`train.role` names each argument; see runtime/include/trainc/model.h).
    Every tensor becomes a `memref.view` of its home. Convolutions and GEMMs
    become calls to the runtime's oneDNN kernels; every other op becomes an
    `scf.parallel` loop nest (reductions sequential within an iteration,
    accumulated in f64 where they sum many terms). The model's description
    (tensor names, shapes, offsets, initial values) moves to the module's
    `train.model` attribute.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def InsertOptimizerPass : Pass<"train-insert-optimizer", "::mlir::ModuleOp"> {
  let summary = "Generate the parameter update on the lowered arenas";
  let description = [{
    Adds `@trainc_optimizer_step(params, grads, state, hyper)`: one
    `scf.parallel` loop per parameter tensor, updating parameters and
    optimizer state in place. `sgd` follows `torch.optim.SGD` (momentum,
    dampening, Nesterov, coupled weight decay; the first step initialises
    the momentum buffer with the gradient). Hyper-parameters are runtime
    values (`trainc_sgd_hyper` in runtime/include/trainc/model.h); BatchNorm
    parameters and biases take their own weight decay. Records `optimizer`
    and `state_bytes` in the module's `train.model`.
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", "\"sgd\"",
           "The update algorithm (sgd)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // TRAINC_PASSES
