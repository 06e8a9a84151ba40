//===- TrainDialect.td - the train dialect ------------------*- tablegen -*-===//
//
// The train dialect carries an image classifier's forward graph at tensor
// level, and later its backward graph, gradient buckets, collectives and the
// optimizer update.
//
//===----------------------------------------------------------------------===//

#ifndef TRAIN_DIALECT
#define TRAIN_DIALECT

include "mlir/IR/OpBase.td"

def Train_Dialect : Dialect {
  let name = "train";
  let cppNamespace = "::mlir::train";
  let summary = "Tensor-level training graphs for data-parallel ResNet training";
  let description = [{
    The `train` dialect holds the forward graph of an image classifier as
    imported from ONNX: convolutions, batch normalisation, pooling, GEMM and
    elementwise ops on statically shaped tensors in NCHW layout. Every op
    infers its result type from its operands and attributes
    (`InferTypeOpInterface`), so the verifier checks each result against the
    shape rules and the importer builds ops through the same shape functions.

    The forward graph is a `func.func @forward`. Its arguments carry one of
    these attributes, which the dialect verifies:

    * `train.input = "name"`: a data input of the ONNX graph;
    * `train.param = "name"`: a trainable parameter (an ONNX initializer);
    * `train.buffer = "name"`: a non-trainable state tensor (BatchNorm running
      statistics);
    * `train.init = dense<...>` / `dense_resource<...>`: the initial value of a
      parameter or buffer, with exactly the argument's type.

    Results carry `train.output = "name"`. The module carries
    `train.source = "file"` and `train.opset = N`, and `train.onnx_export`,
    what the executable's `--save-onnx` writes: either
    `{template = dense_resource<...> : tensor<Nxi8>, holes = [...]}` (the
    inference-form ONNX model serialized without its trained tensors; each
    hole `{at, bytes, name, kind}` is where the data of parameter or buffer
    `name` goes) or `{unsupported = "reason"}`.

    The training functions built by the passes (`@forward_loss`,
    `@train_step`) add `train.labels = "labels"` on the labels argument and,
    on results, `train.loss = "loss"`, `train.grad = "name"` (the gradient of
    parameter `name`) and `train.buffer_update = "name"` (the new value of
    buffer `name`).
  }];
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasOperationAttrVerify = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes of TrainAttrs.td (TrainAttrs.cpp).
    void registerAttributes();
    static constexpr ::llvm::StringLiteral kInputAttr = "train.input";
    static constexpr ::llvm::StringLiteral kParamAttr = "train.param";
    static constexpr ::llvm::StringLiteral kBufferAttr = "train.buffer";
    static constexpr ::llvm::StringLiteral kInitAttr = "train.init";
    static constexpr ::llvm::StringLiteral kOutputAttr = "train.output";
    static constexpr ::llvm::StringLiteral kSourceAttr = "train.source";
    static constexpr ::llvm::StringLiteral kOpsetAttr = "train.opset";
    static constexpr ::llvm::StringLiteral kOnnxExportAttr =
        "train.onnx_export";
    static constexpr ::llvm::StringLiteral kLabelsAttr = "train.labels";
    static constexpr ::llvm::StringLiteral kLossAttr = "train.loss";
    static constexpr ::llvm::StringLiteral kGradAttr = "train.grad";
    static constexpr ::llvm::StringLiteral kBufferUpdateAttr =
        "train.buffer_update";
  }];
}

class Train_Op<string mnemonic, list<Trait> traits = []> :
    Op<Train_Dialect, mnemonic, traits>;

#endif // TRAIN_DIALECT
