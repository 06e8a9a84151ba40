#!/usr/bin/python3
"""Inputs and output checks for harness-eval.test.

  eval_npy.py input X.npy          writes x = arange(60) - 30 as [3, 20]
  eval_npy.py check OUT.npy        prints the shape and how OUT compares
                                   with relu(x), flattened: the elements
                                   past x's 60 must be NaN (unwritten)
"""
import sys

import numpy as np

X = (np.arange(60, dtype=np.float32) - 30).reshape(3, 20)

if sys.argv[1] == "input":
    np.save(sys.argv[2], X)
else:
    out = np.load(sys.argv[2])
    flat = out.reshape(-1)
    relu = np.maximum(X, 0).reshape(-1)
    equal = np.array_equal(flat[:60], relu)
    print("shape %s, relu %s, %d unwritten (NaN) past it"
          % (list(out.shape), "equal" if equal else "DIFFERS",
             int(np.isnan(flat[60:]).sum())))
