#!/usr/bin/env python3
"""Checks that a checkpoint holds every parameter in ONNX's layout.

  check_checkpoint_tensors.py CHECKPOINT PARAMS_DIR

PARAMS_DIR is the same run's --dump-params (the parameters when the
checkpoint was written). Each parameter's bytes, as the dump holds them
(C order of its ONNX shape), must appear whole in the checkpoint's
parameter arena (docs/runtime.md: after the header, 256 bytes in
version 2 and 128 in version 1 (uint32 at byte 8), param_bytes long, the
header's int64 at byte 24); a filter stored in channel blocks and written
without conversion would not. Prints one line; exits 1 on a miss.
"""

import os
import struct
import sys

import numpy as np


def main():
    ckpt, params = sys.argv[1], sys.argv[2]
    data = open(ckpt, "rb").read()
    if data[:8] != b"TRAINCKP":
        sys.exit("%s is not a checkpoint" % ckpt)
    (version,) = struct.unpack_from("<I", data, 8)
    (param_bytes,) = struct.unpack_from("<q", data, 24)
    header = 128 if version == 1 else 256
    arena = data[header:header + param_bytes]
    found = missing = 0
    for name in sorted(os.listdir(params)):
        if not name.endswith(".npy") or "running" in name:
            continue
        tensor = np.load(os.path.join(params, name)).astype("<f4")
        if tensor.size < 2:
            continue
        if arena.find(tensor.tobytes()) < 0:
            print("not in the checkpoint in ONNX's layout: %s %s"
                  % (name, tensor.shape))
            missing += 1
        else:
            found += 1
    print("checkpoint: %d parameters in ONNX's layout, %d missing"
          % (found, missing))
    sys.exit(1 if missing or not found else 0)


if __name__ == "__main__":
    main()
