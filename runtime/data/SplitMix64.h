//===- SplitMix64.h - the runtime's one random number generator -*- C++ -*-===//
//
// Synthetic data and the epoch shuffle draw from SplitMix64: tiny, and the
// same sequence on every platform and standard library (std::
// distributions are not), so a run is reproducible from its seed alone.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_DATA_SPLITMIX64_H
#define TRAINC_RUNTIME_DATA_SPLITMIX64_H

#include <cstdint>

namespace trainc::rt {

class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [-1, 1), from the top 24 bits (exact in float).
  float symmetric() {
    return static_cast<float>(next() >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }
  /// Uniform in [0, bound) without modulo bias (Lemire's multiply-shift
  /// with rejection); `bound` must be positive.
  uint64_t below(uint64_t bound) {
    unsigned __int128 product = static_cast<unsigned __int128>(next()) * bound;
    uint64_t low = static_cast<uint64_t>(product);
    if (low < bound) {
      uint64_t threshold = -bound % bound;
      while (low < threshold) {
        product = static_cast<unsigned __int128>(next()) * bound;
        low = static_cast<uint64_t>(product);
      }
    }
    return static_cast<uint64_t>(product >> 64);
  }

private:
  uint64_t state;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_DATA_SPLITMIX64_H
