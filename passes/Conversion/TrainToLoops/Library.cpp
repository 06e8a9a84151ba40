//===- Library.cpp - convolution and GEMM as runtime library calls --------===//
//
// The CPU target calls oneDNN through the runtime (runtime/include/trainc/
// kernels.h); a convolution's geometry is a constant global of 21 int64,
// the last three the layouts of its activations and of its filter
// (train-assign-layouts).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"

using namespace mlir;
using namespace mlir::train;

namespace {
ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// trainc_conv2d_geometry of a convolution with this input, filter and
/// output (their shapes and layouts), each field at its index of
/// trainc/abi.h.
SmallVector<int64_t> geometry(Value input, Value filter, Value output,
                              ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                              ArrayRef<int64_t> dilations, int64_t groups,
                              int64_t filterBlock) {
  ArrayRef<int64_t> x = shapeOf(input), w = shapeOf(filter),
                    y = shapeOf(output);
  SmallVector<int64_t> g(TRAINC_CONV_GEOMETRY_SIZE);
  g[TRAINC_CONV_N] = x[0];
  g[TRAINC_CONV_C] = x[1];
  g[TRAINC_CONV_H] = x[2];
  g[TRAINC_CONV_W] = x[3];
  g[TRAINC_CONV_M] = w[0];
  g[TRAINC_CONV_KH] = w[2];
  g[TRAINC_CONV_KW] = w[3];
  g[TRAINC_CONV_OH] = y[2];
  g[TRAINC_CONV_OW] = y[3];
  g[TRAINC_CONV_STRIDE_H] = strides[0];
  g[TRAINC_CONV_STRIDE_W] = strides[1];
  g[TRAINC_CONV_PAD_TOP] = pads[0];
  g[TRAINC_CONV_PAD_LEFT] = pads[1];
  g[TRAINC_CONV_PAD_BOTTOM] = pads[2];
  g[TRAINC_CONV_PAD_RIGHT] = pads[3];
  g[TRAINC_CONV_DILATION_H] = dilations[0];
  g[TRAINC_CONV_DILATION_W] = dilations[1];
  g[TRAINC_CONV_GROUPS] = groups;
  g[TRAINC_CONV_X_BLOCK] = channelBlockOf(input);
  g[TRAINC_CONV_Y_BLOCK] = channelBlockOf(output);
  g[TRAINC_CONV_W_BLOCK] = filterBlock;
  return g;
}

/// The constant geometry of convolution `op` (convolutionGeometry).
Value geometryOf(Lowering &l, Operation *op) {
  return l.constantI64Array(convolutionGeometry(op), "conv2d_geometry");
}

/// Calls the runtime's convolution `entry` with `geom` and the homes of
/// `tensors`, in order (a braced list evaluates left to right).
void callConvolution(Lowering &l, StringRef entry, Value geom,
                     std::initializer_list<Value> tensors) {
  SmallVector<Value> args{geom};
  for (Value tensor : tensors)
    args.push_back(l.pointerTo(tensor));
  l.callRuntime(entry, args);
}

void callGemm(Lowering &l, bool transA, bool transB, int64_t m, int64_t n,
              int64_t k, float alpha, Value a, Value b, float beta, Value c) {
  OpBuilder &bld = l.b;
  auto i32 = [&](int32_t v) {
    return bld.create<arith::ConstantOp>(l.loc, bld.getI32IntegerAttr(v));
  };
  auto i64 = [&](int64_t v) {
    return bld.create<arith::ConstantOp>(l.loc, bld.getI64IntegerAttr(v));
  };
  l.callRuntime("gemm",
                {i32(transA), i32(transB), i64(m), i64(n), i64(k), l.f32(alpha),
                 l.pointerTo(a), l.pointerTo(b), l.f32(beta), l.pointerTo(c)});
}

void lowerGemm(Lowering &l, GemmOp op) {
  ScalarOps o(l);
  ArrayRef<int64_t> a = shapeOf(op.getA()), y = shapeOf(op.getOutput());
  int64_t k = op.getTransA() ? a[0] : a[1];
  float beta = 0.0f;
  if (Value c = op.getC()) {
    // Broadcast C into the output, then accumulate beta * C there.
    ArrayRef<int64_t> cs = shapeOf(c);
    Value cv = l.view(c), out = l.view(op.getOutput());
    l.parallel(y, [&](ValueRange iv) {
      SmallVector<Value> at;
      size_t lead = y.size() - cs.size();
      for (auto [j, extent] : llvm::enumerate(cs))
        at.push_back(extent == 1 ? l.index(0) : iv[lead + j]);
      o.store(o.load(cv, at), out, iv);
    });
    beta = op.getBeta().convertToFloat();
  }
  callGemm(l, op.getTransA(), op.getTransB(), y[0], y[1], k,
           op.getAlpha().convertToFloat(), op.getA(), op.getB(), beta,
           op.getOutput());
}

void lowerMatMul(Lowering &l, MatMulOp op) {
  ArrayRef<int64_t> a = shapeOf(op.getLhs()), y = shapeOf(op.getOutput());
  callGemm(l, false, false, y[0], y[1], a[1], 1.0f, op.getLhs(), op.getRhs(),
           0.0f, op.getOutput());
}
} // namespace

SmallVector<int64_t> mlir::train::convolutionGeometry(Operation *op) {
  auto make = [&](auto c, Value input, Value filter, Value output) {
    return geometry(input, filter, output, c.getStrides(), c.getPads(),
                    c.getDilations(), c.getGroups(), filterBlockOf(c));
  };
  if (auto c = dyn_cast<Conv2DOp>(op))
    return make(c, c.getInput(), c.getFilter(), c.getOutput());
  if (auto c = dyn_cast<Conv2DBackwardDataOp>(op))
    return make(c, c.getGradInput(), c.getFilter(), c.getGradOutput());
  if (auto c = dyn_cast<Conv2DBackwardFilterOp>(op))
    return make(c, c.getInput(), c.getGradFilter(), c.getGradOutput());
  return {};
}

void mlir::train::populateTrainLibraryLoweringPatterns(
    RewritePatternSet &patterns, StepLowering &step) {
  if (step.info.libraryConvolution) {
    addLowering<Conv2DOp>(patterns, step, [](Lowering &l, Conv2DOp c) {
      Value geom = geometryOf(l, c);
      Value bias = c.getBias() ? l.pointerTo(c.getBias()) : l.nullPointer();
      l.callRuntime("conv2d_forward", {geom, l.pointerTo(c.getInput()),
                                       l.pointerTo(c.getFilter()), bias,
                                       l.pointerTo(c.getOutput())});
    });
    addLowering<Conv2DBackwardDataOp>(
        patterns, step, [](Lowering &l, Conv2DBackwardDataOp c) {
          Value geom = geometryOf(l, c);
          callConvolution(l, "conv2d_backward_data", geom,
                          {c.getGradOutput(), c.getFilter(), c.getGradInput()});
        });
    addLowering<Conv2DBackwardFilterOp>(
        patterns, step, [](Lowering &l, Conv2DBackwardFilterOp c) {
          Value geom = geometryOf(l, c);
          callConvolution(l, "conv2d_backward_filter", geom,
                          {c.getGradOutput(), c.getInput(), c.getGradFilter()});
        });
  }
  if (step.info.libraryGemm) {
    addLowering<GemmOp>(patterns, step, lowerGemm);
    addLowering<MatMulOp>(patterns, step, lowerMatMul);
  }
}
