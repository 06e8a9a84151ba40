/*===- model.h - the compiled model's entry points and description -*- C -*-===*
 *
 * What the object trainc generates exports to the runtime. Tensors live in
 * byte arenas the runtime allocates: parameters, gradients (same layout as
 * parameters), buffers (BatchNorm running statistics) and one activation
 * arena, reused by both steps. Offsets are in bytes, 64-byte aligned.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TRAINC_RUNTIME_MODEL_H
#define TRAINC_RUNTIME_MODEL_H

#include "abi.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRAINC_MAX_RANK 8

enum trainc_tensor_kind {
  TRAINC_PARAM = 0,  /* trainable parameter; its gradient has the same offset */
  TRAINC_BUFFER = 1, /* non-trainable state (BatchNorm running statistics) */
};

typedef struct trainc_tensor_desc {
  const char *name;      /* the ONNX initializer name */
  int32_t kind;          /* enum trainc_tensor_kind */
  int32_t rank;
  int64_t shape[TRAINC_MAX_RANK];
  int64_t numel;
  int64_t offset;        /* bytes, in the parameter or buffer arena */
  int32_t is_bn_or_bias; /* 1 for BatchNorm scale/shift and biases (no weight decay by default) */
  int32_t init_rule;     /* enum trainc_init_rule (trainc/abi.h) */
  /* How the arenas store it: 0 as ONNX lays it out (row-major); B for a
   * filter [O, I, kH, kW] in channel blocks of B, [O/B, I/B, kH, kW, B (i),
   * B (o)] (oneDNN's OIhw8i8o and OIhw16i16o; train-assign-layouts). Its
   * gradient and optimizer state slots have the same layout. Every file
   * (checkpoints, dumps, --save-onnx) holds the ONNX layout. */
  int32_t layout;
  int32_t reserved;
} trainc_tensor_desc;

/* Where element (o, i, s) of a filter [O, I, S] (S = kH kW positions, in
 * ONNX's order) lies when stored in channel blocks of B (layout B above):
 * its index in [O/B, I/B, S, B (i), B (o)]. The compiler stores the initial
 * values with it, the runtime converts at every file with it. */
static inline int64_t trainc_blocked_filter_index(int64_t o, int64_t i,
                                                  int64_t s, int64_t in,
                                                  int64_t spatial,
                                                  int64_t block) {
  return (((o / block) * (in / block) + i / block) * spatial + s) * block *
             block +
         (i % block) * block + o % block;
}

/* Where --save-onnx splices a tensor's data into the ONNX template. */
typedef struct trainc_onnx_hole {
  int64_t offset; /* bytes into the template */
  int32_t tensor; /* index into trainc_model_desc.tensors */
  int32_t reserved;
} trainc_onnx_hole;

/* A gradient all-reduce bucket: one contiguous range of the parameter,
 * gradient and optimizer-state arenas, in the order backward fills them. */
typedef struct trainc_bucket {
  int64_t offset; /* bytes */
  int64_t bytes;
  int32_t num_params;
  int32_t reserved;
} trainc_bucket;

typedef struct trainc_model_desc {
  int32_t abi_version;   /* TRAINC_MODEL_ABI_VERSION (trainc/abi.h) */
  int32_t num_tensors;
  const trainc_tensor_desc *tensors;
  int64_t param_bytes, buffer_bytes, arena_bytes;
  int64_t batch;                          /* per-process batch */
  int32_t input_rank;
  int64_t input_shape[TRAINC_MAX_RANK];   /* [batch, C, H, W] */
  int64_t num_classes;
  const char *source;                     /* the ONNX file name */
  const char *input_name;                 /* the ONNX graph input name */
  const char *output_name;                /* the ONNX graph output (logits) name */
  const void *initial_params;             /* param_bytes bytes */
  const void *initial_buffers;            /* buffer_bytes bytes */
  const char *optimizer;                  /* the compiled update: "adam", ... */
  int64_t state_bytes;                    /* optimizer state (slots of params' layout) */
  uint64_t plan_hash;                     /* a hash of the compiled plan */
  /* The trained model as inference-form ONNX: the template's bytes with
   * each hole's tensor (float32, little-endian) inserted at its offset, in
   * order. onnx_template is NULL when the model cannot be saved; then
   * onnx_unsupported says why. */
  const uint8_t *onnx_template;
  int64_t onnx_template_bytes;
  int32_t num_onnx_holes;
  const trainc_onnx_hole *onnx_holes;
  const char *onnx_unsupported;
  /* The gradient buckets (trainc --bucket-cap-mb, --first-bucket-mb), in
   * all-reduce order; they tile the parameters' part of the arenas. */
  int32_t num_buckets;
  const trainc_bucket *buckets;
  /* Where each field of trainc_step_args must point: an enum
   * trainc_memory_space per trainc_step_field (the target's choice). */
  int32_t memory_spaces[TRAINC_NUM_STEP_ARGS];
  /* The CUDA target's generated kernels (NULL and 0 on the CPU target): a
   * fatbin with SASS for gpu_arch and the PTX (the driver JITs it for
   * newer GPUs), which the runtime loads once at start-up, and the names
   * of the num_gpu_kernels kernels trainc_rt_launch numbers, in order,
   * each NUL-terminated. */
  const void *gpu_image;
  int64_t gpu_image_bytes;
  int32_t num_gpu_kernels;
  const char *gpu_kernel_names;
  const char *gpu_arch; /* "sm_80", ... */
} trainc_model_desc;

/* The partial sums in each of the two tables of the noise scale (abi.h,
 * TRAINC_NOISE_CHUNK): the parameters' chunks. */
static inline int64_t trainc_noise_partials(const trainc_model_desc *desc) {
  int64_t partials = 0;
  for (int32_t i = 0; i < desc->num_tensors; ++i)
    if (desc->tensors[i].kind == TRAINC_PARAM)
      partials += (desc->tensors[i].numel + TRAINC_NOISE_CHUNK - 1) /
                  TRAINC_NOISE_CHUNK;
  return partials;
}

/* The per-step coefficients of the compiled update. The algorithm is
 * compiled in (trainc --optimizer); the runtime computes these each step
 * from the executable's flags, the learning-rate schedule and the step
 * count, and the generated update reads those its algorithm uses. With
 * d = g + weight_decay * w (weight_decay_bn_bias for BatchNorm parameters
 * and biases), per element:
 *   sgd       w = w - lr d
 *   momentum  b = momentum b + keep d;  w = w - lr b
 *   nesterov  b = momentum b + keep d;  w = w - lr (d + momentum b)
 *   adagrad   s = s + d^2;  w = w - lr d / (sqrt(s) + eps)
 *   rmsprop   s = beta2 s + keep2 d^2;  centered: a = beta2 a + keep2 d,
 *             q = sqrt(s - a^2) + eps, else q = sqrt(s) + eps;
 *             has_momentum: b = momentum b + d / q, w = w - lr b;
 *             else w = w - lr d / q
 *   adam(w)   m = momentum m + keep d;  v = beta2 v + keep2 d^2;
 *             w = decay w - lr m / (sqrt(v) denom_scale + eps)
 *   lars      per layer, tau = trust |w| / (|g| + wd |w| + eps) (1 when a
 *             norm is 0, and for BatchNorm parameters and biases unless
 *             weight_decay_bn_bias != 0); b = momentum b + lr tau d;
 *             w = w - b
 *   lamb      m, v as adam but of g (not d); u = m_scale m /
 *             (sqrt(v) denom_scale + eps) + wd w; per layer r = |w| / |u|
 *             (1 when a norm is 0); w = w - lr r u
 *   nlcg      three passes and the scalar phases of trainc_rt_nlcg_phase
 *             (docs/optimizers.md): lr is eta_t, weight_decay the coupled
 *             L2 term, eps the method's epsilon, trust the per-layer
 *             pre-scaling lambda (0: off)
 * (decay and decay_bn_bias multiply w before the step: decoupled weight
 * decay.) Flags are 0 or 1. */
typedef struct trainc_update_coeffs {
  float lr;
  float weight_decay, weight_decay_bn_bias;
  float decay, decay_bn_bias;
  float momentum, keep;     /* first moment: momentum buffer, Adam's m */
  float beta2, keep2;       /* second moment: RMSProp's and Adam's v */
  float denom_scale, eps;
  float centered, has_momentum;
  float trust;              /* LARS's trust coefficient */
  float m_scale;            /* LAMB: 1 / (1 - beta1^t), or 1 */
  /* Gradient accumulation (all 0 for a whole step): K, the micro-batches
   * of one update (0 or 1: none; the reduced gradient is the sum over
   * ranks and micro-batches times 1 / (world K)); micro, what this call is
   * (enum trainc_micro_step); the sum of the losses of micro-batches
   * 1..K-1 of this process, which the last adds to its own before the loss
   * is all-reduced as the mean over K. */
  float accumulate;
  float micro;
  /* 1: write the gradient noise scale's partial sums into `stats`. */
  float noise;
  float loss_carry;
  /* enum trainc_nonfinite_mode (abi.h). */
  float nonfinite;
} trainc_update_coeffs;

/* The generated update loads field i from byte 4 i (trainc/abi.h). */
#define TRAINC_CHECK_COEFF(field, index)                                      \
  TRAINC_STATIC_ASSERT(offsetof(trainc_update_coeffs, field) == 4 * (index), \
                       "trainc_update_coeffs." #field " is not at " #index)
TRAINC_CHECK_COEFF(lr, TRAINC_COEFF_LR);
TRAINC_CHECK_COEFF(weight_decay, TRAINC_COEFF_WEIGHT_DECAY);
TRAINC_CHECK_COEFF(weight_decay_bn_bias, TRAINC_COEFF_WEIGHT_DECAY_BN_BIAS);
TRAINC_CHECK_COEFF(decay, TRAINC_COEFF_DECAY);
TRAINC_CHECK_COEFF(decay_bn_bias, TRAINC_COEFF_DECAY_BN_BIAS);
TRAINC_CHECK_COEFF(momentum, TRAINC_COEFF_MOMENTUM);
TRAINC_CHECK_COEFF(keep, TRAINC_COEFF_KEEP);
TRAINC_CHECK_COEFF(beta2, TRAINC_COEFF_BETA2);
TRAINC_CHECK_COEFF(keep2, TRAINC_COEFF_KEEP2);
TRAINC_CHECK_COEFF(denom_scale, TRAINC_COEFF_DENOM_SCALE);
TRAINC_CHECK_COEFF(eps, TRAINC_COEFF_EPS);
TRAINC_CHECK_COEFF(centered, TRAINC_COEFF_CENTERED);
TRAINC_CHECK_COEFF(has_momentum, TRAINC_COEFF_HAS_MOMENTUM);
TRAINC_CHECK_COEFF(trust, TRAINC_COEFF_TRUST);
TRAINC_CHECK_COEFF(m_scale, TRAINC_COEFF_M_SCALE);
TRAINC_CHECK_COEFF(accumulate, TRAINC_COEFF_ACCUMULATE);
TRAINC_CHECK_COEFF(micro, TRAINC_COEFF_MICRO);
TRAINC_CHECK_COEFF(noise, TRAINC_COEFF_NOISE);
TRAINC_CHECK_COEFF(loss_carry, TRAINC_COEFF_LOSS_CARRY);
TRAINC_CHECK_COEFF(nonfinite, TRAINC_COEFF_NONFINITE);
TRAINC_STATIC_ASSERT(sizeof(trainc_update_coeffs) ==
                         4 * TRAINC_NUM_UPDATE_COEFFS,
                     "trainc_update_coeffs has TRAINC_NUM_UPDATE_COEFFS floats");
#undef TRAINC_CHECK_COEFF

/* The optimizer state is `state_bytes / param_bytes` slots, each with the
 * parameters' layout, slot k at byte k * param_bytes:
 *   momentum, nesterov, lars: 0 the momentum buffer
 *   adagrad: 0 the sum of squares
 *   rmsprop: 0 the square average, 1 the momentum buffer, 2 the gradient
 *            average (centered)
 *   adam, adamw, lamb: 0 the first moment, 1 the second moment
 *   nlcg: 0 the diagonal preconditioner h, 1 the last applied direction,
 *         2 the last gradient; then 256 bytes of f64 scalars
 *         (runtime/train/Nlcg.h) */

/* The arguments of every entry point of the compiled model, in one struct
 * that carries its own size and the ABI version: an entry point given a
 * struct of another version or a smaller size ends the process with one
 * line (trainc_rt_bad_step_args) instead of reading past it. Each pointer
 * is in the memory space the model description gives its field
 * (trainc_model_desc.memory_spaces); an entry point ignores the fields it
 * does not use. */
typedef struct trainc_step_args {
  uint32_t size;        /* sizeof(trainc_step_args) */
  uint32_t abi_version; /* TRAINC_MODEL_ABI_VERSION */
  void *context;        /* the runtime's context, the first argument of
                           every trainc_rt_ call the model makes (on CUDA it
                           carries the stream) */
  void *params;         /* param_bytes */
  void *grads;          /* param_bytes: the step's gradients */
  void *buffers;        /* buffer_bytes: BatchNorm running statistics */
  void *state;          /* state_bytes: the optimizer state */
  void *arena;          /* arena_bytes: activations and scratch */
  const void *input;    /* the batch, float32 [batch, C, H, W] */
  const void *labels;   /* int32 [batch] */
  void *output;         /* the mean loss (train), the logits (eval) */
  const void *hyper;    /* the step's trainc_update_coeffs */
  void *accum;          /* param_bytes: the gradients of the micro-batches
                           so far (hyper->micro ADD and LAST), or null */
  void *stats;          /* the noise scale's partial sums (hyper->noise),
                           2 trainc_noise_partials(desc) doubles, or null */
} trainc_step_args;

#define TRAINC_CHECK_ARG(field, index)                                        \
  TRAINC_STATIC_ASSERT(offsetof(trainc_step_args, field) == 8 + 8 * (index),  \
                       "trainc_step_args." #field " is not at " #index)
TRAINC_CHECK_ARG(context, TRAINC_ARG_CONTEXT);
TRAINC_CHECK_ARG(params, TRAINC_ARG_PARAMS);
TRAINC_CHECK_ARG(grads, TRAINC_ARG_GRADS);
TRAINC_CHECK_ARG(buffers, TRAINC_ARG_BUFFERS);
TRAINC_CHECK_ARG(state, TRAINC_ARG_STATE);
TRAINC_CHECK_ARG(arena, TRAINC_ARG_ARENA);
TRAINC_CHECK_ARG(input, TRAINC_ARG_INPUT);
TRAINC_CHECK_ARG(labels, TRAINC_ARG_LABELS);
TRAINC_CHECK_ARG(output, TRAINC_ARG_OUTPUT);
TRAINC_CHECK_ARG(hyper, TRAINC_ARG_HYPER);
TRAINC_CHECK_ARG(accum, TRAINC_ARG_ACCUM);
TRAINC_CHECK_ARG(stats, TRAINC_ARG_STATS);
TRAINC_STATIC_ASSERT(sizeof(trainc_step_args) == 8 + 8 * TRAINC_NUM_STEP_ARGS,
                     "trainc_step_args is its header and the pointers");
#undef TRAINC_CHECK_ARG

/* The description of the compiled model. */
const trainc_model_desc *trainc_model(void);

/* One training step on a batch (input, labels): forward, loss, backward,
 * the all-reduce of the loss and the gradients over the ranks, and the
 * parameter update. Writes the mean loss over the global batch (output),
 * every gradient (grads: the mean over the global batch) and the updated
 * running statistics (buffers), and updates params and state (the
 * optimizer state) in place with the coefficients hyper. */
void trainc_train_step(const trainc_step_args *args);

/* The compiled update alone, on given (already reduced) gradients (params,
 * grads, state, hyper, and arena for its scratch: LARS's and LAMB's
 * per-layer scales, NLCG's tables): the same generated code as the train
 * step's per-bucket update, without the all-reduce. */
void trainc_apply_update(const trainc_step_args *args);

/* Inference on a batch with the running statistics (params, buffers,
 * arena, input): writes the logits ([batch, num_classes]) to output. */
void trainc_eval_step(const trainc_step_args *args);

#ifdef __cplusplus
}
#endif

#endif /* TRAINC_RUNTIME_MODEL_H */
