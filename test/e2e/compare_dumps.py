#!/usr/bin/env python3
"""Compares two --dump-params directories tensor by tensor.

  compare_dumps.py REFERENCE OTHER TOLERANCE
  compare_dumps.py REFERENCE OTHER TOLERANCE --initial MODEL.onnx \\
                   --tensor-tolerance T

Prints one line: how many tensors (parameters and running statistics, told
apart by name: the importer's statistics all contain "running"), the worst
relative error and whether it is within the tolerance; exits 1 when it is
not, or when the directories hold different tensors.

Without --initial, a tensor's error is ||a - b|| / ||a|| (its size).

--parameters-only leaves the running statistics out.

With --initial (the model the runs started from), errors are relative to
what the steps changed: ||a - b|| / ||a - a0||, for the whole model
(parameters, and running statistics, each as one vector: TOLERANCE) and
for each tensor (--tensor-tolerance). Two float32 runs that sum in
different orders differ by rounding in proportion to the update, not to
the tensor: a BatchNorm bias that starts at zero is all update, and a
weight's initial value carries no rounding at all. docs/verification.md
derives the tolerances the tests use.
"""

import argparse
import os
import sys

import numpy as np


def initial_values(path):
    """Tensor name (file name) -> initial value, from an ONNX model or a
    --dump-params directory."""
    if os.path.isdir(path):
        return {f: np.load(os.path.join(path, f)) for f in os.listdir(path)
                if f.endswith(".npy")}
    import onnx
    from onnx import numpy_helper
    model = onnx.load(path)
    return {t.name + ".npy": numpy_helper.to_array(t)
            for t in model.graph.initializer}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("other")
    parser.add_argument("tolerance", type=float)
    parser.add_argument("--initial")
    parser.add_argument("--tensor-tolerance", type=float)
    parser.add_argument("--parameters-only", action="store_true",
                        help="leave the running statistics out")
    args = parser.parse_args()

    def tensors(directory):
        return sorted(f for f in os.listdir(directory) if f.endswith(".npy")
                      and not (args.parameters_only and "running" in f))
    names = tensors(args.reference)
    if names != tensors(args.other):
        sys.exit("the two directories hold different tensors")
    initial = initial_values(args.initial) if args.initial else None
    worst, worst_name, statistics = 0.0, "", 0
    # Squared norms of the difference and of the change, per kind.
    totals = {"parameters": [0.0, 0.0], "running statistics": [0.0, 0.0]}
    for name in names:
        a = np.load(os.path.join(args.reference, name)).astype(np.float64)
        b = np.load(os.path.join(args.other, name)).astype(np.float64)
        if a.shape != b.shape:
            sys.exit(f"{name}: shapes {a.shape} and {b.shape}")
        kind = "running statistics" if "running" in name else "parameters"
        statistics += kind == "running statistics"
        scale = a
        if initial is not None:
            if name not in initial:
                sys.exit(f"{name}: not in {args.initial}")
            scale = a - initial[name].astype(np.float64).reshape(a.shape)
        diff, size = np.linalg.norm(a - b), np.linalg.norm(scale)
        totals[kind][0] += diff * diff
        totals[kind][1] += size * size
        error = diff / max(size, 1e-30)
        if error > worst or not np.isfinite(error):
            worst, worst_name = error, name
    counts = (f"{len(names)} tensors ({len(names) - statistics} parameters, "
              f"{statistics} running statistics)")
    if initial is None:
        ok = worst <= args.tolerance
        print(f"{counts}, worst relative error {worst:.3g} ({worst_name}): "
              f"{'within' if ok else 'over'} {args.tolerance:g}")
        sys.exit(0 if ok else 1)

    tensor_tolerance = (args.tensor_tolerance if args.tensor_tolerance
                        is not None else args.tolerance)
    model = max(np.sqrt(d) / max(np.sqrt(s), 1e-30)
                for d, s in totals.values() if s > 0)
    ok = model <= args.tolerance and worst <= tensor_tolerance
    print(f"{counts}, error relative to the change: model {model:.3g}, "
          f"worst tensor {worst:.3g} ({worst_name}): "
          f"{'within' if ok else 'over'} {args.tolerance:g} and "
          f"{tensor_tolerance:g}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
