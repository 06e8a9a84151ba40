//===- KernelCache.h - oneDNN objects kept between kernel calls -*- C++ -*-===//
//
// Creating a oneDNN primitive costs far more than running a small one, and a
// training step runs the same few geometries every iteration, so each
// (geometry, kind) gets its primitive once. Owned by the RuntimeContext.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_KERNELS_KERNELCACHE_H
#define TRAINC_RUNTIME_KERNELS_KERNELCACHE_H

#include "oneapi/dnnl/dnnl.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

namespace trainc::rt {

enum class ConvKind : int64_t {
  Forward,
  ForwardWithBias,
  BackwardData,
  BackwardFilter,
};

/// The 18 values of a trainc_conv2d_geometry followed by the kind.
using ConvKey = std::array<int64_t, 19>;

/// A ready primitive and the memory descriptors its arguments use. For the
/// backward kinds `src`/`dst` describe the gradients of x and y.
struct ConvPrimitive {
  dnnl::primitive primitive;
  dnnl::memory::desc src, weights, bias, dst, scratchpad;
};

struct FreeDeleter {
  void operator()(void *pointer) const { std::free(pointer); }
};

struct KernelCache {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  std::map<ConvKey, ConvPrimitive> convolutions;
  /// One buffer per OpenMP thread, grown to the largest need: a piece's
  /// oneDNN scratchpad (then, for a backward filter split by channel, its
  /// slice of dy). oneDNN's own ("library") scratchpad is per thread and
  /// sized when a primitive is created, so a primitive created on one
  /// thread and run on another overflows it unless libdnnl was built with
  /// DNNL_ENABLE_CONCURRENT_EXEC; Debian's is not.
  std::vector<std::unique_ptr<void, FreeDeleter>> threadBuffers;
  size_t threadBufferSize = 0;
  /// The partial weight gradients of a backward filter's batch chunks but
  /// the first.
  std::unique_ptr<void, FreeDeleter> partials;
  size_t partialsSize = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_KERNELS_KERNELCACHE_H
