#!/usr/bin/env python3
"""Turns the first one-iteration scf.parallel of a --emit=loops file into an
scf.for: the same computation, but on the host, outside any kernel (what
train-verify-kernels must refuse).

  unwrap_first_serial_kernel.py LOOPS.mlir > BROKEN.mlir
"""
import re
import sys

HEADER = re.compile(r"^(\s*)scf\.parallel \((%\w+)\) = \((%\w+)\) to \((%\w+)\) "
                    r"step \((%\w+)\) \{$")

lines = open(sys.argv[1]).read().split("\n")
for i, line in enumerate(lines):
    m = HEADER.match(line)
    if not m:
        continue
    indent, iv, lb, ub, step = m.groups()
    lines[i] = f"{indent}scf.for {iv} = {lb} to {ub} step {step} {{"
    for j in range(i + 1, len(lines)):
        if lines[j].strip() == "scf.reduce" and \
                lines[j].startswith(indent + "  ") and \
                not lines[j].startswith(indent + "   "):
            lines[j] = lines[j].replace("scf.reduce", "scf.yield")
            break
    else:
        sys.exit("the kernel has no scf.reduce at its level")
    break
else:
    sys.exit("no scf.parallel found")
print("\n".join(lines))
