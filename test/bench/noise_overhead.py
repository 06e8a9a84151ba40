#!/usr/bin/python3
"""What measuring the gradient noise scale costs a step (docs/large-batch.md).

  noise_overhead.py TRAIN_EXECUTABLE OUT.json [--processes 2] [--steps 60]
      [--repeats 4] [--accumulate 1]

Runs the executable under mpirun (or alone with --processes 1) on
Fashion-MNIST, alternating runs with and without --no-noise-scale, one
thread per process, and writes the median images/s of each run (steps
after the first 10) and the ratio of the medians.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser()
    p.add_argument("executable")
    p.add_argument("output")
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--repeats", type=int, default=4)
    p.add_argument("--accumulate", type=int, default=1)
    a = p.parse_args()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    runs = {"measured": [], "not measured": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.repeats):
            for mode in runs:
                log = os.path.join(tmp, "%d.jsonl" % i)
                command = [a.executable, "--data", "fashion-mnist", "--steps",
                           str(a.steps), "--threads", "1", "--lr", "0.1",
                           "--momentum", "0.9", "--quiet", "--log", log,
                           "--accumulate", str(a.accumulate)]
                if mode == "not measured":
                    command.append("--no-noise-scale")
                if a.processes > 1:
                    command = ["mpirun", "--oversubscribe", "-np",
                               str(a.processes)] + command
                subprocess.run(command, check=True, env=env)
                rates = [r["images_per_s"] for r in map(json.loads, open(log))
                         if "loss" in r][10:]
                runs[mode].append(statistics.median(rates))
    result = {
        "executable": os.path.basename(a.executable),
        "processes": a.processes, "accumulate": a.accumulate,
        "steps": a.steps, "images_per_s": runs,
        "median": {m: statistics.median(v) for m, v in runs.items()},
    }
    result["ratio_measured_to_not"] = (result["median"]["measured"] /
                                       result["median"]["not measured"])
    json.dump(result, open(a.output, "w"), indent=1)
    print(json.dumps(result["median"]), "ratio %.3f"
          % result["ratio_measured_to_not"])


if __name__ == "__main__":
    sys.exit(main())
