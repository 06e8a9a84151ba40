#!/usr/bin/env python3
"""Writes the data of nonfinite.test and mpi-nonfinite.test into DIR:
x.npy (64 random 1x8x8 samples), xnan.npy (the same with one NaN pixel in
sample 37, so that the step whose batch holds it has a NaN loss and
gradient, once per epoch) and y.npy (their labels)."""
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(0)
x = rng.standard_normal((64, 1, 8, 8)).astype(np.float32)
y = rng.integers(0, 10, 64).astype(np.int32)
np.save(out + "/x.npy", x)
np.save(out + "/y.npy", y)
x[37, 0, 3, 3] = np.nan
np.save(out + "/xnan.npy", x)
