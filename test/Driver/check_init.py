#!/usr/bin/env python3
"""Checks --init kaiming's parameters against their rules.

Usage: check_init.py A B C (three --dump-params folders: A and B the same
seed from two executables, C another seed). Reads the .npy files and
NAME.npy files --dump-params writes.
"""
import math
import os
import sys

import numpy as np


def load(folder):
    """The parameters --dump-params wrote (NAME.npy), without the BatchNorm
    running statistics (buffers, which the step moves)."""
    tensors = {}
    for file in os.listdir(folder):
        if file.endswith(".npy") and "running_" not in file and \
                "num_batches" not in file:
            tensors[file[:-4]] = np.load(os.path.join(folder, file))
    return tensors


def main():
    a, b, c = (load(f) for f in sys.argv[1:4])
    same = a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    print("same seed, two executables: " + ("identical" if same else "DIFFER"))
    differs = any(not np.array_equal(a[k], c[k]) for k in a if a[k].ndim > 1)
    print("another seed: " + ("differs" if differs else "SAME"))

    conv = linear = bn = bias = 0
    bad = []
    names = sorted(a)
    for name in names:
        t = a[name].astype(np.float64)
        if t.ndim == 4:
            n = t.size
            want = math.sqrt(2.0 / (t.shape[0] * t.shape[2] * t.shape[3]))
            # The sample std of n normals has relative standard error
            # about 1/sqrt(2n); the mean has standard error want/sqrt(n).
            got = t.std()
            if abs(got / want - 1) > 5 / math.sqrt(2 * n) or \
               abs(t.mean()) > 5 * want / math.sqrt(n):
                bad.append("%s: std %g, want %g" % (name, got, want))
            conv += 1
        elif t.ndim == 2:
            bound = 1 / math.sqrt(t.shape[1])
            n = t.size
            # U(-b, b): mean 0 (se b/sqrt(3n)), variance b^2/3.
            if np.abs(t).max() > bound or \
               abs(t.mean()) > 5 * bound / math.sqrt(3 * n) or \
               abs(t.var() / (bound * bound / 3) - 1) > 5 * math.sqrt(0.8 / n):
                bad.append("%s: outside the uniform law" % name)
            linear += 1
        elif t.ndim == 1:
            # A BatchNorm shift (X.bias) has its scale (X.weight) beside it.
            scale = a.get(name[:-len("bias")] + "weight") \
                if name.endswith("bias") else None
            if np.all(t == 1) or (np.all(t == 0) and scale is not None and
                                  scale.ndim == 1):
                bn += 1
            elif np.all(t == 0):
                bias += 1
            else:
                bad.append("%s: neither 1 nor 0" % name)
    print("conv weights: %d tensors%s" % (conv, " within 5 standard errors" if not any("std" in x for x in bad) else ""))
    print("linear weights: %d tensors%s" % (linear, " within bounds" if not any("uniform" in x for x in bad) else ""))
    print("bn scale 1, shift 0: %d tensors" % bn)
    print("biases 0: %d tensors" % bias)
    for line in bad:
        print("  BAD " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
