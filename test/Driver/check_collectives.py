"""Checks the order of the gradient collectives in the CUDA target's host
code (trainc --target=cuda --emit=llvm): the train step's runtime calls in
program order.

usage: check_collectives.py STEP.ll

Prints, for FileCheck:
  buckets N: each started once, then waited for once
  started before backward ends: K of N
  kernels after each wait before the next: [..]
  blocking calls between the first start and the last wait: [..]
The data plane turns each start into an event on the step stream, a wait
of the communication stream on it and the all-reduce there, and each wait
into a wait of the step stream on the all-reduce's event
(runtime/cuda/NcclDataPlane.cpp): none of these calls blocks the host, so
only the calls listed as blocking can.
"""

import re
import sys

# Runtime calls that only enqueue work on a stream (or ask a constant).
NON_BLOCKING = {
    "trainc_rt_launch", "trainc_rt_conv2d_forward",
    "trainc_rt_conv2d_backward_data", "trainc_rt_conv2d_backward_filter",
    "trainc_rt_gemm", "trainc_rt_allreduce_start", "trainc_rt_allreduce_wait",
    "trainc_rt_allreduce", "trainc_rt_allreduce_f64", "trainc_rt_world",
    "trainc_rt_bad_step_args",
}


def main():
    text = open(sys.argv[1]).read()
    # The function that holds the step's collectives.
    functions = re.split(r"^define ", text, flags=re.M)[1:]
    step = [f for f in functions
            if "@trainc_rt_allreduce_start(" in f and
            f.split("(")[0].split("@")[-1].startswith("trainc_train_step")]
    if len(step) != 1:
        print(f"FAIL: {len(step)} train step functions with collectives")
        return 1
    calls = []
    for m in re.finditer(r"call \S+ @(trainc_rt_\w+)\(([^\n]*)", step[0]):
        name, args = m.group(1), m.group(2)
        bucket = None
        if name in ("trainc_rt_allreduce_start", "trainc_rt_allreduce_wait"):
            bucket = int(re.match(r"ptr %\w+, i32 (\d+)", args).group(1))
        calls.append((name, bucket))
    starts = [i for i, (n, _) in enumerate(calls) if n.endswith("_start")]
    waits = [i for i, (n, _) in enumerate(calls) if n.endswith("_wait")]
    started = [calls[i][1] for i in starts]
    waited = [calls[i][1] for i in waits]
    buckets = sorted(set(started) | set(waited))
    # Each bucket once in each list, its start before its wait.
    ok = all(started.count(x) == 1 and waited.count(x) == 1 and
             starts[started.index(x)] < waits[waited.index(x)]
             for x in buckets)
    print(f"buckets {len(buckets)}: "
          f"{'each started once, then waited for once' if ok else 'MISMATCH'}")
    backward = [i for i, (n, _) in enumerate(calls)
                if n.startswith("trainc_rt_conv2d_backward")]
    last_backward = max(backward) if backward else -1
    early = sum(1 for i in starts if i < last_backward)
    print(f"started before backward ends: {early} of {len(buckets)}")
    after = []
    for k, w in enumerate(waits):
        end = waits[k + 1] if k + 1 < len(waits) else len(calls)
        after.append(sum(1 for n, _ in calls[w + 1:end]
                         if n == "trainc_rt_launch"))
    print(f"kernels after each wait before the next: {after}")
    blocking = sorted({n for n, _ in calls[min(starts):max(waits) + 1]
                       if n not in NON_BLOCKING})
    print(f"blocking calls between the first start and the last wait: "
          f"{blocking}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
