//===- KernelCache.h - oneDNN objects kept between kernel calls -*- C++ -*-===//
//
// Creating a oneDNN primitive costs far more than running a small one, and a
// training step runs the same few geometries every iteration, so each
// (geometry, kind) gets its primitive once. Owned by the RuntimeContext.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_KERNELS_KERNELCACHE_H
#define TRAINC_RUNTIME_KERNELS_KERNELCACHE_H

#include "trainc/abi.h"
#include "trainc/kernels.h"

#include "oneapi/dnnl/dnnl.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trainc::rt {

enum class ConvKind : int64_t {
  Forward,
  ForwardWithBias,
  BackwardData,
  BackwardFilter,
};

/// The values of a trainc_conv2d_geometry followed by the kind.
using ConvKey = std::array<int64_t, TRAINC_CONV_GEOMETRY_SIZE + 1>;

/// One operand of a convolution: the layout the runtime's callers hold it
/// in (`plain`: OIHW for weights, and NCHW, nChw8c or nChw16c for
/// activations as the geometry says), the layout the primitive wants
/// (oneDNN's choice for `any`: blocked, nChw16c/OIhw16i16o with AVX-512,
/// 8c with AVX2), and the reorder between them when they differ.
struct ConvOperand {
  dnnl::memory::desc plain, wanted;
  /// plain -> wanted for an input, wanted -> plain for the output; empty
  /// when the primitive reads the plain layout itself.
  dnnl::primitive reorder;
  bool reordered() const { return plain != wanted; }
};

/// A ready primitive and its operands by kind (see runConvolution):
///   Forward*:       in0 = x (src),       in1 = w (weights), out = y (dst)
///   BackwardData:   in0 = dy (diff_dst), in1 = w (weights), out = dx
///   BackwardFilter: in0 = dy (diff_dst), in1 = x (src),     out = dw
struct ConvPrimitive {
  dnnl::primitive primitive;
  ConvOperand in0, in1, out;
  dnnl::memory::desc bias, scratchpad;
};

/// The bytes the cache allocates for a buffer of `need` bytes (whole
/// pages, page-aligned).
inline size_t pageBytes(size_t need) { return (need + 4095) / 4096 * 4096; }

/// What the pieces of convolution calls allocate in the KernelCache beyond
/// their operands (convolutionWorkspace): per worker thread a buffer (the
/// primitives' scratchpad and the operands they want in another layout),
/// the operand every piece reads reordered once (one per piece size), and
/// a backward filter's partial sums. The cache keeps each at the largest
/// any call needed, so a step's workspace is the merge of its calls'.
struct ConvWorkspace {
  int64_t workers = 0, threadBytes = 0;
  int64_t sharedBytes[2] = {0, 0};
  int64_t partialsBytes = 0;
  void merge(const ConvWorkspace &other) {
    workers = std::max(workers, other.workers);
    threadBytes = std::max(threadBytes, other.threadBytes);
    for (int v = 0; v < 2; ++v)
      sharedBytes[v] = std::max(sharedBytes[v], other.sharedBytes[v]);
    partialsBytes = std::max(partialsBytes, other.partialsBytes);
  }
  /// The bytes, each buffer as allocated (page multiples).
  int64_t total() const {
    return workers * int64_t(pageBytes(threadBytes)) + sharedBytes[0] +
           sharedBytes[1] + partialsBytes;
  }
};

struct KernelCache;
/// The workspace a call of convolution `kind` on `g` takes with this
/// CPU's oneDNN and this process's OpenMP threads, without running it
/// (its primitives are created and cached). False, with `error`, for a
/// geometry oneDNN cannot run.
bool convolutionWorkspace(KernelCache &cache, const trainc_conv2d_geometry &g,
                          ConvKind kind, ConvWorkspace &workspace,
                          std::string &error);

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
  /// An operand every piece of a call reads (the weights, or x of a
  /// backward filter split by channel), in the primitives' layout: one
  /// reorder per call, not per piece. Two, for the two sizes of piece.
  std::unique_ptr<void, FreeDeleter> shared[2];
  size_t sharedSize[2] = {0, 0};
  /// The partial weight gradients of a backward filter's batch chunks but
  /// the first.
  std::unique_ptr<void, FreeDeleter> partials;
  size_t partialsSize = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_KERNELS_KERNELCACHE_H
