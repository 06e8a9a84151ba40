#!/usr/bin/env python3
"""Checks the gradient noise scale an executable logged at step 1 against
NumPy's (M2) and (M3) (OPTIMIZERS.md 3.2) from its own dumped gradients.

  check_noise_scale.py --log RUN.jsonl --step-grads DIR --small-batch b
      --micro-grads DIR1 DIR2 ... [--tolerance T] [--label TEXT]

RUN.jsonl is the --log of a run whose step 1 took B = b x (the number of
DIRi) samples in micro-batches of b (--accumulate, or processes, or
both); DIR its --dump-grads after step 1 (the step's gradient, G_big), and
DIRi the --dump-grads of the same executable taking micro-batch i alone at
the same parameters (--lr 0 runs with --accumulate 1, one step each). Then

  |G_small|^2 = mean_i sum |g_i|^2, |G_big|^2 = sum |G|^2 (over every
  parameter), (M2) = (B |G_big|^2 - b |G_small|^2) / (B - b),
  (M3) = (|G_small|^2 - |G_big|^2) / (1/b - 1/B),

in float64 from the float32 dumps, must match the logged noise_grad_sq and
noise_trace, and noise_scale (the ratio of bias-corrected EMAs, one step
in) their ratio, each within T relative (default 1e-6: both sides square
and add the same float32 values in float64, in different orders: n = 3e5
terms give a relative error under 1e-10, and (M2)'s cancellation, |G_small|^2
/ |(M2)| at most ~1e3 here, leaves it far below T).
Prints one line; exits 1 on a mismatch.
"""
import argparse
import json
import os
import sys

import numpy as np


def squared_norm(directory):
    total = 0.0
    names = sorted(f for f in os.listdir(directory) if f.endswith(".npy"))
    if not names:
        sys.exit("%s holds no gradients" % directory)
    for name in names:
        g = np.load(os.path.join(directory, name)).astype(np.float64)
        total += float(np.dot(g.ravel(), g.ravel()))
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--log", required=True)
    p.add_argument("--step-grads", required=True)
    p.add_argument("--micro-grads", nargs="+", required=True)
    p.add_argument("--small-batch", type=int, required=True)
    p.add_argument("--tolerance", type=float, default=1e-6)
    p.add_argument("--label", default="noise scale")
    a = p.parse_args()
    records = [json.loads(line) for line in open(a.log)]
    first = next(r for r in records if r.get("step") == 1 and "loss" in r)
    for key in ("noise_grad_sq", "noise_trace", "noise_scale"):
        if key not in first:
            sys.exit("FAIL: step 1 of %s has no %s" % (a.log, key))
    small_b = float(a.small_batch)
    big_b = small_b * len(a.micro_grads)
    if first.get("batch") != int(big_b):
        sys.exit("FAIL: step 1's batch is %s, expected %d"
                 % (first.get("batch"), big_b))
    small = np.mean([squared_norm(d) for d in a.micro_grads])
    big = squared_norm(a.step_grads)
    grad_sq = (big_b * big - small_b * small) / (big_b - small_b)
    trace = (small - big) / (1.0 / small_b - 1.0 / big_b)
    expected = {"noise_grad_sq": grad_sq, "noise_trace": trace,
                "noise_scale": trace / grad_sq if grad_sq > 0 else None}
    worst, failed = 0.0, []
    for key, want in expected.items():
        got = first[key]
        if want is None or got is None:
            if want is not got:
                failed.append("%s: logged %s, expected %s" % (key, got, want))
            continue
        error = abs(got - want) / abs(want)
        worst = max(worst, error)
        if not error <= a.tolerance:
            failed.append("%s: logged %.10g, NumPy %.10g (relative %.2e)"
                          % (key, got, want, error))
    if failed:
        print("FAIL %s: %s" % (a.label, "; ".join(failed)))
        return 1
    print("%s: (M2) and (M3) at step 1 match NumPy's from %d micro-batch "
          "gradients, worst relative error %.1e (B_simple %.4g)"
          % (a.label, len(a.micro_grads), worst,
             expected["noise_scale"] or float("nan")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
