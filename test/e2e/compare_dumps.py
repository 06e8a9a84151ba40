#!/usr/bin/env python3
"""Compares two --dump-params directories tensor by tensor.

  compare_dumps.py REFERENCE OTHER TOLERANCE

Prints one line: how many tensors (parameters and running statistics, told
apart by name: the importer's statistics all contain "running"),
the worst relative error by norm and whether it is within TOLERANCE; exits 1
when it is not, or when the directories hold different tensors.
"""

import os
import sys

import numpy as np


def main():
    reference, other, tolerance = sys.argv[1], sys.argv[2], float(sys.argv[3])
    names = sorted(f for f in os.listdir(reference) if f.endswith(".npy"))
    if names != sorted(f for f in os.listdir(other) if f.endswith(".npy")):
        sys.exit("the two directories hold different tensors")
    worst, worst_name, statistics = 0.0, "", 0
    for name in names:
        a = np.load(os.path.join(reference, name)).astype(np.float64)
        b = np.load(os.path.join(other, name)).astype(np.float64)
        if a.shape != b.shape:
            sys.exit(f"{name}: shapes {a.shape} and {b.shape}")
        error = np.linalg.norm(a - b) / max(np.linalg.norm(a), 1e-30)
        if error > worst or not np.isfinite(error):
            worst, worst_name = error, name
        if "running" in name:
            statistics += 1
    ok = worst <= tolerance
    print(f"{len(names)} tensors ({len(names) - statistics} parameters, "
          f"{statistics} running statistics), worst relative error "
          f"{worst:.3g} ({worst_name}): "
          f"{'within' if ok else 'over'} {tolerance:g}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
