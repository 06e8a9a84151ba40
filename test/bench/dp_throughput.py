#!/usr/bin/env python3
"""Benchmark (not a test): data-parallel throughput under mpirun, the time
each step waits for its gradient all-reduce after backward, and a sweep of
the bucket cap, measured in the same run.

  /usr/bin/python3 test/bench/dp_throughput.py --trainc build/bin/trainc \
      --out test/bench/results/dp_throughput.json

The bundled ResNet-20 (or, with --arch, a model models/export_onnx.py
exports, e.g. --arch resnet18 --input 3x64x64) at a fixed per-rank batch,
synthetic data, one thread per rank: N = 1 (a plain process) against N = 2
(mpirun --oversubscribe), for several bucket plans, and for the default
plan with the gradients sent as bf16 and fp16 (--allreduce-dtype). Each run
takes STEPS steps; the first WARMUP are dropped and the medians of the rest
(images/s of the global batch, comm_wait_s from the JSONL log) are
reported. Weak scaling: the ideal N = 2 throughput is twice N = 1's on a
machine with a core per rank.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "models", "resnet20.onnx")
# (label, --bucket-cap-mb, --first-bucket-mb, --allreduce-dtype)
PLANS = [("default 25/1 MiB", 25, 1, "f32"),
         ("default 25/1 MiB, bf16", 25, 1, "bf16"),
         ("default 25/1 MiB, fp16", 25, 1, "fp16"),
         ("4/1 MiB", 4, 1, "f32"),
         ("0.25/0.05 MiB", 0.25, 0.05, "f32"),
         ("0.1/0.02 MiB", 0.1, 0.02, "f32")]
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def run(exe, ranks, steps, log, batch):
    command = [exe, "--data", f"synthetic:{batch * steps * ranks},64", "--steps",
               str(steps), "--threads", "1", "--quiet", "--log", log]
    if ranks > 1:
        command = ["mpirun", "--oversubscribe", "-np", str(ranks)] + command
    subprocess.run(command, check=True, env={**os.environ, **MPI_ENV})
    records = [json.loads(line) for line in open(log)]
    return [r for r in records if "loss" in r]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trainc", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--arch", help="export this architecture instead of "
                   "using the bundled ResNet-20 (needs python3-torch)")
    p.add_argument("--input", default="3x64x64", help="CxHxW, with --arch")
    a = p.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        model, description = MODEL, "resnet20 1x28x28"
        if a.arch:
            model = os.path.join(tmp, "model.onnx")
            subprocess.run([sys.executable,
                            os.path.join(HERE, "..", "..", "models",
                                         "export_onnx.py"),
                            "--arch", a.arch, "--input", a.input,
                            "--dynamic-batch", "-o", model], check=True)
            description = f"{a.arch} {a.input}"
        for label, cap, first, dtype in PLANS:
            exe = os.path.join(tmp, "train")
            subprocess.run([a.trainc, model, "--batch", str(a.batch),
                            "--bucket-cap-mb", str(cap), "--first-bucket-mb",
                            str(first), "--allreduce-dtype", dtype, "-o", exe],
                           check=True)
            row = {"plan": label, "bucket_cap_mb": cap, "first_bucket_mb": first,
                   "allreduce_dtype": dtype, "per_rank_batch": a.batch}
            for ranks in (1, 2):
                steps = run(exe, ranks, a.steps, os.path.join(tmp, "log"),
                            a.batch)
                kept = steps[a.warmup:]
                row[f"n{ranks}_images_per_s"] = statistics.median(
                    s["images_per_s"] for s in kept)
                if ranks > 1:
                    row["n2_comm_wait_ms"] = 1000 * statistics.median(
                        s["comm_wait_s"] for s in kept)
                    row["n2_buckets_started_in_backward"] = kept[-1][
                        "buckets_started_in_backward"]
            row["scaling_n2_over_n1"] = (row["n2_images_per_s"] /
                                         row["n1_images_per_s"])
            results.append(row)
            print(json.dumps(row), flush=True)
    machine = {"cores": os.cpu_count(), "note": "2 ranks on the same machine"}
    with open(a.out, "w") as f:
        json.dump({"machine": machine, "model": description,
                   "steps": a.steps, "warmup": a.warmup, "results": results},
                  f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
