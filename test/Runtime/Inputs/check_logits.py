"""Checks --forward-only's output against numpy.

usage: check_logits.py X.npy Y.npy PARAMS_DIR

Y must be the float32 [M, 10] logits W x + b of the mock model, with W and b
read from PARAMS_DIR (a --dump-params directory).
"""
import sys

import numpy as np

x = np.load(sys.argv[1])
y = np.load(sys.argv[2])
w = np.load(sys.argv[3] + "/linear_weight.npy")
b = np.load(sys.argv[3] + "/linear_bias.npy")
m = x.shape[0]
if y.dtype != np.float32 or y.shape != (m, w.shape[0]):
    sys.exit("output is %s %s, expected float32 %s" %
             (y.dtype, y.shape, (m, w.shape[0])))
expected = x.reshape(m, w.shape[1]).astype(np.float64) @ w.T.astype(np.float64) + b
error = np.abs(y - expected).max() if m else 0.0
if error > 1e-4:
    row = int(np.abs(y - expected).max(axis=1).argmax())
    sys.exit("logits differ by %g (row %d: %s vs %s)" %
             (error, row, y[row], expected[row]))
print("%d x %d float32 logits match W x + b" % y.shape)
