#!/usr/bin/env python3
"""Benchmark (not a test): bytes moved per second by each compiled optimizer
update on a ResNet-50-sized parameter set, against STREAM's triad measured
in the same process.

  /usr/bin/python3 test/bench/update_bandwidth.py --build build \
      --out test/bench/results/update_bandwidth.json

For each optimizer, torchvision's ResNet-50 (1000 classes, 25.6 M
parameters) is compiled with `trainc --optimizer NAME --emit=obj` and linked
with the step harness, whose `bench-update` mode times trainc_apply_update
(the same generated code as the train step's per-bucket update, without the
all-reduce) and STREAM's triad a = b + s*c on float arrays of the
parameters' size, single-threaded and on every thread; medians of ITERS
runs after two warm-ups. The bytes an update must move per parameter
(each 4-byte read or write of a parameter, gradient or state element that
the algorithm needs, pass by pass) are counted below; bandwidth = bytes /
median time. Results go to JSON; docs/performance.md summarises.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "..", "models")

# Accesses of 4 bytes per parameter element (reads + writes), per pass.
ACCESSES = {
    "sgd": 3,        # w r/w, g r
    "momentum": 5,   # w r/w, g r, buffer r/w
    "nesterov": 5,
    "adagrad": 5,    # w r/w, g r, sum r/w
    "rmsprop": 5,    # w r/w, g r, square average r/w (not centered, no momentum)
    "adam": 7,       # w r/w, g r, m r/w, v r/w
    "adamw": 7,
    "lars": 7,       # norms: w r, g r; update: w r/w, g r, buffer r/w
    "lamb": 10,      # moments and norms: w r, g r, m r/w, v r/w; update: w r/w, m r, v r
    "nlcg": 18,      # gather: w r, g r/w, g_prev r, h r, d r; preconditioner:
                     # G r, g_prev r, d r, h r/w; step: G r, h r, d r/w, w r/w,
                     # g_prev w
}


def run(command, **kw):
    result = subprocess.run(command, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.exit("%s failed:\n%s" % (" ".join(command), result.stderr))
    return result.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", required=True,
                   help="the build directory (bin/trainc, lib/ and "
                        "test/lit.site.cfg.py)")
    p.add_argument("--out", required=True)
    p.add_argument("--iters", type=int, default=9)
    p.add_argument("--optimizers", default=",".join(ACCESSES))
    a = p.parse_args()
    trainc = os.path.join(a.build, "bin", "trainc")
    # What lit's %harness_libs links (test/lit.cfg.py).
    site = {}
    for line in open(os.path.join(a.build, "test", "lit.site.cfg.py")):
        if line.startswith("config.trainc_") and " = " in line:
            key, value = line.split(" = ", 1)
            site[key[len("config."):]] = value.strip().strip('"')
    harness = [os.path.join(site["trainc_lib_dir"], "libtrainc_step_harness.a"),
               os.path.join(site["trainc_lib_dir"], "libtrainc_runtime.a"),
               "-lz", "-lpthread", "-lm", "-fopenmp"] + \
        shlex.split(site.get("trainc_dnnl_link_libs", "-ldnnl")) + \
        shlex.split(site.get("trainc_mpi_link_libs", "")) + \
        shlex.split(site.get("trainc_runtime_link_flags", ""))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "resnet50.onnx")
        run([sys.executable, os.path.join(MODELS, "export_onnx.py"),
             "--arch", "resnet50", "--input", "3x32x32", "--classes", "1000",
             "-o", model])
        for name in a.optimizers.split(","):
            obj = os.path.join(tmp, name + ".o")
            exe = os.path.join(tmp, name)
            run([trainc, model, "--batch", "1", "--optimizer", name,
                 "--emit=obj", "-o", obj])
            run(["c++", obj] + harness + ["-o", exe])
            r = json.loads(run([exe, "bench-update", str(a.iters)]))
            moved = 4.0 * ACCESSES[name] * r["parameters"]
            r["bytes_per_update"] = moved
            r["update_gb_s"] = moved / r["update_s"] / 1e9
            r["ratio_triad_1thread"] = r["update_gb_s"] / r["triad_1thread_gb_s"]
            r["ratio_triad_threads"] = r["update_gb_s"] / r["triad_threads_gb_s"]
            results.append(r)
            print("%-9s %6.2f GB/s  %.2f of 1-thread triad (%.2f GB/s), "
                  "%.2f of %d-thread triad (%.2f GB/s)" % (
                      name, r["update_gb_s"], r["ratio_triad_1thread"],
                      r["triad_1thread_gb_s"], r["ratio_triad_threads"],
                      r["threads"], r["triad_threads_gb_s"]), flush=True)
    with open(a.out, "w") as f:
        json.dump({"model": "resnet50 (torchvision, 1000 classes)",
                   "results": results}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
