#!/usr/bin/env python3
"""Kills a run with SIGKILL at random moments while it checkpoints every
step, many times, and checks each time that the run resumes from a
complete checkpoint holding the exact state (issue 17 point 4).

  kill_during_checkpoint.py DIR TRIALS SEED -- TRAIN_COMMAND...

Each trial starts TRAIN_COMMAND --steps 1000000 --checkpoint DIR/k.ckpt
--checkpoint-every 1 --keep-checkpoints 2, kills it after a random 0.05 to
0.5 s, and then:
- finds the newest complete checkpoint itself (k.ckpt, else k.ckpt.1: the
  FNV-1a 64 checksum in the last 8 bytes over the rest, docs/runtime.md);
  one must exist;
- resumes with --resume DIR/k.ckpt --steps S (S its step) --checkpoint
  DIR/again.ckpt: the executable must succeed (falling back by itself when
  k.ckpt is broken) and, with nothing left to do, write the same bytes
  again;
- trains straight to step S (--checkpoint DIR/ref.ckpt): the same bytes
  too, so the state is exact.
Prints one line; exits 1 on the first failure.
"""
import os
import random
import struct
import subprocess
import sys
import time

MASK = (1 << 64) - 1


def complete(path):
    """The checkpoint's step if it is complete and its checksum holds."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return None
    if len(data) < 264 or data[:8] != b"TRAINCKP":
        return None
    h = 0xcbf29ce484222325
    for byte in data[:-8]:
        h = ((h ^ byte) * 0x100000001b3) & MASK
    if struct.unpack("<Q", data[-8:])[0] != h:
        return None
    return struct.unpack("<q", data[64:72])[0]


def main():
    directory, trials, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    train = sys.argv[sys.argv.index("--") + 1:]
    rng = random.Random(seed)
    os.makedirs(directory, exist_ok=True)
    k = os.path.join(directory, "k.ckpt")
    used = {"k.ckpt": 0, "k.ckpt.1": 0}
    for trial in range(trials):
        for name in os.listdir(directory):
            os.remove(os.path.join(directory, name))
        run = subprocess.Popen(train + ["--steps", "1000000", "--checkpoint", k,
                                        "--checkpoint-every", "1",
                                        "--keep-checkpoints", "2"],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.5))
        run.kill()
        run.wait()
        newest = None
        for name in ("k.ckpt", "k.ckpt.1"):
            step = complete(os.path.join(directory, name))
            if step is not None:
                newest = (name, step)
                break
        if newest is None:
            # Killed before the first checkpoint was complete: nothing to
            # resume, and nothing lost. Count it as a trial still.
            if any(complete(os.path.join(directory, n)) is not None
                   for n in os.listdir(directory)):
                print("FAIL: trial %d: a complete file that is neither "
                      "k.ckpt nor k.ckpt.1" % trial)
                return 1
            used.setdefault("none yet", 0)
            used["none yet"] += 1
            continue
        name, step = newest
        used[name] += 1
        again = os.path.join(directory, "again.ckpt")
        ref = os.path.join(directory, "ref.ckpt")
        done = subprocess.run(train + ["--steps", str(step), "--resume", k,
                                       "--checkpoint", again],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print("FAIL: trial %d: resuming failed: %s"
                  % (trial, done.stderr.strip()))
            return 1
        subprocess.run(train + ["--steps", str(step), "--checkpoint", ref],
                       check=True, stdout=subprocess.DEVNULL)
        chosen = open(os.path.join(directory, name), "rb").read()
        if open(again, "rb").read() != chosen:
            print("FAIL: trial %d: the resumed run did not continue from %s "
                  "(step %d)" % (trial, name, step))
            return 1
        if open(ref, "rb").read() != chosen:
            print("FAIL: trial %d: %s (step %d) differs from a straight run "
                  "to step %d" % (trial, name, step, step))
            return 1
    print("%d kills: every one resumed from a complete checkpoint with the "
          "exact state (%s)" % (trials, ", ".join(
              "%s %d" % (n, c) for n, c in sorted(used.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
