"""Checks that a run split by --resume logged what the straight run did.

usage: compare_logs.py STRAIGHT.jsonl FIRST.jsonl SECOND.jsonl

The step records (without images_per_s, a timing) and the evaluations of
the end of each epoch must be identical; FIRST and SECOND may each end
with an evaluation where their part of the run stopped.
"""
import json
import sys


def records(path):
    return [json.loads(line) for line in open(path)]


def comparable(log):
    out = []
    for record in log:
        record = dict(record)
        record.pop("images_per_s", None)
        out.append(record)
    return out


straight = comparable(records(sys.argv[1]))
split = comparable(records(sys.argv[2])) + comparable(records(sys.argv[3]))
last_step = max(r["step"] for r in straight)
steps_per_epoch = 64


def keep(record):
    # Drop evaluations made where a part of the run stopped mid-epoch.
    return ("test_accuracy" not in record or
            record["step"] % steps_per_epoch == 0 or
            record["step"] == last_step)


split = [r for r in split if keep(r)]
if straight != split:
    for a, b in zip(straight, split):
        if a != b:
            print("first difference:\n  straight %s\n  resumed  %s" % (a, b))
            break
    else:
        print("lengths differ: %d vs %d" % (len(straight), len(split)))
    sys.exit(1)
print("%d step losses and %d evaluations identical" %
      (sum("loss" in r for r in straight),
       sum("test_accuracy" in r for r in straight)))
