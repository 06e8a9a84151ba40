#!/usr/bin/env python3
"""Copies an ONNX model, cut in the middle of its largest initializer's data.

usage: truncate_in_weights.py MODEL OUT

This is what an interrupted download of a model looks like: the graph and
the first weights are intact, the file ends inside a weight tensor.
"""

import sys

import onnx

if len(sys.argv) != 3:
    sys.exit(__doc__)
data = open(sys.argv[1], "rb").read()
model = onnx.load_from_string(data)
largest = max(model.graph.initializer, key=lambda t: len(t.raw_data))
start = data.index(largest.raw_data)
cut = start + len(largest.raw_data) // 2
assert 0 < start < cut < len(data)
open(sys.argv[2], "wb").write(data[:cut])
print("cut %s at byte %d of %d, inside initializer '%s'"
      % (sys.argv[1], cut, len(data), largest.name), file=sys.stderr)
