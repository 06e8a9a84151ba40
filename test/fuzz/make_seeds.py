#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (scripts/fuzz.sh): small binary ONNX
models (test/e2e/optimizer_models.py's MLP and CNN) and npy files of the
dtypes and shapes the readers meet."""
import os
import subprocess
import sys

import numpy as np

out = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
models = os.path.join(here, "..", "e2e", "optimizer_models.py")
for kind in ("mlp", "cnn"):
    subprocess.check_call([sys.executable, models, kind,
                           os.path.join(out, "fuzz-onnx", kind + ".onnx")])
npy = os.path.join(out, "fuzz-npy")
rng = np.random.default_rng(0)
np.save(os.path.join(npy, "x.npy"), rng.standard_normal((2, 1, 4, 4),
                                                        dtype=np.float32))
np.save(os.path.join(npy, "y32.npy"), np.arange(4, dtype=np.int32))
np.save(os.path.join(npy, "y64.npy"), np.arange(4, dtype=np.int64))
np.save(os.path.join(npy, "u8.npy"), np.arange(6, dtype=np.uint8).reshape(2, 3))
np.save(os.path.join(npy, "f64.npy"), np.zeros((3,), dtype=np.float64))
np.save(os.path.join(npy, "fortran.npy"),
        np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
