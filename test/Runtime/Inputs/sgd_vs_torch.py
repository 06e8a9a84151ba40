"""Trains the mock with the runtime and the same model with torch.optim.SGD,
and compares the losses of every step and the final parameters.

usage: sgd_vs_torch.py TRAIN_EXECUTABLE DIR FLAGS...

One batch of 16 samples is the whole training set, so every step of both
sees the same full-batch gradient (the runtime's sample order only changes
the float summation order). FLAGS are the runtime's optimizer flags (and --nesterov, which selects
the mock compiled as "nesterov"); the torch side reads them too.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

executable, d, flags = sys.argv[1], sys.argv[2], sys.argv[3:]
parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int)
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--momentum", type=float, default=0.9)
parser.add_argument("--dampening", type=float, default=0.0)
parser.add_argument("--weight-decay", type=float, default=0.0)
parser.add_argument("--nesterov", action="store_true")
parser.add_argument("--weight-decay-bn-bias", action="store_true")
h = parser.parse_args(flags)

rng = np.random.default_rng(7)
x = rng.standard_normal((16, 1, 28, 28)).astype(np.float32)
y = rng.integers(0, 10, 16)
np.save(d + "/x.npy", x)
np.save(d + "/y.npy", y)


# Nesterov momentum is compiled in: the mock plays a model compiled with
# trainc --optimizer nesterov.
env = dict(os.environ)
if h.nesterov:
    env["TRAINC_MOCK_OPTIMIZER"] = "nesterov"
    flags = [f for f in flags if f != "--nesterov"]


def run(arguments):
    result = subprocess.run([executable, "--quiet"] + arguments,
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit("%s failed: %s" % (" ".join(arguments), result.stderr))


run(["--forward-only", "--input", d + "/x.npy", "--output", d + "/logits.npy",
     "--dump-params", d + "/initial"])
run(["--data", "npy:%s/x.npy,%s/y.npy" % (d, d), "--log", d + "/run.jsonl",
     "--dump-params", d + "/final"] + flags)
losses = [json.loads(line)["loss"] for line in open(d + "/run.jsonl")]

weight = torch.tensor(np.load(d + "/initial/linear_weight.npy"),
                      requires_grad=True)
bias = torch.tensor(np.load(d + "/initial/linear_bias.npy"), requires_grad=True)
optimizer = torch.optim.SGD(
    [{"params": [weight]},
     {"params": [bias],
      "weight_decay": h.weight_decay if h.weight_decay_bn_bias else 0.0}],
    lr=h.lr, momentum=h.momentum, dampening=h.dampening,
    weight_decay=h.weight_decay, nesterov=h.nesterov)
inputs, labels = torch.tensor(x.reshape(16, -1)), torch.tensor(y)
torch_losses = []
for _ in range(h.steps):
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(inputs @ weight.T + bias, labels)
    loss.backward()
    optimizer.step()
    torch_losses.append(loss.item())

problems = []
if len(losses) != h.steps or not np.allclose(losses, torch_losses, rtol=1e-4, atol=1e-6):
    problems.append("losses %s, torch %s" % (losses, torch_losses))
for name, tensor in (("linear_weight", weight), ("linear_bias", bias)):
    got = np.load("%s/final/%s.npy" % (d, name))
    want = tensor.detach().numpy()
    if not np.allclose(got, want, rtol=1e-4, atol=1e-6):
        problems.append("%s differs from torch by up to %g" %
                        (name, np.abs(got - want).max()))
if problems:
    sys.exit("\n".join(problems))
print("%d steps match torch.optim.SGD (final loss %.4f)" %
      (h.steps, losses[-1]))
