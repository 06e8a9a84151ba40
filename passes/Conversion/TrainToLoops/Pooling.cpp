//===- Pooling.cpp - max, average and global average pooling --------------===//
//
// Forward: scf.parallel over every output element. Backward: scf.parallel
// over (batch, channel) planes, each plane zeroed and then scattered into
// sequentially, so overlapping windows accumulate without races and in a
// fixed order.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainOps.h"


#include <limits>

using namespace mlir;
using namespace mlir::train;

namespace {
struct Window {
  int64_t h, w, oh, ow;            // input and output extents
  int64_t kh, kw, sh, sw, pt, pl, pb, pr, dh, dw;
  Window(Value input, Value output, ArrayRef<int64_t> kernel,
         ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
         ArrayRef<int64_t> dilations) {
    auto in = cast<RankedTensorType>(input.getType()).getShape();
    auto out = cast<RankedTensorType>(output.getType()).getShape();
    h = in[2], w = in[3], oh = out[2], ow = out[3];
    kh = kernel[0], kw = kernel[1], sh = strides[0], sw = strides[1];
    pt = pads[0], pl = pads[1], pb = pads[2], pr = pads[3];
    dh = dilations[0], dw = dilations[1];
  }
};

/// lo <= v < hi (the upper test built first).
Value inRange(ScalarOps &o, Value v, Value lo, Value hi) {
  Value below = o.ilt(v, hi);
  Value above = o.ile(lo, v);
  return o.both(above, below);
}

/// y < yEnd and x < xEnd (x's test built first).
Value belowBoth(ScalarOps &o, Value y, Value yEnd, Value x, Value xEnd) {
  Value xIn = o.ilt(x, xEnd);
  Value yIn = o.ilt(y, yEnd);
  return o.both(yIn, xIn);
}

/// The maximum of the window of output (oy, ox) in plane `x[n, c]`, and the
/// flat index (y * W + x) of its first occurrence; NaN wins, as in PyTorch.
std::pair<Value, Value> windowMax(Lowering &l, const Window &g, Value x,
                                  Value n, Value c, Value oy, Value ox) {
  ScalarOps o(l);
  Value y0 = o.iadd(o.imul(oy, g.sh), -g.pt), x0 = o.iadd(o.imul(ox, g.sw), -g.pl);
  Value lowest = l.f32(-std::numeric_limits<float>::infinity());
  Value zero = l.index(0), h = l.index(g.h), w = l.index(g.w);
  SmallVector<Value> best = l.reduceMany(
      g.kh, {lowest, l.index(-1)}, [&](Value i, ValueRange acc) {
        return l.reduceMany(g.kw, acc, [&](Value j, ValueRange acc2) {
          Value yy = o.iadd(y0, o.imul(i, g.dh)), xx = o.iadd(x0, o.imul(j, g.dw));
          Value xIn = inRange(o, xx, zero, w);
          Value yIn = inRange(o, yy, zero, h);
          Value inside = o.both(yIn, xIn);
          Value yc = o.imax(zero, o.imin(yy, l.index(g.h - 1)));
          Value xc = o.imax(zero, o.imin(xx, l.index(g.w - 1)));
          Value v = o.load(x, {n, c, yc, xc});
          Value nan = o.isNan(v);
          Value greater = o.fgt(v, acc2[0]);
          Value better = o.both(inside, o.either(greater, nan));
          Value flatIndex = o.iadd(o.imul(yc, g.w), xc);
          return SmallVector<Value>{o.select(better, v, acc2[0]),
                                    o.select(better, flatIndex, acc2[1])};
        });
      });
  return {best[0], best[1]};
}

void lowerMaxPool(Lowering &l, MaxPool2DOp op) {
  ScalarOps o(l);
  Window g(op.getInput(), op.getOutput(), op.getKernel(), op.getStrides(),
           op.getPads(), op.getDilations());
  Value x = l.view(op.getInput()), y = l.view(op.getOutput());
  auto out = cast<RankedTensorType>(op.getType()).getShape();
  l.parallel(out, [&](ValueRange iv) {
    auto [best, at] = windowMax(l, g, x, iv[0], iv[1], iv[2], iv[3]);
    o.store(best, y, iv);
  });
}

void lowerMaxPoolBackward(Lowering &l, MaxPool2DBackwardOp op) {
  ScalarOps o(l);
  Window g(op.getInput(), op.getGradOutput(), op.getKernel(), op.getStrides(),
           op.getPads(), op.getDilations());
  auto in = cast<RankedTensorType>(op.getInput().getType()).getShape();
  Value x = l.view(op.getInput()), dy = l.view(op.getGradOutput());
  Value dx = l.view(op.getGradInput(), {in[0], in[1], g.h * g.w});
  l.parallel({in[0], in[1]}, [&](ValueRange nc) {
    Value zero = l.f32(0);
    l.loops({g.h * g.w}, [&](ValueRange s) {
      o.store(zero, dx, {nc[0], nc[1], s[0]});
    });
    l.loops({g.oh, g.ow}, [&](ValueRange oyx) {
      auto [best, at] = windowMax(l, g, x, nc[0], nc[1], oyx[0], oyx[1]);
      o.when(o.ile(l.index(0), at), [&] {
        o.accumulate(dx, {nc[0], nc[1], at},
                     o.load(dy, {nc[0], nc[1], oyx[0], oyx[1]}));
      });
    });
  });
}

/// PyTorch's average-pooling window of output (oy, ox): the clipped bounds
/// and the divisor (which counts padding when count_include_pad).
struct AvgWindow {
  Value y0, y1, x0, x1, divisor;
};

AvgWindow avgWindow(Lowering &l, const Window &g, bool countPad, Value oy,
                    Value ox) {
  ScalarOps o(l);
  Value ys = o.iadd(o.imul(oy, g.sh), -g.pt), xs = o.iadd(o.imul(ox, g.sw), -g.pl);
  Value yLimit = l.index(g.h + g.pb);
  Value ye = o.imin(o.iadd(ys, g.kh), yLimit);
  Value xLimit = l.index(g.w + g.pr);
  Value xe = o.imin(o.iadd(xs, g.kw), xLimit);
  Value paddedW = o.isub(xe, xs);
  Value paddedH = o.isub(ye, ys);
  Value padded = o.b.create<arith::MulIOp>(l.loc, paddedH, paddedW);
  Value zero = l.index(0);
  AvgWindow a;
  a.y0 = o.imax(ys, zero), a.x0 = o.imax(xs, zero);
  a.y1 = o.imin(ye, l.index(g.h)), a.x1 = o.imin(xe, l.index(g.w));
  Value validW = o.isub(a.x1, a.x0);
  Value validH = o.isub(a.y1, a.y0);
  Value valid = o.b.create<arith::MulIOp>(l.loc, validH, validW);
  a.divisor = o.toF32(countPad ? padded : valid);
  return a;
}

void lowerAvgPool(Lowering &l, AvgPool2DOp op) {
  ScalarOps o(l);
  int64_t ones[] = {1, 1};
  Window g(op.getInput(), op.getOutput(), op.getKernel(), op.getStrides(),
           op.getPads(), ones);
  Value x = l.view(op.getInput()), y = l.view(op.getOutput());
  auto out = cast<RankedTensorType>(op.getType()).getShape();
  l.parallel(out, [&](ValueRange iv) {
    AvgWindow a = avgWindow(l, g, op.getCountIncludePad(), iv[2], iv[3]);
    Value sum = l.reduce(g.kh, l.f32(0), [&](Value i, Value acc) {
      return l.reduce(g.kw, acc, [&](Value j, Value acc2) {
        Value yy = o.iadd(a.y0, i), xx = o.iadd(a.x0, j);
        Value inside = belowBoth(o, yy, a.y1, xx, a.x1);
        Value yc = o.imin(yy, l.index(g.h - 1)), xc = o.imin(xx, l.index(g.w - 1));
        Value v = o.load(x, {iv[0], iv[1], yc, xc});
        return o.add(acc2, o.select(inside, v, l.f32(0)));
      });
    });
    o.store(o.div(sum, a.divisor), y, iv);
  });
}

void lowerAvgPoolBackward(Lowering &l, AvgPool2DBackwardOp op) {
  ScalarOps o(l);
  int64_t ones[] = {1, 1};
  Window g(op.getGradInput(), op.getGradOutput(), op.getKernel(),
           op.getStrides(), op.getPads(), ones);
  auto in = cast<RankedTensorType>(op.getGradInput().getType()).getShape();
  Value dy = l.view(op.getGradOutput()), dx = l.view(op.getGradInput());
  l.parallel({in[0], in[1]}, [&](ValueRange nc) {
    Value zero = l.f32(0);
    l.loops({g.h, g.w}, [&](ValueRange s) {
      o.store(zero, dx, {nc[0], nc[1], s[0], s[1]});
    });
    l.loops({g.oh, g.ow}, [&](ValueRange oyx) {
      AvgWindow a = avgWindow(l, g, op.getCountIncludePad(), oyx[0], oyx[1]);
      Value share =
          o.div(o.load(dy, {nc[0], nc[1], oyx[0], oyx[1]}), a.divisor);
      l.loops({g.kh, g.kw}, [&](ValueRange ij) {
        Value yy = o.iadd(a.y0, ij[0]), xx = o.iadd(a.x0, ij[1]);
        Value inside = belowBoth(o, yy, a.y1, xx, a.x1);
        o.when(inside, [&] {
          o.accumulate(dx, {nc[0], nc[1], yy, xx}, share);
        });
      });
    });
  });
}


void lowerGlobalAvgPool(Lowering &l, GlobalAvgPoolOp op) {
  ScalarOps o(l);
  // Either tensor may be in channel blocks (train-assign-layouts).
  ChannelView x(l, op.getInput()), y(l, op.getOutput());
  Value zero = l.index(0);
  l.parallel({x.n, x.c}, [&](ValueRange nc) {
    Value sum = l.reduce(x.s, l.f64(0), [&](Value s, Value acc) {
      return o.add(acc, o.ext(x.load(o, nc[0], nc[1], s)));
    });
    y.store(o, o.trunc(o.div(sum, l.f64(double(x.s)))), nc[0], nc[1], zero);
  });
}

void lowerGlobalAvgPoolBackward(Lowering &l, GlobalAvgPoolBackwardOp op) {
  ScalarOps o(l);
  ChannelView dy(l, op.getGradOutput()), dx(l, op.getGradInput());
  Value count = l.f32(double(dx.s));
  Value zero = l.index(0);
  l.parallel({dx.n, dx.c, dx.s}, [&](ValueRange iv) {
    Value g = dy.load(o, iv[0], iv[1], zero);
    dx.store(o, o.div(g, count), iv[0], iv[1], iv[2]);
  });
}
} // namespace

void mlir::train::populateTrainPoolingLoweringPatterns(
    RewritePatternSet &patterns, StepLowering &step) {
  addLowering<MaxPool2DOp>(patterns, step, lowerMaxPool);
  addLowering<MaxPool2DBackwardOp>(patterns, step, lowerMaxPoolBackward);
  addLowering<AvgPool2DOp>(patterns, step, lowerAvgPool);
  addLowering<AvgPool2DBackwardOp>(patterns, step, lowerAvgPoolBackward);
  addLowering<GlobalAvgPoolOp>(patterns, step, lowerGlobalAvgPool);
  addLowering<GlobalAvgPoolBackwardOp>(patterns, step,
                                       lowerGlobalAvgPoolBackward);
}
