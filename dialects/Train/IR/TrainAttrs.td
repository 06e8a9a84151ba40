//===- TrainAttrs.td - train dialect attributes -------------*- tablegen -*-===//
//
// The attributes the compiler dispatches on or that cross into code
// generation: reductions, the role and memory space of a lowered function's
// arguments, and the model description the runtime reads. Every number
// mirrors runtime/include/trainc/abi.h (static assertions in TrainAttrs.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TRAIN_ATTRS
#define TRAIN_ATTRS

include "dialects/Train/IR/TrainDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

// What an all-reduce leaves in its data, and what a fused bucket epilogue
// finishes: the sum over ranks or the mean. The compiler dispatches on it;
// the numbers are trainc/abi.h's TRAINC_REDUCE_SUM and TRAINC_REDUCE_MEAN.
// Written `sum` or `mean` (quoted is accepted).
def Train_ReductionSum : I32EnumAttrCase<"Sum", 0, "sum">;
def Train_ReductionMean : I32EnumAttrCase<"Mean", 1, "mean">;
def Train_ReductionAttr : I32EnumAttr<"Reduction",
    "what an all-reduce leaves: the sum over ranks or the mean",
    [Train_ReductionSum, Train_ReductionMean]> {
  let cppNamespace = "::mlir::train";
}

// An optimizer's update algorithm: one row of the table the compiler and
// the runtime share (runtime/include/trainc/optimizers.h, whose enum
// trainc_algorithm indexes it). The lowering dispatches on it. Written bare
// (`momentum`; quoted is accepted).
def Train_AlgorithmAttr : I32EnumAttr<"Algorithm",
    "an optimizer's update algorithm (trainc/optimizers.h)", [
      I32EnumAttrCase<"Sgd", 0, "sgd">,
      I32EnumAttrCase<"Momentum", 1, "momentum">,
      I32EnumAttrCase<"Nesterov", 2, "nesterov">,
      I32EnumAttrCase<"Adagrad", 3, "adagrad">,
      I32EnumAttrCase<"Rmsprop", 4, "rmsprop">,
      I32EnumAttrCase<"Adam", 5, "adam">,
      I32EnumAttrCase<"Adamw", 6, "adamw">,
      I32EnumAttrCase<"Lars", 7, "lars">,
      I32EnumAttrCase<"Lamb", 8, "lamb">,
      I32EnumAttrCase<"Nlcg", 9, "nlcg">]> {
  let cppNamespace = "::mlir::train";
}

// The role of a lowered step function's argument: which field of
// trainc_step_args (runtime/include/trainc/model.h) it comes from, numbered
// as trainc/abi.h's enum trainc_step_field.
def Train_Role : I32EnumAttr<"Role",
    "the field of trainc_step_args a lowered function's argument comes from", [
      I32EnumAttrCase<"Context", 0, "context">,
      I32EnumAttrCase<"Params", 1, "params">,
      I32EnumAttrCase<"Grads", 2, "grads">,
      I32EnumAttrCase<"Buffers", 3, "buffers">,
      I32EnumAttrCase<"State", 4, "state">,
      I32EnumAttrCase<"Arena", 5, "arena">,
      I32EnumAttrCase<"Input", 6, "input">,
      I32EnumAttrCase<"Labels", 7, "labels">,
      I32EnumAttrCase<"Output", 8, "output">,
      I32EnumAttrCase<"Hyper", 9, "hyper">,
      I32EnumAttrCase<"Accum", 10, "accum">,
      I32EnumAttrCase<"Stats", 11, "stats">]> {
  let cppNamespace = "::mlir::train";
  let genSpecializedAttr = 0;
}

// Where memory lives (trainc/abi.h's enum trainc_memory_space).
def Train_MemorySpace : I32EnumAttr<"MemorySpace",
    "where an arena or a buffer lives", [
      I32EnumAttrCase<"Host", 0, "host">,
      I32EnumAttrCase<"Device", 1, "device">]> {
  let cppNamespace = "::mlir::train";
  let genSpecializedAttr = 0;
}

// What a tensor of the model description is (trainc_tensor_desc's kind).
def Train_TensorKind : I32EnumAttr<"TensorKind",
    "a trainable parameter or a non-trainable buffer", [
      I32EnumAttrCase<"Param", 0, "param">,
      I32EnumAttrCase<"Buffer", 1, "buffer">]> {
  let cppNamespace = "::mlir::train";
  let genSpecializedAttr = 0;
}

// How `--init kaiming` initialises a tensor of the model description
// (trainc_tensor_desc's init_rule, enum trainc_init_rule in trainc/model.h).
def Train_InitRule : I32EnumAttr<"InitRule",
    "the role of a model tensor that decides its initialisation", [
      I32EnumAttrCase<"Other", 0, "other">,
      I32EnumAttrCase<"ConvWeight", 1, "conv_weight">,
      I32EnumAttrCase<"LinearWeight", 2, "linear_weight">,
      I32EnumAttrCase<"LinearWeightT", 3, "linear_weight_t">,
      I32EnumAttrCase<"BnScale", 4, "bn_scale">,
      I32EnumAttrCase<"BnShift", 5, "bn_shift">,
      I32EnumAttrCase<"Bias", 6, "bias">,
      I32EnumAttrCase<"BnMean", 7, "bn_mean">,
      I32EnumAttrCase<"BnVar", 8, "bn_var">]> {
  let cppNamespace = "::mlir::train";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

/// An enum parameter that may be left out (then `value`).
class Train_DefaultEnumParameter<EnumAttrInfo info, string value>
    : EnumParameter<info> {
  let defaultValue = value;
}

class Train_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Train_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Train_RoleAttr : EnumAttr<Train_Dialect, Train_Role, "role"> {
  let summary = "the step-argument field of a lowered function's argument";
  let description = [{
    `train.role = #train.role<params>` on an argument of a lowered step
    function (`convert-train-to-loops`) says which field of
    `trainc_step_args` the entry point (`train-emit-entry-points`) loads
    it from. The runtime's context is `#train.role<context>`, an
    `!llvm.ptr` every runtime call takes first.
  }];
  let assemblyFormat = "`<` $value `>`";
}

def Train_MemorySpaceAttr :
    EnumAttr<Train_Dialect, Train_MemorySpace, "memory_space"> {
  let summary = "where a lowered function's argument or buffer lives";
  let description = [{
    `train.memory_space = #train.memory_space<host>` marks what host code
    may read on every target: the runtime's context, the update
    coefficients the runtime fills each step, and host scratch. Without it
    an arena is in the target's memory (`train-verify-kernels` allows only
    kernels to touch it).
  }];
  let assemblyFormat = "`<` $value `>`";
}

def Train_TensorDescAttr : Train_Attr<"TensorDesc", "tensor"> {
  let summary = "a parameter or buffer of the model description";
  let description = [{
    One trainable parameter or buffer as the runtime sees it: its ONNX
    name, its kind, its shape, its byte offset in the parameter or buffer
    arena, its initial value, whether it is a BatchNorm scale/shift or a
    bias (exempt from weight decay under the usual large-batch settings)
    and its role for `--init` (`init_rule`: a convolution's or linear
    layer's weight, a BatchNorm scale, shift, running mean or variance, a
    bias; `other`, the default, when the compiler cannot tell), and how
    the arenas store it (`layout`: 0, the default, in ONNX's order; B for a
    parameter filter `[O, I, kH, kW]` in channel blocks of B,
    `[O/B, I/B, kH, kW, B, B]`: train-assign-layouts).

    ```mlir
    #train.tensor<name = "fc.weight", kind = param, shape = [10, 64],
                  offset = 0, init = dense<...> : tensor<10x64xf32>,
                  bn_or_bias = false, init_rule = linear_weight>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"the ONNX initializer's name">:$name,
    EnumParameter<Train_TensorKind>:$kind,
    "::mlir::DenseI64ArrayAttr":$shape,
    "int64_t":$offset,
    "::mlir::ElementsAttr":$init,
    "::mlir::BoolAttr":$bn_or_bias,
    Train_DefaultEnumParameter<Train_InitRule,
                               "::mlir::train::InitRule::Other">:$init_rule,
    DefaultValuedParameter<"int64_t", "0",
        "how the arenas store it: 0 as ONNX does, B for a filter in channel "
        "blocks of B">:$layout);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Train_ModelAttr : Train_Attr<"Model", "model"> {
  let summary = "the description of a compiled model the runtime reads";
  let description = [{
    The module attribute `train.model` (`train-describe-model`), which code
    generation turns into the `trainc_model_desc` of
    `runtime/include/trainc/model.h`: the tensors in argument order, the
    arena sizes in bytes, the memory space of each field of
    `trainc_step_args` (numbers of `trainc_memory_space`, one per field),
    the optimizer's algorithm (a name of the shared table
    `trainc/optimizers.h`, empty without one), the input's shape, the
    number of classes, the input's and output's names and the ONNX file.
    The verifier checks that every tensor lies inside its arena.
  }];
  let parameters = (ins
    "::mlir::ArrayAttr":$tensors,
    "::mlir::DenseI32ArrayAttr":$memory_spaces,
    "int64_t":$param_bytes,
    "int64_t":$buffer_bytes,
    "int64_t":$state_bytes,
    "int64_t":$arena_bytes,
    StringRefParameter<"the optimizer's algorithm">:$optimizer,
    "::mlir::DenseI64ArrayAttr":$input_shape,
    "int64_t":$num_classes,
    StringRefParameter<"the ONNX graph's input">:$input_name,
    StringRefParameter<"the ONNX graph's output">:$output_name,
    StringRefParameter<"the ONNX file">:$source);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The tensors, each a TensorDescAttr (the verifier checks).
    auto getTensorDescs() const {
      return ::llvm::map_range(getTensors(), [](::mlir::Attribute a) {
        return ::llvm::cast<TensorDescAttr>(a);
      });
    }
  }];
}

#endif // TRAIN_ATTRS
