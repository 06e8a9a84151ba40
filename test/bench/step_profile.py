#!/usr/bin/env python3
"""Benchmark (not a test): where a trainc training step's time goes, by
sampling profile (perf record -e cpu-clock, all threads), in shares of the
samples.

  /usr/bin/python3 test/bench/step_profile.py --trainc build/bin/trainc \\
      --out test/bench/results/step_profile.json [--label after]

Categories: oneDNN (libdnnl), the generated kernels (functions of the
compiled object: `trainc_*_step_kernel*` run on the OpenMP threads, the rest
inline in the step), OpenMP's runtime (libgomp: mostly threads spinning
while they wait for work), the trainc runtime and the rest (libc, kernel,
loader). Case: the CIFAR-style ResNet-20 at batch 128 on 1x28x28, SGD with
momentum, synthetic data, --threads 2 (the cores of the dev machine).
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "models", "resnet20.onnx")


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    return p.stdout


def category(dso, sym):
    if "libdnnl" in dso or dso.startswith("[JIT]"):
        return "oneDNN"
    if "libgomp" in dso:
        return "OpenMP runtime (libgomp)"
    if dso.startswith("train") or dso == "[unknown]" and sym.startswith("trainc_"):
        if "_kernel" in sym:
            return "generated kernels (threaded)"
        if sym.startswith("trainc_train_step") or sym.startswith(
                "trainc_eval_step") or sym.startswith("trainc_apply_update"):
            return "generated code (inline in the step)"
        if sym.startswith("trainc_rt_") or "trainc::" in sym or "::rt::" in sym:
            return "trainc runtime"
        return "trainc runtime"
    if "kernel" in dso or dso.startswith("[k"):
        return "operating system"
    return "other (libc, loader, ...)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainc", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "train")
        run([a.trainc, MODEL, "--batch", "128", "-o", exe])
        data = os.path.join(tmp, "perf.data")
        log = os.path.join(tmp, "run.jsonl")
        run(["perf", "record", "-e", "cpu-clock", "-F", "999", "-o", data,
             "--", exe, "--data", "synthetic:2048,64", "--steps",
             str(a.steps), "--threads", str(a.threads), "--quiet", "--log",
             log])
        with open(log) as f:
            records = [json.loads(l) for l in f if '"loss"' in l]
        # The median step (images_per_s of the batch of 128), warm-up
        # (the first 2 steps) dropped.
        step_s = sorted(128.0 / r["images_per_s"] for r in records[2:])
        wall = step_s[len(step_s) // 2]
        report = run(["perf", "report", "-i", data, "--stdio", "--no-children",
                      "-n", "--sort", "dso,sym", "--field-separator", "\t",
                      "--percent-limit", "0"])
    shares = collections.Counter()
    symbols = collections.Counter()
    dsos = collections.Counter()
    samples = 0
    for line in report.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        percent = float(parts[0].strip().rstrip("%"))
        samples += int(parts[1].strip())
        dso = parts[2].strip()
        sym = parts[3].strip()
        sym = sym.split("] ", 1)[-1]
        shares[category(dso, sym)] += percent
        dsos[dso] += percent
        symbols[f"{dso}: {sym}"] += percent
    # CPU seconds per step in each category (999 samples a second), and
    # the share of the step's wall time the generated code takes when it
    # runs on every thread (or, before, with the other threads spinning).
    per_step = {k: v / 100.0 * samples / 999.0 / a.steps
                for k, v in shares.items()}
    result = {"label": a.label, "model": "resnet20", "batch": 128,
              "threads": a.threads, "steps": a.steps, "samples": samples,
              "median_step_s": wall,
              "cpu_s_per_step": per_step,
              "shares_percent": dict(shares.most_common()),
              "dso_percent": dict(dsos.most_common(12)),
              "top_symbols_percent": dict(symbols.most_common(15))}
    results = []
    if os.path.exists(a.out):
        with open(a.out) as f:
            results = [r for r in json.load(f) if r.get("label") != a.label]
    results.append(result)
    with open(a.out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"median step {wall:.3f} s")
    for k, v in shares.most_common():
        print(f"{v:6.2f}%  {per_step[k]:.3f} CPU s/step  {k}")


if __name__ == "__main__":
    main()
