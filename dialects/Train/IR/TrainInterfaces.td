//===- TrainInterfaces.td - train dialect op interfaces -----*- tablegen -*-===//

#ifndef TRAIN_INTERFACES
#define TRAIN_INTERFACES

include "mlir/IR/OpBase.td"

def Train_VJPOpInterface : OpInterface<"VJPOpInterface"> {
  let cppNamespace = "::mlir::train";
  let description = [{
    The reverse-mode rule of a differentiable op: given the cotangents of its
    results, build the cotangents of its operands (the vector-Jacobian
    product). `train-autodiff` walks the forward graph backwards and calls
    this rule on every op that has a result cotangent.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at the builder's insertion point, the cotangents of the
        operands for which `needed[i]` is true, and stores them in
        `operandGrads[i]` (null for an operand without a gradient).
        `resultGrads[j]` is the cotangent of result `j`, or null when no
        gradient reaches that result. Fails with a diagnostic when the rule
        does not apply.
      }],
      "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultGrads,
           "::llvm::ArrayRef<bool>":$needed,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // TRAIN_INTERFACES
