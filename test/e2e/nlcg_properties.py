#!/usr/bin/env python3
"""Property checks of `trainc --optimizer nlcg` (OPTIMIZERS.md 5, I12) on
what an executable logs and dumps, and of optimizer_oracle.py's NLCG
reference itself. Each prints one line and exits 0, or prints what failed
and exits 1.

usage:
  nlcg_properties.py step0 NLCG_EXE SGD_EXE DIR FLAGS...
      One step of NLCG is one step of SGD with learning rate lr (alpha = 1,
      P = 1/(1 + eps) = 1 in float32, d = -g): runs both executables (the
      same model, one compiled with --optimizer nlcg, one with sgd) for one
      step on DIR/X.npy, DIR/Y.npy (one global batch, as the oracle makes
      them) with FLAGS (--lr, --weight-decay, --weight-decay-bn-bias: what
      both take) and compares every parameter: |w_nlcg - w_sgd| <= 1e-6 *
      max(1, |w_sgd|) elementwise, a few float32 roundings.
  nlcg_properties.py log RUN.jsonl FLAGS...
      The per-step records of a run with FLAGS (--log):
      - beta in [0, 1] unless --no-beta-clip (then says whether any beta
        was outside);
      - "restart" true exactly at t = 0 and t a multiple of
        --nlcg-restart-every (with --nlcg-powell: at least there), and
        beta = 0 where it is;
      - "precond" false at t = 0, at multiples of --nlcg-precond-reset and
        always with --nlcg-preconditioner none;
      - "lr_mult" and "undo" follow the line search's table
        (--line-search, --line-search-period, --line-search-threshold)
        recomputed from the logged losses and the previous step's logged
        lr_mult. The line search's loss includes the L2 term, which is not
        logged: needs --weight-decay 0.
  nlcg_properties.py reference
      optimizer_oracle.py's NLCG reference: the fixed point of the diagonal
      BFGS update, the separable quadratic of OPTIMIZERS.md I12, beta in
      [0, 1], step 0 = SGD.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def fail(what, problems):
    print("%s: FAILED\n  %s" % (what, "\n  ".join(problems)))
    sys.exit(1)


def step0(argv):
    nlcg_exe, sgd_exe, d = argv[:3]
    flags = argv[3:]
    data = ["--data", "npy:%s/X.npy,%s/Y.npy" % (d, d)]
    dumps = {}
    for name, exe in (("nlcg", nlcg_exe), ("sgd", sgd_exe)):
        out = os.path.join(d, "step0-" + name)
        result = subprocess.run([exe, "--quiet", "--steps", "1",
                                 "--dump-params", out] + data + flags,
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit("%s failed:\n%s" % (exe, result.stderr))
        dumps[name] = out
    worst, problems, moved = 0.0, [], 0.0
    files = sorted(os.listdir(dumps["sgd"]))
    if sorted(os.listdir(dumps["nlcg"])) != files:
        problems.append("the dumps hold different tensors")
    for f in files:
        if "running_" in f:  # BatchNorm buffers: the same forward pass
            continue
        a = np.load(os.path.join(dumps["nlcg"], f)).astype(np.float64)
        b = np.load(os.path.join(dumps["sgd"], f)).astype(np.float64)
        err = float((np.abs(a - b) / np.maximum(1.0, np.abs(b))).max())
        worst = max(worst, err)
        if not err <= 1e-6:
            problems.append("%s: nlcg and sgd differ by %.3g" % (f, err))
    # That the step moved something (a step of zero would agree trivially).
    result = subprocess.run([sgd_exe, "--quiet", "--forward-only",
                             "--input", d + "/X.npy", "--output",
                             d + "/step0-logits.npy", "--dump-params",
                             d + "/step0-initial"], capture_output=True)
    for f in files:
        if "running_" not in f:
            moved = max(moved, float(np.abs(
                np.load(os.path.join(dumps["sgd"], f)).astype(np.float64) -
                np.load(os.path.join(d, "step0-initial", f))).max()))
    if not moved > 1e-4:
        problems.append("one step of sgd moved no parameter by more than "
                        "%g" % moved)
    if problems:
        fail("nlcg step 0", problems)
    print("nlcg step 0 = sgd: parameters agree to %.1g (max change %.2g)" %
          (worst, moved))


def log_check(argv):
    import optimizer_oracle as oracle
    path = argv[0]
    flags = argparse.ArgumentParser(allow_abbrev=False)
    flags.add_argument("--no-beta-clip", action="store_true")
    flags.add_argument("--weight-decay", type=float, default=0.0)
    flags.add_argument("--nlcg-restart-every", type=int, default=0)
    flags.add_argument("--nlcg-powell", type=float, default=0.0)
    flags.add_argument("--nlcg-preconditioner", default="bfgs")
    flags.add_argument("--nlcg-precond-reset", type=int, default=0)
    flags.add_argument("--line-search", default="step")
    flags.add_argument("--line-search-period", type=int, default=5)
    flags.add_argument("--line-search-threshold", type=float, default=1.0)
    h, _ = flags.parse_known_args(argv[1:])
    if h.weight_decay != 0:
        sys.exit("nlcg_properties.py log: needs --weight-decay 0 (the line "
                 "search's loss has the L2 term, the log not)")
    steps = [r for r in map(json.loads, open(path)) if "loss" in r]
    problems, notes = [], []
    for t, r in enumerate(steps):
        for key, kind in (("lr_mult", float), ("beta", float),
                          ("undo", float), ("restart", bool),
                          ("precond", bool)):
            value = r.get(key)
            ok = isinstance(value, bool) if kind is bool else \
                isinstance(value, (int, float)) and \
                not isinstance(value, bool)
            if not ok:
                problems.append("step %d: %s is %r" % (t, key, value))
    if problems:
        fail("nlcg log %s" % path, problems)

    # beta.
    betas = [r["beta"] for r in steps]
    outside = [t for t, b in enumerate(betas) if not 0 <= b <= 1]
    if h.no_beta_clip:
        notes.append("beta outside [0, 1] at %s" %
                     (" ".join(map(str, outside)) or "no step"))
    elif outside:
        problems.append("beta outside [0, 1] at steps %s: %s" % (
            outside, [betas[t] for t in outside]))
    else:
        notes.append("beta in [0, 1]")

    # Restarts.
    n = h.nlcg_restart_every
    want = [t == 0 or (n > 0 and t % n == 0) for t in range(len(steps))]
    got = [r["restart"] for r in steps]
    if h.nlcg_powell > 0:
        bad = [t for t in range(len(steps)) if want[t] and not got[t]]
    else:
        bad = [t for t in range(len(steps)) if want[t] != got[t]]
    if bad:
        problems.append("restart at %s, expected %s%s" % (
            [t for t in range(len(steps)) if got[t]],
            [t for t in range(len(steps)) if want[t]],
            " (and where Powell's test fires)" if h.nlcg_powell > 0 else ""))
    notes.append("restart at %s" % " ".join(
        str(t) for t in range(len(steps)) if got[t]))
    nonzero = [t for t, r in enumerate(steps) if r["restart"] and
               r["beta"] != 0]
    if nonzero:
        problems.append("beta is not 0 at the restarts %s" % nonzero)

    # The preconditioner.
    m = h.nlcg_precond_reset
    for t, r in enumerate(steps):
        if r["precond"] and (t == 0 or h.nlcg_preconditioner == "none" or
                             (m > 0 and t % m == 0)):
            problems.append("step %d: precond true" % t)

    # The line search, from the logged losses.
    mode, period = h.line_search, h.line_search_period
    scale = 100 / h.line_search_threshold
    # The run's ratio r carries the rounding of a few float32 operations
    # (~1e-7 relative); the losses logged are its float32 values exactly.
    margin = 1e-5 * scale
    ema = ref = 0.0
    alpha, fired, undos, edges = 1.0, [], [], []
    for t, r in enumerate(steps):
        f = r["loss"]
        ema = f if t == 0 else 0.7 * ema + 0.3 * f
        if t == 0:
            ref = f
        choices = [(alpha, 0.0)]
        if mode != "off" and t > 0 and (
                mode == "online" or t % period == 0):
            if mode == "online":
                ratio = f / ema
            else:
                ratio, ref = ema / ref, ema
            x = (ratio - 1) * scale
            fired.append(t)
            choices = [oracle.nlcg_line_search(mode, x, alpha)]
            for edge in oracle.NLCG_EDGES[mode]:
                if abs(x - edge) <= margin:
                    edges.append("step %d: x = %.6g at the edge %g" %
                                 (t, x, edge))
                    choices += [oracle.nlcg_line_search(mode, x + dx, alpha)
                                for dx in (-margin, margin)]
        if not any(abs(r["lr_mult"] - a) <= 1e-5 * a and
                   abs(r["undo"] - u) <= 1e-5 for a, u in choices):
            problems.append(
                "step %d: lr_mult %r, undo %r; the table gives %s" %
                (t, r["lr_mult"], r["undo"], " or ".join(
                    "%.7g, %g" % c for c in choices)))
        if r["undo"] > 0:
            undos.append(t)
        alpha = r["lr_mult"]
    notes.append("line search (%s) fired at %s, undo at %s" % (
        mode, " ".join(map(str, fired)) or "no step",
        " ".join(map(str, undos)) or "no step"))
    if edges:
        notes.append("either band accepted at " + "; ".join(edges))
    if problems:
        fail("nlcg log %s" % path, problems)
    print("nlcg log: %d steps: %s" % (len(steps), "; ".join(notes)))


def reference():
    import types
    import torch
    import optimizer_oracle as oracle
    problems = []

    def hyper(**changes):
        h = types.SimpleNamespace(**oracle.DEFAULTS["nlcg"])
        h.lr, h.no_beta_clip, h.weight_decay_bn_bias = 0.009, False, False
        h.warmup_steps, h.line_search = 0, "off"
        for key, value in changes.items():
            setattr(h, key, value)
        return h

    def quadratic(h, w, steps, fix_h=None):
        D = torch.tensor([100.0, 10.0, 1.0, 0.1], dtype=torch.float64)
        core = oracle.NlcgCore([slice(0, 4)],
                               torch.zeros(4, dtype=torch.float64), h)
        for t in range(steps):
            w = core.step(w, D * w, 0.5 * float((D * w * w).sum()), h.lr)
            if t == 0 and fix_h is not None:
                core.h = fix_h.clone()
        return core, w, D

    # (N4) at h = D and y = D s (a quadratic's exact y): h stays D.
    D = torch.tensor([100.0, 10.0, 1.0, 0.1], dtype=torch.float64)
    core, _, _ = quadratic(hyper(), torch.tensor(
        [0.3, -0.2, 0.5, 1.0], dtype=torch.float64), 2, fix_h=D)
    err = float((core.h - D).abs().max())
    if not (err <= 1e-12 * 100 and core.records[1]["precond"]):
        problems.append("the fixed point h = D moved by %g" % err)
    # FR on 1/2 sum D w^2 from w = 1, lr 0.009, 60 steps, no line search:
    # h -> (104.8, 10.07, 1.04, 0.10) (OPTIMIZERS.md I12, measured with
    # reference/nlcg_ref.py: 104.845, 10.068, 1.038, 0.1; f 0.01089).
    core, w, D = quadratic(hyper(), torch.ones(4, dtype=torch.float64), 60)
    f = 0.5 * float((D * w * w).sum())
    want = (104.845, 10.068, 1.038, 0.1)
    if any(abs(a - b) > 1e-3 * b for a, b in zip(core.h.tolist(), want)) \
            or abs(f - 0.0108916) > 1e-6:
        problems.append("FR on the quadratic: h %s, f %.6g; expected %s, "
                        "0.0108916" % (core.h.tolist(), f, want))
    for rule in ("fr", "pr", "pr+", "hs", "dy"):
        core, _, _ = quadratic(hyper(nlcg_rule=rule),
                               torch.ones(4, dtype=torch.float64), 60)
        betas = [r["beta"] for r in core.records]
        if not all(0 <= b <= 1 for b in betas):
            problems.append("%s: beta outside [0, 1]: %s" % (rule, betas))
    # Step 0 = SGD with lr * alpha = lr (up to P = 1/(1 + eps)), with
    # weight decay on the first tensor only.
    h = hyper(weight_decay=0.1, lr=0.3)
    w = torch.tensor([0.5, -1.0, 2.0, 0.25], dtype=torch.float64)
    g = torch.tensor([0.1, 0.2, -0.3, 0.4], dtype=torch.float64)
    wd = torch.tensor([0.1, 0.1, 0.0, 0.0], dtype=torch.float64)
    core = oracle.NlcgCore([slice(0, 2), slice(2, 4)], wd, h)
    got = core.step(w, g, 1.0, 0.3)
    want = w - 0.3 * (g + wd * w)
    if float((got - want).abs().max()) > 1e-8:
        problems.append("step 0 is not SGD: %s, %s" % (got.tolist(),
                                                       want.tolist()))
    if problems:
        fail("nlcg reference", problems)
    print("nlcg reference: fixed point, quadratic, beta in [0, 1], step 0 = "
          "sgd")


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("step0", "log", "reference"):
        sys.exit(__doc__)
    {"step0": step0, "log": log_check,
     "reference": lambda _: reference()}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
