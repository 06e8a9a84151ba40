//===- TensorLayout.cpp - tensors as the arenas store them ----------------===//

#include "train/TensorLayout.h"

#include "trainc/optimizers.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace trainc::rt {

namespace {
/// For each element of a filter [O, I, kH, kW] in ONNX's order, its index
/// in [O/B, I/B, kH, kW, B (i), B (o)]; calls f(plainIndex, storedIndex).
template <typename F>
void forEachFilterElement(const trainc_tensor_desc &t, F f) {
  int64_t O = t.shape[0], I = t.shape[1], kh = t.shape[2], kw = t.shape[3];
  int64_t B = t.layout, spatial = kh * kw;
  int64_t plain = 0;
  for (int64_t o = 0; o < O; ++o)
    for (int64_t i = 0; i < I; ++i)
      for (int64_t s = 0; s < spatial; ++s, ++plain)
        f(plain, trainc_blocked_filter_index(o, i, s, I, spatial, B));
}
} // namespace

const char *layoutProblem(const trainc_tensor_desc &t) {
  if (t.layout == 0)
    return "";
  if (t.layout != 8 && t.layout != 16)
    return "has an unknown layout (channel block not 8 or 16)";
  if (t.rank != 4 || t.shape[0] % t.layout != 0 ||
      t.shape[1] % t.layout != 0)
    return "has a channel-block layout but is not a filter [O, I, kH, kW] "
           "whose channels the block divides";
  return "";
}

void toOnnxLayout(const trainc_tensor_desc &t, const float *stored,
                  float *plain) {
  if (!isReordered(t)) {
    std::memcpy(plain, stored, sizeof(float) * t.numel);
    return;
  }
  forEachFilterElement(t, [&](int64_t p, int64_t s) { plain[p] = stored[s]; });
}

void fromOnnxLayout(const trainc_tensor_desc &t, const float *plain,
                    float *stored) {
  if (!isReordered(t)) {
    std::memcpy(stored, plain, sizeof(float) * t.numel);
    return;
  }
  forEachFilterElement(t, [&](int64_t p, int64_t s) { stored[s] = plain[p]; });
}

void convertParamSlots(const trainc_model_desc &desc, void *arena,
                       int64_t slots, bool toOnnx) {
  std::vector<float> copy;
  for (int64_t slot = 0; slot < slots; ++slot)
    for (int i = 0; i < desc.num_tensors; ++i) {
      const trainc_tensor_desc &t = desc.tensors[i];
      if (t.kind != TRAINC_PARAM || !isReordered(t))
        continue;
      auto *data = reinterpret_cast<float *>(static_cast<char *>(arena) +
                                             slot * desc.param_bytes +
                                             t.offset);
      copy.assign(data, data + t.numel);
      if (toOnnx)
        toOnnxLayout(t, copy.data(), data);
      else
        fromOnnxLayout(t, copy.data(), data);
    }
}

int64_t paramShapedStateSlots(const trainc_model_desc &desc) {
  const trainc_optimizer_info *info =
      desc.optimizer ? trainc_find_optimizer(desc.optimizer) : nullptr;
  return info ? info->state_slots : 0;
}

std::vector<char> onnxLayoutCopy(const trainc_model_desc &desc,
                                 const void *data, int64_t bytes,
                                 int64_t slots) {
  const char *from = static_cast<const char *>(data);
  std::vector<char> copy(from, from + bytes);
  if (desc.param_bytes > 0)
    slots = std::min(slots, bytes / desc.param_bytes);
  convertParamSlots(desc, copy.data(), slots, /*toOnnx=*/true);
  return copy;
}

} // namespace trainc::rt
