#!/usr/bin/env python3
"""One training step of an ONNX model, differentiated by an independent
interpreter (test/lib/onnx_torch.py: the ONNX graph on PyTorch, float64,
every BatchNorm with batch statistics as trainc trains it), against
trainc's compiled train_step.

For exports that no PyTorch module reproduces: an EVAL export folds each
BatchNorm into its Conv (the graph is a network without those BatchNorms,
and merged initializers tie biases), so compare_torch_step.py's module is
not the model trainc trains; the ONNX graph itself is.

  compare_onnx_step.py prepare ARCH CxHxW CLASSES BATCH MODE OPSET DIR
      exports ARCH (models/export_onnx.py, seed 0, --mode MODE) to
      DIR/model.onnx and writes a seeded batch to DIR/x.npy, DIR/y.npy
  compare_onnx_step.py compare DIR
      compares the loss (DIR/loss.npy) and the gradient of every trained
      initializer (DIR/grad/NAME.npy, from the step harness) with the
      interpreter's: relative error by norm below 1e-3, or below 3x how far
      the float64 gradient moves under 1e-5 relative input perturbations
      (ReLU kinks; see compare_torch_step.py).
"""

import os
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from onnx_torch import run  # noqa: E402

TOLERANCE = 1e-3


def prepare(arch, shape, classes, batch, mode, opset, out):
    os.makedirs(os.path.join(out, "grad"), exist_ok=True)
    os.makedirs(os.path.join(out, "buffer"), exist_ok=True)
    subprocess.run([sys.executable,
                    os.path.join(HERE, "..", "..", "models", "export_onnx.py"),
                    "--arch", arch, "--input", shape, "--classes",
                    str(classes), "--batch", str(batch), "--mode", mode,
                    "--opset", str(opset), "-o",
                    os.path.join(out, "model.onnx")], check=True)
    c, h, w = (int(v) for v in shape.split("x"))
    rng = np.random.default_rng(1)
    np.save(os.path.join(out, "x.npy"),
            rng.standard_normal((batch, c, h, w)).astype(np.float32))
    np.save(os.path.join(out, "y.npy"),
            rng.integers(0, classes, batch).astype(np.int32))


def gradients(model, names, x, y):
    leaves = {}
    for init in model.graph.initializer:
        if init.name.replace("/", "_") in names:
            leaves[init.name] = torch.from_numpy(
                numpy_helper.to_array(init).astype(np.float64)
            ).requires_grad_()
    logits = run(model, x, training=True, params=leaves)
    loss = F.cross_entropy(logits, torch.from_numpy(y).long())
    loss.backward()
    return loss.item(), {n: t.grad.numpy() for n, t in leaves.items()}


def compare(out):
    torch.set_num_threads(1)
    model = onnx.load(os.path.join(out, "model.onnx"))
    x = np.load(os.path.join(out, "x.npy"))
    y = np.load(os.path.join(out, "y.npy"))
    names = {f[:-4] for f in os.listdir(os.path.join(out, "grad"))}
    loss, ref = gradients(model, names, x, y)
    probes = []
    for seed in (11, 12):
        noise = np.random.default_rng(seed).standard_normal(x.shape)
        probes.append(gradients(model, names, x * (1 + 1e-5 * noise), y)[1])

    failures = 0
    ours = float(np.load(os.path.join(out, "loss.npy")))
    rel = abs(ours - loss) / abs(loss)
    print(f"loss: interpreter {loss:.7f} trainc {ours:.7f} rel {rel:.2e}")
    failures += rel > TOLERANCE
    if len(ref) != len(names):
        print(f"FAIL: {len(names)} gradients written, {len(ref)} initializers "
              "match them")
        failures += 1
    worst, within = 0.0, 0
    for name, want in sorted(ref.items()):
        got = np.load(os.path.join(out, "grad", name.replace("/", "_") +
                                   ".npy")).astype(np.float64)
        norm = max(np.linalg.norm(want), 1e-30)
        rel = np.linalg.norm(got - want) / norm
        moved = max(np.linalg.norm(p[name] - want) / norm for p in probes)
        bound = max(TOLERANCE, 3 * moved)
        worst, within = max(worst, rel), within + (rel <= TOLERANCE)
        if rel > bound:
            failures += 1
            print(f"FAIL {name}: relative error {rel:.3e} > {bound:.3e}")
    print(f"{len(ref)} gradients compared, worst relative error {worst:.2e}, "
          f"{within} within {TOLERANCE:g}, {failures} failed")
    return 1 if failures else 0


def main():
    if sys.argv[1:2] == ["prepare"] and len(sys.argv) == 9:
        arch, shape, classes, batch, mode, opset, out = sys.argv[2:9]
        prepare(arch, shape, int(classes), int(batch), mode, int(opset), out)
        return 0
    if sys.argv[1:2] == ["compare"] and len(sys.argv) == 3:
        return compare(sys.argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
