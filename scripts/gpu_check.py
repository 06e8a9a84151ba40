#!/usr/bin/env python3
"""The Python half of scripts/gpu-check.sh (numpy; torch for `bench`).

  gpu_check.py summarize DUMPDIR OUT.npz
      Each NAME.npy of a --dump-grads/--dump-params folder as its L2 norm
      (float64) and at most 1024 elements taken at a fixed stride: a compact
      reference that fits the bundle (ResNet-18's full tensors would not).
  gpu_check.py compare REF.npz GOT.npz RTOL
      Per tensor, the relative difference of the norms and of the sampled
      elements, ||a - b|| / ||b||, must stay within RTOL; prints the worst
      and exits 1 when any tensor exceeds it.
  gpu_check.py update START ONE TWO RTOL
      Three --dump-params folders: the parameters before (START), after 3
      steps on one process at batch 2b (ONE) and on two at b each (TWO).
      Prints the relative difference of the whole-model updates,
      ||(TWO - START) - (ONE - START)|| / ||ONE - START|| over the
      parameters (running statistics left out), and exits 1 above RTOL.
  gpu_check.py bench BATCH STEPS
      PyTorch eager training of ResNet-50 (3x224x224, SGD with momentum) on
      the GPU: prints `torch img/s X`.
"""
import os
import sys

import numpy as np

SAMPLES = 1024


def summarize(folder, out):
    arrays = {}
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".npy"):
            continue
        t = np.load(os.path.join(folder, file)).astype(np.float64).ravel()
        stride = max(1, -(-t.size // SAMPLES))
        name = file[:-4]
        arrays[name + "//norm"] = np.array([np.linalg.norm(t)])
        arrays[name + "//sample"] = t[::stride].astype(np.float32)
    if not arrays:
        sys.exit("gpu_check.py: no .npy files in " + folder)
    np.savez_compressed(out, **arrays)


def compare(ref_path, got_path, rtol):
    ref, got = np.load(ref_path), np.load(got_path)
    worst, worst_name, bad = 0.0, "", []
    names = sorted({k.split("//")[0] for k in ref.files})
    for name in names:
        if name + "//norm" not in got.files:
            bad.append(name + ": missing")
            continue
        for part in ("norm", "sample"):
            b = ref[name + "//" + part].astype(np.float64)
            a = got[name + "//" + part].astype(np.float64)
            if a.shape != b.shape:
                bad.append("%s: %s shape %s, want %s" % (name, part, a.shape, b.shape))
                continue
            scale = np.linalg.norm(b)
            diff = np.linalg.norm(a - b)
            rel = diff / scale if scale > 0 else diff
            if not np.isfinite(rel):
                rel = np.inf
            if rel > worst:
                worst, worst_name = rel, name + " (" + part + ")"
            if rel > rtol:
                bad.append("%s: %s relative difference %.3g" % (name, part, rel))
    print("%d tensors, worst relative difference %.3g at %s" %
          (len(names), worst, worst_name or "-"))
    for line in bad[:10]:
        print("  " + line)
    return 1 if bad else 0


def update(start, one, two, rtol):
    diff = scale = 0.0
    for file in sorted(os.listdir(start)):
        if not file.endswith(".npy") or "running_" in file:
            continue
        p0, p1, p2 = (np.load(os.path.join(d, file)).astype(np.float64)
                      for d in (start, one, two))
        diff += np.sum(((p2 - p0) - (p1 - p0)) ** 2)
        scale += np.sum((p1 - p0) ** 2)
    rel = np.sqrt(diff / scale) if scale > 0 else np.inf
    print("whole-model update: relative difference %.3g" % rel)
    return 0 if rel <= rtol else 1


def bench(batch, steps):
    import time
    import torch
    import torch.nn as nn

    def bottleneck(cin, width, stride):
        cout = width * 4
        body = nn.Sequential(
            nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.Conv2d(width, cout, 1, bias=False), nn.BatchNorm2d(cout))
        down = None
        if stride != 1 or cin != cout:
            down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                 nn.BatchNorm2d(cout))

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.body, self.down = body, down

            def forward(self, x):
                y = self.body(x)
                return torch.relu(y + (self.down(x) if self.down is not None else x))
        return Block()

    try:
        import torchvision
        model = torchvision.models.resnet50(num_classes=10)
    except ImportError:  # the same network from torch.nn alone
        layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
                  nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
        cin = 64
        for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            for i in range(blocks):
                layers.append(bottleneck(cin, width, stride if i == 0 else 1))
                cin = width * 4
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 10)]
        model = nn.Sequential(*layers)
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    model = model.cuda().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 3, 224, 224, device="cuda")
    y = torch.randint(0, 10, (batch,), device="cuda")
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()
    for _ in range(5):
        step()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    print("torch img/s %.1f" % (batch * steps / (time.perf_counter() - start)))


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "summarize" and len(sys.argv) == 4:
        summarize(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "compare" and len(sys.argv) == 5:
        return compare(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    if len(sys.argv) >= 2 and sys.argv[1] == "update" and len(sys.argv) == 6:
        return update(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    if len(sys.argv) >= 2 and sys.argv[1] == "bench" and len(sys.argv) == 4:
        bench(int(sys.argv[2]), int(sys.argv[3]))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
