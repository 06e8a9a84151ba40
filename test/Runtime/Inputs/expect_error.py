"""Runs a command that must fail with exactly one line on stderr.

usage: expect_error.py 'EXPECTED LINE' COMMAND [ARGS...]

Checks: exit status 1, nothing on stdout, and stderr is EXPECTED LINE plus a
newline. Prints what differed otherwise. PROGRAM in EXPECTED LINE stands for
the command's file name (lit would turn the tool's name into its path).
"""
import os
import subprocess
import sys

command = sys.argv[2:]
expected = sys.argv[1].replace("PROGRAM", os.path.basename(command[0]))
result = subprocess.run(command, capture_output=True, text=True)
problems = []
if result.returncode != 1:
    problems.append("exit status %d, expected 1" % result.returncode)
if result.stdout:
    problems.append("stdout is not empty: %r" % result.stdout)
if result.stderr != expected + "\n":
    problems.append("stderr is\n  %r\nexpected\n  %r" %
                    (result.stderr, expected + "\n"))
if problems:
    print("command: %s" % " ".join(command))
    print("\n".join(problems))
    sys.exit(1)
