#!/usr/bin/env python3
"""Benchmark (not a test): the step time of two or more trainc executables
of the same model, run alternately so that a noisy machine's drift falls on
all of them alike (docs/performance.md uses it for A/B comparisons).

  ROUNDS=4 BATCH=32 STEPS=12 test/bench/ab_step_time.py EXE_A EXE_B [...]

Each round runs every executable once on synthetic data (`--steps STEPS`,
2 threads), drops its first two steps and prints the median; at the end,
the minimum and median over all rounds per executable. An argument
`VAR=VALUE:EXE` runs EXE with that environment variable set.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile


def main():
    rounds = int(os.environ.get("ROUNDS", "4"))
    batch = int(os.environ.get("BATCH", "32"))
    steps = int(os.environ.get("STEPS", "12"))
    exes = sys.argv[1:]
    if not exes:
        sys.exit(__doc__)
    times = {e: [] for e in exes}
    for r in range(rounds):
        for e in exes:
            env = dict(os.environ)
            exe = e
            if "=" in e.split(":")[0]:
                assignment, exe = e.split(":", 1)
                key, value = assignment.split("=", 1)
                env[key] = value
            with tempfile.NamedTemporaryFile(suffix=".jsonl") as log:
                subprocess.run([exe, "--data", "synthetic:%d,%d" %
                                (batch * steps, batch), "--steps", str(steps),
                                "--lr", "0.01", "--threads", "2", "--quiet",
                                "--log", log.name], check=True, env=env)
                records = [json.loads(line) for line in open(log.name)]
            step = [batch / x["images_per_s"] for x in records
                    if x.get("images_per_s", 0) > 0][2:]
            times[e] += step
            print(r, e, "%.4f" % statistics.median(step), flush=True)
    for e in exes:
        print("%-40s min %.4f median %.4f" %
              (e, min(times[e]), statistics.median(times[e])))


if __name__ == "__main__":
    main()
