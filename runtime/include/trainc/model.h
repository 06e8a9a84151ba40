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

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRAINC_MODEL_ABI_VERSION 4
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
  int32_t reserved;
} trainc_tensor_desc;

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
  int32_t abi_version;   /* TRAINC_MODEL_ABI_VERSION */
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
} trainc_model_desc;

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
  float reserved;
} trainc_update_coeffs;

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

/* The description of the compiled model. */
const trainc_model_desc *trainc_model(void);

/* One training step on a batch: forward, loss, backward, the all-reduce
 * of the loss and the gradients over the ranks, and the parameter update.
 * Writes the mean loss (over the global batch), every gradient (into
 * `grads`: the mean over the global batch), the updated running statistics
 * (in `buffers`), and updates `params` and `state` (the optimizer state)
 * in place with the coefficients `hyper` (a trainc_update_coeffs). */
void trainc_train_step(void *params, void *grads, void *buffers, void *arena,
                       const float *input, const int32_t *labels, float *loss,
                       void *state, const void *hyper);

/* The compiled update alone, on given (already reduced) gradients: the
 * same generated code as the train step's per-bucket update, without the
 * all-reduce. `arena` (arena_bytes) holds its scratch (LARS's and LAMB's
 * per-layer scales). */
void trainc_apply_update(void *params, const void *grads, void *state,
                         const void *hyper, void *arena);

/* Inference on a batch (running statistics): writes the logits
 * ([batch, num_classes]). */
void trainc_eval_step(const void *params, const void *buffers, void *arena,
                      const float *input, float *logits);

#ifdef __cplusplus
}
#endif

#endif /* TRAINC_RUNTIME_MODEL_H */
