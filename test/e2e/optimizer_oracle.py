#!/usr/bin/env python3
"""Checks a trainc training executable's optimizer against a float64
reference that does not use trainc.

usage: optimizer_oracle.py [--mpirun 'CMD PREFIX'] [--samples N]
           [--label TEXT] [--no-resume]
           TRAIN_EXE MODEL.onnx DIR OPTIMIZER STEPS FLAGS...

OPTIMIZER is what TRAIN_EXE was compiled with (trainc --optimizer): sgd,
momentum, nesterov, rmsprop, adagrad, adam, adamw, lars, lamb or nlcg.
FLAGS go to every training run of TRAIN_EXE unchanged, and the reference
reads the optimizer's hyper-parameters from them (with the executable's
defaults).

1. DIR/X.npy, DIR/Y.npy: N samples (default 16) from a fixed numpy seed,
   float32 [N, 1, 8, 8] and int32 labels of 10 classes. N must be exactly
   one global batch (the compiled batch times the processes), which the
   run's start-up line confirms ("1 steps per epoch, 0 dropped"): every
   step then takes the same N samples, in an order that only changes the
   float summation order, so every step of the executable and of the
   reference sees the full-batch gradient of the current parameters.
2. TRAIN_EXE --forward-only --dump-params DIR/initial: the initial
   parameters (and logits, compared with the reference's inference).
3. [CMD PREFIX] TRAIN_EXE --data npy:... --steps STEPS --log --dump-params
   DIR/final FLAGS: the run under test. Under --mpirun its stderr must
   say that the ranks ended with identical parameters and optimizer state.
4. The reference: test/lib/onnx_torch.py runs MODEL.onnx in float64 from
   DIR/initial (BatchNorm on batch statistics, as trainc trains it), the
   loss is the mean cross-entropy over the N samples, and the update is
   torch.optim.SGD / RMSprop / Adagrad / Adam / AdamW with two parameter
   groups (BatchNorm parameters and biases get weight decay only with
   --weight-decay-bn-bias), or LARS and LAMB written below from
   OPTIMIZERS.md 4.2 and 4.3 with trainc's conventions, or NLCG (below,
   from OPTIMIZERS.md 1 and trainc's contract for --optimizer nlcg).
   Compared: the loss of every step (DIR/run.jsonl) and every parameter
   after the last step; for nlcg also each step's logged "lr", "lr_mult",
   "beta", "restart", "undo" and "precond". For nlcg the rate may have a
   linear warm-up (--warmup-steps, --warmup-start-lr; the others take a
   constant rate). NLCG's line search makes the run branch on loss
   thresholds: a difference after the reference took a decision within
   rounding of one (a band edge, Powell's test, the curvature guard) is
   reported as such ("NOT MEANINGFUL").
5. Unless --no-resume: STEPS/2 steps with --checkpoint, then --resume to
   STEPS; its --dump-params (parameters and buffers) must be byte-identical
   to the straight run's.

Prints one line, `OPTIMIZER: STEPS steps match the reference (...)`, and
exits 0; or prints what differs and exits 1. For nlcg a second line lists
what the reference did, which shows what the run exercised: the steps
with a restart, a preconditioner update, a line-search decision, an undo;
the smallest alpha; the range of beta ("FRAGILE" if a decision was within
rounding of its threshold).
"""
import argparse
import json
import math
import os
import re
import shlex
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import onnx_torch  # noqa: E402

torch.set_default_dtype(torch.float64)

# Tolerances. The executable computes in float32, the reference in float64,
# from the same initial float32 values and the same data, for a few steps
# of a small model at a moderate learning rate (no chaotic growth of
# differences; few ReLU inputs, so none lands within float32 rounding of
# zero, which would flip it: see mpi-ghost-bn.test for ResNet-20).
#
# Measured with every configuration of optimizers.test and
# mpi-optimizers.test: trainc (all nine optimizers, 1 and 2 processes),
# and torch in float32 (as a stand-in), against this float64 reference.
#
# Loss: float32 cross-entropy of 16 samples from float32 logits is good to
# a few 1e-7 relative; the parameters it is evaluated at differ from the
# reference's by the error below. Measured up to 9e-8 (torch float32:
# 3e-7); 1e-5 leaves 30x.
LOSS_TOL = 1e-5
# Parameters: the error of each tensor by norm, relative to how far the
# reference moved it over the run (||w - w_ref|| / ||w_ref - w_0||): that is
# the scale of what an optimizer bug changes (a wrong bias correction,
# weight decay on the wrong tensors, eps in the wrong place, a missing
# trust ratio: 1e-2 to 1). Float32 gradients carry ~1e-6 relative
# error (sums over 16 samples and 64 pixels), and storing w in float32
# adds 6e-8 * ||w|| (~1e-5 of a change of 1e-2 relative); adaptive methods
# (g / sqrt(v)) keep relative errors of the gradient as they are, and the
# few steps add them up. Measured up to 1e-5 (torch float32: 1.1e-5,
# both sgd's BatchNorm scale on the CNN); 1e-3 leaves 90x and is
# still 10x below the smallest effect of a hyper-parameter the tests set
# (their values are chosen to move the result by more than 1e-2).
# NLCG (nlcg.test, mpi-nlcg.test; large learning rates so that the line
# search acts): trainc up to 9e-6 (parameters) and 1e-6 (loss), the torch
# float32 stand-in up to 6e-5 and 4e-6.
PARAM_TOL = 1e-3

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam",
              "adamw", "lars", "lamb", "nlcg")

# The executable's defaults (the contract of `trainc --optimizer NAME`).
DEFAULTS = {
    "sgd": dict(momentum=0.0, weight_decay=0.0),
    "momentum": dict(momentum=0.9, weight_decay=0.0),
    "nesterov": dict(momentum=0.9, weight_decay=0.0),
    "rmsprop": dict(momentum=0.0, weight_decay=0.0, eps=1e-8, alpha=0.99),
    "adagrad": dict(weight_decay=0.0, eps=1e-10, lr_decay=0.0),
    "adam": dict(weight_decay=0.0, eps=1e-8, beta1=0.9, beta2=0.999),
    "adamw": dict(weight_decay=0.01, eps=1e-8, beta1=0.9, beta2=0.999),
    "lars": dict(momentum=0.9, weight_decay=1e-4, eps=0.0,
                 trust_coefficient=0.001),
    "lamb": dict(weight_decay=0.0, eps=1e-6, beta1=0.9, beta2=0.999),
    # 0 turns --nlcg-restart-every, --nlcg-powell, --nlcg-precond-reset and
    # --layer-scale off.
    "nlcg": dict(weight_decay=0.0, eps=1e-8, nlcg_rule="fr",
                 nlcg_restart_every=0, nlcg_powell=0.0,
                 nlcg_preconditioner="bfgs", nlcg_precond_reset=0,
                 nlcg_s="step", line_search="step", line_search_period=5,
                 line_search_threshold=1.0, layer_scale=0.0,
                 warmup_start_lr=0.0),
}


def parse_command_line():
    oracle = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1])
    oracle.add_argument("--mpirun", default="")
    oracle.add_argument("--samples", type=int, default=16)
    oracle.add_argument("--label")
    oracle.add_argument("--no-resume", action="store_true")
    oracle.add_argument("exe")
    oracle.add_argument("model")
    oracle.add_argument("dir")
    oracle.add_argument("optimizer", choices=OPTIMIZERS)
    oracle.add_argument("steps", type=int)
    # The oracle's own options come first; FLAGS, all of them, after STEPS.
    argv = sys.argv[1:]
    positional, i = 0, 0
    while i < len(argv) and positional < 5:
        if argv[i] in ("--mpirun", "--samples", "--label"):
            i += 2
            continue
        if not argv[i].startswith("--"):
            positional += 1
        i += 1
    o = oracle.parse_args(argv[:i])
    o.flags = argv[i:]

    hyper = argparse.ArgumentParser(prog=o.optimizer + " FLAGS",
                                    allow_abbrev=False)
    for name in ("lr", "momentum", "dampening", "weight-decay", "beta1",
                 "beta2", "eps", "alpha", "lr-decay", "trust-coefficient"):
        hyper.add_argument("--" + name, type=float)
    for name in ("weight-decay-bn-bias", "centered", "no-bias-correction",
                 "nesterov"):
        hyper.add_argument("--" + name, action="store_true")
    for name in ("lr-schedule", "warmup-steps"):
        hyper.add_argument("--" + name)
    # nlcg (flags of no other optimizer: their executables refuse them).
    hyper.add_argument("--nlcg-rule", choices=("fr", "pr", "pr+", "hs", "dy"))
    hyper.add_argument("--no-beta-clip", action="store_true")
    for name in ("nlcg-restart-every", "nlcg-precond-reset",
                 "line-search-period"):
        hyper.add_argument("--" + name, type=int)
    for name in ("nlcg-powell", "line-search-threshold", "layer-scale",
                 "warmup-start-lr"):
        hyper.add_argument("--" + name, type=float)
    hyper.add_argument("--nlcg-preconditioner")
    hyper.add_argument("--nlcg-s", choices=("step", "code"))
    hyper.add_argument("--line-search",
                       choices=("step", "online", "brief", "off"))
    h, _ = hyper.parse_known_args(o.flags)  # --seed, --threads: not ours
    # A linear warm-up (--warmup-steps, --warmup-start-lr) of the constant
    # rate only for nlcg, whose --nlcg-s is only visible when the rate
    # changes; every other reference has a constant lr.
    warmup = h.warmup_steps is not None and int(h.warmup_steps) != 0
    if h.lr_schedule not in (None, "constant") or \
            (warmup and o.optimizer != "nlcg"):
        sys.exit("optimizer_oracle.py: the reference has a constant lr")
    h.warmup_steps = int(h.warmup_steps or 0)
    defaults = dict(lr=0.1, dampening=0.0)
    defaults.update(DEFAULTS[o.optimizer])
    for key, value in defaults.items():
        if getattr(h, key) is None:
            setattr(h, key, value)
    return o, h


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("%s failed (status %d):\n%s%s" % (
            " ".join(command), result.returncode, result.stdout,
            result.stderr))
    return result


def model_parameters(model):
    """name -> is_bn_or_bias for every trainable initializer, as trainc's
    importer and optimizer see them: inputs 3 and 4 of BatchNormalization
    are buffers, integer initializers constants; BatchNorm scale and shift,
    the bias of Conv and Gemm and every tensor of rank <= 1 are
    "BatchNorm or bias"."""
    inits = {i.name: i for i in model.graph.initializer}
    bn_or_bias = {}
    for node in model.graph.node:
        for index, name in enumerate(node.input):
            if name not in inits or \
                    numpy_helper.to_array(inits[name]).dtype.kind != "f" or \
                    (node.op_type == "BatchNormalization" and
                     index in (3, 4)):
                continue
            bn_or_bias[name] = bn_or_bias.get(name, False) or \
                (node.op_type == "BatchNormalization" and index in (1, 2)) \
                or (node.op_type in ("Conv", "Gemm") and index == 2) \
                or len(inits[name].dims) <= 1
    return bn_or_bias


def dump_name(name):
    return name.replace("/", "_") + ".npy"


def norm(t):
    return t.norm().item()


class Lars:
    """OPTIMIZERS.md 4.2, per parameter tensor l:
    tau = trust ||w|| / (||g|| + wd ||w|| + eps) if ||w|| > 0 and ||g|| > 0
    else 1; v = m v + lr tau (g + wd w); w = w - v. BatchNorm parameters
    and biases: tau = 1 and no weight decay, unless --weight-decay-bn-bias
    (then they are treated as every other tensor). v starts at 0."""

    def __init__(self, params, h):
        self.params, self.h = params, h
        self.v = [torch.zeros_like(p) for p, _ in params]

    @torch.no_grad()
    def step(self):
        h = self.h
        for (p, skip), v in zip(self.params, self.v):
            g = p.grad
            if skip and not h.weight_decay_bn_bias:
                tau, wd = 1.0, 0.0
            else:
                wd = h.weight_decay
                wn, gn = norm(p), norm(g)
                tau = h.trust_coefficient * wn / (gn + wd * wn + h.eps) \
                    if wn > 0 and gn > 0 else 1.0
            v.mul_(h.momentum).add_(h.lr * tau * (g + wd * p))
            p.sub_(v)


class Lamb:
    """OPTIMIZERS.md 4.3, per parameter tensor: m = b1 m + (1 - b1) g;
    v = b2 v + (1 - b2) g^2; mh = m / (1 - b1^t), vh = v / (1 - b2^t)
    (t from 1; mh = m, vh = v with --no-bias-correction);
    u = mh / (sqrt(vh) + eps) + wd w (wd = 0 for BatchNorm parameters and
    biases unless --weight-decay-bn-bias); r = ||w|| / ||u||, 1 if either
    norm is 0, for every tensor; w = w - lr r u."""

    def __init__(self, params, h):
        self.params, self.h, self.t = params, h, 0
        self.m = [torch.zeros_like(p) for p, _ in params]
        self.v = [torch.zeros_like(p) for p, _ in params]

    @torch.no_grad()
    def step(self):
        h = self.h
        self.t += 1
        for (p, skip), m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.mul_(h.beta1).add_((1 - h.beta1) * g)
            v.mul_(h.beta2).add_((1 - h.beta2) * g * g)
            if h.no_bias_correction:
                mh, vh = m, v
            else:
                mh = m / (1 - h.beta1 ** self.t)
                vh = v / (1 - h.beta2 ** self.t)
            wd = 0.0 if skip and not h.weight_decay_bn_bias \
                else h.weight_decay
            u = mh / (vh.sqrt() + h.eps) + wd * p
            wn, un = norm(p), norm(u)
            r = wn / un if wn > 0 and un > 0 else 1.0
            p.sub_(h.lr * r * u)


# The line search of NLCG (trainc's contract; OPTIMIZERS.md 1.3 and A1),
# on x = (r - 1) * 100 / T: the upper end of each band above x = 1, its
# factor of alpha and its undo rho. Below 1: alpha * 1.05 (online: 1.02)
# up to 1; exactly 1: unchanged. The brief rule: below 1 alpha * 1.025 up
# to 1, [1, 2] unchanged, above 2 alpha * 0.975, never an undo.
NLCG_TABLE = ((2.5, 1.0, 0.1), (5.0, 0.975, 0.1), (7.5, 0.95, 0.2),
              (10.0, 0.9, 0.3), (12.5, 0.8, 0.5), (15.0, 0.7, 0.7),
              (math.inf, 0.5, 0.9))
NLCG_EDGES = {"brief": (1.0, 2.0),
              "step": (1.0,) + tuple(b for b, _, _ in NLCG_TABLE[:-1])}
NLCG_EDGES["online"] = NLCG_EDGES["step"]


def nlcg_line_search(mode, x, alpha):
    """The table: (new alpha, undo rho) for x and the old alpha."""
    rho = 0.0
    if mode == "brief":
        if x < 1:
            alpha = min(1.0, alpha * 1.025)
        elif x > 2:
            alpha = alpha * 0.975
    elif x < 1:
        alpha = min(1.0, alpha * (1.02 if mode == "online" else 1.05))
    elif x > 1:
        for upper, factor, undo in NLCG_TABLE:
            if x <= upper:
                alpha, rho = alpha * factor, undo
                break
    return max(alpha, 1e-4), rho


def nlcg_lr(h, t):
    """The rate of step t: --lr, under the linear warm-up of --warmup-steps
    W from --warmup-start-lr S (S + (lr - S)(t + 1)/W for t < W), rounded
    to float32 as the trainer does."""
    lr = h.lr
    if t < h.warmup_steps:
        lr = h.warmup_start_lr + (h.lr - h.warmup_start_lr) * (t + 1) / \
            h.warmup_steps
    return float(np.float32(lr))


class NlcgCore:
    """Stochastic preconditioned NLCG with the online line search, written
    from trainc's contract for --optimizer nlcg (OPTIMIZERS.md 1 with its
    choices settled), on one flat vector w of every parameter. `segments`:
    the slice of each parameter tensor in it; `wd`: each element's
    weight-decay coefficient (0 where the class is exempt). step() takes
    the cross-entropy gradient g and loss at w and the step's rate, and
    returns the new w; `records` gets what the executable logs per step
    ("lr_mult", "beta", "restart", "undo", "precond") and, for the
    comparison, the decisions near a threshold ("near": the float32 run may
    decide the other way) and the error scale of beta."""

    def __init__(self, segments, wd, h):
        self.segments, self.wd, self.hp = segments, wd, h
        n = wd.numel()
        self.h = torch.ones(n, dtype=wd.dtype)
        self.d = torch.zeros(n, dtype=wd.dtype)
        self.g_prev = torch.zeros(n, dtype=wd.dtype)
        self.rho_prev = 0.0
        self.alpha = 1.0
        self.ema = self.ema_ref = 0.0
        self.c_s = 0.0
        self.t = 0
        self.records = []

    def step(self, w, g, ce, eta):
        hp, t, eps = self.hp, self.t, self.hp.eps
        near = []
        # The gradient and the value of the total loss (coupled L2).
        G = g + self.wd * w
        f = ce + 0.5 * float((self.wd * w * w).sum())
        # (N13) per tensor, with LARS's trust-ratio convention.
        if hp.layer_scale > 0:
            G = G.clone()
            for sl in self.segments:
                wn, gn = float(w[sl].norm()), float(G[sl].norm())
                if wn > 0 and gn > 0:
                    G[sl] *= hp.layer_scale * wn / \
                        (gn + 1e-8 + 0.1 * hp.layer_scale * wn)
        # The diagonal BFGS estimate of the Hessian, (N3)/(N4).
        h_before, precond = self.h, False
        if t == 0 or hp.nlcg_preconditioner == "none" or \
                (hp.nlcg_precond_reset > 0 and t % hp.nlcg_precond_reset == 0):
            self.h = torch.ones_like(self.h)
        else:
            y = G - self.g_prev
            c_s = self.c_s if hp.nlcg_s == "step" else eta * self.alpha
            s = c_s * self.d
            ys, sHs = float(y @ s), float(s @ (self.h * s))
            scale = float(y.norm() * s.norm())
            if abs(ys - eps) <= 1e-3 * scale:
                near.append("the curvature guard y's = %.3g, |y||s| = %.3g"
                            % (ys, scale))
            if abs(sHs - eps) <= 1e-3 * max(sHs, eps):
                near.append("the curvature guard s'Hs = %.3g" % sHs)
            if not (ys < eps or sHs < eps):
                hs = self.h * s
                self.h = (self.h - (hs * hs + eps) / (sHs + eps) +
                          (y * y + eps) / (ys + eps)).abs()
                precond = True
        P = 1.0 / (self.h + eps)
        z = -P * G
        rho = float(G @ (P * G))
        # beta, restarts, clip.
        beta, restart, beta_scale = 0.0, True, 0.0
        if t > 0:
            rule, y = hp.nlcg_rule, G - self.g_prev
            if rule in ("fr", "dy"):
                num, num_scale = rho, abs(rho)
            else:
                P_used = 1.0 / (h_before + eps) if rule in ("pr", "pr+") \
                    else P
                q = float(G @ (P_used * self.g_prev))
                num, num_scale = rho - q, abs(rho) + abs(q)
            if rule in ("fr", "pr", "pr+"):
                den, den_scale = self.rho_prev + eps, abs(self.rho_prev)
            else:
                dG, dg = float(self.d @ G), float(self.d @ self.g_prev)
                den, den_scale = dG - dg + eps, abs(dG) + abs(dg)
            beta = num / den
            if rule == "pr+":
                beta = max(beta, 0.0)
            # How far beta moves for relative errors of 1 in the sums it is
            # a ratio of differences of (cancellation magnifies them).
            beta_scale = (num_scale + abs(beta) * den_scale) / abs(den)
            restart = hp.nlcg_restart_every > 0 and \
                t % hp.nlcg_restart_every == 0
            if hp.nlcg_powell > 0 and not restart:
                lhs = abs(float(G @ self.g_prev))
                rhs = hp.nlcg_powell * float(G @ G)
                restart = lhs >= rhs
                if abs(lhs - rhs) <= 1e-3 * rhs:
                    near.append("Powell's test |G'g_prev| = %.6g against "
                                "%.6g" % (lhs, rhs))
            if restart:
                beta, beta_scale = 0.0, 0.0
            if not hp.no_beta_clip:
                beta = min(max(beta, 0.0), 1.0)
        # The line search.
        self.ema = f if t == 0 else 0.7 * self.ema + 0.3 * f
        if t == 0:
            self.ema_ref = f
        alpha_old, undo, x = self.alpha, 0.0, None
        mode = hp.line_search
        if t > 0 and (mode == "online" or (
                mode in ("step", "brief") and
                t % hp.line_search_period == 0)):
            if mode == "online":
                r = f / self.ema
            else:
                r = self.ema / self.ema_ref
                self.ema_ref = self.ema
            x = (r - 1) * 100 / hp.line_search_threshold
            self.alpha, undo = nlcg_line_search(mode, x, self.alpha)
            # The float32 run's r carries relative errors of about its
            # losses' (LOSS_TOL at most, in each of the two it divides).
            margin = 2 * LOSS_TOL * abs(r) * 100 / hp.line_search_threshold
            edge = min(NLCG_EDGES[mode], key=lambda e: abs(x - e))
            if abs(x - edge) <= margin:
                near.append("the line search's x = %.6g, %.2g from the band "
                            "edge %g" % (x, abs(x - edge), edge))
        # The direction, the undo (N12) and the step.
        d_new = z + beta * self.d
        if undo > 0 and eta * self.alpha > eps:
            d_new = (1 - undo) * d_new - undo * (alpha_old / self.alpha) * \
                self.d
        w = w + eta * self.alpha * d_new
        self.d, self.g_prev, self.rho_prev = d_new, G, rho
        self.c_s = eta * self.alpha
        self.t += 1
        self.records.append(dict(lr_mult=self.alpha, beta=beta,
                                 restart=restart, undo=undo, precond=precond,
                                 x=x, near=near, beta_scale=beta_scale,
                                 lr=eta))
        return w


class Nlcg:
    """NlcgCore on the parameter tensors: the BatchNorm parameters and
    biases get weight decay only with --weight-decay-bn-bias."""

    def __init__(self, params, h):
        self.params, self.h = params, h
        segments, wd, offset = [], [], 0
        for p, skip in params:
            segments.append(slice(offset, offset + p.numel()))
            offset += p.numel()
            wd.append(torch.full((p.numel(),), 0.0 if skip and not
                                 h.weight_decay_bn_bias else h.weight_decay,
                                 dtype=p.dtype))
        self.core = NlcgCore(segments, torch.cat(wd), h)

    @torch.no_grad()
    def step(self, loss):
        w = torch.cat([p.reshape(-1) for p, _ in self.params])
        g = torch.cat([p.grad.reshape(-1) for p, _ in self.params])
        w = self.core.step(w, g, loss, nlcg_lr(self.h, self.core.t))
        for (p, _), sl in zip(self.params, self.core.segments):
            p.copy_(w[sl].reshape(p.shape))


def make_optimizer(name, params, h):
    """params: [(tensor, is_bn_or_bias)]."""
    if name == "lars":
        return Lars(params, h)
    if name == "lamb":
        return Lamb(params, h)
    if name == "nlcg":
        return Nlcg(params, h)
    decayed = [p for p, skip in params if not skip]
    others = [p for p, skip in params if skip]
    groups = [g for g in (
        {"params": decayed},
        {"params": others,
         "weight_decay": h.weight_decay if h.weight_decay_bn_bias else 0.0})
        if g["params"]]
    common = dict(lr=h.lr, weight_decay=h.weight_decay, foreach=False)
    if name in ("sgd", "momentum", "nesterov"):
        # sgd takes no --momentum (0 here); --nesterov is read for
        # executables built before --optimizer nesterov existed.
        return torch.optim.SGD(groups, momentum=h.momentum,
                               dampening=h.dampening,
                               nesterov=name == "nesterov" or h.nesterov,
                               **common)
    if name == "rmsprop":
        return torch.optim.RMSprop(groups, alpha=h.alpha, eps=h.eps,
                                   momentum=h.momentum, centered=h.centered,
                                   **common)
    if name == "adagrad":
        return torch.optim.Adagrad(groups, lr_decay=h.lr_decay, eps=h.eps,
                                   initial_accumulator_value=0.0, **common)
    cls = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
    return cls(groups, betas=(h.beta1, h.beta2), eps=h.eps, amsgrad=False,
               **common)


def simulate(model, x, y, params, roles, optimizer_name, h, steps):
    """STEPS full-batch steps of the reference from `params` (name ->
    leaf tensor, updated in place): the losses and the final values."""
    optimizer = make_optimizer(optimizer_name,
                               [(params[n], roles[n]) for n in params], h)
    labels = torch.from_numpy(y.astype(np.int64))
    losses = []
    for _ in range(steps):
        for p in params.values():
            p.grad = None
        loss = F.cross_entropy(
            onnx_torch.run(model, x, training=True, params=params), labels)
        loss.backward()
        if isinstance(optimizer, Nlcg):
            optimizer.step(loss.item())
        else:
            optimizer.step()
        losses.append(loss.item())
    return losses, {name: p.detach() for name, p in params.items()}, \
        getattr(optimizer, "core", None)


# NLCG's logged scalars. "restart" and "precond" are decisions: equal.
# "lr_mult" is a product of the table's factors and "undo" one of its
# values, both exact in float64 and within a few float32 roundings in the
# run: 1e-4 relative (a wrong band changes them by 2.5% at least).
NLCG_REL_TOL = 1e-4
# "beta" is a ratio of global sums, some of them differences of nearly
# equal terms (PR and HS: rho - G'P g_prev; HS and DY: d'G - d'g_prev; the
# preconditioner's y = G - g_prev inside rho), so the run's relative
# errors of ~1e-6 in its gradients (float32 sums) and ~1e-5 in the
# parameters (see PARAM_TOL) come out magnified by the cancellation. The
# reference computes, per step, beta_scale = (|a| + |b| + |beta| (|c| +
# |e|)) / |den| for beta = (a - b) / (c - e): how much beta moves for
# relative errors of 1 in a, b, c, e (FR: 2|beta|). A difference up to
# BETA_TOL times that is accepted. Measured over every configuration of
# nlcg.test and mpi-nlcg.test: trainc up to 2e-6 of beta_scale; this
# reference run in torch float32 (float32 dot products too, a pessimistic
# stand-in) up to 3e-5. 3e-4 leaves 10x over the stand-in and 150x over
# trainc; a wrong rule or a missing term moves beta by O(1) of
# beta_scale. With a restart beta is 0 in both, exactly; clipping to
# [0, 1] only shrinks a difference.
BETA_TOL = 3e-4


def compare_nlcg(label, records, losses, reference, core, problems):
    """Adds to `problems` what differs between the run's log and the
    reference's NLCG records; returns the second output line (what the run
    exercised). When the reference took a decision within rounding of its
    threshold (a band edge of the line search, Powell's test, the curvature
    guard) at or before the first step that differs, says so: float32 and
    float64 may legitimately branch differently there."""
    steps = [r for r in records if "loss" in r]
    want = core.records
    first_bad, beta_err = None, 0.0
    fields = []
    for t, (got, ref) in enumerate(zip(steps, want)):
        bad = []
        if t < len(losses) and \
                not abs(losses[t] - reference[t]) <= LOSS_TOL * \
                abs(reference[t]):
            bad.append("loss %r (reference %.9g)" % (losses[t],
                                                     reference[t]))
        for key in ("restart", "precond"):
            if got.get(key) is not ref[key]:
                bad.append("%s %s (reference %s)" %
                           (key, json.dumps(got.get(key)),
                            json.dumps(ref[key])))
        for key in ("lr_mult", "undo"):
            value = got.get(key)
            if not isinstance(value, (int, float)) or isinstance(
                    value, bool) or not abs(value - ref[key]) <= \
                    NLCG_REL_TOL * abs(ref[key]):
                bad.append("%s %r (reference %.9g)" % (key, value, ref[key]))
        # The rate: the reference's must be the run's (warm-up included).
        value = got.get("lr")
        if not isinstance(value, (int, float)) or \
                not abs(value - ref["lr"]) <= 1e-6 * ref["lr"]:
            bad.append("lr %r (reference %.9g)" % (value, ref["lr"]))
        value = got.get("beta")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            bad.append("beta %r (reference %.9g)" % (value, ref["beta"]))
        else:
            err = abs(value - ref["beta"])
            if ref["beta_scale"] > 0:
                beta_err = max(beta_err, err / ref["beta_scale"])
            if not err <= BETA_TOL * ref["beta_scale"]:
                bad.append("beta %r (reference %.9g, accepted +-%.2g)" %
                           (value, ref["beta"],
                            BETA_TOL * ref["beta_scale"]))
        if bad:
            first_bad = t if first_bad is None else first_bad
            fields.append("step %d: %s" % (t, ", ".join(bad)))
    if len(steps) != len(want):
        first_bad = min(len(steps), len(want)) if first_bad is None \
            else first_bad
    # After the first step that differs, later steps usually all do.
    problems.extend(fields[:3])
    if len(fields) > 3:
        problems.append("... and %d later steps" % (len(fields) - 3))
    if problems:
        last = len(want) - 1 if first_bad is None else first_bad
        near = ["step %d: %s" % (t, n) for t in range(last + 1)
                for n in want[t]["near"]]
        if near:
            problems.insert(0, "NOT MEANINGFUL: the reference decided within "
                            "rounding of a threshold at or before the first "
                            "difference, where the float32 run may "
                            "legitimately decide the other way (choose "
                            "flags that keep clear of it): " +
                            "; ".join(near))

    def steps_where(predicate):
        return " ".join(str(t) for t, r in enumerate(want)
                        if predicate(r)) or "none"
    fragile = steps_where(lambda r: r["near"])
    return ("%s: restart at %s; precond updated at %s; line search at %s; "
            "undo at %s; lr_mult min %.4g; beta min %.4g max %.4g; beta err "
            "%.1g of its scale%s" % (
                label, steps_where(lambda r: r["restart"]),
                steps_where(lambda r: r["precond"]),
                steps_where(lambda r: r["x"] is not None),
                steps_where(lambda r: r["undo"] > 0),
                min(r["lr_mult"] for r in want),
                min(r["beta"] for r in want), max(r["beta"] for r in want),
                beta_err, "" if fragile == "none" else
                "; FRAGILE: within rounding of a threshold at steps " +
                fragile))


def main():
    o, h = parse_command_line()
    d, label = o.dir, o.label or o.optimizer
    os.makedirs(d, exist_ok=True)
    exe = [o.exe]
    launcher = shlex.split(o.mpirun)

    rng = np.random.default_rng(2024)
    x = rng.standard_normal((o.samples, 1, 8, 8)).astype(np.float32)
    y = rng.permutation(np.arange(o.samples) % 10).astype(np.int32)
    np.save(d + "/X.npy", x)
    np.save(d + "/Y.npy", y)
    data = ["--data", "npy:%s/X.npy,%s/Y.npy" % (d, d)]

    run(exe + ["--quiet", "--forward-only", "--input", d + "/X.npy",
               "--output", d + "/logits.npy", "--dump-params",
               d + "/initial"])
    result = run(launcher + exe + data + [
        "--steps", str(o.steps), "--log", d + "/run.jsonl",
        "--dump-params", d + "/final"] + o.flags)
    counts = re.search(r"\((\d+) steps? per epoch, (\d+) dropped\)",
                       result.stderr)
    if not counts or counts.groups() != ("1", "0"):
        sys.exit("%s: %d samples are not exactly one global batch:\n%s" %
                 (label, o.samples, result.stderr))
    # Under mpirun the run checks at its end that every rank holds the
    # same parameters and optimizer state (OPTIMIZERS.md I7).
    if launcher and not re.search(r"parameters and optimizer state "
                                  r"identical on all \d+ ranks",
                                  result.stderr):
        sys.exit("%s: the ranks' parameters and optimizer state are not "
                 "reported identical:\n%s" % (label, result.stderr))
    records = [json.loads(line) for line in open(d + "/run.jsonl")]
    losses = [r["loss"] for r in records if "loss" in r]

    model = onnx.load(o.model)
    roles = model_parameters(model)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    params = {}
    for name, skip in roles.items():
        value = np.load(os.path.join(d, "initial", dump_name(name)))
        if not np.array_equal(value, inits[name]):
            sys.exit("%s: --forward-only dumped %s unlike the model's" %
                     (label, name))
        params[name] = torch.tensor(value, dtype=torch.float64,
                                    requires_grad=True)
    initial = {k: v.detach().clone() for k, v in params.items()}

    # The inference logits, as a check of the reference's model.
    with torch.no_grad():
        logits = onnx_torch.run(model, x, params=params).numpy()
    got = np.load(d + "/logits.npy")
    if np.abs(got - logits).max() > 1e-4 * max(np.abs(logits).max(), 1):
        sys.exit("%s: --forward-only logits differ from the reference's by "
                 "%g" % (label, np.abs(got - logits).max()))

    reference, final, nlcg = simulate(model, x, y, params, roles,
                                      o.optimizer, h, o.steps)
    problems = []
    if len(losses) != o.steps:
        problems.append("the log has %d steps, not %d" %
                        (len(losses), o.steps))
        loss_err = math.inf
    else:
        loss_err = max(abs(a - b) / abs(b) for a, b in zip(losses, reference))
        if not loss_err <= LOSS_TOL:
            problems.append("losses %s, reference %s (relative error %.2g)" %
                            (losses, reference, loss_err))
    param_err = 0.0
    for name, want in final.items():
        got = torch.from_numpy(
            np.load(os.path.join(d, "final", dump_name(name))).astype(
                np.float64))
        moved = norm(want - initial[name])
        err = norm(got - want) / moved if moved > 0 else \
            (0.0 if norm(got - want) == 0 else math.inf)
        param_err = max(param_err, err)
        if not err <= PARAM_TOL:
            problems.append(
                "%s differs from the reference by %.3g of the reference's "
                "change (%.3g; trainc's change %.3g)" %
                (name, err, moved, norm(got - initial[name])))
    summary = ""
    if nlcg is not None:
        summary = compare_nlcg(label, records, losses, reference, nlcg,
                               problems)

    resume = ""
    if not o.no_resume:
        half = o.steps // 2
        if half < 1:
            sys.exit("the resume check needs STEPS >= 2")
        run(launcher + exe + data + [
            "--quiet", "--steps", str(half), "--checkpoint",
            d + "/half.ckpt"] + o.flags)
        run(launcher + exe + data + [
            "--quiet", "--steps", str(o.steps), "--resume", d + "/half.ckpt",
            "--dump-params", d + "/resumed"] + o.flags)
        straight = sorted(os.listdir(d + "/final"))
        resumed = sorted(os.listdir(d + "/resumed"))
        differ = [f for f in straight if f not in resumed or
                  open(os.path.join(d, "final", f), "rb").read() !=
                  open(os.path.join(d, "resumed", f), "rb").read()]
        differ += [f for f in resumed if f not in straight]
        if differ:
            problems.append("resumed after %d steps, %s differ from the "
                            "straight run's" % (half, ", ".join(differ)))
        resume = "; resume bit-identical"

    if problems:
        print("%s: differs from the reference:\n  %s" %
              (label, "\n  ".join(problems)))
        sys.exit(1)
    print("%s: %d steps match the reference (worst param rel err %.1g, "
          "loss rel err %.1g)%s" % (label, o.steps, param_err, loss_err,
                                    resume))
    if summary:
        print(summary)


if __name__ == "__main__":
    main()
