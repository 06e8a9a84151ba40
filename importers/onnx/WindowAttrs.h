//===- WindowAttrs.h - ONNX sliding-window attributes ------------*- C++ -*-===//
//
// Conv, MaxPool and AveragePool share strides, dilations, pads and auto_pad.
// This reads them for a 2-D window and resolves auto_pad to explicit pads.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_IMPORTERS_ONNX_WINDOWATTRS_H
#define TRAINC_IMPORTERS_ONNX_WINDOWATTRS_H

#include "importers/onnx/ImportContext.h"

namespace trainc {

struct WindowAttrs {
  llvm::SmallVector<int64_t> strides, dilations, pads;
};

/// `spatial` is the input's [H, W], `kernel` the window's [kH, kW].
mlir::FailureOr<WindowAttrs> readWindowAttrs(ImportContext &ctx,
                                             llvm::ArrayRef<int64_t> spatial,
                                             llvm::ArrayRef<int64_t> kernel);

} // namespace trainc

#endif // TRAINC_IMPORTERS_ONNX_WINDOWATTRS_H
