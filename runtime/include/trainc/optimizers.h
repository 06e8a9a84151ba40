/*===- optimizers.h - the optimizers, shared by compiler and runtime -*- C
 *-*-===*
 *
 * One row per algorithm `trainc --optimizer` accepts. The compiler
 * (passes/Optimizers.h, the lowering) and the runtime (train/Optimizer.cpp,
 * the arena check) both read this table, so a row added here is the whole
 * of the agreement on the state's layout: `state_slots` slots with the
 * parameters' layout, then `scalar_bytes` of f64 scalars (the runtime's).
 * The per-element rules and the coefficients they read are in model.h
 * (trainc_update_coeffs).
 *
 * NLCG's generated passes and its runtime phases (trainc_rt_nlcg_phase,
 * kernels.h) exchange three small tables whose layouts are below.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TRAINC_RUNTIME_OPTIMIZERS_H
#define TRAINC_RUNTIME_OPTIMIZERS_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NLCG's scalar state after its slots: this many f64 (train/Nlcg.h names
 * them). */
#define TRAINC_NLCG_SCALARS 32

typedef struct trainc_optimizer_info {
  const char *name;
  /* Slots of state, each with the parameters' layout. */
  int32_t state_slots;
  /* The update needs dot products over every parameter first: the buckets'
   * updates gather partial sums, and one train.optimizer_step after the
   * last finishes the step (runtime scalars, then a pass per bucket). */
  int32_t global;
  /* Bytes of f64 scalar state after the slots. */
  int32_t scalar_bytes;
} trainc_optimizer_info;

/* The algorithms, as indices into trainc_optimizers (the compiler's
 * train.Algorithm enum has these values; TrainAttrs.cpp checks). */
enum trainc_algorithm {
  TRAINC_OPT_SGD,
  TRAINC_OPT_MOMENTUM,
  TRAINC_OPT_NESTEROV,
  TRAINC_OPT_ADAGRAD,
  TRAINC_OPT_RMSPROP,
  TRAINC_OPT_ADAM,
  TRAINC_OPT_ADAMW,
  TRAINC_OPT_LARS,
  TRAINC_OPT_LAMB,
  TRAINC_OPT_NLCG,
  TRAINC_NUM_ALGORITHMS
};

#define TRAINC_NUM_OPTIMIZERS 10

/* sgd, momentum and nesterov: torch.optim.SGD; adagrad, rmsprop, adam,
 * adamw: torch.optim's; lars and lamb: per-layer trust ratios (OPTIMIZERS.md
 * 4.2, 4.3); nlcg: preconditioned nonlinear conjugate gradient with a line
 * search, its slots h (the diagonal preconditioner), d (the last applied
 * direction) and g_prev, then its scalars. */
static const trainc_optimizer_info trainc_optimizers[TRAINC_NUM_OPTIMIZERS] = {
    {"sgd", 0, 0, 0},      {"momentum", 1, 0, 0},
    {"nesterov", 1, 0, 0}, {"adagrad", 1, 0, 0},
    {"rmsprop", 3, 0, 0},  {"adam", 2, 0, 0},
    {"adamw", 2, 0, 0},    {"lars", 1, 0, 0},
    {"lamb", 2, 0, 0},     {"nlcg", 3, 1, 8 * TRAINC_NLCG_SCALARS},
};

/* The row of algorithm `name`, or NULL. */
static inline const trainc_optimizer_info *
trainc_find_optimizer(const char *name) {
  for (int i = 0; name && i < TRAINC_NUM_OPTIMIZERS; ++i)
    if (strcmp(trainc_optimizers[i].name, name) == 0)
      return &trainc_optimizers[i];
  return NULL;
}

/* NLCG's first pass: partial sums per bucket (f64), a row of
 * TRAINC_NLCG_GATHER_WIDTH per bucket. */
enum trainc_nlcg_gather {
  TRAINC_NLCG_YS,            /* y's */
  TRAINC_NLCG_SHS,           /* s'(h s) */
  TRAINC_NLCG_GG,            /* G'G */
  TRAINC_NLCG_G_GPREV,       /* G'g_prev */
  TRAINC_NLCG_G_PPREV_GPREV, /* G'(P_prev g_prev) */
  TRAINC_NLCG_DY,            /* d'y */
  TRAINC_NLCG_DECAY_W2,      /* sum of wd w^2 (the loss's L2 term, doubled) */
  TRAINC_NLCG_GATHER_WIDTH = 8
};

/* NLCG's second pass: partial sums per bucket (f64). */
enum trainc_nlcg_precond {
  TRAINC_NLCG_RHO,       /* G'PG */
  TRAINC_NLCG_G_PG_PREV, /* G'P g_prev (the HS rule) */
  TRAINC_NLCG_PRECOND_WIDTH = 2
};

/* What the phases give the next pass (f32). */
enum trainc_nlcg_derived {
  TRAINC_NLCG_CS,       /* s = cs d */
  TRAINC_NLCG_RESET_H,  /* h = 1 */
  TRAINC_NLCG_UPDATE_H, /* h by the BFGS update with c1, c2 */
  TRAINC_NLCG_C1,       /* 1 / (s'hs + eps) */
  TRAINC_NLCG_C2,       /* 1 / (y's + eps) */
  TRAINC_NLCG_AZ,       /* d_applied = az z + ad d */
  TRAINC_NLCG_AD,
  TRAINC_NLCG_STEP, /* w += step d_applied */
  TRAINC_NLCG_DERIVED_WIDTH = 8
};

#ifdef __cplusplus
}
#endif

#endif /* TRAINC_RUNTIME_OPTIMIZERS_H */
