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
  /// One batch chunk of a backward filter, created for one thread
  /// (runtime/kernels/DnnlKernels.cpp: backwardFilterInChunks).
  BackwardFilterChunk,
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
  dnnl::stream stream{engine};
  std::map<ConvKey, ConvPrimitive> convolutions;
  /// One scratchpad shared by every primitive (they run one at a time, under
  /// the context's lock), grown to the largest need. oneDNN's own
  /// ("library") scratchpad is per thread and sized when a primitive is
  /// created, so a primitive created on one thread and run on another
  /// overflows it unless libdnnl was built with DNNL_ENABLE_CONCURRENT_EXEC;
  /// Debian's is not.
  std::unique_ptr<void, FreeDeleter> scratchpad;
  size_t scratchpadSize = 0;
  /// The chunked backward filter's buffers: one scratchpad per thread and
  /// the partial weight gradients of all chunks but the first.
  std::vector<std::unique_ptr<void, FreeDeleter>> threadScratchpads;
  size_t threadScratchpadSize = 0;
  std::unique_ptr<void, FreeDeleter> partials;
  size_t partialsSize = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_KERNELS_KERNELCACHE_H
