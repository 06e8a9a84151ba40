//===- ShapeFunctions.cpp - shape rules of the train ops ------------------===//

#include "dialects/Train/IR/ShapeFunctions.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace mlir;
using namespace mlir::train;
using llvm::ArrayRef;

std::string mlir::train::formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return s;
}

namespace {
std::string formatFloat(float v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

/// Checks that an attribute array has `arity` entries, each at least `min`.
LogicalResult checkArray(OptLoc loc, StringRef name, ArrayRef<int64_t> values,
                         size_t arity, int64_t min) {
  if (values.size() != arity)
    return emitOptionalError(loc, "'", name, "' must have ", arity,
                             " entries, got ", values.size());
  for (int64_t v : values)
    if (v < min)
      return emitOptionalError(loc, "'", name, "' entries must be >= ", min,
                               ", got ", formatShape(values));
  return success();
}

LogicalResult checkRank(OptLoc loc, StringRef what, ArrayRef<int64_t> shape,
                        size_t rank) {
  if (shape.size() != rank)
    return emitOptionalError(loc, what, " must have rank ", rank, ", got ",
                             formatShape(shape));
  return success();
}

/// The extent of a dilated window, `dilation * (kernel - 1) + 1`; fails when
/// it does not fit in 64 bits.
FailureOr<int64_t> dilatedWindow(OptLoc loc, int64_t kernel,
                                 int64_t dilation) {
  int64_t scaled, effective;
  if (llvm::MulOverflow(dilation, kernel - 1, scaled) ||
      llvm::AddOverflow(scaled, int64_t(1), effective))
    return emitOptionalError(loc, "window of ", kernel, " taps with dilation ",
                             dilation, " is too large");
  return effective;
}

/// Output extent of a sliding window (convolution or pooling).
FailureOr<int64_t> windowExtent(OptLoc loc, StringRef dim, int64_t in,
                                int64_t padBegin, int64_t padEnd,
                                int64_t kernel, int64_t stride,
                                int64_t dilation, bool ceilMode) {
  FailureOr<int64_t> effective = dilatedWindow(loc, kernel, dilation);
  if (failed(effective))
    return failure();
  int64_t padded;
  if (llvm::AddOverflow(in, padBegin, padded) ||
      llvm::AddOverflow(padded, padEnd, padded))
    return emitOptionalError(loc, "padded ", dim, " is too large");
  int64_t span = padded - *effective;
  if (span < 0)
    return emitOptionalError(loc, "window of extent ", *effective,
                             " does not fit the padded ", dim, " of ", padded);
  int64_t out = span / stride + 1;
  if (ceilMode && span % stride != 0) {
    ++out;
    // A last window that starts inside the end padding is dropped.
    if ((out - 1) * stride >= in + padBegin)
      --out;
  }
  return out;
}

/// The product of `dims`; fails when it does not fit in 64 bits.
FailureOr<int64_t> elementCount(OptLoc loc, ArrayRef<int64_t> dims) {
  int64_t count = 1;
  for (int64_t d : dims)
    if (llvm::MulOverflow(count, d, count))
      return emitOptionalError(loc, "shape ", formatShape(dims),
                               " has too many elements");
  return count;
}
} // namespace

FailureOr<Shape> mlir::train::inferConv2DShape(
    OptLoc loc, ArrayRef<int64_t> input, ArrayRef<int64_t> filter,
    std::optional<ArrayRef<int64_t>> bias, const Conv2DAttrs &attrs) {
  if (failed(checkRank(loc, "input", input, 4)) ||
      failed(checkRank(loc, "filter", filter, 4)) ||
      failed(checkArray(loc, "strides", attrs.strides, 2, 1)) ||
      failed(checkArray(loc, "pads", attrs.pads, 4, 0)) ||
      failed(checkArray(loc, "dilations", attrs.dilations, 2, 1)))
    return failure();
  for (auto [what, shape] : {std::pair{"input", input}, {"filter", filter}})
    if (llvm::is_contained(shape, 0))
      return emitOptionalError(loc, what, " ", formatShape(shape),
                               " has an empty dimension");
  int64_t groups = attrs.groups;
  if (groups < 1)
    return emitOptionalError(loc, "'groups' must be >= 1, got ", groups);
  int64_t channels = input[1], outChannels = filter[0];
  if (channels % groups != 0)
    return emitOptionalError(loc, "groups (", groups,
                             ") must divide the input channels (", channels,
                             ")");
  if (outChannels % groups != 0)
    return emitOptionalError(loc, "groups (", groups,
                             ") must divide the output channels (",
                             outChannels, ")");
  if (filter[1] * groups != channels)
    return emitOptionalError(
        loc, "filter ", formatShape(filter), " expects ", filter[1] * groups,
        " input channels (", filter[1], " per group x ", groups,
        " groups), but the input ", formatShape(input), " has ", channels);
  if (bias && (bias->size() != 1 || (*bias)[0] != outChannels))
    return emitOptionalError(loc, "bias must have shape [", outChannels,
                             "], got ", formatShape(*bias));
  Shape out{input[0], outChannels};
  for (int i = 0; i < 2; ++i) {
    FailureOr<int64_t> extent = windowExtent(
        loc, i == 0 ? "height" : "width", input[2 + i], attrs.pads[i],
        attrs.pads[2 + i], filter[2 + i], attrs.strides[i],
        attrs.dilations[i], /*ceilMode=*/false);
    if (failed(extent))
      return failure();
    out.push_back(*extent);
  }
  return out;
}

FailureOr<Shape> mlir::train::inferPool2DShape(OptLoc loc,
                                               ArrayRef<int64_t> input,
                                               const Pool2DAttrs &attrs) {
  if (failed(checkRank(loc, "input", input, 4)) ||
      failed(checkArray(loc, "kernel", attrs.kernel, 2, 1)) ||
      failed(checkArray(loc, "strides", attrs.strides, 2, 1)) ||
      failed(checkArray(loc, "pads", attrs.pads, 4, 0)) ||
      failed(checkArray(loc, "dilations", attrs.dilations, 2, 1)))
    return failure();
  Shape out{input[0], input[1]}, window;
  for (int i = 0; i < 2; ++i) {
    FailureOr<int64_t> effective =
        dilatedWindow(loc, attrs.kernel[i], attrs.dilations[i]);
    if (failed(effective))
      return failure();
    window.push_back(*effective);
  }
  for (int i = 0; i < 2; ++i) {
    if (attrs.pads[i] >= window[i] || attrs.pads[2 + i] >= window[i])
      return emitOptionalError(loc, "pads ", formatShape(attrs.pads),
                               " must be smaller than the (dilated) window ",
                               formatShape(window));
    FailureOr<int64_t> extent = windowExtent(
        loc, i == 0 ? "height" : "width", input[2 + i], attrs.pads[i],
        attrs.pads[2 + i], attrs.kernel[i], attrs.strides[i],
        attrs.dilations[i], attrs.ceilMode);
    if (failed(extent))
      return failure();
    out.push_back(*extent);
  }
  return out;
}

FailureOr<Shape> mlir::train::inferGemmShape(
    OptLoc loc, ArrayRef<int64_t> a, ArrayRef<int64_t> b,
    std::optional<ArrayRef<int64_t>> c, bool transA, bool transB) {
  if (failed(checkRank(loc, "operand A", a, 2)) ||
      failed(checkRank(loc, "operand B", b, 2)))
    return failure();
  int64_t m = transA ? a[1] : a[0], ka = transA ? a[0] : a[1];
  int64_t kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
  if (ka != kb)
    return emitOptionalError(loc, "inner dimensions differ: op(A) is [", m,
                             ", ", ka, "] but op(B) is [", kb, ", ", n, "]");
  if (c) {
    ArrayRef<int64_t> cs = *c;
    bool ok = cs.empty() || (cs.size() == 1 && (cs[0] == n || cs[0] == 1)) ||
              (cs.size() == 2 && (cs[0] == m || cs[0] == 1) &&
               (cs[1] == n || cs[1] == 1));
    if (!ok)
      return emitOptionalError(loc, "operand C ", formatShape(cs),
                               " does not broadcast to [", m, ", ", n, "]");
  }
  return Shape{m, n};
}

FailureOr<Shape> mlir::train::inferMatMulShape(OptLoc loc,
                                               ArrayRef<int64_t> lhs,
                                               ArrayRef<int64_t> rhs) {
  if (failed(checkRank(loc, "lhs", lhs, 2)) ||
      failed(checkRank(loc, "rhs", rhs, 2)))
    return failure();
  if (lhs[1] != rhs[0])
    return emitOptionalError(loc, "inner dimensions differ: ",
                             formatShape(lhs), " x ", formatShape(rhs));
  return Shape{lhs[0], rhs[1]};
}

LogicalResult mlir::train::verifyBatchNormShapes(
    OptLoc loc, ArrayRef<int64_t> input, ArrayRef<int64_t> channelParam,
    float epsilon, std::optional<float> momentum, StringRef operands) {
  if (input.size() < 2)
    return emitOptionalError(loc, "input must have rank >= 2 ([N, C, ...]), "
                                  "got ",
                             formatShape(input));
  if (channelParam.size() != 1 || channelParam[0] != input[1])
    return emitOptionalError(loc, operands, " must have shape [", input[1],
                             "] (the input's channels), got ",
                             formatShape(channelParam));
  if (!(epsilon >= 0.0f))
    return emitOptionalError(loc, "'epsilon' must be >= 0, got ",
                             formatFloat(epsilon));
  if (momentum && !(*momentum >= 0.0f && *momentum <= 1.0f))
    return emitOptionalError(loc, "'momentum' must lie in [0, 1], got ",
                             formatFloat(*momentum));
  return success();
}

FailureOr<Shape> mlir::train::inferFlattenShape(OptLoc loc,
                                                ArrayRef<int64_t> input,
                                                int64_t axis) {
  if (axis < 0 || axis > static_cast<int64_t>(input.size()))
    return emitOptionalError(loc, "'axis' must lie in [0, ", input.size(),
                             "], got ", axis);
  FailureOr<int64_t> outer = elementCount(loc, input.take_front(axis));
  FailureOr<int64_t> inner = elementCount(loc, input.drop_front(axis));
  if (failed(outer) || failed(inner))
    return failure();
  return Shape{*outer, *inner};
}

FailureOr<Shape> mlir::train::inferReshapeShape(OptLoc loc,
                                                ArrayRef<int64_t> input,
                                                ArrayRef<int64_t> shape) {
  for (int64_t d : shape)
    if (d < 1)
      return emitOptionalError(loc, "shape entries must be >= 1, got ",
                               formatShape(shape));
  FailureOr<int64_t> in = elementCount(loc, input);
  FailureOr<int64_t> out = elementCount(loc, shape);
  if (failed(in) || failed(out))
    return failure();
  if (*in != *out)
    return emitOptionalError(loc, "cannot reshape ", formatShape(input), " (",
                             *in, " elements) to ", formatShape(shape), " (",
                             *out, " elements)");
  return Shape(shape.begin(), shape.end());
}

FailureOr<Shape>
mlir::train::inferGlobalAvgPoolShape(OptLoc loc, ArrayRef<int64_t> input) {
  if (input.size() < 3)
    return emitOptionalError(loc, "input must have rank >= 3 ([N, C, d1, "
                                  "...]), got ",
                             formatShape(input));
  Shape out(input.begin(), input.end());
  std::fill(out.begin() + 2, out.end(), 1);
  return out;
}

LogicalResult mlir::train::verifySameShape(OptLoc loc, ArrayRef<int64_t> lhs,
                                           ArrayRef<int64_t> rhs) {
  if (lhs != rhs)
    return emitOptionalError(loc, "operand shapes differ: ", formatShape(lhs),
                             " vs ", formatShape(rhs),
                             " (broadcasting is not supported)");
  return success();
}

FailureOr<SmallVector<RankedTensorType>>
mlir::train::staticTensorTypes(OptLoc loc, ValueRange values) {
  SmallVector<RankedTensorType> types;
  for (Value v : values) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape())
      return emitOptionalError(loc,
                               "expected statically shaped tensor operands, "
                               "got ",
                               v.getType());
    if (!types.empty() &&
        type.getElementType() != types.front().getElementType())
      return emitOptionalError(loc, "operand element types differ: ",
                               types.front().getElementType(), " vs ",
                               type.getElementType());
    types.push_back(type);
  }
  return types;
}

LogicalResult mlir::train::expectShape(OptLoc loc, StringRef what,
                                       ArrayRef<int64_t> actual,
                                       ArrayRef<int64_t> expected) {
  if (actual == expected)
    return success();
  return emitOptionalError(loc, what, " has shape ", formatShape(actual),
                           " but ", formatShape(expected), " is expected");
}
