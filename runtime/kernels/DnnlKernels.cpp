//===- DnnlKernels.cpp - kernels.h on oneDNN (CPU) ------------------------===//
//
// Convolutions run as oneDNN primitives, cached per
// geometry in the RuntimeContext; GEMM runs as dnnl_sgemm. Every failure goes
// through fatal() with a line naming the kernel and the geometry.
//
// Performance notes:
//  - The callers hold filters and activations in the layouts the geometry
//    names (OIHW or OIhw{8,16}i{8,16}o; NCHW or nChw{8,16}c: the channel
//    blocks the compiler chose, train-assign-layouts). Each primitive is
//    created with `any` and takes the layouts oneDNN prefers (blocked
//    channels: its direct jit kernels,
//    several times faster than the gemm-based ones that read the plain
//    layouts); an operand held in another layout is reordered in, and the
//    result out, per piece, the filter once per call. When the compiler
//    chose what oneDNN prefers, activations need no reorder, and the
//    filter only for backward data (which wants OIhw16o16i).
//    TRAINC_DNNL_PLAIN=1 makes the primitives take the callers' layouts
//    (the benchmarks' baseline, with --channel-block=0).
//  - convolution_direct only; convolution_auto could pick Winograd for 3x3.
//  - Concurrent callers are serialised (see runConvolution). Each call runs
//    as kPieces one-thread primitives spread over the OpenMP threads, so the
//    rounding does not depend on the thread count; each thread has one
//    scratchpad, the size of the largest any piece needs.
//
//===----------------------------------------------------------------------===//

#include "trainc/kernels.h"

#include "kernels/KernelCache.h"
// Built without TRAINC_CONV_PLANNER_ONLY for the runtime; with it, only
// convolutionWorkspace for trainc --report (no runtime context).
#ifndef TRAINC_CONV_PLANNER_ONLY
#include "Context.h"
#include "Error.h"
#endif

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <unordered_map>

using namespace trainc::rt;
using dnnl::memory;

namespace {

const char *kernelName(ConvKind kind) {
  switch (kind) {
  case ConvKind::Forward:
  case ConvKind::ForwardWithBias:
    return "conv2d_forward";
  case ConvKind::BackwardData:
    return "conv2d_backward_data";
  case ConvKind::BackwardFilter:
    return "conv2d_backward_filter";
  }
  return "conv2d";
}

const char *statusName(dnnl_status_t status) {
  switch (status) {
  case dnnl_success:
    return "success";
  case dnnl_out_of_memory:
    return "out of memory";
  case dnnl_invalid_arguments:
    return "invalid arguments";
  case dnnl_unimplemented:
    return "no implementation for this geometry";
  case dnnl_runtime_error:
    return "runtime error";
  default:
    return "error";
  }
}

std::string describe(const trainc_conv2d_geometry &g) {
  auto s = [](int64_t v) { return std::to_string(v); };
  return "x [" + s(g.n) + ", " + s(g.c) + ", " + s(g.h) + ", " + s(g.w) +
         "], w [" + s(g.m) + ", " + s(g.groups > 0 ? g.c / g.groups : 0) +
         ", " + s(g.kh) + ", " + s(g.kw) + "], y [" + s(g.n) + ", " + s(g.m) +
         ", " + s(g.oh) + ", " + s(g.ow) + "], strides " + s(g.stride_h) + "x" +
         s(g.stride_w) + ", pads (top, left, bottom, right) (" + s(g.pad_top) +
         ", " + s(g.pad_left) + ", " + s(g.pad_bottom) + ", " + s(g.pad_right) +
         "), dilations " + s(g.dilation_h) + "x" + s(g.dilation_w) +
         ", groups " + s(g.groups) +
         (g.x_block || g.y_block || g.w_block
              ? ", channel blocks x " + s(g.x_block) + ", y " + s(g.y_block) +
                    ", w " + s(g.w_block)
              : std::string());
}

/// The output extent a convolution produces along one axis, or -1 when the
/// dilated kernel does not fit the padded input.
int64_t outputExtent(int64_t in, int64_t kernel, int64_t stride,
                     int64_t padBefore, int64_t padAfter, int64_t dilation) {
  int64_t span = (kernel - 1) * dilation + 1;
  int64_t padded = in + padBefore + padAfter;
  return padded < span ? -1 : (padded - span) / stride + 1;
}

/// Why `g` is not a convolution we can run, or "" when it is. oneDNN checks
/// most of this too, but its message would not say which value is wrong.
std::string checkGeometry(const trainc_conv2d_geometry &g) {
  const std::pair<const char *, int64_t> positive[] = {
      {"batch", g.n},
      {"input channels", g.c},
      {"input height", g.h},
      {"input width", g.w},
      {"output channels", g.m},
      {"kernel height", g.kh},
      {"kernel width", g.kw},
      {"output height", g.oh},
      {"output width", g.ow},
      {"stride height", g.stride_h},
      {"stride width", g.stride_w},
      {"dilation height", g.dilation_h},
      {"dilation width", g.dilation_w},
      {"groups", g.groups}};
  for (const auto &[name, value] : positive)
    if (value < 1)
      return std::string(name) + " is " + std::to_string(value) +
             " (must be at least 1)";
  const std::pair<const char *, int64_t> pads[] = {{"pad top", g.pad_top},
                                                   {"pad left", g.pad_left},
                                                   {"pad bottom", g.pad_bottom},
                                                   {"pad right", g.pad_right}};
  for (const auto &[name, value] : pads)
    if (value < 0)
      return std::string(name) + " is " + std::to_string(value) +
             " (must not be negative)";
  const std::pair<const char *, std::pair<int64_t, int64_t>> blocks[] = {
      {"x", {g.x_block, g.c}}, {"y", {g.y_block, g.m}}};
  for (const auto &[name, block] : blocks) {
    auto [size, channels] = block;
    if (size != 0 && size != 8 && size != 16)
      return std::string(name) + " channel block is " + std::to_string(size) +
             " (must be 0, 8 or 16)";
    if (size != 0 && channels % size != 0)
      return std::string(name) + " channel block " + std::to_string(size) +
             " does not divide its " + std::to_string(channels) + " channels";
  }
  if (g.w_block != 0) {
    if (g.w_block != 8 && g.w_block != 16)
      return "filter channel block is " + std::to_string(g.w_block) +
             " (must be 0, 8 or 16)";
    if (g.groups != 1 || g.c % g.w_block != 0 || g.m % g.w_block != 0)
      return "filter channel block " + std::to_string(g.w_block) +
             " needs groups 1 and must divide both the " +
             std::to_string(g.m) + " output and the " + std::to_string(g.c) +
             " input channels";
  }
  if (g.c % g.groups != 0 || g.m % g.groups != 0)
    return "groups " + std::to_string(g.groups) +
           " does not divide the input channels " + std::to_string(g.c) +
           " and the output channels " + std::to_string(g.m);
  int64_t oh = outputExtent(g.h, g.kh, g.stride_h, g.pad_top, g.pad_bottom,
                            g.dilation_h);
  int64_t ow = outputExtent(g.w, g.kw, g.stride_w, g.pad_left, g.pad_right,
                            g.dilation_w);
  if (oh != g.oh || ow != g.ow)
    return "output " + std::to_string(g.oh) + "x" + std::to_string(g.ow) +
           " does not follow from the input, kernel, strides, pads and "
           "dilations (expected " +
           std::to_string(oh) + "x" + std::to_string(ow) + ")";
  return "";
}

/// Whether convolutions keep the plain layouts (TRAINC_DNNL_PLAIN=1: oneDNN
/// then picks its gemm-based kernels, which read NCHW/OIHW directly; the
/// benchmarks' baseline) instead of the layouts oneDNN prefers.
bool plainLayouts() {
  static const bool plain = [] {
    const char *value = std::getenv("TRAINC_DNNL_PLAIN");
    return value && std::strcmp(value, "1") == 0;
  }();
  return plain;
}

/// `plain` and the layout the primitive wants for it, with the reorder
/// between them (from plain for an input, to plain for the output).
ConvOperand operand(const dnnl::engine &engine, const memory::desc &plain,
                    const memory::desc &wanted, bool output) {
  ConvOperand result{plain, wanted, {}};
  if (result.reordered())
    result.reorder = output ? dnnl::reorder(dnnl::reorder::primitive_desc(
                                  engine, wanted, engine, plain))
                            : dnnl::reorder(dnnl::reorder::primitive_desc(
                                  engine, plain, engine, wanted));
  return result;
}

ConvPrimitive createConvolution(const dnnl::engine &engine,
                                const trainc_conv2d_geometry &g,
                                ConvKind kind) {
  using Tag = memory::format_tag;
  using Type = memory::data_type;
  ConvPrimitive conv;
  // x and y as the arenas hold them (the compiler's layouts).
  auto activation = [](int64_t block) {
    return block == 16 ? Tag::nChw16c : block == 8 ? Tag::nChw8c : Tag::nchw;
  };
  memory::dims srcDims = {g.n, g.c, g.h, g.w};
  memory::dims dstDims = {g.n, g.m, g.oh, g.ow};
  memory::desc src(srcDims, Type::f32, activation(g.x_block));
  memory::desc dst(dstDims, Type::f32, activation(g.y_block));
  // [G, M/G, C/G, kH, kW] is the same bytes as the ONNX [M, C/G, kH, kW].
  memory::dims weightDims =
      g.groups == 1 ? memory::dims{g.m, g.c, g.kh, g.kw}
                    : memory::dims{g.groups, g.m / g.groups, g.c / g.groups,
                                   g.kh, g.kw};
  // The filter as the parameter arena holds it (the compiler's layout).
  memory::desc weights(weightDims, Type::f32,
                       g.groups != 1        ? Tag::goihw
                       : g.w_block == 16    ? Tag::OIhw16i16o
                       : g.w_block == 8     ? Tag::OIhw8i8o
                                            : Tag::oihw);
  conv.bias = memory::desc({g.m}, Type::f32, Tag::x);
  // The primitive chooses its layouts (`any`): oneDNN's direct kernels on
  // blocked channels are several times faster than its gemm-based ones on
  // the plain layouts, reorders included (docs/performance.md).
  bool plain = plainLayouts();
  memory::desc anySrc = plain ? src : memory::desc(srcDims, Type::f32, Tag::any);
  memory::desc anyDst = plain ? dst : memory::desc(dstDims, Type::f32, Tag::any);
  memory::desc anyWeights =
      plain ? weights : memory::desc(weightDims, Type::f32, Tag::any);
  memory::dims strides = {g.stride_h, g.stride_w};
  memory::dims dilates = {g.dilation_h - 1, g.dilation_w - 1};
  memory::dims padLeft = {g.pad_top, g.pad_left};
  memory::dims padRight = {g.pad_bottom, g.pad_right};
  auto direct = dnnl::algorithm::convolution_direct;
  auto training = dnnl::prop_kind::forward_training;
  // The scratchpad is ours (see KernelCache::scratchpad).
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);

  // The forward primitive descriptor (with the bias for ForwardWithBias)
  // also serves as the hint the backward primitives require. oneDNN 3
  // creates primitive descriptors directly; 2.x through an operation
  // descriptor.
  bool withBias = kind == ConvKind::ForwardWithBias;
#if DNNL_VERSION_MAJOR >= 3
  dnnl::convolution_forward::primitive_desc forward =
      withBias ? dnnl::convolution_forward::primitive_desc(
                     engine, training, direct, anySrc, anyWeights, conv.bias,
                     anyDst, strides, dilates, padLeft, padRight, attr)
               : dnnl::convolution_forward::primitive_desc(
                     engine, training, direct, anySrc, anyWeights, anyDst,
                     strides, dilates, padLeft, padRight, attr);
#else
  dnnl::convolution_forward::primitive_desc forward(
      withBias ? dnnl::convolution_forward::desc(
                     training, direct, anySrc, anyWeights, conv.bias, anyDst,
                     strides, dilates, padLeft, padRight)
               : dnnl::convolution_forward::desc(training, direct, anySrc,
                                                 anyWeights, anyDst, strides,
                                                 dilates, padLeft, padRight),
      attr, engine);
#endif
  switch (kind) {
  case ConvKind::Forward:
  case ConvKind::ForwardWithBias:
    conv.primitive = dnnl::convolution_forward(forward);
    conv.scratchpad = forward.scratchpad_desc();
    conv.in0 = operand(engine, src, forward.src_desc(), false);
    conv.in1 = operand(engine, weights, forward.weights_desc(), false);
    conv.out = operand(engine, dst, forward.dst_desc(), true);
    break;
  case ConvKind::BackwardData: {
#if DNNL_VERSION_MAJOR >= 3
    dnnl::convolution_backward_data::primitive_desc pd(
        engine, direct, anySrc, anyWeights, anyDst, strides, dilates, padLeft,
        padRight, forward, attr);
#else
    dnnl::convolution_backward_data::primitive_desc pd(
        dnnl::convolution_backward_data::desc(direct, anySrc, anyWeights,
                                              anyDst, strides, dilates,
                                              padLeft, padRight),
        attr, engine, forward);
#endif
    conv.primitive = dnnl::convolution_backward_data(pd);
    conv.scratchpad = pd.scratchpad_desc();
    conv.in0 = operand(engine, dst, pd.diff_dst_desc(), false);
    conv.in1 = operand(engine, weights, pd.weights_desc(), false);
    conv.out = operand(engine, src, pd.diff_src_desc(), true);
    break;
  }
  case ConvKind::BackwardFilter: {
#if DNNL_VERSION_MAJOR >= 3
    dnnl::convolution_backward_weights::primitive_desc pd(
        engine, direct, anySrc, anyWeights, anyDst, strides, dilates, padLeft,
        padRight, forward, attr);
#else
    dnnl::convolution_backward_weights::primitive_desc pd(
        dnnl::convolution_backward_weights::desc(direct, anySrc, anyWeights,
                                                 anyDst, strides, dilates,
                                                 padLeft, padRight),
        attr, engine, forward);
#endif
    conv.primitive = dnnl::convolution_backward_weights(pd);
    conv.scratchpad = pd.scratchpad_desc();
    conv.in0 = operand(engine, dst, pd.diff_dst_desc(), false);
    conv.in1 = operand(engine, src, pd.src_desc(), false);
    conv.out = operand(engine, weights, pd.diff_weights_desc(), true);
    break;
  }
  }
  return conv;
}

/// The cached primitive of `kind` for `g`, created on first use.
const ConvPrimitive &primitiveFor(KernelCache &cache,
                                  const trainc_conv2d_geometry &g,
                                  ConvKind kind) {
  ConvKey key;
  static_assert(sizeof(trainc_conv2d_geometry) ==
                TRAINC_CONV_GEOMETRY_SIZE * sizeof(int64_t));
  std::memcpy(key.data(), &g, sizeof(g));
  key[TRAINC_CONV_GEOMETRY_SIZE] = static_cast<int64_t>(kind);
  auto it = cache.convolutions.find(key);
  if (it == cache.convolutions.end()) {
    // Every primitive runs on one thread (the pieces below): oneDNN sizes
    // its kernels for omp_get_max_threads() when it creates them.
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    try {
      it = cache.convolutions
               .emplace(key, createConvolution(cache.engine, g, kind))
               .first;
    } catch (...) {
      omp_set_num_threads(threads);
      throw;
    }
    omp_set_num_threads(threads);
  }
  return it->second;
}

/// `buffer`, grown (page-aligned: oneDNN's kernels assume at least 64-byte
/// alignment) to hold `need` bytes.
void *grow(std::unique_ptr<void, FreeDeleter> &buffer, size_t &size,
           size_t need) {
  if (need > size) {
    size_t rounded = pageBytes(need);
    buffer.reset(std::aligned_alloc(4096, rounded));
    size = buffer ? rounded : 0;
    if (!buffer)
      throw std::bad_alloc();
  }
  return buffer.get();
}

/// How many pieces a kernel is split into: a constant of the runtime, not
/// the thread count, so results come out the same, bit for bit, for any
/// --threads. Each piece runs on one thread with a primitive created for
/// one thread: oneDNN's threaded kernels split their work, reductions
/// included, by the number of threads, so their rounding changes with it.
constexpr int64_t kPieces = 8;

/// Piece p of `extent` units of `unit` items each: items
/// [unit (extent p / pieces), unit (extent (p + 1) / pieces)) (two sizes at
/// most). The unit is a channel block where pieces split blocked channels.
struct Pieces {
  int64_t extent, count, unit = 1;
  int64_t first(int64_t p) const { return unit * (extent * p / count); }
  int64_t size(int64_t p) const { return first(p + 1) - first(p); }
  int64_t smallest() const { return unit * (extent / count); }
  int64_t largest() const { return unit * ((extent + count - 1) / count); }
  /// 0 for a piece of the smallest size, 1 for one of the other.
  int variant(int64_t p) const { return size(p) == smallest() ? 0 : 1; }
};

/// The (at most two) primitives of `kind` for the pieces of `g` along the
/// dimension `pieces` splits (`g.n`, or `g.m` when `byChannel`), and the
/// largest scratchpad they need.
struct PiecePrimitives {
  const ConvPrimitive *bySize[2] = {nullptr, nullptr};
  size_t scratchpad = 0;
  const ConvPrimitive &of(const Pieces &pieces, int64_t p) const {
    return *bySize[pieces.variant(p)];
  }
};
PiecePrimitives piecePrimitives(KernelCache &cache,
                                const trainc_conv2d_geometry &g,
                                const Pieces &pieces, bool byChannel,
                                ConvKind kind) {
  PiecePrimitives result;
  for (int64_t p = 0; p < pieces.count; ++p) {
    trainc_conv2d_geometry part = g;
    (byChannel ? part.m : part.n) = pieces.size(p);
    const ConvPrimitive *&primitive =
        result.bySize[pieces.variant(p)];
    if (!primitive) {
      primitive = &primitiveFor(cache, part, kind);
      result.scratchpad =
          std::max(result.scratchpad, primitive->scratchpad.get_size());
    }
  }
  return result;
}

/// The OpenMP threads that run `pieces`: no more than there are pieces.
int workersFor(const Pieces &pieces) {
  return static_cast<int>(
      std::min<int64_t>(omp_get_max_threads(), pieces.count));
}

/// One buffer of at least `bytes` per worker thread, kept in the cache.
void reserveThreadBuffers(KernelCache &cache, int workers, size_t bytes) {
  bytes = std::max<size_t>(bytes, 1);
  if (cache.threadBuffers.size() < size_t(workers))
    cache.threadBuffers.resize(workers);
  for (auto &buffer : cache.threadBuffers)
    if (!buffer || bytes > cache.threadBufferSize) {
      size_t size = 0;
      grow(buffer, size, std::max(bytes, cache.threadBufferSize));
    }
  cache.threadBufferSize = std::max(bytes, cache.threadBufferSize);
}

/// Runs run(p, buffer) for every piece on the OpenMP threads, `buffer`
/// being the running thread's (reserveThreadBuffers); rethrows the first
/// failure after all pieces ran.
template <typename Run>
void forEachPiece(KernelCache &cache, int64_t pieces, int workers, Run run) {
  std::exception_ptr failure;
#pragma omp parallel for num_threads(workers) schedule(static)
  for (int64_t p = 0; p < pieces; ++p) {
    try {
      run(p, static_cast<char *>(
                 cache.threadBuffers[omp_get_thread_num()].get()));
    } catch (...) {
#pragma omp critical(trainc_piece_failure)
      if (!failure)
        failure = std::current_exception();
    }
  }
  if (failure)
    std::rethrow_exception(failure);
}

/// `bytes` rounded up to 64: the sub-buffers of a thread's buffer.
size_t aligned64(size_t bytes) { return (bytes + 63) / 64 * 64; }

/// Runs `reorder` (one of a ConvOperand's) from `from` to `to`.
void runReorder(KernelCache &cache, const dnnl::primitive &reorder,
                const memory::desc &fromDesc, const void *from,
                const memory::desc &toDesc, void *to) {
  // oneDNN memory objects only wrap our pointers; it never writes inputs.
  memory source(fromDesc, cache.engine, const_cast<void *>(from));
  memory target(toDesc, cache.engine, to);
  dnnl::stream stream(cache.engine);
  reorder.execute(stream, {{DNNL_ARG_FROM, source}, {DNNL_ARG_TO, target}});
  stream.wait();
}

/// The bytes a piece needs for its operands in the primitive's layouts
/// (those not already there; in1 not when it is shared).
size_t operandBytes(const ConvPrimitive &conv, bool sharedIn1) {
  size_t bytes = 0;
  if (conv.in0.reordered())
    bytes += aligned64(conv.in0.wanted.get_size());
  if (conv.in1.reordered() && !sharedIn1)
    bytes += aligned64(conv.in1.wanted.get_size());
  if (conv.out.reordered())
    bytes += aligned64(conv.out.wanted.get_size());
  return bytes;
}

/// Executes `conv` on one thread with its operands by kind (see
/// runConvolution) in the callers' layouts, `scratchpad` as its scratchpad
/// and `operands` (operandBytes) for the operands it wants in another
/// layout: reordered in, the result reordered out (unless
/// `outInWantedLayout`: `out` then takes the primitive's layout).
/// `sharedIn1`, when not null, is in1 already in the primitive's layout.
void execute(KernelCache &cache, ConvKind kind, const ConvPrimitive &conv,
             const float *in0, const float *in1, const void *sharedIn1,
             const float *bias, float *out, void *scratchpad,
             char *operands, bool outInWantedLayout = false) {
  auto place = [&](const ConvOperand &operand, const void *plain) {
    if (!operand.reordered())
      return const_cast<void *>(plain);
    void *at = operands;
    operands += aligned64(operand.wanted.get_size());
    runReorder(cache, operand.reorder, operand.plain, plain, operand.wanted,
               at);
    return at;
  };
  void *a = place(conv.in0, in0);
  void *b = sharedIn1 ? const_cast<void *>(sharedIn1) : place(conv.in1, in1);
  void *y = out;
  bool reorderOut = conv.out.reordered() && !outInWantedLayout;
  if (reorderOut) {
    y = operands;
    operands += aligned64(conv.out.wanted.get_size());
  }
  auto wrap = [&](const memory::desc &desc, void *data) {
    return memory(desc, cache.engine, data);
  };
  std::unordered_map<int, memory> args;
  switch (kind) {
  case ConvKind::ForwardWithBias:
    args.emplace(DNNL_ARG_BIAS, wrap(conv.bias, const_cast<float *>(bias)));
    [[fallthrough]];
  case ConvKind::Forward:
    args.emplace(DNNL_ARG_SRC, wrap(conv.in0.wanted, a));
    args.emplace(DNNL_ARG_WEIGHTS, wrap(conv.in1.wanted, b));
    args.emplace(DNNL_ARG_DST, wrap(conv.out.wanted, y));
    break;
  case ConvKind::BackwardData:
    args.emplace(DNNL_ARG_DIFF_DST, wrap(conv.in0.wanted, a));
    args.emplace(DNNL_ARG_WEIGHTS, wrap(conv.in1.wanted, b));
    args.emplace(DNNL_ARG_DIFF_SRC, wrap(conv.out.wanted, y));
    break;
  case ConvKind::BackwardFilter:
    args.emplace(DNNL_ARG_DIFF_DST, wrap(conv.in0.wanted, a));
    args.emplace(DNNL_ARG_SRC, wrap(conv.in1.wanted, b));
    args.emplace(DNNL_ARG_DIFF_WEIGHTS, wrap(conv.out.wanted, y));
    break;
  }
  if (conv.scratchpad.get_size() > 0)
    args.emplace(DNNL_ARG_SCRATCHPAD,
                 memory(conv.scratchpad, cache.engine, scratchpad));
  dnnl::stream stream(cache.engine);
  conv.primitive.execute(stream, args);
  stream.wait();
  if (reorderOut)
    runReorder(cache, conv.out.reorder, conv.out.wanted, y, conv.out.plain,
               out);
}

/// in1 of every piece, reordered once into the cache's shared buffers (one
/// per piece size; the second reuses the first when both want the same
/// layout), or nulls when the primitives read it as it is.
/// Whether piece size `v` reads in1 from a shared copy of its own: its
/// primitive wants in1 reordered, into another layout than size 0's.
bool ownsSharedIn1(const PiecePrimitives &primitives, int v) {
  const ConvPrimitive *conv = primitives.bySize[v];
  return conv && conv->in1.reordered() &&
         !(v == 1 && primitives.bySize[0] &&
           primitives.bySize[0]->in1.wanted == conv->in1.wanted);
}

std::array<const void *, 2> shareIn1(KernelCache &cache,
                                     const PiecePrimitives &primitives,
                                     const float *in1) {
  std::array<const void *, 2> shared = {nullptr, nullptr};
  for (int v = 0; v < 2; ++v) {
    const ConvPrimitive *conv = primitives.bySize[v];
    if (!ownsSharedIn1(primitives, v)) {
      if (v == 1 && conv && conv->in1.reordered())
        shared[1] = shared[0]; // the same layout as size 0's
      continue;
    }
    void *buffer = grow(cache.shared[v], cache.sharedSize[v],
                        conv->in1.wanted.get_size());
    runReorder(cache, conv->in1.reorder, conv->in1.plain, in1,
               conv->in1.wanted, buffer);
    shared[v] = buffer;
  }
  return shared;
}

/// What shareIn1 allocates for `primitives` (the cache's shared buffers).
void sharedIn1Bytes(const PiecePrimitives &primitives, ConvWorkspace &plan) {
  for (int v = 0; v < 2; ++v)
    if (ownsSharedIn1(primitives, v))
      plan.sharedBytes[v] =
          int64_t(pageBytes(primitives.bySize[v]->in1.wanted.get_size()));
}

/// The largest operandBytes of the (at most two) primitives.
size_t largestOperandBytes(const PiecePrimitives &primitives, bool sharedIn1) {
  size_t bytes = 0;
  for (const ConvPrimitive *conv : primitives.bySize)
    if (conv)
      bytes = std::max(bytes, operandBytes(*conv, sharedIn1));
  return bytes;
}

/// The forward and backward-data convolutions in batch chunks: each output
/// element is computed by one piece, with its whole sum. The weights (in1)
/// are every piece's: reordered once.
void convolutionInPieces(KernelCache &cache, ConvKind kind,
                         const trainc_conv2d_geometry &g, const float *in0,
                         const float *in1, const float *bias, float *out,
                         ConvWorkspace *plan = nullptr) {
  Pieces pieces{g.n, std::min(g.n, kPieces)};
  PiecePrimitives primitives =
      piecePrimitives(cache, g, pieces, /*byChannel=*/false, kind);
  int workers = workersFor(pieces);
  size_t scratchpadBytes = aligned64(primitives.scratchpad);
  size_t threadBytes =
      scratchpadBytes + largestOperandBytes(primitives, /*sharedIn1=*/true);
  if (plan) { // what the call below allocates, not run
    plan->workers = workers;
    plan->threadBytes = int64_t(std::max<size_t>(threadBytes, 1));
    sharedIn1Bytes(primitives, *plan);
    return;
  }
  reserveThreadBuffers(cache, workers, threadBytes);
  std::array<const void *, 2> shared = shareIn1(cache, primitives, in1);
  bool backward = kind == ConvKind::BackwardData;
  int64_t inSample = backward ? g.m * g.oh * g.ow : g.c * g.h * g.w;
  int64_t outSample = backward ? g.c * g.h * g.w : g.m * g.oh * g.ow;
  forEachPiece(cache, pieces.count, workers, [&](int64_t p, char *buffer) {
    int64_t n0 = pieces.first(p);
    int variant = pieces.variant(p);
    execute(cache, kind, primitives.of(pieces, p), in0 + n0 * inSample, in1,
            shared[variant], bias, out + n0 * outSample, buffer,
            buffer + scratchpadBytes);
  });
}

/// sum[i] += rest[c * stride + i] for c = 0, 1, ... chunks - 1 in that
/// order, i < count: each element's additions in chunk order, whatever the
/// threads.
void addChunks(float *sum, const float *rest, int64_t count, int64_t stride,
               int64_t chunks) {
  constexpr int64_t kSpan = 4096;
  int64_t spans = (count + kSpan - 1) / kSpan;
#pragma omp parallel for schedule(static)
  for (int64_t span = 0; span < spans; ++span) {
    int64_t begin = span * kSpan, end = std::min(count, begin + kSpan);
    for (int64_t c = 0; c < chunks; ++c) {
      const float *chunk = rest + c * stride;
      for (int64_t i = begin; i < end; ++i)
        sum[i] += chunk[i];
    }
  }
}

/// dw = the backward filter of the whole batch, in one of two splits,
/// chosen by the geometry alone (whichever moves fewer bytes):
///  - by output channel: piece p computes rows [m0, m1) of dw over the whole
///    batch, from a contiguous copy of those channels of dy; no sum, but
///    each piece unfolds x again (im2col); x is every piece's (reordered
///    once);
///  - by batch chunk: piece p computes the whole dw of its samples (in the
///    primitive's layout), and the pieces are added in piece order; the
///    sum is reordered once.
void backwardFilterInPieces(KernelCache &cache,
                            const trainc_conv2d_geometry &g, const float *dy,
                            const float *x, float *dw,
                            ConvWorkspace *plan = nullptr) {
  int64_t weightsPerOutput = (g.c / g.groups) * g.kh * g.kw;
  int64_t weights = g.m * weightsPerOutput;
  int64_t spatialOut = g.oh * g.ow;
  bool pointwise = g.kh == 1 && g.kw == 1 && g.stride_h == 1 &&
                   g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
                   g.pad_bottom == 0 && g.pad_right == 0;
  // By channel, a piece takes whole channel blocks of dy and of dw (and at
  // least 8 channels): its rows of a blocked dw are then contiguous.
  int64_t block = std::max<int64_t>({g.y_block, g.w_block, 1});
  int64_t unit = std::max<int64_t>(block, 8);
  // Floats moved beyond what one whole-batch call moves.
  int64_t byBatch = std::min(g.n, kPieces);
  int64_t byChannel = std::min(g.m / unit, kPieces);
  int64_t batchCost = 2 * (byBatch - 1) * weights;
  int64_t channelCost =
      2 * g.n * g.m * spatialOut +
      (pointwise ? 0 : (byChannel - 1) * g.c * g.kh * g.kw * g.n * spatialOut);
  bool channels = g.groups == 1 && byChannel >= 2 && channelCost < batchCost;
  // Pieces of channel blocks (channels themselves when dy and dw are plain).
  Pieces pieces =
      channels ? Pieces{g.m / block, byChannel, block} : Pieces{g.n, byBatch};
  PiecePrimitives primitives = piecePrimitives(
      cache, g, pieces, channels, ConvKind::BackwardFilter);
  int workers = workersFor(pieces);
  // Per worker: oneDNN's scratchpad, then (by channel) its dy channels,
  // then its operands in the primitive's layouts.
  size_t scratchpadBytes = aligned64(primitives.scratchpad);
  size_t dySlice =
      channels ? aligned64(size_t(g.n * pieces.largest() * spatialOut) *
                           sizeof(float))
               : 0;
  size_t threadBytes =
      scratchpadBytes + dySlice + largestOperandBytes(primitives, channels);
  // By batch chunk, each chunk's dw stays in the primitive's layout
  // (blocked, when it wants one both piece sizes share): the chunks are
  // added there and the sum reordered once.
  const ConvPrimitive *first = primitives.bySize[0];
  bool blockedSum =
      !channels && first->out.reordered() &&
      (!primitives.bySize[1] ||
       primitives.bySize[1]->out.wanted == first->out.wanted);
  int64_t stride = blockedSum ? int64_t(aligned64(first->out.wanted.get_size()) /
                                        sizeof(float))
                              : weights;
  size_t partialsBytes =
      std::max<int64_t>(1, (pieces.count - (blockedSum ? 0 : 1)) * stride) *
      sizeof(float);
  if (plan) { // what the call below allocates, not run
    plan->workers = workers;
    plan->threadBytes = int64_t(std::max<size_t>(threadBytes, 1));
    if (channels)
      sharedIn1Bytes(primitives, *plan);
    else
      plan->partialsBytes = int64_t(pageBytes(partialsBytes));
    return;
  }
  reserveThreadBuffers(cache, workers, threadBytes);
  std::array<const void *, 2> shared = {nullptr, nullptr};
  if (channels)
    shared = shareIn1(cache, primitives, x);
  auto *partials =
      channels ? nullptr
               : static_cast<float *>(
                     grow(cache.partials, cache.partialsSize, partialsBytes));
  forEachPiece(cache, pieces.count, workers, [&](int64_t p, char *buffer) {
    const ConvPrimitive &conv = primitives.of(pieces, p);
    int variant = pieces.variant(p);
    int64_t at = pieces.first(p);
    char *operands = buffer + scratchpadBytes + dySlice;
    if (channels) {
      // dy's channels [m0, m1) of every sample, made contiguous.
      auto *slice = reinterpret_cast<float *>(buffer + scratchpadBytes);
      int64_t m = pieces.size(p);
      for (int64_t n = 0; n < g.n; ++n)
        std::memcpy(slice + n * m * spatialOut,
                    dy + (n * g.m + at) * spatialOut,
                    sizeof(float) * m * spatialOut);
      execute(cache, ConvKind::BackwardFilter, conv, slice, x, shared[variant],
              nullptr, dw + at * weightsPerOutput, buffer, operands);
      return;
    }
    float *chunk = blockedSum ? partials + p * stride
                   : p == 0   ? dw
                              : partials + (p - 1) * stride;
    execute(cache, ConvKind::BackwardFilter, conv,
            dy + at * g.m * spatialOut, x + at * g.c * g.h * g.w, nullptr,
            nullptr, chunk, buffer, operands, blockedSum);
  });
  if (channels)
    return;
  // The chunks' sum, in chunk order, into the first.
  float *sum = blockedSum ? partials : dw;
  const float *rest = blockedSum ? partials + stride : partials;
  addChunks(sum, rest,
            blockedSum ? int64_t(first->out.wanted.get_size() / sizeof(float))
                       : weights,
            stride, pieces.count - 1);
  if (blockedSum)
    runReorder(cache, first->out.reorder, first->out.wanted, sum,
               first->out.plain, dw);
}

} // namespace

bool trainc::rt::convolutionWorkspace(KernelCache &cache,
                                      const trainc_conv2d_geometry &g,
                                      ConvKind kind, ConvWorkspace &workspace,
                                      std::string &error) {
  if (std::string problem = checkGeometry(g); !problem.empty()) {
    error = problem + " (" + describe(g) + ")";
    return false;
  }
  try {
    if (kind == ConvKind::BackwardFilter)
      backwardFilterInPieces(cache, g, nullptr, nullptr, nullptr, &workspace);
    else
      convolutionInPieces(cache, kind, g, nullptr, nullptr, nullptr, nullptr,
                          &workspace);
  } catch (const dnnl::error &e) {
    error = std::string("oneDNN failed (") + statusName(e.status) + ": " +
            e.what() + ") for " + describe(g);
    return false;
  }
  return true;
}

#ifndef TRAINC_CONV_PLANNER_ONLY
namespace {
/// Runs one convolution kind. The operands by kind:
///   Forward*:       in0 = x,  in1 = w, bias = b, out = y
///   BackwardData:   in0 = dy, in1 = w,           out = dx
///   BackwardFilter: in0 = dy, in1 = x,           out = dw
void runConvolution(RuntimeContext &context, ConvKind kind,
                    const trainc_conv2d_geometry *geometry,
                    const float *in0, const float *in1, const float *bias,
                    float *out) {
  std::string kernel = kernelName(kind);
  if (!geometry)
    fatal(kernel + ": null geometry");
  const trainc_conv2d_geometry &g = *geometry;
  if (std::string problem = checkGeometry(g); !problem.empty())
    fatal(kernel + ": " + problem + " (" + describe(g) + ")");
  if (!in0 || !in1 || !out)
    fatal(kernel + ": null tensor pointer (" + describe(g) + ")");

  // Held while the pieces run, too: they share the cache's per-thread
  // buffers.
  std::lock_guard<std::mutex> lock(context.kernelMutex);
  try {
    if (!context.kernels)
      context.kernels = std::make_unique<KernelCache>();
    KernelCache &cache = *context.kernels;
    if (kind == ConvKind::BackwardFilter)
      backwardFilterInPieces(cache, g, in0, in1, out);
    else
      convolutionInPieces(cache, kind, g, in0, in1, bias, out);
  } catch (const dnnl::error &error) {
    fatal(kernel + ": oneDNN failed (" + statusName(error.status) + ": " +
          error.what() + ") for " + describe(g));
  } catch (const std::bad_alloc &) {
    fatal(kernel + ": out of memory for " + describe(g));
  }
}

} // namespace

extern "C" {

void trainc_rt_conv2d_forward(void *context, const trainc_conv2d_geometry *g,
                              const float *x, const float *w, const float *b,
                              float *y) {
  runConvolution(trainc::rt::contextOf(context),
                 b ? ConvKind::ForwardWithBias : ConvKind::Forward, g, x, w, b,
                 y);
}

void trainc_rt_conv2d_backward_data(void *context,
                                    const trainc_conv2d_geometry *g,
                                    const float *dy, const float *w,
                                    float *dx) {
  runConvolution(trainc::rt::contextOf(context), ConvKind::BackwardData, g,
                 dy, w, nullptr, dx);
}

void trainc_rt_conv2d_backward_filter(void *context,
                                      const trainc_conv2d_geometry *g,
                                      const float *dy, const float *x,
                                      float *dw) {
  runConvolution(trainc::rt::contextOf(context), ConvKind::BackwardFilter, g,
                 dy, x, nullptr, dw);
}

void trainc_rt_gemm(void *context, int32_t trans_a, int32_t trans_b, int64_t m,
                    int64_t n, int64_t k, float alpha, const float *a,
                    const float *b, float beta, float *c) {
  (void)trainc::rt::contextOf(context); // one process-wide oneDNN state
  auto describe = [&] {
    return "M " + std::to_string(m) + ", N " + std::to_string(n) + ", K " +
           std::to_string(k) + ", trans_a " + std::to_string(trans_a) +
           ", trans_b " + std::to_string(trans_b);
  };
  if (m < 0 || n < 0 || k < 0)
    fatal("gemm: negative dimension (" + describe() + ")");
  if (m == 0 || n == 0)
    return;
  if (!c || (k > 0 && (!a || !b)))
    fatal("gemm: null matrix pointer (" + describe() + ")");
  // kernels.h promises C is not read when beta == 0; dnnl_sgemm does not
  // document that, and 0 * NaN from uninitialised memory would be NaN.
  if (beta == 0.0f)
    std::fill(c, c + m * n, 0.0f);
  if (k == 0) {
    for (int64_t i = 0; i < m * n; ++i)
      c[i] *= beta;
    return;
  }
  // dnnl_sgemm is row-major: the leading dimension is the stored row length.
  int64_t lda = trans_a ? m : k;
  int64_t ldb = trans_b ? k : n;
  // Row pieces of C, each a one-thread sgemm with its whole sum (kPieces:
  // the same bits for any thread count).
  Pieces pieces{m, std::min<int64_t>(m, kPieces)};
  int workers = workersFor(pieces);
  dnnl_status_t status = dnnl_success;
#pragma omp parallel for num_threads(workers) schedule(static)
  for (int64_t p = 0; p < pieces.count; ++p) {
    omp_set_num_threads(1); // this thread's calls inside the region
    int64_t m0 = pieces.first(p);
    const float *rows = trans_a ? a + m0 : a + m0 * lda;
    dnnl_status_t piece = dnnl_sgemm(
        trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', pieces.size(p), n, k, alpha,
        rows, lda, b, ldb, beta, c + m0 * n, /*ldc=*/n);
    if (piece != dnnl_success) {
#pragma omp critical(trainc_gemm_failure)
      status = piece;
    }
  }
  if (status != dnnl_success)
    fatal(std::string("gemm: oneDNN sgemm failed (") + statusName(status) +
          ") for " + describe());
}

} // extern "C"
#endif // TRAINC_CONV_PLANNER_ONLY
