"""Checks a --log FILE.jsonl of a training run.

usage: check_log.py LOG STEPS_PER_EPOCH FIRST_STEP LAST_STEP
                    [--min-accuracy A] [--no-test-split]

Every line is one JSON object: a step record (step, epoch, loss, lr,
images_per_s, batch, accumulate, momentum) for each step FIRST_STEP..LAST_STEP in order, and an evaluation
record (epoch, step, test_accuracy, test_loss, test_samples) after the last
step of every epoch and after the last step of the run (none with
--no-test-split). The last evaluation must be above A. Prints a summary line
for FileCheck.
"""
import argparse
import json
import math
import sys

parser = argparse.ArgumentParser()
parser.add_argument("log")
parser.add_argument("steps_per_epoch", type=int)
parser.add_argument("first", type=int)
parser.add_argument("last", type=int)
parser.add_argument("--min-accuracy", type=float)
parser.add_argument("--no-test-split", action="store_true")
args = parser.parse_args()
path, steps_per_epoch = args.log, args.steps_per_epoch
first, last, min_accuracy = args.first, args.last, args.min_accuracy

STEP_KEYS = ["step", "epoch", "loss", "lr", "images_per_s", "batch",
             "accumulate", "momentum"]
EVAL_KEYS = ["epoch", "step", "test_accuracy", "test_loss", "test_samples"]


def fail(message):
    print("%s: %s" % (path, message))
    sys.exit(1)


records = []
with open(path) as f:
    for number, line in enumerate(f, 1):
        if not line.endswith("\n"):
            fail("line %d does not end with a newline" % number)
        try:
            records.append(json.loads(line))
        except ValueError as error:
            fail("line %d is not JSON: %s" % (number, error))

step, evals, last_eval = first - 1, 0, None
for record in records:
    if "test_accuracy" in record:
        if list(record) != EVAL_KEYS:
            fail("evaluation record keys %s, expected %s" % (list(record),
                                                             EVAL_KEYS))
        if record["step"] != step:
            fail("evaluation at step %d follows step %d" % (record["step"],
                                                            step))
        if step % steps_per_epoch != 0 and step != last:
            fail("evaluation at step %d is not at an epoch's end" % step)
        if record["epoch"] != (step - 1) // steps_per_epoch + 1:
            fail("evaluation of epoch %d at step %d" % (record["epoch"], step))
        if not 0 <= record["test_accuracy"] <= 1:
            fail("test_accuracy %r" % record["test_accuracy"])
        if not (isinstance(record["test_loss"], (int, float)) and
                record["test_loss"] >= 0):
            fail("test_loss %r" % record["test_loss"])
        evals += 1
        last_eval = record
        continue
    if list(record) != STEP_KEYS:
        fail("step record keys %s, expected %s" % (list(record), STEP_KEYS))
    step += 1
    if record["step"] != step:
        fail("step %d where step %d was expected" % (record["step"], step))
    if record["epoch"] != (step - 1) // steps_per_epoch + 1:
        fail("step %d is in epoch %d, not %d" %
             (step, record["epoch"], (step - 1) // steps_per_epoch + 1))
    if not (isinstance(record["loss"], (int, float)) and
            math.isfinite(record["loss"]) and record["loss"] >= 0):
        fail("step %d has loss %r" % (step, record["loss"]))
    if not isinstance(record["lr"], (int, float)):
        fail("step %d has lr %r" % (step, record["lr"]))
    if not (isinstance(record["images_per_s"], (int, float)) and
            record["images_per_s"] > 0):
        fail("step %d has images_per_s %r" % (step, record["images_per_s"]))
if step != last:
    fail("the last step is %d, expected %d" % (step, last))
epochs_ended = last // steps_per_epoch - (first - 1) // steps_per_epoch
expected_evals = epochs_ended + (1 if last % steps_per_epoch else 0)
if args.no_test_split:
    expected_evals = 0
if evals != expected_evals:
    fail("%d evaluations, expected %d" % (evals, expected_evals))
if min_accuracy is not None and last_eval["test_accuracy"] <= min_accuracy:
    fail("final test accuracy %.4f is not above %.4f" %
         (last_eval["test_accuracy"], min_accuracy))
print("log ok: steps %d-%d, %d evaluations, lr %r, final accuracy %s" %
      (first, last, evals, records[0]["lr"],
       last_eval and "%.4f" % last_eval["test_accuracy"]))
