/*===- kernels.h - library kernels the generated code calls -------*- C -*-===*
 *
 * Convolution and GEMM run in oneDNN (CPU target). The generated code calls
 * these functions with row-major, contiguous float32 tensors: activations
 * NCHW, filters OIHW ([M, C/groups, kH, kW]). Every function is synchronous
 * and thread-safe; oneDNN primitives are cached per geometry. Convolutions
 * from concurrent callers run one at a time, each as a fixed number of
 * one-thread pieces spread over the OpenMP threads (--threads), so the
 * results are the same bits for any thread count.
 *
 * A failure (an unsupported geometry, oneDNN out of memory) reports through
 * the runtime's one error path and ends the process with a one-line message.
 *
 * Every function takes the step's context first (trainc_step_args.context:
 * the runtime's state; on CUDA it carries the stream the call is ordered
 * on). The one exception is trainc_rt_bad_step_args, called when the
 * step's arguments cannot be trusted.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TRAINC_RUNTIME_KERNELS_H
#define TRAINC_RUNTIME_KERNELS_H

#include "abi.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The geometry of one train.conv2d, as 21 int64 values. The generated code
 * passes a pointer to a constant global array with exactly this layout.
 * Dilations follow ONNX: 1 is a dense kernel (oneDNN's 0). x_block and
 * y_block are the memory layouts the compiler gave x (and dx) and y (and
 * dy): 0 for NCHW, B for channels in blocks of B ([N, C/B, H, W, B], oneDNN's
 * nChw8c and nChw16c; train-assign-layouts). w_block is the filter's (and
 * its gradient's): 0 for OIHW, B for [M/B, C/B, kH, kW, B, B] (oneDNN's
 * OIhw8i8o and OIhw16i16o; groups 1 only). */
typedef struct trainc_conv2d_geometry {
  int64_t n, c, h, w;        /* input [N, C, H, W] */
  int64_t m, kh, kw;         /* filter [M, C/groups, kH, kW] */
  int64_t oh, ow;            /* output [N, M, OH, OW] */
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left, pad_bottom, pad_right;
  int64_t dilation_h, dilation_w;
  int64_t groups;
  int64_t x_block, y_block;  /* 0 (NCHW), 8 or 16 (nChw8c, nChw16c) */
  int64_t w_block;           /* 0 (OIHW), 8 or 16 (OIhw8i8o, OIhw16i16o) */
} trainc_conv2d_geometry;

/* The generated geometry arrays put field i at index i (trainc/abi.h). */
#define TRAINC_CHECK_CONV(field, index)                                       \
  TRAINC_STATIC_ASSERT(offsetof(trainc_conv2d_geometry, field) == 8 * (index),\
                       "trainc_conv2d_geometry." #field " is not at " #index)
TRAINC_CHECK_CONV(n, TRAINC_CONV_N);
TRAINC_CHECK_CONV(c, TRAINC_CONV_C);
TRAINC_CHECK_CONV(h, TRAINC_CONV_H);
TRAINC_CHECK_CONV(w, TRAINC_CONV_W);
TRAINC_CHECK_CONV(m, TRAINC_CONV_M);
TRAINC_CHECK_CONV(kh, TRAINC_CONV_KH);
TRAINC_CHECK_CONV(kw, TRAINC_CONV_KW);
TRAINC_CHECK_CONV(oh, TRAINC_CONV_OH);
TRAINC_CHECK_CONV(ow, TRAINC_CONV_OW);
TRAINC_CHECK_CONV(stride_h, TRAINC_CONV_STRIDE_H);
TRAINC_CHECK_CONV(stride_w, TRAINC_CONV_STRIDE_W);
TRAINC_CHECK_CONV(pad_top, TRAINC_CONV_PAD_TOP);
TRAINC_CHECK_CONV(pad_left, TRAINC_CONV_PAD_LEFT);
TRAINC_CHECK_CONV(pad_bottom, TRAINC_CONV_PAD_BOTTOM);
TRAINC_CHECK_CONV(pad_right, TRAINC_CONV_PAD_RIGHT);
TRAINC_CHECK_CONV(dilation_h, TRAINC_CONV_DILATION_H);
TRAINC_CHECK_CONV(dilation_w, TRAINC_CONV_DILATION_W);
TRAINC_CHECK_CONV(groups, TRAINC_CONV_GROUPS);
TRAINC_CHECK_CONV(x_block, TRAINC_CONV_X_BLOCK);
TRAINC_CHECK_CONV(y_block, TRAINC_CONV_Y_BLOCK);
TRAINC_CHECK_CONV(w_block, TRAINC_CONV_W_BLOCK);
TRAINC_STATIC_ASSERT(sizeof(trainc_conv2d_geometry) ==
                         8 * TRAINC_CONV_GEOMETRY_SIZE,
                     "trainc_conv2d_geometry has TRAINC_CONV_GEOMETRY_SIZE int64");
#undef TRAINC_CHECK_CONV

/* y = conv(x, w) + b; `b` ([M]) may be null. */
void trainc_rt_conv2d_forward(void *context, const trainc_conv2d_geometry *g,
                              const float *x, const float *w, const float *b,
                              float *y);
/* dx = the gradient of the convolution with respect to x (overwritten). */
void trainc_rt_conv2d_backward_data(void *context,
                                    const trainc_conv2d_geometry *g,
                                    const float *dy, const float *w,
                                    float *dx);
/* dw = the gradient with respect to w, summed over the batch (overwritten). */
void trainc_rt_conv2d_backward_filter(void *context,
                                      const trainc_conv2d_geometry *g,
                                      const float *dy, const float *x,
                                      float *dw);

/* C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is [M, K] (A is
 * [K, M] when trans_a), op(B) is [K, N] (B is [N, K] when trans_b), C is
 * [M, N]. With beta == 0, C is not read. */
void trainc_rt_gemm(void *context, int32_t trans_a, int32_t trans_b, int64_t m,
                    int64_t n, int64_t k, float alpha, const float *a,
                    const float *b, float beta, float *c);

/* --- generated kernels ---
 * A kernel of the CPU target: the iterations [lo, hi) of the outermost
 * dimension of one loop nest, reading what it needs from `captures`. */
typedef void (*trainc_kernel_fn)(void *captures, int64_t lo, int64_t hi);

/* Runs kernel(captures, lo, hi) over [0, iterations), split into one
 * contiguous range per OpenMP thread (the threads oneDNN uses); returns
 * when every range is done. Iterations write disjoint elements, so the
 * result does not depend on the number of threads. */
void trainc_rt_parallel_for(void *context, trainc_kernel_fn kernel,
                            void *captures, int64_t iterations);

/* A kernel of the CUDA target: enqueues kernel number `kernel` of the
 * model's image (trainc_model_desc.gpu_kernel_names) on the context's
 * stream with a grid of grid_x * grid_y * grid_z blocks of block_x *
 * block_y * block_z threads and `shared_bytes` of dynamic shared memory.
 * `params` holds `num_params` 8-byte slots, one per kernel argument (an
 * arena's device address, an index as int64, a 32-bit scalar in the low
 * bytes of its slot); they are copied when the launch is enqueued, so the
 * caller may reuse them at once. Returns without waiting for the kernel. */
void trainc_rt_launch(void *context, int32_t kernel, int64_t grid_x,
                      int64_t grid_y, int64_t grid_z, int64_t block_x,
                      int64_t block_y, int64_t block_z, int32_t shared_bytes,
                      void *params, int32_t num_params);

/* --- collectives (the data-parallel ranks; see docs/data-parallel.md) ---
 * Outside a data-parallel run (one process, the step harness) every one of
 * them is the identity and trainc_rt_world() is 1. */

/* The number of ranks training together. */
int32_t trainc_rt_world(void *context);

/* The types a bucket travels in: enum trainc_wire (trainc/abi.h). */

/* Every gradient of all-reduce bucket `bucket` is final (the compiler places
 * the call inside the train step, right after backward finishes the
 * bucket): starts the in-place sum over ranks of the `count` values of
 * type `wire` at `data` (the bucket's gradients, or their 16-bit copy),
 * ordered on the context's stream; the data plane advances it while the
 * step computes. `data` must stay untouched until the bucket's wait. */
void trainc_rt_allreduce_start(void *context, int32_t bucket, void *data,
                               int64_t count, int32_t wire);

/* Completes bucket `bucket`'s sum: its data holds the sum over ranks,
 * bit-identical on all. */
void trainc_rt_allreduce_wait(void *context, int32_t bucket);

/* Replaces `count` floats by their sum over ranks (the mean if `reduction`
 * is TRAINC_REDUCE_MEAN),
 * added in rank order in double: the same bits on every rank. */
void trainc_rt_allreduce(void *context, float *data, int64_t count,
                         int32_t reduction);

/* Replaces `count` doubles by their sum over ranks, added in rank order:
 * the same bits on every rank (the sums of synchronised BatchNorm). */
void trainc_rt_allreduce_f64(void *context, double *data, int64_t count);

/* --- optimizers ---
 * The scalar phases of NLCG between the generated passes over the buckets
 * (runtime/train/Nlcg.h): `partials` holds `buckets` rows of the phase's
 * partial sums, `loss` the all-reduced loss (or NULL: no line search),
 * `hyper` the step's trainc_update_coeffs, `scalars` NLCG's f64 scalar
 * state; writes the coefficients of the next pass to `derived`. */
void trainc_rt_nlcg_phase(void *context, int32_t phase,
                          const double *partials, int32_t buckets,
                          const float *loss, const void *hyper, void *scalars,
                          float *derived);

/* --- the entry points ---
 * An entry point of the model (model.h) was given a trainc_step_args of
 * `size` bytes and version `abi_version` that it does not accept: ends the
 * process with one line naming both. */
void trainc_rt_bad_step_args(uint32_t size, uint32_t abi_version);

#ifdef __cplusplus
}
#endif

#endif /* TRAINC_RUNTIME_KERNELS_H */
