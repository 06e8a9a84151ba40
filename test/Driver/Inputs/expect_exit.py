#!/usr/bin/env python3
"""Runs a command and succeeds only if it exits with the given status.

usage: expect_exit.py STATUS COMMAND [ARGS...]

A command killed by a signal (a crash) never matches. The command's output is
discarded; tests check it separately.
"""

import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
expected = int(sys.argv[1])
status = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL).returncode
if status != expected:
    sys.exit("expected exit status %d, got %d from: %s"
             % (expected, status, " ".join(sys.argv[2:])))
