//===- ShapeFunctions.h - shape rules of the train ops -----------*- C++ -*-===//
//
// The shape rules of every train op, as plain functions over static shapes.
// The ops' inferReturnTypes and the ONNX importer both call them, so a model
// that imports always verifies, and an importer error says exactly what the
// verifier would. Errors are emitted at `loc` when it is present.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_DIALECTS_TRAIN_IR_SHAPEFUNCTIONS_H
#define TRAINC_DIALECTS_TRAIN_IR_SHAPEFUNCTIONS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/ValueRange.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace mlir::train {

using Shape = llvm::SmallVector<int64_t, 4>;
using OptLoc = std::optional<Location>;

struct Conv2DAttrs {
  llvm::ArrayRef<int64_t> strides, pads, dilations;
  int64_t groups;
};

struct Pool2DAttrs {
  llvm::ArrayRef<int64_t> kernel, strides, pads, dilations;
  bool ceilMode;
};

FailureOr<Shape> inferConv2DShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                  llvm::ArrayRef<int64_t> filter,
                                  std::optional<llvm::ArrayRef<int64_t>> bias,
                                  const Conv2DAttrs &attrs);

/// Max and average pooling; `dilations` is all ones for average pooling.
FailureOr<Shape> inferPool2DShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                  const Pool2DAttrs &attrs);

FailureOr<Shape> inferGemmShape(OptLoc loc, llvm::ArrayRef<int64_t> a,
                                llvm::ArrayRef<int64_t> b,
                                std::optional<llvm::ArrayRef<int64_t>> c,
                                bool transA, bool transB);

FailureOr<Shape> inferMatMulShape(OptLoc loc, llvm::ArrayRef<int64_t> lhs,
                                  llvm::ArrayRef<int64_t> rhs);

/// Checks `[N, C, ...]` against per-channel `[C]` statistics and affine
/// parameters; the result has the input's shape.
LogicalResult verifyBatchNormShapes(
    OptLoc loc, llvm::ArrayRef<int64_t> input,
    llvm::ArrayRef<int64_t> channelParam, float epsilon,
    std::optional<float> momentum,
    llvm::StringRef operands = "scale, bias, mean and variance");

FailureOr<Shape> inferFlattenShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                   int64_t axis);

FailureOr<Shape> inferReshapeShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                   llvm::ArrayRef<int64_t> shape);

FailureOr<Shape> inferGlobalAvgPoolShape(OptLoc loc,
                                         llvm::ArrayRef<int64_t> input);

LogicalResult verifySameShape(OptLoc loc, llvm::ArrayRef<int64_t> lhs,
                              llvm::ArrayRef<int64_t> rhs);

/// The types of `values`: statically shaped tensors sharing one element type.
/// Parsing infers result types before ODS checks operand types, so the shape
/// rules only ever see what this accepts.
FailureOr<llvm::SmallVector<RankedTensorType>>
staticTensorTypes(OptLoc loc, ValueRange values);

/// Fails unless `actual` equals `expected`, naming both.
LogicalResult expectShape(OptLoc loc, llvm::StringRef what,
                          llvm::ArrayRef<int64_t> actual,
                          llvm::ArrayRef<int64_t> expected);

/// Formats a shape as `[2, 3, 4]` for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace mlir::train

#endif // TRAINC_DIALECTS_TRAIN_IR_SHAPEFUNCTIONS_H
