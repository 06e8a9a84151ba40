//===- TensorLayout.h - tensors as the arenas store them -------*- C++ -*-===//
//
// The compiler may store a filter in channel blocks (trainc_tensor_desc::
// layout; train-assign-layouts); its gradient and optimizer state slots
// then share that layout. Everything the runtime reads or writes by
// tensor (initialisation, checkpoints, dumps, --save-onnx) goes through
// these conversions, so every file holds the ONNX layout.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_TENSORLAYOUT_H
#define TRAINC_RUNTIME_TRAIN_TENSORLAYOUT_H

#include "trainc/model.h"

#include <cstdint>
#include <vector>

namespace trainc::rt {

/// Whether the arenas hold `t` in another order than ONNX's.
inline bool isReordered(const trainc_tensor_desc &t) { return t.layout != 0; }

/// Why `t`'s layout is not one the runtime can convert, or "".
const char *layoutProblem(const trainc_tensor_desc &t);

/// `t`'s elements from the stored order into ONNX's (`plain`), or back.
/// `stored` and `plain` do not overlap; both hold t.numel floats.
void toOnnxLayout(const trainc_tensor_desc &t, const float *stored,
                  float *plain);
void fromOnnxLayout(const trainc_tensor_desc &t, const float *plain,
                    float *stored);

/// Converts, in place, every reordered parameter in `slots` consecutive
/// copies of the parameter arena (param_bytes each: the parameters, their
/// gradients, or optimizer state slots) to ONNX's layout (`toOnnx`) or
/// back.
void convertParamSlots(const trainc_model_desc &desc, void *arena,
                       int64_t slots, bool toOnnx);

/// The optimizer state slots of `desc` that have the parameters' layout
/// (the rest of the state is scalars).
int64_t paramShapedStateSlots(const trainc_model_desc &desc);

/// A copy of `bytes` bytes of parameter-shaped memory (`slots` arenas from
/// `data`, then anything after them as is) in ONNX's layout.
std::vector<char> onnxLayoutCopy(const trainc_model_desc &desc,
                                 const void *data, int64_t bytes,
                                 int64_t slots);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_TENSORLAYOUT_H
