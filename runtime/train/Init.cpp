//===- Init.cpp - initial parameters drawn from a seed --------------------===//

#include "train/Init.h"

#include "data/SplitMix64.h"
#include "train/TensorLayout.h"

#include <cmath>
#include <vector>

namespace trainc::rt {
namespace {

/// Uniform in (0, 1], 53 bits.
double unit(SplitMix64 &random) {
  return static_cast<double>((random.next() >> 11) + 1) * 0x1.0p-53;
}

/// Standard normal (Box-Muller, one value per pair of draws: the sequence
/// depends on nothing but the generator).
double normal(SplitMix64 &random) {
  double radius = std::sqrt(-2.0 * std::log(unit(random)));
  return radius * std::cos(6.283185307179586 * unit(random));
}

} // namespace

void initialiseKaiming(const trainc_model_desc &desc, uint64_t seed,
                       void *params, void *buffers) {
  for (int i = 0; i < desc.num_tensors; ++i) {
    const trainc_tensor_desc &t = desc.tensors[i];
    char *arena = static_cast<char *>(t.kind == TRAINC_PARAM ? params : buffers);
    float *data = reinterpret_cast<float *>(arena + t.offset);
    SplitMix64 random(seed ^ (0x6a09e667f3bcc909ull * (uint64_t(i) + 1)));
    switch (t.init_rule) {
    case TRAINC_INIT_CONV_WEIGHT: {
      double fanOut = double(t.shape[0]) * double(t.shape[2]) * double(t.shape[3]);
      double std = fanOut > 0 ? std::sqrt(2.0 / fanOut) : 0.0;
      // Drawn in ONNX's order, then stored in the arena's layout: the same
      // values for any layout.
      std::vector<float> drawn(t.numel);
      for (int64_t k = 0; k < t.numel; ++k)
        drawn[k] = static_cast<float>(std * normal(random));
      fromOnnxLayout(t, drawn.data(), data);
      break;
    }
    case TRAINC_INIT_LINEAR_WEIGHT:
    case TRAINC_INIT_LINEAR_WEIGHT_T: {
      int64_t in = t.init_rule == TRAINC_INIT_LINEAR_WEIGHT ? t.shape[1]
                                                           : t.shape[0];
      double bound = in > 0 ? 1.0 / std::sqrt(double(in)) : 0.0;
      for (int64_t k = 0; k < t.numel; ++k)
        data[k] = static_cast<float>(bound * (2.0 * unit(random) - 1.0));
      break;
    }
    case TRAINC_INIT_BN_SCALE:
    case TRAINC_INIT_BN_VAR:
      for (int64_t k = 0; k < t.numel; ++k)
        data[k] = 1.0f;
      break;
    case TRAINC_INIT_BN_SHIFT:
    case TRAINC_INIT_BN_MEAN:
    case TRAINC_INIT_BIAS:
      for (int64_t k = 0; k < t.numel; ++k)
        data[k] = 0.0f;
      break;
    default:
      break; // kept
    }
  }
}

} // namespace trainc::rt
