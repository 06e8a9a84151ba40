//===- Library.cpp - convolution and GEMM as runtime library calls --------===//
//
// The CPU target calls oneDNN through the runtime (runtime/include/trainc/
// kernels.h); a convolution's geometry is a constant global of 18 int64.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::train;

namespace {
ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// trainc_conv2d_geometry of a convolution with this input, filter and
/// output.
SmallVector<int64_t> geometry(Value input, Value filter, Value output,
                              ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                              ArrayRef<int64_t> dilations, int64_t groups) {
  ArrayRef<int64_t> x = shapeOf(input), w = shapeOf(filter), y = shapeOf(output);
  return {x[0],       x[1],       x[2],    x[3],    w[0],        w[2],
          w[3],       y[2],       y[3],    strides[0], strides[1], pads[0],
          pads[1],    pads[2],    pads[3], dilations[0], dilations[1], groups};
}

Value nullPointer(Lowering &l) {
  return l.b.create<LLVM::ZeroOp>(l.loc,
                                  LLVM::LLVMPointerType::get(l.b.getContext()));
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
  l.callRuntime("trainc_rt_gemm",
                {i32(transA), i32(transB), i64(m), i64(n), i64(k),
                 l.f32(alpha), l.pointerTo(a), l.pointerTo(b),
                 l.f32(beta), l.pointerTo(c)});
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

LogicalResult mlir::train::lowerLibraryOp(Lowering &l, Operation *op) {
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](Conv2DOp c) {
        Value geom = l.constantI64Array(
            geometry(c.getInput(), c.getFilter(), c.getOutput(), c.getStrides(),
                     c.getPads(), c.getDilations(), c.getGroups()),
            "conv2d_geometry");
        Value bias = c.getBias() ? l.pointerTo(c.getBias()) : nullPointer(l);
        l.callRuntime("trainc_rt_conv2d_forward",
                      {geom, l.pointerTo(c.getInput()),
                       l.pointerTo(c.getFilter()), bias,
                       l.pointerTo(c.getOutput())});
      })
      .Case([&](Conv2DBackwardDataOp c) {
        Value geom = l.constantI64Array(
            geometry(c.getGradInput(), c.getFilter(), c.getGradOutput(),
                     c.getStrides(), c.getPads(), c.getDilations(),
                     c.getGroups()),
            "conv2d_geometry");
        l.callRuntime("trainc_rt_conv2d_backward_data",
                      {geom, l.pointerTo(c.getGradOutput()),
                       l.pointerTo(c.getFilter()),
                       l.pointerTo(c.getGradInput())});
      })
      .Case([&](Conv2DBackwardFilterOp c) {
        Value geom = l.constantI64Array(
            geometry(c.getInput(), c.getGradFilter(), c.getGradOutput(),
                     c.getStrides(), c.getPads(), c.getDilations(),
                     c.getGroups()),
            "conv2d_geometry");
        l.callRuntime("trainc_rt_conv2d_backward_filter",
                      {geom, l.pointerTo(c.getGradOutput()),
                       l.pointerTo(c.getInput()),
                       l.pointerTo(c.getGradFilter())});
      })
      .Case([&](GemmOp g) { lowerGemm(l, g); })
      .Case([&](MatMulOp m) { lowerMatMul(l, m); });
  return success();
}
