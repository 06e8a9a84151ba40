#!/usr/bin/env python3
"""Checks trainc's import of the ResNet families against facts of the ONNX file.

For each case (arch, torch.onnx training mode, opset, options) the model is
exported with models/export_onnx.py into a work directory, summarised with
`trainc MODEL --summary --summary-format=json`, and the summary is compared
with facts computed independently from the ONNX file with the onnx Python API
(and, for exports with unfolded BatchNorm, from the torch module):

  (a) op_counts: conv2d == number of Conv nodes, gemm == number of Gemm
      nodes, and the conv2d layers are named exactly like the Conv nodes;
  (b) trainable_parameters / parameter_tensors == the float initializers that
      some node uses (through Identity aliases) other than as a
      BatchNormalization running mean or variance (inputs 3 and 4);
  (c) buffer_elements / buffer_tensors == the uses of initializers as
      BatchNormalization inputs 3 and 4, one buffer per use: each BatchNorm
      keeps its own statistics even where the exporter merged equal
      initializers;
  (d) batch_norm_training / batch_norm_inference == the BatchNormalization
      nodes in training form (training_mode = 1 at opset >= 14, more than one
      output before) and in inference form; op_counts agree, and a model
      without BatchNorm (an eval export folds it into Conv) has neither;
  (e) the conv2d + gemm (+ matmul) layers' flops_per_sample sum to the FLOPs
      computed from onnx.shape_inference shapes: 2 * |out| * Cin/group * kH *
      kW (+ |out| with a bias) per Conv, 2 * M * N * K (+ M * N with C) per
      Gemm, divided by the batch (relative tolerance 1e-9);
  (f) every conv2d and gemm layer's output_shape equals the shape ONNX shape
      inference gives the node of the same name, and its params equals the
      element count of its weight (and bias);
  (g) for TRAINING and PRESERVE exports: trainable_parameters == sum of
      p.numel() over the torch module's parameters, and buffer_elements ==
      the elements of its BatchNorm running statistics -- counting those its
      forward pass uses (the pre-activation nets own an unused stem `bn1`).

  check_import.py --trainc build/bin/trainc [--quick | --full | --matrix NAME]
  check_import.py --trainc build/bin/trainc --case resnet50:eval:11:dyn=3
  check_import.py --trainc build/bin/trainc --onnx models/resnet20.onnx --batch 4

A case is ARCH:MODE:OPSET[:OPTION,...] with the options
  in=CxHxW   input sample shape (default 3x32x32 for the CIFAR nets,
             3x64x64 for torchvision's)
  batch=N    export batch (default 2)
  dyn[=N]    export a dynamic batch dimension and pass --batch N (default 3)
             to trainc
  bninf      rewrite BatchNorm to its one-output inference form (--bn-inference)
  classes=N  number of classes (default 10)

Matrices: smoke, cifar, torchvision (the lit tests of this directory), quick
(the default, six cases) and full (every arch x mode x opset 11..17, 6-7 min;
it includes the cases known_failure() names). Prints one line per case and
finally `N passed, M failed`; exits with 1 if a case failed. Run it with /usr/bin/python3 (Debian's torch, torchvision, onnx).
"""

import argparse
import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import onnx
from onnx import TensorProto, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, "..", "..", "models"))

TORCHVISION = ["resnet18", "resnet34", "resnet50", "resnet101",
               "resnext50_32x4d"]
CIFAR = [p + f"resnet{d}" for p in ("", "preact_") for d in (20, 32, 56)]
MODES = ["training", "preserve", "eval"]
OPSETS = list(range(11, 18))
FLOAT_TYPES = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.DOUBLE,
               TensorProto.BFLOAT16}


# --------------------------------------------------------------------------
# Cases and matrices


def known_failure(case):
    """Why `case` fails because of a trainc bug, or None. The matrices the lit
    tests run leave these cases out; --full and --case run them."""
    return None


def supported(cases):
    return [c for c in cases if not known_failure(c)]


class Case:
    def __init__(self, arch, mode, opset, options=()):
        if arch not in TORCHVISION + CIFAR:
            raise ValueError(f"unknown arch '{arch}'")
        if mode not in MODES:
            raise ValueError(f"unknown mode '{mode}'")
        self.arch, self.mode, self.opset = arch, mode, int(opset)
        self.input = "3x64x64" if arch in TORCHVISION else "3x32x32"
        self.batch = 2
        self.dynamic = None  # trainc --batch for a dynamic-batch export
        self.bn_inference = False
        self.classes = 10
        self.options = []
        for opt in options:
            key, _, value = opt.partition("=")
            if key == "in":
                self.input = value
            elif key == "batch":
                self.batch = int(value)
            elif key == "dyn":
                self.dynamic = int(value) if value else 3
            elif key == "bninf":
                self.bn_inference = True
            elif key == "classes":
                self.classes = int(value)
            else:
                raise ValueError(f"unknown case option '{opt}'")
            self.options.append(opt)

    @staticmethod
    def parse(spec):
        parts = spec.split(":")
        if len(parts) not in (3, 4):
            raise ValueError(f"bad case '{spec}': want ARCH:MODE:OPSET[:OPTS]")
        opts = parts[3].split(",") if len(parts) == 4 and parts[3] else []
        return Case(parts[0], parts[1], parts[2], opts)

    @property
    def spec(self):
        s = f"{self.arch}:{self.mode}:{self.opset}"
        return s + (":" + ",".join(self.options) if self.options else "")

    @property
    def trainc_batch(self):
        return self.dynamic if self.dynamic is not None else self.batch

    def __str__(self):
        s = f"{self.arch} {self.mode} opset {self.opset} in {self.input}"
        s += f" batch {self.batch}"
        if self.dynamic is not None:
            s += f" (dynamic, trainc --batch {self.dynamic})"
        if self.bn_inference:
            s += " bn-inference"
        if self.classes != 10:
            s += f" classes {self.classes}"
        return s


def C(spec):
    return Case.parse(spec)


def smoke_matrix():
    return [C("resnet20:training:15")]


def cifar_matrix():
    """Every CIFAR net in every mode at opsets 11, 13, 15 and 17, plus the
    BatchNorm inference form, dynamic batches and 1x28x28 inputs."""
    cases = []
    for arch in CIFAR:
        for mode in MODES:
            for opset in (11, 13, 15, 17):
                cases.append(Case(arch, mode, opset))
        # The inference form from both training forms (5 outputs before
        # opset 14, training_mode = 1 after).
        cases.append(Case(arch, "training", 12, ["bninf"]))
        cases.append(Case(arch, "preserve", 16, ["bninf", "in=1x28x28"]))
    cases += [
        C("resnet20:training:14:dyn=32,in=1x28x28"),
        C("resnet32:eval:12:dyn=5"),
        C("preact_resnet56:preserve:16:dyn=1,batch=4,in=1x28x28,classes=100"),
        C("preact_resnet20:training:11:bninf,dyn=7"),
        C("resnet56:training:15:batch=1"),
    ]
    return supported(cases)


def torchvision_matrix():
    """Each torchvision net in each mode once, the opsets 11..17 spread over
    them, plus dynamic batches, the BatchNorm inference form and 32x32 and
    one-channel inputs."""
    return supported([
        C("resnet18:training:11"),
        C("resnet18:preserve:16:in=1x64x64,dyn=4"),
        C("resnet18:eval:13:in=3x32x32"),
        C("resnet34:training:14:in=3x32x32,bninf"),
        C("resnet34:preserve:12:in=3x32x32"),
        C("resnet34:eval:17:dyn=3"),
        C("resnet50:training:17:in=3x32x32,dyn=2"),
        C("resnet50:preserve:11:in=3x32x32,bninf"),
        C("resnet50:eval:15:in=3x32x32"),
        C("resnet101:training:13:in=3x32x32"),
        C("resnet101:preserve:15:in=3x32x32"),
        C("resnet101:eval:12:in=3x32x32"),
        C("resnext50_32x4d:training:14:in=3x32x32"),
        C("resnext50_32x4d:preserve:13:in=3x32x32,dyn=5"),
        C("resnext50_32x4d:eval:16:in=3x32x32"),
    ])


def quick_matrix():
    return [
        C("resnet20:training:15"),
        C("preact_resnet20:preserve:11:in=1x28x28"),
        C("resnet32:eval:13:dyn=4"),
        C("resnet20:training:12:bninf"),
        C("resnet18:training:14:in=3x32x32"),
        C("resnext50_32x4d:eval:17:in=3x32x32"),
    ]


def full_matrix():
    """Every arch in every mode at every opset, and the inference form."""
    cases = []
    for arch in CIFAR + TORCHVISION:
        small = [] if arch in CIFAR else ["in=3x32x32"]
        for mode in MODES:
            for opset in OPSETS:
                dyn = ["dyn=3"] if opset % 2 else []
                cases.append(Case(arch, mode, opset, small + dyn))
        for opset in (11, 13, 14, 17):
            cases.append(Case(arch, "training", opset, small + ["bninf"]))
    return cases


MATRICES = {
    "smoke": smoke_matrix,
    "cifar": cifar_matrix,
    "torchvision": torchvision_matrix,
    "quick": quick_matrix,
    "full": full_matrix,
}


# --------------------------------------------------------------------------
# Facts of the ONNX file


def numel(dims):
    return math.prod(int(d) for d in dims)


def opset_of(model):
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return imp.version
    raise ValueError("the model imports no ONNX opset")


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def is_training_bn(node, opset):
    if opset >= 14:
        return attr(node, "training_mode", 0) != 0
    return len([o for o in node.output if o]) > 1


class OnnxFacts:
    """Everything the checks need, computed from the ONNX file alone."""

    def __init__(self, path, batch):
        model = onnx.load(path)
        graph = model.graph
        self.opset = opset_of(model)
        self.nodes = list(graph.node)
        self.count = {}
        for n in self.nodes:
            self.count[n.op_type] = self.count.get(n.op_type, 0) + 1

        # Initializers, and the Identity nodes that alias them.
        inits = {t.name: t for t in graph.initializer}
        graph_inputs = {i.name for i in graph.input}
        alias = {}
        for n in self.nodes:
            if n.op_type == "Identity" and n.input and n.input[0]:
                alias[n.output[0]] = n.input[0]

        def root(name):
            seen = set()
            while name in alias and name not in seen:
                seen.add(name)
                name = alias[name]
            return name

        self.root = root
        self.init_dims = {name: list(t.dims) for name, t in inits.items()}
        param_uses, buffer_uses = set(), []
        for n in self.nodes:
            if n.op_type == "Identity":
                continue
            for i, name in enumerate(n.input):
                r = root(name) if name else ""
                if r not in inits or r in graph_inputs:
                    continue
                if inits[r].data_type not in FLOAT_TYPES:
                    continue
                if n.op_type == "BatchNormalization" and i in (3, 4):
                    buffer_uses.append(r)
                else:
                    param_uses.add(r)
        self.params = sorted(param_uses)
        self.buffers = sorted(buffer_uses)
        self.both = sorted(param_uses & set(buffer_uses))
        self.trainable = sum(numel(inits[r].dims) for r in param_uses)
        self.buffer_elements = sum(numel(inits[r].dims) for r in buffer_uses)

        bns = [n for n in self.nodes if n.op_type == "BatchNormalization"]
        self.bn_training = sum(is_training_bn(n, self.opset) for n in bns)
        self.bn_inference = len(bns) - self.bn_training

        # Shapes: fix a dynamic batch dimension to the batch trainc is given,
        # then run ONNX shape inference.
        self.dynamic_inputs = []
        for is_input, values in ((True, graph.input), (False, graph.output)):
            for value in values:
                dims = value.type.tensor_type.shape.dim
                if value.name in inits or not dims:
                    continue
                if not dims[0].HasField("dim_value"):
                    if is_input:
                        self.dynamic_inputs.append(value.name)
                    dims[0].Clear()
                    dims[0].dim_value = batch
        del graph.value_info[:]
        inferred = shape_inference.infer_shapes(model, strict_mode=True)
        self.shapes = {}
        for v in (list(inferred.graph.value_info) + list(inferred.graph.input)
                  + list(inferred.graph.output)):
            t = v.type.tensor_type
            if t.HasField("shape") and all(d.HasField("dim_value")
                                           for d in t.shape.dim):
                self.shapes[v.name] = [d.dim_value for d in t.shape.dim]
        for name, dims in self.init_dims.items():
            self.shapes.setdefault(name, dims)

    def shape(self, name):
        if name in self.shapes:
            return self.shapes[name]
        r = self.root(name)
        if r in self.shapes:
            return self.shapes[r]
        raise KeyError(f"ONNX shape inference gives no static shape for "
                       f"'{name}'")

    def layer_facts(self):
        """{node name: (op, output shape, batch FLOPs, params)} of every Conv,
        Gemm and MatMul node."""
        facts = {}
        for n in self.nodes:
            if n.op_type == "Conv":
                out = self.shape(n.output[0])
                x = self.shape(n.input[0])
                w = self.shape(n.input[1])
                group = attr(n, "group", 1)
                kernel = attr(n, "kernel_shape", w[2:])
                if list(kernel) != list(w[2:]):
                    raise ValueError(f"{n.name}: kernel_shape {kernel} but "
                                     f"weight {w}")
                if x[1] % group or w[1] != x[1] // group:
                    raise ValueError(f"{n.name}: input {x}, weight {w}, "
                                     f"group {group}")
                macs = numel(out) * (x[1] // group) * numel(kernel)
                bias = len(n.input) > 2 and n.input[2] != ""
                flops = 2 * macs + (numel(out) if bias else 0)
                params = numel(w) + (numel(self.shape(n.input[2]))
                                     if bias else 0)
                facts[n.name] = ("conv2d", out, flops, params)
            elif n.op_type == "Gemm":
                out = self.shape(n.output[0])
                a = self.shape(n.input[0])
                k = a[0] if attr(n, "transA", 0) else a[1]
                has_c = len(n.input) > 2 and n.input[2] != ""
                m_n = numel(out)
                flops = 2 * m_n * k + (m_n if has_c else 0)
                params = sum(numel(self.shape(i)) for i in n.input[1:]
                             if i and self.root(i) in self.params)
                facts[n.name] = ("gemm", out, flops, params)
            elif n.op_type == "MatMul":
                out = self.shape(n.output[0])
                a = self.shape(n.input[0])
                if len(a) != 2:
                    raise ValueError(f"{n.name}: MatMul of rank {len(a)}")
                params = sum(numel(self.shape(i)) for i in n.input
                             if self.root(i) in self.params)
                facts[n.name] = ("matmul", out, 2 * numel(out) * a[1], params)
        return facts


# --------------------------------------------------------------------------
# Export and trainc


_export_module = None


def export(case, path):
    """Runs models/export_onnx.py in this process (torch is imported once)
    and returns the torch module it exported."""
    global _export_module
    if _export_module is None:
        sys.path.insert(0, MODELS)
        import export_onnx
        import torch
        # lit runs the model tests side by side on few cores; torch's thread
        # pool gains nothing on these small exports.
        torch.set_num_threads(1)
        _export_module = export_onnx
    mod = _export_module
    argv = ["export_onnx.py", "--arch", case.arch, "--input", case.input,
            "--classes", str(case.classes), "--batch", str(case.batch),
            "--mode", case.mode, "--opset", str(case.opset), "-o", path]
    if case.dynamic is not None:
        argv.append("--dynamic-batch")
    if case.bn_inference:
        argv.append("--bn-inference")
    built = []
    build = mod.build

    def capture(*args):
        built.append(build(*args))
        return built[-1]

    saved_argv, mod.build, sys.argv = sys.argv, capture, argv
    out = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(out):
            mod.main()
    finally:
        sys.argv, mod.build = saved_argv, build
    return built[0]


def torch_facts(module, case):
    """(parameters, BatchNorm running-statistic elements) of the torch module,
    counting only what its forward pass uses: the pre-activation nets of
    cifar_resnet.py own a stem `bn1` that their forward never calls, so it
    never reaches the ONNX file. Returns also the unused parameter count."""
    import torch
    called = set()
    hooks = [m.register_forward_hook(lambda m, i, o: called.add(id(m)))
             for m in module.modules()]
    c, h, w = (int(v) for v in case.input.split("x"))
    module.train(True)
    module.zero_grad(set_to_none=True)
    module(torch.randn(2, c, h, w)).sum().backward()
    for hook in hooks:
        hook.remove()
    used = sum(p.numel() for p in module.parameters() if p.grad is not None)
    unused = sum(p.numel() for p in module.parameters()) - used
    buffers = 0
    for m in module.modules():
        if (isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
                and id(m) in called):
            buffers += m.running_mean.numel() + m.running_var.numel()
    return used, buffers, unused


def run_trainc(trainc, path, batch):
    cmd = [trainc, path, "--summary", "--summary-format=json"]
    if batch is not None:
        cmd += ["--batch", str(batch)]
    for attempt in range(12):
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=900)
            break
        except OSError:
            # The binary is being relinked (a build in progress in the same
            # tree); that says nothing about trainc, so wait for it.
            if attempt == 11:
                raise
            time.sleep(5)
    if proc.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` exited with "
                           f"{proc.returncode}:\n{proc.stderr.strip()}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        raise RuntimeError(f"trainc printed no JSON ({e}):\n"
                           f"{proc.stdout[:2000]}")


# --------------------------------------------------------------------------
# Checks


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1.0)


def check(summary, facts, batch, mode=None, torch_counts=None):
    """Returns a list of mismatch descriptions (empty if all checks pass)."""
    errors = []

    def expect(what, expected, actual, ok=None):
        if not (expected == actual if ok is None else ok):
            errors.append(f"{what}: expected {expected}, got {actual}")

    counts = summary.get("op_counts", {})
    expect("batch", batch, summary.get("batch"))
    # (a) one conv2d per Conv, one gemm per Gemm.
    expect("(a) op_counts['conv2d'] vs ONNX Conv nodes",
           facts.count.get("Conv", 0), counts.get("conv2d", 0))
    expect("(a) op_counts['gemm'] vs ONNX Gemm nodes",
           facts.count.get("Gemm", 0), counts.get("gemm", 0))
    layers = summary.get("layers", [])
    conv_names = sorted(n.name for n in facts.nodes if n.op_type == "Conv")
    layer_names = sorted(l["name"] for l in layers if l["op"] == "conv2d")
    if conv_names != layer_names:
        missing = sorted(set(conv_names) - set(layer_names))
        extra = sorted(set(layer_names) - set(conv_names))
        errors.append(f"(a) conv2d layer names differ from the Conv node "
                      f"names: missing {missing[:5]}, unexpected {extra[:5]}")
    # (b) trainable parameters; (c) buffers.
    expect("(b) trainable_parameters", facts.trainable,
           summary.get("trainable_parameters"))
    expect("(b) parameter_tensors", len(facts.params),
           summary.get("parameter_tensors"))
    expect("(c) buffer_elements", facts.buffer_elements,
           summary.get("buffer_elements"))
    expect("(c) buffer_tensors", len(facts.buffers),
           summary.get("buffer_tensors"))
    # (d) BatchNorm forms.
    expect("(d) batch_norm_training", facts.bn_training,
           summary.get("batch_norm_training"))
    expect("(d) batch_norm_inference", facts.bn_inference,
           summary.get("batch_norm_inference"))
    expect("(d) op_counts['batch_norm']", facts.bn_training,
           counts.get("batch_norm", 0))
    expect("(d) op_counts['batch_norm_inference']", facts.bn_inference,
           counts.get("batch_norm_inference", 0))
    if facts.bn_training + facts.bn_inference == 0:
        present = [k for k in counts if k.startswith("batch_norm")]
        expect("(d) BatchNorm op counts of a model without BatchNorm", [],
               present)
    # (e) FLOPs and (f) shapes and parameters of conv2d/gemm/matmul layers.
    lf = facts.layer_facts()
    expected_flops = sum(f[2] for f in lf.values()) / batch
    actual_flops = sum(l["flops_per_sample"] for l in layers
                       if l["op"] in ("conv2d", "gemm", "matmul"))
    expect("(e) conv2d+gemm flops_per_sample", expected_flops, actual_flops,
           close(expected_flops, actual_flops))
    shape_errors = []
    for l in layers:
        if l["op"] not in ("conv2d", "gemm", "matmul"):
            continue
        if l["name"] not in lf:
            shape_errors.append(f"{l['op']} layer '{l['name']}' has no ONNX "
                                f"node of that name")
            continue
        op, shape, flops, params = lf[l["name"]]
        if op != l["op"]:
            shape_errors.append(f"layer '{l['name']}': op {l['op']}, ONNX "
                                f"says {op}")
        if shape != l["output_shape"]:
            shape_errors.append(f"layer '{l['name']}': output_shape expected "
                                f"{shape}, got {l['output_shape']}")
        if params != l["params"]:
            shape_errors.append(f"layer '{l['name']}': params expected "
                                f"{params}, got {l['params']}")
        if not close(flops / batch, l["flops_per_sample"]):
            shape_errors.append(f"layer '{l['name']}': flops_per_sample "
                                f"expected {flops / batch}, got "
                                f"{l['flops_per_sample']}")
    if shape_errors:
        errors.append(f"(f) {len(shape_errors)} layer mismatches, e.g.\n      "
                      + "\n      ".join(shape_errors[:5]))
    # (g) the torch module.
    if torch_counts is not None and mode in ("training", "preserve"):
        expect("(g) trainable_parameters vs torch parameters",
               torch_counts[0], summary.get("trainable_parameters"))
        expect("(g) buffer_elements vs torch BN running statistics",
               torch_counts[1], summary.get("buffer_elements"))
    return errors


def run_case(case, trainc, workdir, keep):
    """Returns (errors, timing text)."""
    path = os.path.join(workdir, case.spec.replace(":", "_").replace(",", "_")
                        .replace("=", "") + ".onnx")
    t0 = time.time()
    module = export(case, path)
    t1 = time.time()
    tc = torch_facts(module, case) if case.mode != "eval" else None
    del module
    facts = OnnxFacts(path, case.trainc_batch)
    if case.dynamic is not None and not facts.dynamic_inputs:
        return ["the export has no dynamic batch dimension"], ""
    t2 = time.time()
    try:
        summary = run_trainc(trainc, path, case.dynamic)
    except RuntimeError as e:
        errors = [str(e)]
        if facts.both:
            errors.append(f"(the model uses {len(facts.both)} initializers "
                          f"both as parameters and as BatchNorm running "
                          f"statistics, e.g. {facts.both[:3]})")
        return errors, ""
    t3 = time.time()
    errors = check(summary, facts, case.trainc_batch, case.mode, tc)
    if not errors and not keep:
        os.remove(path)
    timing = (f"export {t1 - t0:.1f}s, onnx facts {t2 - t1:.1f}s, "
              f"trainc {t3 - t2:.1f}s")
    if tc and tc[2]:
        timing += f"; {tc[2]} unused torch parameters"
    return errors, timing


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trainc", required=True, help="the trainc binary")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_const", dest="matrix",
                   const="quick", help="a few cases (the default)")
    g.add_argument("--full", action="store_const", dest="matrix",
                   const="full", help="every arch x mode x opset (slow)")
    g.add_argument("--matrix", choices=MATRICES)
    g.add_argument("--case", action="append", metavar="SPEC",
                   help="ARCH:MODE:OPSET[:OPTION,...] (repeatable)")
    g.add_argument("--onnx", metavar="FILE",
                   help="check an existing ONNX file instead (checks a-f)")
    p.add_argument("--batch", type=int,
                   help="with --onnx: the --batch to give trainc")
    p.add_argument("--workdir", help="export into a new directory in this "
                   "one (default: in the system's temporary directory); the "
                   "models of failing cases are kept")
    p.add_argument("--keep", action="store_true",
                   help="keep every exported model in --workdir")
    p.add_argument("--discard", action="store_true",
                   help="delete the exported models even if cases fail")
    p.add_argument("--list", action="store_true",
                   help="print the cases and exit")
    a = p.parse_args()
    trainc = shutil.which(a.trainc) or a.trainc

    if a.onnx:
        try:
            summary = run_trainc(trainc, a.onnx, a.batch)
            batch = a.batch if a.batch is not None else summary.get("batch")
            errors = check(summary, OnnxFacts(a.onnx, batch), batch)
        except Exception as e:  # noqa: BLE001 - report and count as failed
            errors = [f"{type(e).__name__}: {e}"]
        report(a.onnx, errors, "")
        print(f"{int(not errors)} passed, {int(bool(errors))} failed")
        return 1 if errors else 0

    if a.case:
        cases = [Case.parse(s) for s in a.case]
    else:
        cases = MATRICES[a.matrix or "quick"]()
    if a.list:
        for c in cases:
            print(c.spec)
        print(f"{len(cases)} cases")
        return 0

    # A directory of its own, even inside --workdir: two runs of the same
    # lit test (e.g. two builds' test runs) must not share files.
    if a.workdir:
        os.makedirs(a.workdir, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="trainc-models-", dir=a.workdir)
    passed = failed = 0
    start = time.time()
    try:
        for case in cases:
            try:
                errors, timing = run_case(case, trainc, workdir, a.keep)
            except Exception as e:  # noqa: BLE001 - report and go on
                errors, timing = [f"{type(e).__name__}: {e}"], ""
            report(case, errors, timing)
            passed += not errors
            failed += bool(errors)
    finally:
        if (failed and not a.discard) or a.keep:
            print(f"the exported models are in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"total time {time.time() - start:.1f}s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def report(what, errors, timing):
    if not errors:
        print(f"PASS {what}" + (f" ({timing})" if timing else ""), flush=True)
        return
    spec = f" [{what.spec}]" if isinstance(what, Case) else ""
    print(f"FAIL {what}{spec}", flush=True)
    known = known_failure(what) if isinstance(what, Case) else None
    if known:
        print(f"    known trainc bug: {known}", flush=True)
    for e in errors:
        print(f"    {e}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
