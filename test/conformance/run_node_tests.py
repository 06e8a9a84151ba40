#!/usr/bin/python3
"""Forward conformance of trainc on ONNX's own backend node tests.

ONNX ships, for every operator, small models (one node, every operand a
graph input) with input and expected output TensorProtos
(<data>/<test>/model.onnx, test_data_set_*/input_N.pb, output_N.pb; Debian's
libonnx-testdata installs them under /usr/share/libonnx-testdata/data/node).
trainc compiles a model with one data input and float initializers as
parameters, so for each selected test this driver

  1. rewrites the model with the onnx API: the first input stays the data
     input, every other input becomes an initializer holding that test's
     values (Conv W/B, Gemm B/C, BatchNormalization scale, bias, running
     mean and variance, Add's second operand, Sum's other terms, Reshape's
     shape); the first output is the one checked, flattened to
     [d0, rest] when it is not rank 2 (trainc's training step, compiled
     alongside, wants [batch, classes] logits; Flatten is a view, so the
     bytes checked are the node's own);
  2. compiles it with `trainc --emit=obj`, links the object with the step
     harness (test/numerics/StepHarness.cpp) and
  3. runs `step-harness eval X.npy OUT.npy COUNT` (trainc_eval_step: the
     inference form, running statistics) and compares OUT with ONNX's
     expected output.

Two families need the training step instead (`step-harness step`):

  * BatchNormalization with training_mode = 1: the model becomes
    BN -> Flatten -> Gemm(W) -> loss against fixed labels. The updated
    running statistics (the harness dumps the buffers) are compared with the
    test's running_mean / running_var outputs, and Y (batch statistics),
    which the step does not expose, through the loss and the gradient of W:
    dL/dW = Yf^T (softmax(Yf W) - onehot) / N determines Yf when the N x K
    matrix on the right has rank N (it does here: N = 2, K = 8), and the
    loss and dL/dW are recomputed in float64 numpy from ONNX's expected Y.
    trainc updates the running variance with the UNBIASED batch variance,
    as PyTorch does (docs/lowering.md); ONNX's reference uses the biased
    one. So running_var is checked against the documented formula
        var * momentum + var_unbiased(x) * (1 - momentum),
    computed independently in numpy, after checking that ONNX's expected
    running_var is exactly the biased form of the same formula (which pins
    the difference to that one factor n / (n - 1)).
  * SoftmaxCrossEntropyLoss (test_sce_*): trainc's loss is softmax
    cross-entropy with mean reduction, no class weights and no ignore_index
    over [N, C] logits. The cases of exactly that form (and no log_prob
    output) are checked with a model whose logits are the test's scores
    (Add of a zero parameter, exact in floating point); the loss the step
    writes is compared with the test's output.

Tolerance: ONNX's backend test default, |got - want| <= atol + rtol |want|
with rtol 1e-3, atol 1e-7, elementwise, for every output compared directly.
The gradient of W in the training-mode BatchNorm check is a sum of N signed
terms per entry, so entries near zero carry an absolute error of the size
of the terms: there atol is 1e-3 * max |dL/dW| (rtol unchanged). Any NaN in
the output (the harness pre-fills it with NaN, so an element the step never
writes stays NaN) fails.

Tests the compiler does not support (other ops, integer and non-tensor
types, 1-D / 3-D pooling, MaxPool's Indices output, broadcasting Add,
batched MatMul, empty tensors, loss forms other than ours) are SKIPped with
the reason. When the rewritten model is one trainc could be given (only
supported ops), `trainc --emit=mlir` must also reject it with its one-line
error and exit status 1, which the SKIP line quotes; a model trainc accepts
although it does not implement its semantics (or a crash) is a FAIL.

Prints one line per test, PASS / FAIL / SKIP / XFAIL (a failure named with
--xfail: a known bug) / XPASS (a test named with --xfail that passes), then
`N passed, M failed, K skipped` (XPASS counts as failed, XFAIL as neither).
Exit status 1 when anything failed.
"""

import argparse
import concurrent.futures
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"
RTOL, ATOL = 1e-3, 1e-7

# The ops trainc's importer registers (importers/onnx/*Handlers.cpp).
SUPPORTED_OPS = {"BatchNormalization", "Conv", "Relu", "Add", "Sum", "MaxPool",
                 "AveragePool", "GlobalAveragePool", "Gemm", "MatMul",
                 "Flatten", "Reshape", "Identity", "Constant"}


class Skip(Exception):
    """The test is outside what trainc implements. `model`, when given, is
    the rewritten model, which trainc must reject."""

    def __init__(self, reason, model=None):
        super().__init__(reason)
        self.reason = reason
        self.model = model


def load_tensor(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def load_set(test_dir, set_dir):
    def numbered(kind):
        files = glob.glob(os.path.join(set_dir, kind + "_*.pb"))
        files.sort(key=lambda p: int(re.search(r"_(\d+)\.pb$", p).group(1)))
        return [load_tensor(p) for p in files]
    return numbered("input"), numbered("output")


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def value_kind(info):
    return info.type.WhichOneof("value")


def elem_type(info):
    return info.type.tensor_type.elem_type


def opset_of(model):
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    return None


def float_info(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT,
                                         list(shape))


def rewrite(model, inputs, outputs, checked_output=0):
    """The node test as trainc takes it: input 0 the data input, every other
    input an initializer with the test's values; the checked output, made
    rank 2 with a Flatten when it is not. Returns (model, output shape)."""
    g = model.graph
    old_inputs = list(g.input)
    data = old_inputs[0]
    out_info = g.output[checked_output]
    out_shape = list(outputs[checked_output].shape)
    nodes = list(g.node)
    final = out_info.name
    if len(out_shape) != 2:
        final = out_info.name + "_as_2d"
        nodes.append(helper.make_node("Flatten", [out_info.name], [final],
                                      axis=1, name="conformance_flatten"))
        rows = out_shape[0] if out_shape else 1
        out2d = [rows, int(np.prod(out_shape[1:], dtype=np.int64))]
    else:
        out2d = out_shape
    inits = [numpy_helper.from_array(np.ascontiguousarray(arr), info.name)
             for info, arr in zip(old_inputs[1:], inputs[1:])]
    initializer_infos = list(old_inputs[1:len(inputs)])
    if not inits:
        # trainc wants at least one initializer; one no node uses is
        # dropped by the importer, so the model has no parameters.
        inits.append(numpy_helper.from_array(np.zeros(1, np.float32),
                                             "conformance_unused"))
        initializer_infos.append(float_info("conformance_unused", [1]))
    graph_inputs = [data]
    if model.ir_version < 4:
        # Before IR 4 every initializer is also listed as a graph input.
        graph_inputs += initializer_infos
    new_graph = helper.make_graph(nodes, g.name or "conformance",
                                  graph_inputs,
                                  [float_info(final, out2d)],
                                  initializer=inits)
    new = helper.make_model(new_graph, opset_imports=model.opset_import,
                            producer_name="trainc-conformance")
    new.ir_version = model.ir_version
    return new, out2d


def compare(got, want, rtol=RTOL, atol=ATOL):
    """(ok, detail) for an elementwise allclose with NaN failing."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return False, "shape %s, expected %s" % (list(got.shape),
                                                 list(want.shape))
    diff = np.abs(got - want)
    bad = ~(diff <= atol + rtol * np.abs(want))  # NaN is bad
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(want != 0, diff / np.abs(want), np.where(diff == 0,
                                                                0, np.inf))
    max_abs = np.nanmax(diff) if diff.size and not np.all(np.isnan(diff)) \
        else float("nan")
    max_rel = np.nanmax(rel) if rel.size and not np.all(np.isnan(rel)) \
        else float("nan")
    detail = "max abs err %.3g, max rel err %.3g" % (max_abs, max_rel)
    if np.isnan(got).any():
        detail += ", %d NaN" % int(np.isnan(got).sum())
    if bad.any():
        i = np.unravel_index(np.argmax(np.where(bad, diff, -1)), got.shape) \
            if not np.isnan(got).all() else (0,) * got.ndim
        detail += ", %d of %d elements outside tolerance (worst at %s: got " \
                  "%.7g, expected %.7g)" % (int(bad.sum()), bad.size,
                                            list(int(k) for k in i),
                                            got[i], want[i])
    return not bad.any(), detail


class Case:
    """One runnable test set: the model to compile and how to check it."""

    def __init__(self, name, model, mode, x, count=None, labels=None,
                 check=None):
        self.name, self.model, self.mode, self.x = name, model, mode, x
        self.count, self.labels, self.check = count, labels, check


# ---------------------------------------------------------------------------
# What each op family supports, and how its tests become cases.
# ---------------------------------------------------------------------------

def empty_tensor_skips(model, inputs, outputs):
    for arr in inputs + outputs:
        if arr.size == 0:
            raise Skip("an empty tensor (shape %s); trainc needs every "
                       "dimension >= 1" % list(arr.shape),
                       rewrite(model, inputs, outputs)[0])


def float_skips(model, inputs, model_outputs, int_ok=()):
    for k, (info, arr) in enumerate(zip(model.graph.input, inputs)):
        if k in int_ok:
            continue
        if elem_type(info) != TensorProto.FLOAT:
            raise Skip("%s tensors; trainc supports FLOAT only" %
                       TensorProto.DataType.Name(elem_type(info)),
                       rewrite(model, inputs, model_outputs)[0])


def eval_case(name, model, inputs, outputs, set_index):
    new, out2d = rewrite(model, inputs, outputs)
    want = outputs[0].astype(np.float64)

    def check(result):
        got = result["out"].reshape(want.shape)
        return compare(got, want)
    return Case("%s/%d" % (name, set_index), new, "eval", inputs[0],
                count=int(np.prod(out2d)), check=check)


def pool_skips(node, model, inputs, outputs):
    a = attrs(node)
    rank = len(inputs[0].shape)
    if rank != 4:
        raise Skip("%d-D pooling; trainc pools 2-D (4-D inputs) only"
                   % (rank - 2), rewrite(model, inputs, outputs)[0])
    if node.op_type == "MaxPool" and len(node.output) > 1:
        extra = " with storage_order = %d" % a["storage_order"] \
            if a.get("storage_order") else ""
        raise Skip("MaxPool's Indices output%s is not supported" % extra,
                   with_outputs(model, inputs, outputs))


def with_outputs(model, inputs, outputs):
    """The rewritten model keeping every output (for a rejection check)."""
    new, _ = rewrite(model, inputs, outputs)
    g = new.graph
    node_outputs = list(model.graph.node[-1].output)
    for name, arr in zip(node_outputs[1:], outputs[1:]):
        g.output.append(helper.make_tensor_value_info(
            name, tensor_type_of(arr.dtype), list(arr.shape)))
    return new


def tensor_type_of(dtype):
    if hasattr(helper, "np_dtype_to_tensor_dtype"):  # onnx >= 1.13
        return helper.np_dtype_to_tensor_dtype(dtype)
    return onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[dtype]


def plan_forward(name, model, inputs, outputs, set_index):
    """Eval-mode cases for the plain forward ops."""
    empty_tensor_skips(model, inputs, outputs)
    g = model.graph
    node = g.node[0]
    op = node.op_type
    int_ok = (1,) if op == "Reshape" else ()
    float_skips(model, inputs, outputs, int_ok)
    if op in ("MaxPool", "AveragePool"):
        pool_skips(node, model, inputs, outputs)
    if op == "Add" and inputs[0].shape != inputs[1].shape:
        raise Skip("broadcasting Add (%s + %s); train.add needs equal shapes"
                   % (list(inputs[0].shape), list(inputs[1].shape)),
                   rewrite(model, inputs, outputs)[0])
    if op == "MatMul" and (inputs[0].ndim != 2 or inputs[1].ndim != 2):
        raise Skip("batched MatMul (%s x %s); trainc's MatMul is 2-D"
                   % (list(inputs[0].shape), list(inputs[1].shape)),
                   rewrite(model, inputs, outputs)[0])
    if op == "BatchNormalization" and training_bn(node, model):
        return plan_bn_training(name, model, inputs, outputs, set_index)
    out_rows = outputs[0].shape[0] if outputs[0].ndim else 1
    if out_rows != inputs[0].shape[0]:
        raise Skip("the output has %d rows for a batch of %d; trainc's "
                   "models map a batch of samples to one row each"
                   % (out_rows, inputs[0].shape[0]),
                   rewrite(model, inputs, outputs)[0])
    return eval_case(name, model, inputs, outputs, set_index)


def training_bn(node, model):
    if opset_of(model) >= 14:
        return attrs(node).get("training_mode", 0) != 0
    return len([o for o in node.output if o]) > 1


BN_CLASSES = 8
BN_SEED = 20240607


def plan_bn_training(name, model, inputs, outputs, set_index):
    node = model.graph.node[0]
    a = attrs(node)
    x, scale, bias, mean, var = inputs
    want_y, want_mean, want_var = outputs[:3]
    momentum = a.get("momentum", 0.9)
    n = x.shape[0]
    features = int(np.prod(x.shape[1:]))
    rng = np.random.RandomState(BN_SEED)
    w = (rng.standard_normal((features, BN_CLASSES)) * 0.1).astype(np.float32)
    labels = (np.arange(n) * 3 % BN_CLASSES).astype(np.int64)

    g = model.graph
    bn = helper.make_node("BatchNormalization", list(node.input),
                          list(node.output), name="bn", **a)
    flat = helper.make_node("Flatten", [node.output[0]], ["y_flat"], axis=1)
    gemm = helper.make_node("Gemm", ["y_flat", "w"], ["logits"])
    inits = [numpy_helper.from_array(arr, info.name)
             for info, arr in zip(g.input[1:], inputs[1:])]
    inits.append(numpy_helper.from_array(w, "w"))
    graph = helper.make_graph([bn, flat, gemm], "bn_training", [g.input[0]],
                              [float_info("logits", [n, BN_CLASSES])],
                              initializer=inits)
    new = helper.make_model(graph, opset_imports=model.opset_import,
                            producer_name="trainc-conformance")
    new.ir_version = model.ir_version

    def check(result):
        lines = []
        ok = True
        # Y through the loss and dL/dW, from ONNX's expected Y in float64.
        yf = want_y.astype(np.float64).reshape(n, features)
        logits = yf @ w.astype(np.float64)
        shifted = logits - logits.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        onehot = np.eye(BN_CLASSES)[labels]
        ref_loss = -(logp * onehot).sum() / n
        dlogits = (np.exp(logp) - onehot) / n
        ref_dw = yf.T @ dlogits
        if np.linalg.matrix_rank(dlogits) < n:
            return False, ("dL/dlogits has rank < N: dL/dW would not "
                           "determine Y; choose other labels or W")
        good, d = compare(result["loss"], ref_loss)
        ok &= good
        lines.append("loss " + d)
        good, d = compare(result["grad/w"], ref_dw,
                          atol=1e-3 * np.abs(ref_dw).max())
        ok &= good
        lines.append("Y via dL/dW " + d)
        # Running mean: as ONNX's reference.
        good, d = compare(result["buffer/" + node.input[3]], want_mean)
        ok &= good
        lines.append("running_mean " + d)
        # Running variance: the documented (PyTorch) update.
        axes = (0,) + tuple(range(2, x.ndim))
        count = x.size // x.shape[1]
        x64 = x.astype(np.float64)
        biased = x64.var(axis=axes)
        unbiased = biased * count / (count - 1)
        onnx_formula = var * momentum + biased * (1 - momentum)
        trainc_formula = var * momentum + unbiased * (1 - momentum)
        got_var = result["buffer/" + node.input[4]]
        agrees, d = compare(got_var, want_var)
        if agrees:
            good, d = True, "running_var matches ONNX's output: " + d
        else:
            # The documented difference, and only it: ONNX's data is the
            # biased update and trainc's value the unbiased one.
            data_ok, dd = compare(want_var, onnx_formula)
            good, dt = compare(got_var, trainc_formula)
            good = good and data_ok
            d = ("running_var vs the unbiased update var*m + "
                 "var_biased*n/(n-1)*(1-m), n = %d: %s (ONNX's output is the "
                 "biased update var*m + var_biased*(1-m): %s; trainc vs "
                 "ONNX's output: %s)" % (count, dt, dd, d))
        ok &= good
        lines.append(d)
        return ok, "; ".join(lines)
    return Case("%s/%d" % (name, set_index), new, "step", x,
                labels=labels, check=check)


def plan_sce(name, model, inputs, outputs, set_index, data_dir):
    if name.endswith("_expanded"):
        base = name[:-len("_expanded")]
        base_dir = os.path.join(data_dir, base)
        same = os.path.isdir(base_dir)
        if same:
            for s in sorted(glob.glob(os.path.join(base_dir,
                                                   "test_data_set_*"))):
                bi, bo = load_set(base_dir, s)
                same &= len(bi) == len(inputs) and all(
                    np.array_equal(p, q) for p, q in zip(bi, inputs)) and \
                    all(np.array_equal(p, q) for p, q in zip(bo, outputs))
        if same:
            raise Skip("ONNX's decomposition of %s's node with the same "
                       "inputs and outputs; the data is checked there" % base)
        raise Skip("an expanded SoftmaxCrossEntropyLoss graph (ops outside "
                   "trainc's set)")
    node = model.graph.node[0]
    assert node.op_type == "SoftmaxCrossEntropyLoss"
    a = attrs(node)
    reduction = a.get("reduction", b"mean")
    reduction = reduction.decode() if isinstance(reduction, bytes) \
        else reduction
    why = []
    if reduction != "mean":
        why.append("reduction '%s'" % reduction)
    if len([i for i in node.input if i]) > 2:
        why.append("class weights")
    if "ignore_index" in a:
        why.append("ignore_index %d" % a["ignore_index"])
    if inputs[0].ndim != 2:
        why.append("%d-D scores" % inputs[0].ndim)
    if len([o for o in node.output if o]) > 1:
        why.append("a log_prob output")
    if why:
        raise Skip("trainc's loss is mean softmax cross-entropy over [N, C] "
                   "logits with no class weights, no ignore_index, no "
                   "log_prob output; this case has " + ", ".join(why))
    scores, labels = inputs[0], inputs[1]
    n, c = scores.shape
    add = helper.make_node("Add", ["scores", "zero"], ["logits"])
    graph = helper.make_graph(
        [add], "sce", [float_info("scores", [n, c])],
        [float_info("logits", [n, c])],
        initializer=[numpy_helper.from_array(
            np.zeros((n, c), np.float32), "zero")])
    new = helper.make_model(graph, opset_imports=model.opset_import,
                            producer_name="trainc-conformance")
    new.ir_version = model.ir_version
    want = outputs[0]

    def check(result):
        return compare(result["loss"], want)
    return Case("%s/%d" % (name, set_index), new, "step", scores,
                labels=labels.astype(np.int64), check=check)


def plan(name, data_dir):
    """The cases of one node test, or Skip."""
    test_dir = os.path.join(data_dir, name)
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not sets:
        raise Skip("no test data sets")
    g = model.graph
    for info in list(g.input) + list(g.output):
        kind = value_kind(info)
        if kind != "tensor_type":
            raise Skip("%s '%s' is a%s %s; trainc takes tensors only"
                       % ("input" if info in g.input else "output",
                          info.name, "n" if kind[0] in "aeiou" else "",
                          kind.replace("_type", "")))
    if not name.startswith("test_sce"):
        for node in g.node:
            if node.op_type not in SUPPORTED_OPS:
                raise Skip("op %s is not supported by trainc" % node.op_type)
    cases = []
    for k, s in enumerate(sets):
        inputs, outputs = load_set(test_dir, s)
        if name.startswith("test_sce"):
            cases.append(plan_sce(name, model, inputs, outputs, k, data_dir))
        else:
            cases.append(plan_forward(name, model, inputs, outputs, k))
    return cases


# ---------------------------------------------------------------------------
# Compiling and running.
# ---------------------------------------------------------------------------

TIMEOUT = 300  # seconds for one command; a node test takes about 0.5 s


def run(cmd, cwd):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timed out after %d s" % TIMEOUT, ""
    status = None
    if p.returncode > 0:
        status = "exited with %d" % p.returncode
    elif p.returncode < 0:
        status = "was killed by signal %d" % -p.returncode
    return status, (p.stdout + p.stderr).strip()


def one_line(text, limit=300):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def run_case(case, opts):
    work = os.path.join(opts.work, case.name.replace("/", "_"))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    onnx.save(case.model, os.path.join(work, "model.onnx"))
    failure, out = run([opts.trainc, "model.onnx", "--emit=obj", "-o",
                        "model.o"], work)
    if failure:
        return False, "trainc %s: %s" % (failure, one_line(out))
    failure, out = run([opts.cxx, "model.o"] +
                       shlex.split(opts.harness_libs) + ["-o", "harness"],
                       work)
    if failure:
        return False, "linking failed: " + one_line(out)
    np.save(os.path.join(work, "x.npy"),
            np.ascontiguousarray(case.x, dtype=np.float32))
    result = {}
    if case.mode == "eval":
        failure, out = run(["./harness", "eval", "x.npy", "out.npy",
                            str(case.count)], work)
        if failure:
            return False, "step-harness eval %s: %s" % (failure,
                                                        one_line(out))
        result["out"] = np.load(os.path.join(work, "out.npy"))
    else:
        np.save(os.path.join(work, "y.npy"), case.labels.astype(np.int64))
        os.makedirs(os.path.join(work, "grad"))
        os.makedirs(os.path.join(work, "buffer"))
        failure, out = run(["./harness", "step", "x.npy", "y.npy", "."],
                           work)
        if failure:
            return False, "step-harness step %s: %s" % (failure,
                                                        one_line(out))
        for path in glob.glob(os.path.join(work, "*.npy")) + \
                glob.glob(os.path.join(work, "*", "*.npy")):
            key = os.path.relpath(path, work)[:-len(".npy")]
            result[key] = np.load(path)
    ok, detail = case.check(result)
    if ok and not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    return ok, detail


def check_rejected(model, name, opts):
    """(rejected, message): trainc must reject `model` with its one-line
    error and exit status 1."""
    work = os.path.join(opts.work, name + ".reject")
    os.makedirs(work, exist_ok=True)
    onnx.save(model, os.path.join(work, "model.onnx"))
    # Through the training pipeline: some rules (one logits row per sample)
    # are checked when the loss is built, after import.
    failure, out = run([opts.trainc, "model.onnx", "--emit=train", "-o",
                        os.devnull], work)
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    if failure is None:
        return False, "trainc accepts it"
    if failure != "exited with 1" or not out.startswith("trainc: error: "):
        return False, "trainc %s without its error line (%s)" % (
            failure, one_line(out, 200) if out else "no output")
    return True, one_line(out.replace("trainc: error: model.onnx: ", ""),
                          200)


def process(name, opts):
    """(status, detail) for one node test."""
    try:
        cases = plan(name, opts.data)
    except Skip as s:
        if s.model is None:
            return "SKIP", s.reason
        rejected, message = check_rejected(s.model, name, opts)
        if not rejected:
            return "FAIL", ("%s; but %s (the rewritten model must be "
                            "rejected)" % (s.reason, message))
        return "SKIP", "%s (trainc: %s)" % (s.reason, message)
    details = []
    ok = True
    for case in cases:
        good, detail = run_case(case, opts)
        ok &= good
        details.append(detail if len(cases) == 1
                       else "%s: %s" % (case.name, detail))
    return ("PASS" if ok else "FAIL"), "; ".join(details)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("prefixes", nargs="+",
                    help="node tests whose name starts with one of these")
    ap.add_argument("--data", default=DEFAULT_DATA,
                    help="ONNX's node test directory (default %(default)s)")
    ap.add_argument("--trainc", default=shutil.which("trainc") or "trainc")
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--harness-libs", required=True,
                    help="what links an object with the step harness "
                         "(lit's %%harness_libs), one string")
    ap.add_argument("--work", required=True, help="a scratch directory")
    ap.add_argument("--exclude", action="append", default=[],
                    help="a node test (exact name) not to list at all")
    ap.add_argument("--xfail", action="append", default=[],
                    help="a node test (exact name) that fails for a known "
                         "trainc bug: reported XFAIL, or XPASS (a failure) "
                         "when it passes")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directories of passing tests")
    opts = ap.parse_args()

    if not os.path.isdir(opts.data):
        sys.exit("run_node_tests.py: error: no node tests in " + opts.data)
    names = sorted(d for d in os.listdir(opts.data)
                   if any(d.startswith(p) for p in opts.prefixes)
                   and d not in opts.exclude
                   and os.path.isfile(os.path.join(opts.data, d,
                                                   "model.onnx")))
    if not names:
        sys.exit("run_node_tests.py: error: no node test starts with " +
                 " or ".join(opts.prefixes))
    os.makedirs(opts.work, exist_ok=True)
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as pool:
        results = list(pool.map(lambda n: process(n, opts), names))
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0, "XFAIL": 0}
    for name, (status, detail) in zip(names, results):
        if name in opts.xfail:
            status = {"FAIL": "XFAIL", "PASS": "XPASS"}.get(status, status)
        counts[{"XPASS": "FAIL"}.get(status, status)] += 1
        print("%s %s: %s" % (status, name, detail))
    if counts["XFAIL"]:
        print("%d expected failures (known trainc bugs)" % counts["XFAIL"])
    print("%d passed, %d failed, %d skipped" % (counts["PASS"],
                                                counts["FAIL"],
                                                counts["SKIP"]))
    sys.stdout.flush()
    print("time %.1f s" % (time.time() - start), file=sys.stderr)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
