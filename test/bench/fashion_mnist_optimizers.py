#!/usr/bin/env python3
"""Long run (not a test): test accuracy of every optimizer after training
ResNet-20 on Fashion-MNIST, on one process and under mpirun.

  /usr/bin/python3 test/bench/fashion_mnist_optimizers.py --build build \
      --processes 1 2 --out test/bench/results/fashion_mnist_optimizers.json

For each optimizer and process count P, models/resnet20.onnx is compiled
with `trainc --batch GLOBAL/P --optimizer NAME` (the global batch is the
same for every P, 128 by default) and trained as a user would:

  [mpirun -np P --oversubscribe] ./train --data fashion-mnist --epochs E \
      --lr LR --lr-schedule cosine --log LOG --quiet

with the learning rates below (chosen once per algorithm for batch 128 and
the cosine schedule; not tuned per run). The last test record of each log
gives the accuracy. A run whose log already ends with the last epoch's test
record is not repeated (--work keeps them), so an interrupted sweep resumes;
runs already in --out for other optimizers or process counts stay there.
Results go to JSON; docs/optimizers.md summarises. About four minutes per
run of one epoch on two cores.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "models", "resnet20.onnx")

# Learning rate per optimizer for a global batch of 128 and one cosine epoch.
LEARNING_RATES = {
    "sgd": 0.1,
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.05,
    "rmsprop": 0.001,
    "adam": 0.002,
    "adamw": 0.002,
    "lars": 2.0,
    "lamb": 0.01,
    "nlcg": 0.1,
}


def last_test_record(log):
    """The last record with a test accuracy, or None."""
    if not os.path.exists(log):
        return None
    record = None
    with open(log) as f:
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if "test_accuracy" in entry:
                record = entry
    return record


def run_one(args, optimizer, processes, env):
    batch = args.global_batch // processes
    tag = "%s_np%d_b%d_e%d" % (optimizer, processes, batch, args.epochs)
    exe = os.path.join(args.work, "train_" + tag)
    log = os.path.join(args.work, tag + ".jsonl")
    lr = LEARNING_RATES[optimizer]
    record = last_test_record(log)
    if not record or record.get("epoch") != args.epochs:
        trainc = os.path.join(args.build, "bin", "trainc")
        subprocess.run([trainc, MODEL, "--batch", str(batch), "--optimizer",
                        optimizer, "-o", exe], check=True)
        if os.path.exists(log):
            os.remove(log)
        command = [exe, "--data", "fashion-mnist", "--epochs",
                   str(args.epochs), "--lr", repr(lr), "--lr-schedule",
                   "cosine", "--log", log, "--quiet"]
        if processes > 1:
            command = ["mpirun", "-np", str(processes),
                       "--oversubscribe"] + command
        result = subprocess.run(command, env=env, capture_output=True,
                                text=True)
        if result.returncode != 0:
            sys.exit("%s failed:\n%s" % (" ".join(command),
                                         result.stderr[-2000:]))
        record = last_test_record(log)
        if not record:
            sys.exit("%s wrote no test record" % log)
    return {
        "optimizer": optimizer,
        "processes": processes,
        "batch_per_process": batch,
        "global_batch": batch * processes,
        "epochs": args.epochs,
        "lr": lr,
        "lr_schedule": "cosine",
        "test_accuracy": record["test_accuracy"],
        "test_loss": record["test_loss"],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", required=True, help="the build directory")
    p.add_argument("--out", required=True, help="the JSON to write")
    p.add_argument("--work", default="fashion-mnist-optimizers",
                   help="where executables and logs go (default: %(default)s)")
    p.add_argument("--optimizers", nargs="+", default=list(LEARNING_RATES),
                   choices=list(LEARNING_RATES))
    p.add_argument("--processes", nargs="+", type=int, default=[1, 2])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--global-batch", type=int, default=128)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    # Runs already in --out for other optimizers or process counts are kept,
    # so a sweep can be done in parts.
    results = []
    if os.path.exists(args.out):
        with open(args.out) as f:
            results = json.load(f).get("runs", [])

    def key(entry):
        return (entry["optimizer"], entry["processes"], entry["global_batch"],
                entry["epochs"])

    for processes in args.processes:
        if args.global_batch % processes:
            sys.exit("--global-batch %d is not a multiple of %d processes"
                     % (args.global_batch, processes))
        # The runtime divides the cores among the ranks (docs/runtime.md).
        for optimizer in args.optimizers:
            entry = run_one(args, optimizer, processes, env)
            results = [r for r in results if key(r) != key(entry)]
            results.append(entry)
            results.sort(key=lambda r: (r["processes"],
                                        list(LEARNING_RATES).index(
                                            r["optimizer"])))
            print("%-9s np %d  lr %-6g test accuracy %.4f" %
                  (optimizer, processes, entry["lr"], entry["test_accuracy"]),
                  flush=True)
            with open(args.out, "w") as f:
                json.dump({"model": "models/resnet20.onnx",
                           "data": "fashion-mnist",
                           "runs": results}, f, indent=1)
                f.write("\n")


if __name__ == "__main__":
    main()
