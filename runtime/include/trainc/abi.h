/*===- abi.h - the numbering the compiler and the runtime share ----*- C -*-===*
 *
 * Every number the generated code and the runtime must agree on is defined
 * here, once: the compiler includes this header too (it has no hand-copied
 * numbering), and each value that mirrors a struct layout (model.h,
 * kernels.h) is checked there by a static assertion next to the struct.
 * Changing any of them changes TRAINC_MODEL_ABI_VERSION.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TRAINC_RUNTIME_ABI_H
#define TRAINC_RUNTIME_ABI_H

#include <stddef.h>
#include <stdint.h>

/* The version of the interface between a compiled model and the runtime
 * (model.h, kernels.h and this header). The runtime refuses a model with
 * another. 5: step arguments in a struct, a context first in every runtime
 * call, arenas with memory spaces. 6: the GPU kernels' image and names in
 * the description, trainc_rt_launch. 7: the stored layout of each tensor
 * (filters in channel blocks) and of a convolution's filter. 8: gradient
 * accumulation and the gradient noise scale (the accum and stats step
 * arguments, the micro-step coefficients). 9: the non-finite check
 * (trainc_update_coeffs.nonfinite). */
#define TRAINC_MODEL_ABI_VERSION 9

#ifdef __cplusplus
#define TRAINC_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define TRAINC_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* Where an arena lives. The CPU target's arenas are all host memory; the
 * CUDA target's are device memory, except what the host fills each step
 * (the update coefficients), which is host memory on every target. */
enum trainc_memory_space {
  TRAINC_MEMORY_HOST = 0,
  TRAINC_MEMORY_DEVICE = 1,
};

/* How `--init kaiming` initialises a tensor (trainc_tensor_desc.init_rule):
 * its role, as the compiler found it. */
enum trainc_init_rule {
  TRAINC_INIT_OTHER = 0,          /* unknown: keeps its value */
  TRAINC_INIT_CONV_WEIGHT = 1,    /* [M, C/groups, kH, kW] */
  TRAINC_INIT_LINEAR_WEIGHT = 2,  /* [out, in] (Gemm with transB) */
  TRAINC_INIT_LINEAR_WEIGHT_T = 3,/* [in, out] */
  TRAINC_INIT_BN_SCALE = 4,
  TRAINC_INIT_BN_SHIFT = 5,
  TRAINC_INIT_BIAS = 6,           /* of a convolution or linear layer */
  TRAINC_INIT_BN_MEAN = 7,        /* running mean (a buffer) */
  TRAINC_INIT_BN_VAR = 8,         /* running variance (a buffer) */
  TRAINC_NUM_INIT_RULES
};

/* The type a gradient bucket travels in (trainc_rt_allreduce_start). */
enum trainc_wire {
  TRAINC_WIRE_F32 = 0,
  TRAINC_WIRE_F16 = 1,
  TRAINC_WIRE_BF16 = 2,
};

/* What an all-reduce leaves in its data (trainc_rt_allreduce). */
enum trainc_reduction {
  TRAINC_REDUCE_SUM = 0,
  TRAINC_REDUCE_MEAN = 1,
};

/* The pointer fields of trainc_step_args (model.h), by index: field i is
 * at byte 8 + 8 i. The compiler names them by the role of the lowered
 * functions' arguments (train.role). */
enum trainc_step_field {
  TRAINC_ARG_CONTEXT,
  TRAINC_ARG_PARAMS,
  TRAINC_ARG_GRADS,
  TRAINC_ARG_BUFFERS,
  TRAINC_ARG_STATE,
  TRAINC_ARG_ARENA,
  TRAINC_ARG_INPUT,
  TRAINC_ARG_LABELS,
  TRAINC_ARG_OUTPUT,
  TRAINC_ARG_HYPER,
  TRAINC_ARG_ACCUM,
  TRAINC_ARG_STATS,
  TRAINC_NUM_STEP_ARGS
};

/* The f32 fields of trainc_update_coeffs (model.h), by index: the
 * generated update loads field i from byte 4 i of the step's coefficients. */
enum trainc_update_coeff {
  TRAINC_COEFF_LR,
  TRAINC_COEFF_WEIGHT_DECAY,
  TRAINC_COEFF_WEIGHT_DECAY_BN_BIAS,
  TRAINC_COEFF_DECAY,
  TRAINC_COEFF_DECAY_BN_BIAS,
  TRAINC_COEFF_MOMENTUM,
  TRAINC_COEFF_KEEP,
  TRAINC_COEFF_BETA2,
  TRAINC_COEFF_KEEP2,
  TRAINC_COEFF_DENOM_SCALE,
  TRAINC_COEFF_EPS,
  TRAINC_COEFF_CENTERED,
  TRAINC_COEFF_HAS_MOMENTUM,
  TRAINC_COEFF_TRUST,
  TRAINC_COEFF_M_SCALE,
  TRAINC_COEFF_ACCUMULATE,
  TRAINC_COEFF_MICRO,
  TRAINC_COEFF_NOISE,
  TRAINC_COEFF_LOSS_CARRY,
  TRAINC_COEFF_NONFINITE,
  TRAINC_NUM_UPDATE_COEFFS
};

/* What one call of trainc_train_step does with its gradients
 * (trainc_update_coeffs.micro), for gradient accumulation over K
 * micro-batches: the first K - 1 calls run forward and backward only and
 * leave the sum of their gradients in one gradient arena (`accum` of the
 * next call); the last folds that sum into its own gradients before the
 * all-reduce and the update. */
enum trainc_micro_step {
  TRAINC_MICRO_NONE = 0,  /* a whole step: all-reduce, update */
  TRAINC_MICRO_FIRST = 1, /* micro-batch 1 of K: gradients stay in grads */
  TRAINC_MICRO_ADD = 2,   /* micro-batch 2..K-1: accum += grads */
  TRAINC_MICRO_LAST = 3,  /* micro-batch K: grads += accum, then the step */
};

/* The gradient noise scale's partial sums (trainc_update_coeffs.noise,
 * the `stats` step argument): each gradient bucket's parameters, in
 * bucket order and within a bucket in its order, are cut into chunks of
 * TRAINC_NOISE_CHUNK elements, and partial k is the f64 sum of squares of
 * chunk k. `stats` holds two tables of that many doubles: first this
 * process's micro-batch gradient (before the all-reduce), then the
 * finished (reduced, averaged) gradient of the step. */
#define TRAINC_NOISE_CHUNK 8192

/* What a step does about a gradient that may not be finite
 * (trainc_update_coeffs.nonfinite). With CHECK and DEFER the step's
 * finished gradient has its squares in the second table of `stats` (as for
 * the noise scale), whose f64 sums are finite exactly when every gradient
 * element is; NLCG's update passes run only when those and the loss are.
 * DEFER: the other optimizers' updates only finish the gradient (store
 * it back, scaled and widened); the runtime then runs trainc_apply_update
 * if the step is finite, or skips the update. */
enum trainc_nonfinite_mode {
  TRAINC_NONFINITE_OFF = 0,
  TRAINC_NONFINITE_CHECK = 1,
  TRAINC_NONFINITE_DEFER = 2,
};

/* The int64 fields of trainc_conv2d_geometry (kernels.h), by index: the
 * generated code passes a constant array of TRAINC_CONV_GEOMETRY_SIZE. */
enum trainc_conv2d_field {
  TRAINC_CONV_N, TRAINC_CONV_C, TRAINC_CONV_H, TRAINC_CONV_W,
  TRAINC_CONV_M, TRAINC_CONV_KH, TRAINC_CONV_KW,
  TRAINC_CONV_OH, TRAINC_CONV_OW,
  TRAINC_CONV_STRIDE_H, TRAINC_CONV_STRIDE_W,
  TRAINC_CONV_PAD_TOP, TRAINC_CONV_PAD_LEFT,
  TRAINC_CONV_PAD_BOTTOM, TRAINC_CONV_PAD_RIGHT,
  TRAINC_CONV_DILATION_H, TRAINC_CONV_DILATION_W,
  TRAINC_CONV_GROUPS,
  TRAINC_CONV_X_BLOCK, TRAINC_CONV_Y_BLOCK, TRAINC_CONV_W_BLOCK,
  TRAINC_CONV_GEOMETRY_SIZE
};

#endif /* TRAINC_RUNTIME_ABI_H */
