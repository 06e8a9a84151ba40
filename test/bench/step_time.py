#!/usr/bin/env python3
"""Benchmark (not a test): training step time and peak resident memory of a
trainc executable against PyTorch eager on the same model, batch, thread
count and optimizer (SGD, momentum 0.9), measured in the same run.

  /usr/bin/python3 test/bench/step_time.py --trainc build/bin/trainc \
      --out test/bench/results/step_time.json [--resnet50] [--torch2]

Cases: the CIFAR-style ResNet-20 at batch 128 on 1x28x28 and torchvision's
ResNet-18 at batch 32 on 3x64x64 (10 classes), and with --resnet50 also
ResNet-50 at batch 16 on 3x64x64. Each side runs STEPS steps on synthetic
data; the first WARMUP steps are dropped and the median of the rest is
reported. trainc runs three ways: as built by default (activations in the
channel blocks oneDNN prefers between convolutions, train-assign-layouts),
built with --channel-block=0 (plain arenas: each convolution reorders its
operands in and out, the previous state), and that executable with
TRAINC_DNNL_PLAIN=1 (no reorders: oneDNN's gemm-based convolutions on
NCHW, the first baseline). trainc's compile time is reported too. The peers: the
PyTorch of /usr/bin/python3 (Debian's 1.13) eager, and with --torch2
PyTorch 2 from PyPI in a virtual environment made under build/bench-venv
(about 5 GB), eager and torch.compile. Peak RSS is the process's maximum
resident set size (wait4's ru_maxrss). Results go to JSON; docs/performance.md summarises.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "..", "models")
CASES = [("resnet20", "1x28x28", 128), ("resnet18", "3x64x64", 32)]

TORCH_SCRIPT = r'''
import json, sys, time, warnings
import torch
warnings.filterwarnings("ignore")
sys.path.insert(0, sys.argv[1])
from export_onnx import build
arch, shape, batch, steps, threads = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
compiled = len(sys.argv) > 7 and sys.argv[7] == "compile"
torch.manual_seed(0); torch.set_num_threads(threads)
c, h, w = (int(v) for v in shape.split("x"))
model = build(arch, c, 10); model.train()
if compiled:
    model = torch.compile(model)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(batch, c, h, w); y = torch.randint(0, 10, (batch,))
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    opt.zero_grad(); loss.backward(); opt.step()
    times.append(time.perf_counter() - t0)
print(json.dumps(times))
'''


def run_output(cmd):
    """Runs cmd; returns its standard output."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("benchmark command failed: %s\n%s" % (" ".join(cmd),
                                                       p.stderr))
    return p.stdout


def peak_rss(cmd, env=None):
    """Runs cmd with its output discarded; returns its peak RSS in MiB."""
    pid = os.fork()
    if pid == 0:
        if env:
            os.environ.update(env)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit("benchmark command failed: %s" % " ".join(cmd))
    return usage.ru_maxrss / 1024.0


def torch_version(python):
    return run_output([python, "-c",
                       "import torch; print(torch.__version__)"]).strip()


def make_venv(path):
    """PyTorch 2 (and torchvision) from PyPI in a virtual environment at
    `path`, made once; returns its python."""
    python = os.path.join(path, "bin", "python")
    probe = [python, "-c", "import torch, torchvision"]
    if not os.path.exists(python) or subprocess.run(probe).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", path], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "torch",
                        "torchvision", "numpy"], check=True)
    return python


def summary(times, warmup):
    kept = times[warmup:]
    return {"median_s": statistics.median(kept), "min_s": min(kept),
            "steps_timed": len(kept)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainc", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--resnet50", action="store_true")
    ap.add_argument("--torch2", action="store_true",
                    help="also PyTorch 2 from PyPI, eager and torch.compile, "
                    "in a virtual environment made under --venv")
    ap.add_argument("--venv", default=os.path.join(HERE, "..", "..", "build",
                                                   "bench-venv"))
    a = ap.parse_args()
    cases = CASES + ([("resnet50", "3x64x64", 16)] if a.resnet50 else [])
    torch2 = make_venv(a.venv) if a.torch2 else None
    results = {"threads": a.threads, "steps": a.steps, "warmup": a.warmup,
               "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for arch, shape, batch in cases:
            onnx_path = os.path.join(tmp, arch + ".onnx")
            exe = os.path.join(tmp, arch + ".train")
            log = os.path.join(tmp, arch + ".jsonl")
            subprocess.run([sys.executable, os.path.join(MODELS, "export_onnx.py"),
                            "--arch", arch, "--input", shape, "--classes", "10",
                            "--batch", str(batch), "--opset", "15", "-o",
                            onnx_path], check=True)
            started = time.monotonic()
            subprocess.run([a.trainc, onnx_path, "-o", exe], check=True)
            compile_s = time.monotonic() - started
            plain_exe = exe + ".plain"
            subprocess.run([a.trainc, onnx_path, "--channel-block=0", "-o",
                            plain_exe], check=True)
            samples = batch * a.steps
            def ours(env, executable=exe):
                cmd = [executable, "--data",
                       "synthetic:%d,%d" % (samples, batch), "--steps",
                       str(a.steps), "--lr", "0.01", "--threads",
                       str(a.threads), "--quiet", "--log", log]
                rss = peak_rss(cmd, env)
                with open(log) as f:
                    records = [json.loads(l) for l in f]
                times = [batch / r["images_per_s"] for r in records
                         if "images_per_s" in r and r["images_per_s"] > 0]
                return dict(summary(times, a.warmup), peak_rss_mib=rss)
            blocked = dict(ours(None), compile_s=compile_s)
            plain_arenas = ours(None, plain_exe)
            plain = ours({"TRAINC_DNNL_PLAIN": "1"}, plain_exe)
            torch_cmd = [sys.executable, "-c", TORCH_SCRIPT, MODELS, arch,
                         shape, str(batch), str(a.steps), str(a.threads)]
            torch_times = json.loads(run_output(torch_cmd))
            torch_rss = peak_rss(torch_cmd)  # a second run, for its RSS
            case = {"model": arch, "input": shape, "batch": batch,
                    "trainc": blocked, "trainc_plain_arenas": plain_arenas,
                    "trainc_plain_layouts": plain,
                    "pytorch": dict(summary(torch_times, a.warmup),
                                    peak_rss_mib=torch_rss,
                                    version=torch_version(sys.executable))}
            if torch2:
                for mode in ("eager", "compile"):
                    cmd2 = [torch2, "-c", TORCH_SCRIPT, MODELS, arch, shape,
                            str(batch), str(a.steps), str(a.threads), mode]
                    times = json.loads(run_output(cmd2))
                    entry = dict(summary(times, a.warmup),
                                 peak_rss_mib=peak_rss(cmd2),
                                 version=torch_version(torch2))
                    if mode == "compile":
                        # The first step compiles (inductor, C++ kernels).
                        entry["first_step_s"] = times[0]
                    case["pytorch2_" + mode] = entry
                    case["time_ratio_trainc_over_pytorch2_" + mode] = (
                        blocked["median_s"] / entry["median_s"])
            for name in ("trainc", "trainc_plain_arenas",
                         "trainc_plain_layouts"):
                case["time_ratio_%s_over_pytorch" % name] = (
                    case[name]["median_s"] / case["pytorch"]["median_s"])
            case["rss_ratio_trainc_over_pytorch"] = (
                blocked["peak_rss_mib"] / torch_rss)
            results["cases"].append(case)
            print(json.dumps(case))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
