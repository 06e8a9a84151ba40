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

#include "mlir/Dialect/Vector/IR/VectorOps.h"


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

/// A tensor [N, C, H, W] indexed by (n, c, y, x) in its layout: plain, a
/// memref [N, C, H, W]; in channel blocks of B (train-assign-layouts),
/// [N, C/B, H, W, B].
struct Planes {
  int64_t block;
  Value memref;
  Planes(Lowering &l, Value tensor) : block(channelBlockOf(tensor)) {
    auto shape = cast<RankedTensorType>(tensor.getType()).getShape();
    memref = block ? l.view(tensor, {shape[0], shape[1] / block, shape[2],
                                     shape[3], block})
                   : l.view(tensor);
  }
  Value load(ScalarOps &o, Value n, Value c, Value y, Value x) const {
    if (!block)
      return o.load(memref, {n, c, y, x});
    auto [cb, lane] = splitChannel(o, c, block);
    return o.load(memref, {n, cb, y, x, lane});
  }
};

/// Folds `step` over the taps of output (oy, ox)'s window, row by row:
/// step(inside, yc, xc, acc), with the tap's position clamped into the
/// input (yc, xc) and whether it lies inside.
SmallVector<Value>
foldWindow(Lowering &l, const Window &g, Value oy, Value ox, ValueRange inits,
           function_ref<SmallVector<Value>(Value, Value, Value, ValueRange)>
               step) {
  ScalarOps o(l);
  Value y0 = o.iadd(o.imul(oy, g.sh), -g.pt), x0 = o.iadd(o.imul(ox, g.sw), -g.pl);
  Value zero = l.index(0), h = l.index(g.h), w = l.index(g.w);
  return l.reduceMany(g.kh, inits, [&](Value i, ValueRange acc) {
    return l.reduceMany(g.kw, acc, [&](Value j, ValueRange acc2) {
      Value yy = o.iadd(y0, o.imul(i, g.dh)), xx = o.iadd(x0, o.imul(j, g.dw));
      Value xIn = inRange(o, xx, zero, w);
      Value yIn = inRange(o, yy, zero, h);
      Value inside = o.both(yIn, xIn);
      Value yc = o.imax(zero, o.imin(yy, l.index(g.h - 1)));
      Value xc = o.imax(zero, o.imin(xx, l.index(g.w - 1)));
      return step(inside, yc, xc, acc2);
    });
  });
}

/// The maximum of the window of output (oy, ox) in plane `x[n, c]`, and the
/// flat index (y * W + x) of its first occurrence; NaN wins, as in PyTorch.
std::pair<Value, Value> windowMax(Lowering &l, const Window &g,
                                  const Planes &x, Value n, Value c, Value oy,
                                  Value ox) {
  ScalarOps o(l);
  Value lowest = l.f32(-std::numeric_limits<float>::infinity());
  SmallVector<Value> best = foldWindow(
      l, g, oy, ox, {lowest, l.index(-1)},
      [&](Value inside, Value yc, Value xc, ValueRange acc) {
        Value v = x.load(o, n, c, yc, xc);
        Value nan = o.isNan(v);
        Value greater = o.fgt(v, acc[0]);
        Value better = o.both(inside, o.either(greater, nan));
        Value flatIndex = o.iadd(o.imul(yc, g.w), xc);
        return SmallVector<Value>{o.select(better, v, acc[0]),
                                  o.select(better, flatIndex, acc[1])};
      });
  return {best[0], best[1]};
}

/// windowMax for every lane of channel block `cb` of a blocked `x` at once:
/// the maxima (vector<B x f32>) and the flat indices of their first
/// occurrences (vector<B x i64>, -1 for none), with the same comparisons.
std::pair<Value, Value> blockMax(Lowering &l, const Window &g, const Planes &x,
                                 Value n, Value cb, Value oy, Value ox) {
  ScalarOps o(l);
  OpBuilder &b = l.b;
  auto f32 = VectorType::get({x.block}, b.getF32Type());
  auto i64 = VectorType::get({x.block}, b.getI64Type());
  Value lowest = b.create<arith::ConstantOp>(
      l.loc, DenseElementsAttr::get(
                 f32, -std::numeric_limits<float>::infinity()));
  Value none = b.create<arith::ConstantOp>(
      l.loc, DenseElementsAttr::get(i64, int64_t(-1)));
  Value zero = l.index(0);
  SmallVector<Value> best = foldWindow(
      l, g, oy, ox, {lowest, none},
      [&](Value inside, Value yc, Value xc, ValueRange acc) {
        Value v = b.create<vector::LoadOp>(l.loc, f32, x.memref,
                                           ValueRange{n, cb, yc, xc, zero});
        Value nan = o.isNan(v);
        Value greater = o.fgt(v, acc[0]);
        Value mask = b.create<vector::BroadcastOp>(
            l.loc, VectorType::get({x.block}, b.getI1Type()), inside);
        Value better = o.both(mask, o.either(greater, nan));
        Value flat = b.create<arith::IndexCastOp>(
            l.loc, b.getI64Type(), o.iadd(o.imul(yc, g.w), xc));
        Value flats = b.create<vector::BroadcastOp>(l.loc, i64, flat);
        return SmallVector<Value>{o.select(better, v, acc[0]),
                                  o.select(better, flats, acc[1])};
      });
  return {best[0], best[1]};
}

/// Max pooling's backward with x, dy and dx in the same channel blocks: per
/// (sample, block), the block's plane zeroed, then each output's gradient
/// added where its window's maximum was, lane by lane (each channel takes
/// its outputs in row-major order, as the plain kernel does).
void lowerMaxPoolBackwardBlocked(Lowering &l, MaxPool2DBackwardOp op,
                                 const Window &g, const Planes &x,
                                 const Planes &dy, const ChannelView &dx) {
  ScalarOps o(l);
  OpBuilder &b = l.b;
  int64_t block = dx.block;
  auto f32 = VectorType::get({block}, b.getF32Type());
  l.parallel({dx.n, dx.c / block}, [&](ValueRange iv) {
    Value n = iv[0], cb = iv[1], zero = l.index(0);
    Value zeros = b.create<arith::ConstantOp>(
        l.loc, DenseElementsAttr::get(f32, 0.0f));
    l.loops({g.h * g.w}, [&](ValueRange s) {
      b.create<vector::StoreOp>(l.loc, zeros, dx.memref,
                                ValueRange{n, cb, s[0], zero});
    });
    l.loops({g.oh, g.ow}, [&](ValueRange yx) {
      auto [best, at] = blockMax(l, g, x, n, cb, yx[0], yx[1]);
      Value grads = b.create<vector::LoadOp>(
          l.loc, f32, dy.memref, ValueRange{n, cb, yx[0], yx[1], zero});
      for (int64_t lane = 0; lane < block; ++lane) {
        Value where = b.create<vector::ExtractOp>(l.loc, at, lane);
        Value found = b.create<arith::CmpIOp>(
            l.loc, arith::CmpIPredicate::sge, where, l.i64(0));
        o.when(found, [&] {
          Value s = b.create<arith::IndexCastOp>(l.loc, b.getIndexType(),
                                                 where);
          SmallVector<Value> atDx{n, cb, s, l.index(lane)};
          Value grad = b.create<vector::ExtractOp>(l.loc, grads, lane);
          o.store(o.add(o.load(dx.memref, atDx), grad), dx.memref, atDx);
        });
      }
    });
  });
}

void lowerMaxPool(Lowering &l, MaxPool2DOp op) {
  ScalarOps o(l);
  Window g(op.getInput(), op.getOutput(), op.getKernel(), op.getStrides(),
           op.getPads(), op.getDilations());
  Planes x(l, op.getInput());
  auto out = cast<RankedTensorType>(op.getType()).getShape();
  if (!x.block && !channelBlockOf(op.getOutput())) {
    Value y = l.view(op.getOutput());
    l.parallel(out, [&](ValueRange iv) {
      auto [best, at] = windowMax(l, g, x, iv[0], iv[1], iv[2], iv[3]);
      o.store(best, y, iv);
    });
    return;
  }
  ChannelView y(l, op.getOutput());
  if (x.block && x.block == y.block) {
    // A block's lanes at once.
    l.parallel({out[0], out[1] / x.block, out[2], out[3]}, [&](ValueRange iv) {
      Value n = iv[0], cb = iv[1], oy = iv[2], ox = iv[3];
      auto [best, at] = blockMax(l, g, x, n, cb, oy, ox);
      l.b.create<vector::StoreOp>(
          l.loc, best, y.memref,
          ValueRange{n, cb, o.iadd(o.imul(oy, g.ow), ox), l.index(0)});
    });
    return;
  }
  // Channels innermost: a block's lanes are neighbours in memory.
  l.parallel({out[0], out[2], out[3], out[1]}, [&](ValueRange iv) {
    Value n = iv[0], oy = iv[1], ox = iv[2], c = iv[3];
    auto [best, at] = windowMax(l, g, x, n, c, oy, ox);
    y.store(o, best, n, c, o.iadd(o.imul(oy, g.ow), ox));
  });
}

void lowerMaxPoolBackward(Lowering &l, MaxPool2DBackwardOp op) {
  ScalarOps o(l);
  Window g(op.getInput(), op.getGradOutput(), op.getKernel(), op.getStrides(),
           op.getPads(), op.getDilations());
  auto in = cast<RankedTensorType>(op.getInput().getType()).getShape();
  Planes x(l, op.getInput()), dy(l, op.getGradOutput());
  ChannelView dx(l, op.getGradInput());
  if (dx.blocked() && x.block == dx.block && dy.block == dx.block)
    return lowerMaxPoolBackwardBlocked(l, op, g, x, dy, dx);
  l.parallel({in[0], in[1]}, [&](ValueRange nc) {
    Value zero = l.f32(0);
    l.loops({g.h * g.w}, [&](ValueRange s) {
      dx.store(o, zero, nc[0], nc[1], s[0]);
    });
    l.loops({g.oh, g.ow}, [&](ValueRange oyx) {
      auto [best, at] = windowMax(l, g, x, nc[0], nc[1], oyx[0], oyx[1]);
      o.when(o.ile(l.index(0), at), [&] {
        Value grad = dy.load(o, nc[0], nc[1], oyx[0], oyx[1]);
        Value sum = o.add(dx.load(o, nc[0], nc[1], at), grad);
        dx.store(o, sum, nc[0], nc[1], at);
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
