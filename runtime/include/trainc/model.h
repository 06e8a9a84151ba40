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

#define TRAINC_MODEL_ABI_VERSION 2
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
  const char *optimizer;                  /* the compiled update: "sgd" */
  int64_t state_bytes;                    /* optimizer state (layout of params) */
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

/* Hyper-parameters of the "sgd" update, as torch.optim.SGD. Flags are 0 or 1. */
typedef struct trainc_sgd_hyper {
  float lr, momentum, dampening, weight_decay;
  float nesterov, first_step;
  float weight_decay_bn_bias; /* weight decay of BatchNorm parameters and biases */
} trainc_sgd_hyper;

/* The description of the compiled model. */
const trainc_model_desc *trainc_model(void);

/* One training step on a batch: forward, loss, backward, the all-reduce
 * of the loss and the gradients over the ranks, and the parameter update.
 * Writes the mean loss (over the global batch), every gradient (into
 * `grads`: the mean over the global batch), the updated running statistics
 * (in `buffers`), and updates `params` and `state` (the optimizer state,
 * same layout as params) in place. `hyper` points to the optimizer's
 * hyper-parameters (trainc_sgd_hyper for "sgd"). */
void trainc_train_step(void *params, void *grads, void *buffers, void *arena,
                       const float *input, const int32_t *labels, float *loss,
                       void *state, const void *hyper);

/* Inference on a batch (running statistics): writes the logits
 * ([batch, num_classes]). */
void trainc_eval_step(const void *params, const void *buffers, void *arena,
                      const float *input, float *logits);

#ifdef __cplusplus
}
#endif

#endif /* TRAINC_RUNTIME_MODEL_H */
