#!/usr/bin/env python3
"""Checks the internal consistency of `trainc --target=cuda --report --scale`.

Usage: check_scale.py REPORT.txt SUMMARY.json

REPORT.txt is the report with --scale, SUMMARY.json `trainc --summary
--summary-format=json` of the same model and batch. Checks:

- the buckets of the scaling table are the memory plan's, and their bytes
  add up to the parameter arena: 4 bytes per trainable parameter of the
  summary plus the alignment padding between tensors (under 64 bytes per
  tensor);
- fp16 puts half of each bucket's bytes on the wire;
- each bucket's ready time is the previous one plus its backward segment;
- each bucket's ring and tree times are the alpha-beta formulas of
  codegen/ScaleModel.h recomputed here (InfiniBand 100 Gb/s);
- the scaling tables (100, 200, 400 Gb/s; 1 to 1024 GPUs): on 1 GPU no
  all-reduce and 100% in every column, the 1-GPU step is the compute line's,
  efficiency = step(1) / step(p), overlap never slower than no overlap,
  efficiency never rising with p, a faster network never slower.

Prints one line per check for FileCheck, or `FAIL: ...` and exits 1.
"""
import json
import math
import re
import sys

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def close(a, b, tol):
    return abs(a - b) <= tol


def ring(p, n, gbits):
    """2 (p - 1) (alpha + n / (p beta)) over the slowest hop."""
    if p == 1:
        return 0.0
    alpha, beta = (5e-6, gbits * 1e9 / 8) if p > 8 else (1e-6, 450e9)
    return 2 * (p - 1) * (alpha + n / (p * beta))


def tree(p, n, gbits):
    """2 (log2(in node) alpha_NVLink + log2(nodes) alpha_IB) + 2 n / beta."""
    if p == 1:
        return 0.0
    nodes = -(-p // 8)
    depth = math.ceil(math.log2(min(p, 8))) * 1e-6 + \
        math.ceil(math.log2(nodes)) * 5e-6
    beta = gbits * 1e9 / 8 if p > 8 else 450e9
    return 2 * depth + 2 * n / beta


def main():
    text = open(sys.argv[1]).read()
    summary = json.load(open(sys.argv[2]))

    # The memory plan.
    arena = int(re.search(r"^parameters\s+(\d+) bytes", text, re.M).group(1))
    planned = [int(m.group(2)) for m in re.finditer(
        r"^  bucket (\d+)\s+(\d+) bytes \(", text, re.M)]

    # The scaling report's bucket table.
    head = re.search(r"^  bucket  parameters .*$", text, re.M)
    rows = []
    for line in text[head.end():].splitlines()[1:]:
        m = re.match(r"^  (\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)"
                     r"((?:\s+[\d.]+/[\d.]+)+)\s*$", line)
        if not m:
            break
        times = [tuple(float(x) for x in t.split("/"))
                 for t in m.group(7).split()]
        rows.append(dict(bucket=int(m.group(1)), params=int(m.group(2)),
                         bytes=int(m.group(3)), fp16=int(m.group(4)),
                         ready=float(m.group(5)), backward=float(m.group(6)),
                         times=times))
    sample = [int(p) for p in re.findall(r"p=(\d+) ring/tree us",
                                         head.group(0))]

    check([r["bucket"] for r in rows] == list(range(len(planned))),
          "the bucket table numbers the plan's buckets")
    check([r["bytes"] for r in rows] == planned,
          "the bucket table's bytes are the memory plan's")
    total = sum(r["bytes"] for r in rows)
    params = sum(r["params"] for r in rows)
    tensors = summary["parameter_tensors"]
    check(total == arena, "buckets add up to the parameter arena")
    check(params == summary["trainable_parameters"],
          "bucket parameters add up to the summary's trainable parameters")
    padding = total - 4 * params
    check(0 <= padding < 64 * tensors,
          "the bytes beyond 4 per parameter are alignment padding")
    m = re.search(r"buckets: (\d+), (\d+) bytes in all = the parameter "
                  r"arena's (\d+) bytes: (\d+) float32 parameters \((\d+) "
                  r"bytes\) and (\d+) bytes of alignment padding", text)
    check(m and [int(x) for x in m.groups()] ==
          [len(rows), total, arena, params, 4 * params, padding],
          "the buckets line says the same")
    print("buckets %d: %d bytes = parameter arena = 4 x %d parameters + %d "
          "padding" % (len(rows), total, params, padding))

    check(all(2 * r["fp16"] == r["bytes"] for r in rows),
          "fp16 halves every bucket")
    print("fp16 bytes: half of every bucket")

    compute = re.search(r"compute on one GPU: forward and loss ([\d.]+) ms, "
                        r"backward ([\d.]+) ms, .* step ([\d.]+) ms", text)
    forward, backward, step1 = (float(x) for x in compute.groups())
    previous = forward
    for r in rows:
        check(close(r["ready"], previous + r["backward"], 0.0021),
              "bucket %d ready = previous + its backward" % r["bucket"])
        check(r["ready"] >= previous - 0.0011,
              "bucket %d ready after the previous" % r["bucket"])
        previous = r["ready"]
    check(close(rows[-1]["ready"], forward + backward, 0.0021),
          "the last bucket is ready at the end of backward")
    print("ready times add up: forward %.3f ms + backward %.3f ms" %
          (forward, backward))

    for r in rows:
        for p, (rt, tt) in zip(sample, r["times"]):
            check(close(rt, ring(p, r["bytes"], 100) * 1e6, 0.051),
                  "bucket %d ring at p=%d: %.1f us" % (r["bucket"], p, rt))
            check(close(tt, tree(p, r["bytes"], 100) * 1e6, 0.051),
                  "bucket %d tree at p=%d: %.1f us" % (r["bucket"], p, tt))
    print("ring and tree times match the alpha-beta formulas at p=%s" %
          ",".join(map(str, sample)))

    tables = {}
    for m in re.finditer(r"^  InfiniBand (\d+) Gb/s per GPU: step ms and "
                         r"efficiency\n.*\n((?:\s+\d+\s+\d+\s+[\d.]+"
                         r"(?:\s+[\d.]+\s+[\d.]+%){4}\n)+)", text, re.M):
        table = []
        for line in m.group(2).splitlines():
            v = line.split()
            table.append(dict(p=int(v[0]), nodes=int(v[1]),
                              comm=float(v[2]),
                              steps=[float(x) for x in v[3::2]],
                              effs=[float(x.rstrip("%")) for x in v[4::2]]))
        tables[int(m.group(1))] = table
    check(sorted(tables) == [100, 200, 400], "three InfiniBand tables")
    for gbits, table in tables.items():
        check([r["p"] for r in table] == [2 ** i for i in range(11)],
              "%d Gb/s: 1 to 1024 GPUs" % gbits)
        one = table[0]
        check(one["comm"] == 0 and one["effs"] == [100.0] * 4 and
              all(close(s, step1, 0.0011) for s in one["steps"]),
              "%d Gb/s: one GPU is the compute alone at 100%%" % gbits)
        for r in table:
            check(r["nodes"] == -(-r["p"] // 8), "nodes of 8 GPUs")
            for s, e in zip(r["steps"], r["effs"]):
                # Both times are rounded to 0.0005 ms, the efficiency to
                # 0.05%.
                tol = 100 * (0.0005 / s + step1 * 0.0005 / s ** 2) + 0.051
                check(close(e, 100 * step1 / s, tol),
                      "%d Gb/s, p=%d: efficiency = step(1) / step(p)"
                      % (gbits, r["p"]))
            f32, f32serial, fp16, fp16serial = r["steps"]
            check(f32 <= f32serial and fp16 <= fp16serial,
                  "%d Gb/s, p=%d: overlap never slower" % (gbits, r["p"]))
        for a, b in zip(table, table[1:]):
            check(all(y <= x for x, y in zip(a["effs"], b["effs"])),
                  "%d Gb/s: efficiency never rises from p=%d to %d"
                  % (gbits, a["p"], b["p"]))
    for slow, fast in ((100, 200), (200, 400)):
        for a, b in zip(tables.get(slow, []), tables.get(fast, [])):
            check(all(y <= x for x, y in zip(a["steps"], b["steps"])),
                  "p=%d: %d Gb/s never slower than %d" % (a["p"], fast, slow))
    print("tables %s Gb/s x %d GPU counts: 1 GPU 100%%, efficiency = "
          "step(1)/step(p), overlap never slower, monotone in p and in the "
          "network" % ("/".join(map(str, sorted(tables))),
                       len(tables.get(100, []))))

    if failures:
        for f in failures:
            print("FAIL:", f)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
