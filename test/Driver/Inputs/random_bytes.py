#!/usr/bin/env python3
"""Writes COUNT pseudo-random bytes, always the same ones (fixed seed).

usage: random_bytes.py OUT [COUNT]
"""

import random
import sys

if len(sys.argv) not in (2, 3):
    sys.exit(__doc__)
count = int(sys.argv[2]) if len(sys.argv) == 3 else 4096
rng = random.Random(20240611)
with open(sys.argv[1], "wb") as f:
    f.write(bytes(rng.getrandbits(8) for _ in range(count)))
