#!/usr/bin/env python3
"""Starts a training run, signals it once it has logged some steps, and
prints how it ended (test/Runtime/preemption.test).

  signal_run.py LOG STEPS SIGNAL [--again SECONDS] [--child K] -- COMMAND...

Runs COMMAND (which must write its --log to LOG), waits until LOG holds
STEPS step records, then sends SIGNAL (TERM or INT) to the process, or with
--child K to its K-th child (from 0, by pid: under mpirun, one rank). With
--again, the same signal once more SECONDS later. Prints the stderr lines
that are not progress lines, then "exit STATUS". Fails if the run does not
end within 60 s.
"""
import os
import signal
import subprocess
import sys
import time


def children(pid):
    found = []
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                found += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return sorted(found)


def main():
    args = sys.argv[1:]
    command = args[args.index("--") + 1:]
    args = args[:args.index("--")]
    log, steps, name = args[0], int(args[1]), args[2]
    again = float(args[args.index("--again") + 1]) if "--again" in args else None
    child = int(args[args.index("--child") + 1]) if "--child" in args else None
    number = {"TERM": signal.SIGTERM, "INT": signal.SIGINT}[name]
    if os.path.exists(log):
        os.remove(log)
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(log):
            with open(log) as f:
                if sum(1 for line in f if '"loss"' in line) >= steps:
                    break
        if run.poll() is not None:
            print("the run ended before step %d: exit %d" % (steps,
                                                            run.returncode))
            return 1
        time.sleep(0.02)
    target = run.pid
    if child is not None:
        kids = children(run.pid)
        target = kids[child]
    os.kill(target, number)
    if again is not None:
        time.sleep(again)
        os.kill(target, number)
    try:
        _, err = run.communicate(timeout=max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        run.kill()
        print("the run did not end within 60 s")
        return 1
    for line in err.splitlines():
        line = line.strip("\r")
        if line and not line.startswith("epoch ") and "test accuracy" not in line:
            print(line)
    print("exit %d" % run.returncode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
