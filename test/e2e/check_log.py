#!/usr/bin/env python3
"""Reads a training executable's JSON-lines log and checks it.

  check_log.py LOG.jsonl --min-accuracy A      the last evaluation's test
                                               accuracy is at least A
  check_log.py LOG.jsonl --loss-decreases      the mean loss of the last tenth
                                               of the steps is below the first
                                               tenth's
Prints what it read; exits 1 with the reason when a check fails.
"""

import json
import sys


def main():
    path, checks = sys.argv[1], sys.argv[2:]
    steps, evals = [], []
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            (evals if "test_accuracy" in record else steps).append(record)
    failures = []
    if "--min-accuracy" in checks:
        want = float(checks[checks.index("--min-accuracy") + 1])
        if not evals:
            failures.append("the log has no evaluation")
        else:
            got = evals[-1]["test_accuracy"]
            print(f"test accuracy {got:.4f} after {evals[-1]['step']} steps "
                  f"(at least {want})")
            if got < want:
                failures.append(f"test accuracy {got:.4f} < {want}")
    if "--loss-decreases" in checks:
        tenth = max(1, len(steps) // 10)
        first = sum(s["loss"] for s in steps[:tenth]) / tenth
        last = sum(s["loss"] for s in steps[-tenth:]) / tenth
        print(f"mean loss: first tenth {first:.4f}, last tenth {last:.4f}")
        if not last < first:
            failures.append("the loss did not decrease")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
