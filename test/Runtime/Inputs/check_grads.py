"""Checks --dump-grads/--dump-params of dump.test against numpy.

usage: check_grads.py DIR

DIR holds x.npy, y.npy (the one batch), run.jsonl, grads/ and params/.
"""
import json
import sys

import numpy as np

d = sys.argv[1]
x = np.load(d + "/x.npy").reshape(16, -1).astype(np.float64)
y = np.load(d + "/y.npy")
w = np.load(d + "/params/linear_weight.npy").astype(np.float64)
b = np.load(d + "/params/linear_bias.npy").astype(np.float64)
seen = np.load(d + "/params/linear_samples_seen.npy")
gw = np.load(d + "/grads/linear_weight.npy")
gb = np.load(d + "/grads/linear_bias.npy")

z = x @ w.T + b
z -= z.max(axis=1, keepdims=True)
p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
loss = -np.log(p[np.arange(16), y]).mean()
p[np.arange(16), y] -= 1
expected_gw, expected_gb = p.T @ x / 16, p.sum(axis=0) / 16

for name, got, want in (("weight", gw, expected_gw), ("bias", gb, expected_gb)):
    if got.dtype != np.float32 or got.shape != want.shape:
        sys.exit("%s gradient is %s %s" % (name, got.dtype, got.shape))
    if not np.allclose(got, want, rtol=1e-4, atol=1e-6):
        sys.exit("%s gradient differs by up to %g" %
                 (name, np.abs(got - want).max()))
logged = [json.loads(line) for line in open(d + "/run.jsonl")]
if abs(logged[-1]["loss"] - loss) > 1e-5:
    sys.exit("logged loss %r, numpy %r" % (logged[-1]["loss"], loss))
if seen.shape != (1,) or seen[0] != 48:
    sys.exit("samples_seen is %s" % seen)
print("gradients of %s and %s match numpy; loss %.4f matches; "
      "samples_seen %d" % (list(gw.shape), list(gb.shape), loss, seen[0]))
