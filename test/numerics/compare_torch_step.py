#!/usr/bin/env python3
"""One training step of a ResNet in PyTorch (float64, train-mode BatchNorm,
mean cross-entropy) against trainc's compiled train_step on the same weights
and batch.

  compare_torch_step.py prepare ARCH CxHxW CLASSES BATCH DIR
      exports ARCH (models/export_onnx.py, seed 0) to DIR/model.onnx and
      writes a seeded batch to DIR/x.npy, DIR/y.npy
  compare_torch_step.py compare ARCH CxHxW CLASSES BATCH DIR
      rebuilds the same torch model, runs the step, and compares the loss and
      every parameter's gradient with DIR/loss.npy and DIR/grad/NAME.npy
      (written by the step harness): relative error by norm below 1e-3.
"""

import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "models"))
from export_onnx import build  # noqa: E402

TOLERANCE = 1e-3


def model_and_batch(arch, shape, classes, batch):
    torch.manual_seed(0)  # the seed export_onnx.py uses
    c, h, w = (int(v) for v in shape.split("x"))
    model = build(arch, c, classes)
    model.train()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((batch, c, h, w)).astype(np.float32)
    y = rng.integers(0, classes, batch).astype(np.int32)
    return model, x, y


def main():
    warnings.filterwarnings("ignore")
    mode, arch, shape, classes, batch, out = sys.argv[1:7]
    classes, batch = int(classes), int(batch)
    model, x, y = model_and_batch(arch, shape, classes, batch)
    if mode == "prepare":
        os.makedirs(os.path.join(out, "grad"), exist_ok=True)
        os.makedirs(os.path.join(out, "buffer"), exist_ok=True)
        torch.onnx.export(model, torch.from_numpy(x),
                          os.path.join(out, "model.onnx"), opset_version=15,
                          training=torch.onnx.TrainingMode.TRAINING,
                          do_constant_folding=False)
        np.save(os.path.join(out, "x.npy"), x)
        np.save(os.path.join(out, "y.npy"), y)
        return 0
    model = model.double()
    loss = torch.nn.functional.cross_entropy(
        model(torch.from_numpy(x).double()), torch.from_numpy(y).long())
    loss.backward()
    failures = 0
    ours = float(np.load(os.path.join(out, "loss.npy")))
    rel = abs(ours - loss.item()) / abs(loss.item())
    print(f"loss: torch {loss.item():.7f} trainc {ours:.7f} rel {rel:.2e}")
    failures += rel > TOLERANCE
    worst, count = 0.0, 0
    for name, p in model.named_parameters():
        path = os.path.join(out, "grad", name.replace("/", "_") + ".npy")
        got = np.load(path).astype(np.float64)
        ref = p.grad.numpy()
        rel = np.linalg.norm(got - ref) / max(np.linalg.norm(ref), 1e-30)
        worst, count = max(worst, rel), count + 1
        if rel > TOLERANCE:
            failures += 1
            print(f"FAIL {name}: relative error {rel:.3e} > {TOLERANCE}")
    print(f"{count} gradients compared, worst relative error {worst:.2e}, "
          f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
