"""Kills (or stops) one rank of a running mpirun job and checks that the
whole job ends, non-zero, within 30 seconds, saying which rank died and how.

usage: kill_rank.py [--stop] EXECUTABLE -- MPIRUN-COMMAND...
The job must run long enough (until killed); the rank killed is the child of
mpirun running EXECUTABLE with the highest pid. With --stop the rank gets
SIGSTOP instead of SIGKILL: it stays alive but silent, as a hung rank, and
the others must end the job on their collective timeout (the command's
--collective-timeout must be well under 30 s).
"""

import os
import signal
import subprocess
import sys
import time


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def main():
    args = sys.argv[1:sys.argv.index("--")]
    stop = "--stop" in args
    exe = os.path.basename([a for a in args if a != "--stop"][0])
    command = sys.argv[sys.argv.index("--") + 1:]
    job = subprocess.Popen(command, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    ranks = []
    deadline = time.time() + 60
    while time.time() < deadline and len(ranks) < 2:
        time.sleep(0.5)
        ranks = []
        for child in children(job.pid):
            try:
                with open(f"/proc/{child}/cmdline", "rb") as f:
                    argv0 = f.read().split(b"\0")[0].decode()
            except OSError:
                continue
            if os.path.basename(argv0) == exe:
                ranks.append(child)
    if len(ranks) < 2:
        job.kill()
        print(f"FAIL: found {len(ranks)} ranks of {exe} under mpirun")
        return 1
    time.sleep(2)  # let both ranks reach the training loop
    victim = max(ranks)
    os.kill(victim, signal.SIGSTOP if stop else signal.SIGKILL)
    killed = time.time()
    try:
        output, _ = job.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        job.kill()
        if stop:
            os.kill(victim, signal.SIGKILL)
        print("FAIL: the job was still running 30 s after a rank was killed")
        return 1
    seconds = time.time() - killed

    def alive(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    # mpirun has returned; its ranks may take a moment more to go.
    while time.time() - killed < 30 and any(alive(r) for r in ranks):
        time.sleep(0.2)
    survivors = [r for r in ranks if alive(r)]
    print(output)
    print(f"job ended {seconds:.1f} s after the "
          f"{'stop' if stop else 'kill'} with status "
          f"{job.returncode}; ranks left: {len(survivors)}")
    return 0 if job.returncode != 0 and not survivors else 1


if __name__ == "__main__":
    sys.exit(main())
