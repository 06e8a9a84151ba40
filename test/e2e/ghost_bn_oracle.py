#!/usr/bin/env python3
"""A float64 PyTorch oracle of trainc's data-parallel training with
BatchNorm (OPTIMIZERS.md I4, I5, I8).

  ghost_bn_oracle.py data DIR [--samples N] [--seed S]
      writes DIR/X.npy (float32 [N, 1, 28, 28]) and DIR/Y.npy (int32 [N],
      10 classes) from a numpy seed.
  ghost_bn_oracle.py check --model M.onnx --x X.npy --y Y.npy --batch B
          --groups G --steps T --seed S --lr LR --momentum MU --dumps DIR
          [--log RUN.jsonl] [--contrast-groups G2] [--label TEXT]
      checks each of T steps of an executable against the oracle. DIR/s
      (s = 1..T) is what a run of the executable with --steps s wrote with
      --dump-params DIR/s/params --dump-grads DIR/s/grads; RUN.jsonl is the
      --log of the run with --steps T.
  ghost_bn_oracle.py free ... --params DIR
      the same oracle run on its own for T steps, against one --dump-params
      DIR (a diagnostic: see "Why step by step" below).

The schedule is the runtime's (runtime/train/Trainer.cpp): epoch e takes
the samples in the order epochPermutation(S, e, N) (Shuffle.cpp, ported
below bit for bit), step t of the epoch the B = global batch samples at
order[t*B : (t+1)*B], and rank r of k the b = B/k at t*B + r*b; the
remainder of an epoch is dropped. With --accumulate K, B = K k b and
micro-batch m of rank r takes the b at t*B + (m k + r)*b.

The oracle splits each step's B samples into G equal contiguous "ghost"
groups: BatchNorm normalises each group with its own batch mean and biased
variance. The loss is the mean over groups of each group's mean
cross-entropy; torch.optim.SGD (momentum MU, no dampening, no weight
decay: the executable's defaults) takes one step on its gradient. The
running statistics are those rank 0 computes (PyTorch's update, with the
unbiased variance over its n = b*H*W values per channel): group 0, or with
--accumulate K its K groups 0, k, 2k, ... in turn, as K forward passes in
training mode move them; trainc keeps rank 0's and broadcasts them before
saving. So:

  G = k   non-synced BN on k ranks (I4): each rank normalises its shard;
  G = K k gradient accumulation (--accumulate K) on k ranks: BN per
          micro-batch of each rank;
  G = 1   single-process BN over B, and what SyncBN on k ranks must give
          (I5; its running statistics use the global n).

Why step by step. trainc computes in float32, the oracle in float64. A
ReLU whose input lies within float32 rounding of zero (ResNet-20 at batch
8 has ~1.2M ReLU inputs per step, so one such input every few steps) may
fall on the other side in float32: the gradient of every tensor upstream
of it then differs by up to ~1/sqrt(b*H*W) of the tensor's gradient (a few
percent for a BatchNorm bias). Left to run on its own, the oracle's
parameters then differ from trainc's by ~1e-5 relative, which moves
hundreds more ReLU inputs across zero at the next step: the two runs
diverge by 1e-2 to 1e-1 within two steps, whichever of them is right. So
`check` starts every step s from trainc's own state after step s-1 (the
parameters and running statistics of the run with --steps s-1, the
oracle's own momentum buffer), and compares:

  the loss of step s            with RUN.jsonl
  the gradient of step s        with DIR/s/grads (the mean over ranks)
  the parameters after step s   with DIR/s/params, relative to the step's
                                update lr * momentum buffer
  the running statistics        with DIR/s/params, relative to the step's
                                change of the running statistics

each relative by norm, within --tolerance (1e-3, as test/numerics'
single-step comparison with PyTorch). The running statistics also pin
which shard rank 0 took: the gradients cannot (the mean over ranks is
symmetric in them).

Where a gradient misses the tolerance, the oracle looks at the ReLU
inputs within --kink-band standard deviations (of that ReLU's input) of
zero, nearest first, computes what taking each on the other side changes
(the element's upstream gradient times the gradient of its input: one
backward pass each), and takes it only if that removes at least a quarter
of the sum of squared relative errors, until every gradient is within the
tolerance: "n ReLU inputs ... taken on the other side", each printed. The
input trainc took the other way removes nearly all of the error; any other
moves it by a hair. A wrong BatchNorm grouping, shard or scaling moves
gradients by 1e-1 and more, which a few single-element flips cannot
imitate; --contrast-groups G2 prints how far the G2-group gradients are
from the G-group ones at trainc's parameters and fails unless that is at
least 100x trainc's worst gradient error (a test that could not tell the
two apart would prove nothing).
"""

import argparse
import contextlib
import json
import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "models"))
from export_onnx import build  # noqa: E402

MASK64 = (1 << 64) - 1


class SplitMix64:
    """runtime/data/SplitMix64.h."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, bound):
        # Lemire's multiply-shift with rejection, in 128-bit arithmetic.
        product = self.next() * bound
        low = product & MASK64
        if low < bound:
            threshold = ((1 << 64) - bound) % bound  # uint64 -bound % bound
            while low < threshold:
                product = self.next() * bound
                low = product & MASK64
        return product >> 64


def epoch_permutation(seed, epoch, count):
    """runtime/train/Shuffle.cpp: Fisher-Yates from a per-epoch stream."""
    epoch_seed = SplitMix64(seed).next() ^ (
        (epoch * 0xD1342543DE82EF95) & MASK64)
    rng = SplitMix64(epoch_seed)
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


# The orders test/unit/runtime/ShuffleTest.cpp pins.
assert epoch_permutation(0, 0, 10) == [1, 2, 5, 7, 0, 8, 4, 3, 9, 6]
assert epoch_permutation(7, 3, 10) == [8, 2, 1, 5, 3, 4, 6, 7, 9, 0]


def schedule(seed, count, batch, steps):
    """The global batch of each step: (epoch, sample indices)."""
    per_epoch = count // batch
    if per_epoch == 0:
        raise SystemExit(f"{count} samples are fewer than a batch of {batch}")
    for step in range(steps):
        epoch, position = divmod(step, per_epoch)
        order = epoch_permutation(seed, epoch, count)
        yield epoch, order[position * batch:(position + 1) * batch]


def is_statistic(name):
    return name.endswith("running_mean") or name.endswith("running_var")


def load_model(args, in_channels):
    """`args.arch` with every parameter and running statistic taken from
    the ONNX file's initializers (the export itself ran a training forward,
    which moved the running statistics)."""
    import onnx
    from onnx import numpy_helper
    stored = {i.name: numpy_helper.to_array(i)
              for i in onnx.load(args.model).graph.initializer}
    model = build(args.arch, in_channels, args.classes).double()
    model.train()
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name not in stored:
                raise SystemExit(f"{args.model} has no initializer '{name}'")
            value = stored[name]
            if tuple(value.shape) != tuple(tensor.shape):
                raise SystemExit(f"{name}: {args.model} has shape "
                                 f"{value.shape}, the model "
                                 f"{tuple(tensor.shape)}")
            tensor.copy_(torch.from_numpy(value.astype(np.float64)))
    return model


def statistics(model):
    return {n: b for n, b in model.named_buffers() if is_statistic(n)}


def load_dump(model, directory):
    """The parameters and running statistics an executable dumped."""
    with torch.no_grad():
        for name, tensor in list(model.named_parameters()) + list(
                statistics(model).items()):
            value = np.load(os.path.join(directory, name + ".npy"))
            tensor.copy_(torch.from_numpy(value.astype(np.float64)))


class ReluTape:
    """Stands in for torch.relu (which the CIFAR ResNets call): the same
    function, recording each call's input and output so that the gradient
    reaching each output and each input's own gradient can be taken."""

    def __init__(self):
        self.inputs, self.outputs = [], []

    def __call__(self, t):
        out = t * (t > 0).to(t.dtype)
        out.retain_grad()
        self.inputs.append(t)
        self.outputs.append(out)
        return out


@contextlib.contextmanager
def relu_taped(tape):
    original = torch.relu
    torch.relu = tape
    try:
        yield
    finally:
        torch.relu = original


def forward(model, x_all, y_all, indices, groups, tape=None, ranks=None):
    """The mean over groups of each group's mean cross-entropy; the running
    statistics end as rank 0 leaves them. Group g is micro-batch g // ranks
    of rank g % ranks (ranks = groups / micro-batches per step): rank 0
    normalises groups 0, ranks, 2 ranks, ... in turn, each moving its
    running statistics on from where the one before left them."""
    ranks = ranks or groups
    size = len(indices) // groups
    total = 0
    kept = None
    for g in range(groups):
        if g % ranks == 0 and kept is not None:
            replace_statistics(model, kept)
        shard = indices[g * size:(g + 1) * size]
        x = torch.from_numpy(x_all[shard].astype(np.float64))
        y = torch.from_numpy(y_all[shard])
        with relu_taped(tape) if tape else contextlib.nullcontext():
            loss = torch.nn.functional.cross_entropy(model(x), y)
        total = total + loss / groups
        if g % ranks == 0:
            kept = {n: b.detach().clone()
                    for n, b in statistics(model).items()}
    return total, kept


def restore_statistics(model, kept):
    with torch.no_grad():
        for name, b in statistics(model).items():
            b.copy_(kept[name])


def replace_statistics(model, kept):
    """Sets the running statistics to copies of `kept` by rebinding the
    buffers, not writing them in place: autograd holds the ones the forward
    passes so far read (checked by version when backward runs)."""
    for name in statistics(model):
        owner, _, attribute = name.rpartition(".")
        setattr(model.get_submodule(owner), attribute,
                kept[name].detach().clone())


def rel(got, ref, scale):
    return float(np.linalg.norm(got - ref) / max(np.linalg.norm(scale),
                                                 1e-30))


def gradient_errors(got, ref):
    return {n: rel(got[n], ref[n], ref[n]) for n in ref}


def resolve_kinks(model, tape, ref, got, args, step, groups):
    """Where a gradient misses the tolerance: takes ReLU inputs within the
    kink band on the other side, nearest to zero first, each only if that
    brings the gradients much closer to trainc's (a quarter off the sum of
    squared relative errors; the input trainc took the other way removes
    nearly all of it, any other helps by a hair). Returns the gradients and
    how many inputs were taken."""
    def cost(grads):
        errors = gradient_errors(got, grads)
        return sum(min(v, 1.0) ** 2 for v in errors.values()), \
            max(errors.values())

    current, taken = ref, 0
    now, worst = cost(current)
    if worst <= args.tolerance:
        return current, 0
    names = [n for n, _ in model.named_parameters()]
    params = [p for _, p in model.named_parameters()]
    per_group = len(tape.inputs) // groups
    candidates = []
    for k, x in enumerate(tape.inputs):
        values = x.detach().reshape(-1)
        band = args.kink_band * float(values.std())
        for e in torch.nonzero(values.abs() < band).reshape(-1).tolist():
            candidates.append((abs(float(values[e])) / band, k, e))
    candidates.sort()
    for _, k, e in candidates[:args.max_kinks]:
        x, out = tape.inputs[k], tape.outputs[k]
        upstream = float(out.grad.reshape(-1)[e])
        if upstream == 0:
            continue
        # Passing the element's gradient where float64 blocks it, or the
        # other way round: its upstream gradient times its input's gradient.
        value = float(x.reshape(-1)[e])
        sign = -1.0 if value > 0 else 1.0
        parts = torch.autograd.grad(x.reshape(-1)[e], params,
                                    retain_graph=True, allow_unused=True)
        trial = {n: current[n] + (sign * upstream * p.numpy()
                                  if p is not None else 0)
                 for n, p in zip(names, parts)}
        after, worst = cost(trial)
        if after > 0.75 * now:
            continue
        current, now, taken = trial, after, taken + 1
        where = tuple(int(i) for i in np.unravel_index(e, x.shape))
        print(f"  step {step}: took group {k // per_group}'s ReLU "
              f"{k % per_group} (of {per_group}) at {where}, input "
              f"{value:.2e} (std {float(x.detach().std()):.2f}), on the "
              f"other side ({len(candidates)} inputs within the band)")
        if worst <= args.tolerance:
            break
    return current, taken


class Check:
    """One kind of tensor compared over all steps."""

    def __init__(self, label, kind, tolerance):
        self.label, self.kind, self.tolerance = label, kind, tolerance
        self.worst, self.failed, self.count, self.where = 0.0, 0, 0, ""

    def add(self, step, name, error):
        self.count += 1
        if error > self.worst:
            self.worst, self.where = error, f"{name} at step {step}"
        if not error <= self.tolerance:
            self.failed += 1
            print(f"FAIL step {step} {self.kind} {name}: relative error "
                  f"{error:.3e} > {self.tolerance:g}")

    def report(self, what, note=""):
        print(f"{self.label}: {what}, worst relative error "
              f"{self.worst:.2e}{note}, {self.failed} failed")
        return self.failed


def ranks(args):
    """The processes of the run: --groups over --accumulate."""
    if args.groups % args.accumulate:
        raise SystemExit(f"--accumulate {args.accumulate} does not divide "
                         f"--groups {args.groups}")
    return args.groups // args.accumulate


def check(args):
    torch.set_num_threads(1)
    x_all = np.load(args.x)
    y_all = np.load(args.y).astype(np.int64)
    if args.batch % args.groups:
        raise SystemExit(f"--groups {args.groups} does not divide --batch "
                         f"{args.batch}")
    model = load_model(args, x_all.shape[1])
    names = [n for n, _ in model.named_parameters()]
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr,
                                momentum=args.momentum)
    losses = None
    if args.log:
        losses = [json.loads(line) for line in open(args.log)]
        losses = [r for r in losses if "loss" in r and "accuracy" not in r]
        if [r["step"] for r in losses] != list(range(1, args.steps + 1)):
            print(f"FAIL: {args.log} has steps "
                  f"{[r['step'] for r in losses]}, expected 1..{args.steps}")
            return 1
    label = args.label
    loss_check = Check(label, "losses", args.tolerance)
    grad_check = Check(label, "gradients", args.tolerance)
    param_check = Check(label, "parameters", args.tolerance)
    stat_check = Check(label, "running statistics", args.tolerance)
    kinks, contrast, failures = 0, 0.0, 0
    for step, (epoch, indices) in enumerate(
            schedule(args.seed, len(x_all), args.batch, args.steps), 1):
        if step > 1:  # trainc's state after the previous step
            load_dump(model, os.path.join(args.dumps, str(step - 1),
                                          "params"))
        start = {n: p.detach().numpy().copy()
                 for n, p in model.named_parameters()}
        start_stats = {n: b.numpy().copy()
                       for n, b in statistics(model).items()}
        here = os.path.join(args.dumps, str(step))
        dumped = sorted(f[:-4] for f in os.listdir(here + "/params"))
        expected = sorted(names + list(start_stats))
        if dumped != expected:
            print(f"FAIL: {here}/params holds {dumped}, expected {expected}")
            return 1

        # The contrast first: the same step with G2 groups.
        if args.contrast_groups:
            total, kept = forward(model, x_all, y_all, indices,
                                  args.contrast_groups)
            other = torch.autograd.grad(total, list(model.parameters()))
            other = {n: g.numpy().copy() for n, g in zip(names, other)}
            restore_statistics(model, {n: torch.from_numpy(v) for n, v in
                                       start_stats.items()})

        tape = ReluTape()
        optimizer.zero_grad()
        total, kept = forward(model, x_all, y_all, indices, args.groups,
                              tape, ranks(args))
        if not tape.inputs:
            raise SystemExit(f"{args.arch} calls no torch.relu: the kink "
                             "search cannot see its ReLUs")
        total.backward(retain_graph=True)
        ref = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
        grads = {n: np.load(os.path.join(here, "grads", n + ".npy")).astype(
            np.float64) for n in names}
        ref, taken = resolve_kinks(model, tape, ref, grads, args, step,
                                   args.groups)
        kinks += taken
        del tape
        # (After every backward pass: BatchNorm's holds the buffers.)
        restore_statistics(model, kept)
        for n in names:
            grad_check.add(step, n, rel(grads[n], ref[n], ref[n]))
        if args.contrast_groups:
            contrast = max(contrast, max(rel(other[n], ref[n], ref[n])
                                         for n in names))

        if losses is not None:
            record = losses[step - 1]
            if record["epoch"] != epoch + 1:
                print(f"FAIL: step {step} is in epoch {record['epoch']} in "
                      f"{args.log}, epoch {epoch + 1} by the schedule")
                failures += 1
            loss_check.add(step, "loss",
                           abs(record["loss"] - total.item()) /
                           abs(total.item()))

        # The update, with the gradients just checked (kinks taken as
        # trainc took them).
        with torch.no_grad():
            for n, p in model.named_parameters():
                p.grad.copy_(torch.from_numpy(ref[n]))
        optimizer.step()
        dump = os.path.join(here, "params")
        for n, p in model.named_parameters():
            after = p.detach().numpy()
            got = np.load(os.path.join(dump, n + ".npy")).astype(np.float64)
            param_check.add(step, n, rel(got, after, after - start[n]))
        for n, b in statistics(model).items():
            after = b.numpy()
            got = np.load(os.path.join(dump, n + ".npy")).astype(np.float64)
            stat_check.add(step, n, rel(got, after, after - start_stats[n]))

    steps = args.steps
    if losses is not None:
        failures += loss_check.report(f"{steps} step losses")
    note = (f" ({kinks} ReLU input{'s' if kinks != 1 else ''} within "
            f"float32 rounding of zero taken on the other side)")
    failures += grad_check.report(f"{len(names)} gradients x {steps} "
                                  "steps", note)
    failures += param_check.report(f"{len(names)} parameters x {steps} "
                                   "steps")
    failures += stat_check.report(f"{len(start_stats)} running statistics "
                                  f"x {steps} steps")
    for c in (grad_check, param_check, stat_check):
        if c.worst > 0:
            print(f"  worst {c.kind}: {c.where}")
    if args.contrast_groups:
        ratio = contrast / max(grad_check.worst, 1e-30)
        far = ratio >= 100
        plural = "s" if args.contrast_groups > 1 else ""
        print(f"{args.contrast_groups} BN group{plural} instead of "
              f"{args.groups}: gradients up to {contrast:.2e} "
              f"away, {'at least' if far else 'FAIL: less than'} 100x "
              f"trainc's worst error")
        failures += not far
    return 1 if failures else 0


def free(args):
    """The oracle on its own for T steps against one --dump-params DIR."""
    torch.set_num_threads(1)
    x_all = np.load(args.x)
    y_all = np.load(args.y).astype(np.int64)
    model = load_model(args, x_all.shape[1])
    initial = {n: t.numpy().copy() for n, t in model.state_dict().items()
               if not n.endswith("num_batches_tracked")}
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr,
                                momentum=args.momentum)
    for epoch, indices in schedule(args.seed, len(x_all), args.batch,
                                   args.steps):
        optimizer.zero_grad()
        total, kept = forward(model, x_all, y_all, indices, args.groups,
                              ranks=ranks(args))
        total.backward()
        restore_statistics(model, kept)
        optimizer.step()
    params = {n for n, _ in model.named_parameters()}
    for kind, names in (("parameters", params),
                        ("running statistics", set(statistics(model)))):
        errors = sorted(
            (rel(np.load(os.path.join(args.params, n + ".npy")).astype(
                np.float64), t.numpy(), t.numpy() - initial[n]), n)
            for n, t in model.state_dict().items() if n in names)
        print(f"{args.label}: {len(errors)} {kind}, relative error (to the "
              f"change over the run) median {errors[len(errors) // 2][0]:.2e},"
              f" worst {errors[-1][0]:.2e} ({errors[-1][1]})")
    return 0


def data(args):
    os.makedirs(args.dir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    x = rng.standard_normal((args.samples, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, args.samples).astype(np.int32)
    np.save(os.path.join(args.dir, "X.npy"), x)
    np.save(os.path.join(args.dir, "Y.npy"), y)
    return 0


def main():
    warnings.filterwarnings("ignore")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("data")
    d.add_argument("dir")
    d.add_argument("--samples", type=int, default=24)
    d.add_argument("--seed", type=int, default=1)
    for name in ("check", "free"):
        c = sub.add_parser(name)
        c.add_argument("--model", required=True)
        c.add_argument("--arch", default="resnet20")
        c.add_argument("--classes", type=int, default=10)
        c.add_argument("--x", required=True)
        c.add_argument("--y", required=True)
        c.add_argument("--batch", type=int, required=True,
                       help="the global batch (ranks x per-rank batch)")
        c.add_argument("--groups", type=int, required=True,
                       help="BatchNorm groups of each global batch")
        c.add_argument("--accumulate", type=int, default=1,
                       help="micro-batches per step on each rank (the "
                            "executable's --accumulate); --groups is then "
                            "ranks x micro-batches, in the order (micro-"
                            "batch, rank)")
        c.add_argument("--steps", type=int, required=True)
        c.add_argument("--seed", type=int, required=True)
        c.add_argument("--lr", type=float, required=True)
        c.add_argument("--momentum", type=float, required=True)
        c.add_argument("--label", default="trainc")
        if name == "check":
            c.add_argument("--dumps", required=True,
                           help="DIR/s/params and DIR/s/grads of the runs "
                                "with --steps s")
            c.add_argument("--log", help="the --log of the run with "
                                         "--steps T")
            c.add_argument("--contrast-groups", type=int)
            c.add_argument("--tolerance", type=float, default=1e-3)
            c.add_argument("--kink-band", type=float, default=3e-5)
            c.add_argument("--max-kinks", type=int, default=64)
        else:
            c.add_argument("--params", required=True)
    args = p.parse_args()
    return {"data": data, "check": check, "free": free}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
