#!/usr/bin/env python3
"""Checks a trainc-sweep OUT.json of test/Driver/trainc-sweep.test.

  check_sweep.py OUT.json

Every key documented in tools/sweep/trainc-sweep is there; each batch has
its trials, drawn from the same quasi-random points (the rate times B /
B_min, the momentum and the schedule the same); S(B) is the least
steps_to_goal of the batch's trials (null if none met the goal) and a
multiple of eval_every; the trials of B > micro_batch ran with
--accumulate B / micro_batch and their logs (which the runs wrote) hold a
noise scale; B_simple is the median of the trials' noise scales; and on
this learnable problem, with the rate scaled with B, S(B) does not grow
with B. Prints one
line; exits 1 on the first difference.
"""
import json
import os
import sys


def main():
    path = sys.argv[1]
    d = json.load(open(path))

    def fail(message):
        print("FAIL: " + message)
        sys.exit(1)

    keys = {"S", "eval_every", "regimes", "fit", "B_simple", "model", "data",
            "goal", "micro_batch", "processes", "max_steps", "max_epochs",
            "diverge_factor", "optimizer",
            "trials_per_batch", "search", "trials"}
    if not keys <= set(d):
        fail("missing keys %s" % sorted(keys - set(d)))
    trials = d["trials"]
    trial_keys = {"batch", "trial", "lr", "momentum", "decay",
                  "steps_to_goal", "log", "command", "final_loss",
                  "final_test_accuracy", "noise_scale", "eval_every"}
    for t in trials:
        if not trial_keys <= set(t):
            fail("trial %s lacks %s" % (t, sorted(trial_keys - set(t))))
    batches = sorted({t["batch"] for t in trials})
    smallest = batches[0]
    for b in batches:
        mine = sorted((t for t in trials if t["batch"] == b),
                      key=lambda t: t["trial"])
        if len(mine) != d["trials_per_batch"]:
            fail("batch %d has %d trials" % (b, len(mine)))
        base = sorted((t for t in trials if t["batch"] == smallest),
                      key=lambda t: t["trial"])
        for t, t0 in zip(mine, base):
            if abs(t["lr"] - t0["lr"] * b / smallest) > 1e-12 * t["lr"] or \
                    t["momentum"] != t0["momentum"] or \
                    t["decay"] != t0["decay"]:
                fail("batch %d trial %d is not batch %d's point scaled"
                     % (b, t["trial"], smallest))
        feasible = [t["steps_to_goal"] for t in mine if t["steps_to_goal"]]
        want = min(feasible) if feasible else None
        if d["S"][str(b)] != want:
            fail("S(%d) = %s, its trials' best is %s" % (b, d["S"][str(b)],
                                                        want))
        every = d["eval_every"]
        every = every[str(b)] if isinstance(every, dict) else every
        if want is not None and want % every:
            fail("S(%d) = %d is not a multiple of %d" % (b, want, every))
        for t in mine:
            if t["eval_every"] != every or \
                    "--eval-every %d " % every not in t["command"]:
                fail("trial %s of %d: not evaluated every %d steps: %s"
                     % (t["trial"], b, every, t["command"]))
        n = d["processes"]
        micro = min(b // n, d["micro_batch"])
        k = b // (micro * n)
        for t in mine:
            accumulates = "--accumulate %d" % k in t["command"]
            if (k > 1) != accumulates or (n > 1) != (
                    " -np %d " % n in t["command"]):
                fail("trial %s: %s" % (t["trial"], t["command"]))
            if (k > 1 or n > 1) and not t["noise_scale"]:
                log = os.path.join(os.path.dirname(path), t["log"])
                scales = [r.get("noise_scale") for r in
                          map(json.loads, open(log)) if "loss" in r]
                if not any(s is not None for s in scales):
                    fail("batch %d trial %d logged no noise scale"
                         % (b, t["trial"]))
    scales = sorted(t["noise_scale"] for t in trials if t["noise_scale"] and
                    not t.get("failed", "").startswith("diverged"))
    if scales and d["B_simple"] != scales[len(scales) // 2]:
        fail("B_simple %s is not the median %s" % (d["B_simple"], scales))
    values = [d["S"][str(b)] for b in batches]
    if None in values or any(x < y for x, y in zip(values, values[1:])):
        fail("S(B) %s is not nonincreasing on this learnable problem "
             "(the rate scaled with B)" % values)
    n = d["processes"]
    accumulating = [b for b in batches if b > d["micro_batch"] * n]
    every = d["eval_every"]
    print("keys ok; %s%d trials; S(B) is each batch's best trial, a multiple "
          "of %s, nonincreasing; lr scales with B; batch %s accumulate %s, with a noise "
          "scale; B_simple %s" % (
              "%d processes; " % n if n > 1 else "", len(trials), ",".join("%s" % every[str(b)] for b in batches)
              if isinstance(every, dict) else every,
              " and ".join(str(b) for b in accumulating),
              " and ".join(str(b // (d["micro_batch"] * n))
                           for b in accumulating),
              "%g" % d["B_simple"] if d["B_simple"] else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
