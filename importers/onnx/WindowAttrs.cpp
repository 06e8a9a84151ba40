//===- WindowAttrs.cpp - ONNX sliding-window attributes -------------------===//

#include "importers/onnx/WindowAttrs.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace trainc;

FailureOr<WindowAttrs> trainc::readWindowAttrs(ImportContext &ctx,
                                               ArrayRef<int64_t> spatial,
                                               ArrayRef<int64_t> kernel) {
  WindowAttrs w;
  w.strides = ctx.intsAttr("strides", {1, 1});
  w.dilations = ctx.intsAttr("dilations", {1, 1});
  w.pads = ctx.intsAttr("pads", {0, 0, 0, 0});
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "NOTSET")
    return w;
  if (autoPad == "VALID") {
    w.pads.assign(4, 0);
    return w;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return ctx.fail("unknown auto_pad '" + autoPad + "'");
  if (w.strides.size() != 2 || w.dilations.size() != 2 || kernel.size() != 2)
    return ctx.fail("auto_pad needs 2-D strides, dilations and kernel");
  // SAME: the output has ceil(in / stride) positions; the odd pad goes at the
  // end (SAME_UPPER) or the beginning (SAME_LOWER).
  w.pads.assign(4, 0);
  for (int i = 0; i < 2; ++i) {
    if (w.strides[i] < 1)
      return ctx.fail("strides must be >= 1");
    if (w.dilations[i] < 1 || kernel[i] < 1)
      return ctx.fail("auto_pad needs dilations and kernel extents >= 1");
    int64_t out = (spatial[i] + w.strides[i] - 1) / w.strides[i];
    int64_t window, covered, total;
    if (llvm::MulOverflow(w.dilations[i], kernel[i] - 1, window) ||
        llvm::AddOverflow(window, int64_t(1), window) ||
        llvm::MulOverflow(out - 1, w.strides[i], covered) ||
        llvm::AddOverflow(covered, window, covered))
      return ctx.fail("the window of auto_pad " + autoPad + " is too large");
    total = std::max<int64_t>(covered - spatial[i], 0);
    int64_t small = total / 2, large = total - small;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[2 + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}
