#!/usr/bin/env python3
"""Checks the (step, batch, lr) of every step of a --log against a table.

  check_schedule.py RUN.jsonl TABLE [--from STEP]
  check_schedule.py RUN.jsonl --noise MAX [--factor F]
  check_schedule.py data DIR N       (writes DIR/X.npy [N,1,8,8], DIR/Y.npy)

TABLE is "FIRST-LAST:BATCH:LR,..." (steps counted from 1): every step in
FIRST..LAST must be logged with that batch and that learning rate (the log
holds float32 rates: within 1e-6 relative), and the log must hold exactly
the steps the table covers (from --from on, for a resumed run). Prints one
line, exits 1 on a difference.

--noise MAX checks the noise schedule's rule on a log instead: the batch
changes only at the first step of an epoch, and at each epoch's first step
it is F (2) times the batch before (at most MAX) exactly when the last step
of the epoch before logged a noise_scale above its batch.
"""
import json
import sys

import numpy as np


def steps(path):
    return [r for r in map(json.loads, open(path)) if "loss" in r]


def table_check(path, table, first):
    want = {}
    for item in table.split(","):
        span, batch, lr = item.split(":")
        lo, hi = (int(x) for x in span.split("-"))
        for s in range(lo, hi + 1):
            want[s] = (int(batch), float(lr))
    got = {r["step"]: (r["batch"], r["lr"]) for r in steps(path)}
    expected = {s: v for s, v in want.items() if s >= first}
    bad = []
    if sorted(got) != sorted(expected):
        bad.append("steps %s logged, %s expected"
                   % (sorted(got)[:3] + ["..."] + sorted(got)[-2:],
                      sorted(expected)[:3] + ["..."] + sorted(expected)[-2:]))
    for s in sorted(set(got) & set(expected)):
        (b, lr), (wb, wlr) = got[s], expected[s]
        if b != wb or abs(lr - wlr) > 1e-6 * wlr:
            bad.append("step %d: batch %d lr %.9g, expected batch %d lr %g"
                       % (s, b, lr, wb, wlr))
    if bad:
        print("FAIL: " + "; ".join(bad[:5]))
        return 1
    print("schedule: %d steps match the table" % len(expected))
    return 0


def noise_check(path, limit, factor):
    records = steps(path)
    bad, grown = [], 0
    for before, after in zip(records, records[1:]):
        if after["epoch"] == before["epoch"]:
            if after["batch"] != before["batch"]:
                bad.append("step %d changed the batch inside an epoch"
                           % after["step"])
            continue
        scale = before.get("noise_scale")
        grow = scale is not None and scale > before["batch"]
        expect = min(before["batch"] * factor, limit) if grow \
            else before["batch"]
        if expect < before["batch"]:
            expect = before["batch"]
        if after["batch"] != expect:
            bad.append("epoch %d starts with batch %d, expected %d (noise "
                       "scale %s at batch %d)" % (after["epoch"],
                                                  after["batch"], expect,
                                                  scale, before["batch"]))
        grown += after["batch"] > before["batch"]
    if bad:
        print("FAIL: " + "; ".join(bad[:5]))
        return 1
    print("noise schedule: %d steps, the batch grew %d times, up to %d"
          % (len(records), grown, max(r["batch"] for r in records)))
    return 0


def main():
    a = sys.argv[1:]
    if a[0] == "data":
        rng = np.random.default_rng(3)
        n = int(a[2])
        np.save(a[1] + "/X.npy",
                rng.standard_normal((n, 1, 8, 8)).astype(np.float32))
        np.save(a[1] + "/Y.npy", rng.integers(0, 10, n).astype(np.int32))
        return 0
    if a[1] == "--noise":
        factor = int(a[a.index("--factor") + 1]) if "--factor" in a else 2
        return noise_check(a[0], int(a[2]), factor)
    first = int(a[a.index("--from") + 1]) if "--from" in a else 1
    return table_check(a[0], a[1], first)


if __name__ == "__main__":
    sys.exit(main())
