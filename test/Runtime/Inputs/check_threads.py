"""Checks the OpenMP threads the model's code sees (the mock prints
omp_get_max_threads() on its first step when TRAINC_MOCK_REPORT_THREADS is
set) for --threads and for the default share of the cores.

usage: check_threads.py TRAIN_EXECUTABLE
"""
import os
import re
import subprocess
import sys

executable = sys.argv[1]
cores = sorted(os.sched_getaffinity(0))


def threads(arguments=(), env=None, cpus=None):
    environment = dict(os.environ, TRAINC_MOCK_REPORT_THREADS="1")
    environment.pop("OMPI_COMM_WORLD_LOCAL_SIZE", None)
    environment.update(env or {})
    result = subprocess.run(
        [executable, "--data", "synthetic", "--steps", "1"] + list(arguments),
        env=environment, capture_output=True, text=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    if result.returncode != 0:
        sys.exit("run failed: " + result.stderr)
    seen = re.findall(r"omp_get_max_threads\(\) = (\d+)", result.stderr)
    banner = re.findall(r", (\d+) threads?\n", result.stderr)
    if len(seen) != 1 or banner != seen:
        sys.exit("unexpected output: " + result.stderr)
    return int(seen[0])


cases = [
    ("--threads 3", threads(["--threads", "3"]), 3),
    ("--threads 1", threads(["--threads", "1"]), 1),
    ("default", threads(), len(cores)),
    # The default ignores OMP_NUM_THREADS; --threads is the way to choose.
    ("default with OMP_NUM_THREADS=5",
     threads(env={"OMP_NUM_THREADS": "5"}), len(cores)),
    ("default on one core", threads(cpus={cores[0]}), 1),
    ("default, 2 ranks per node",
     threads(env={"OMPI_COMM_WORLD_LOCAL_SIZE": "2"}), max(1, len(cores) // 2)),
    ("default, 2 ranks per node on one core",
     threads(env={"OMPI_COMM_WORLD_LOCAL_SIZE": "2"}, cpus={cores[0]}), 1),
    ("--threads 3, 2 ranks per node",
     threads(["--threads", "3"], env={"OMPI_COMM_WORLD_LOCAL_SIZE": "2"}), 3),
]
failed = [c for c in cases if c[1] != c[2]]
for name, got, want in failed:
    print("%s: omp_get_max_threads() = %d, expected %d" % (name, got, want))
if failed:
    sys.exit(1)
print("%d thread cases ok" % len(cases))
