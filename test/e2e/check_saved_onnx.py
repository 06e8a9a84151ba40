"""Checks a model the executable wrote with --save-onnx.

usage: check_saved_onnx.py SAVED.onnx X.npy Y.npy PARAMS_DIR [--original M.onnx]

- onnx.checker (with shape inference) accepts the model;
- it is in inference form: BatchNormalization has one output and is not in
  training mode, the logits are the only graph output;
- every tensor the executable trained is an initializer equal to its
  --dump-params file (running statistics an exporter merged with a
  parameter or another statistic have initializers of their own);
- the ONNX graph, executed node by node by the small interpreter below on
  PyTorch (float64), reproduces Y.npy, the executable's --forward-only
  logits for X.npy (relative error by norm below 1e-4, same argmax).

The interpreter is independent of trainc: it follows the ONNX operator
specification for the ops the importer accepts.
"""

import argparse
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def spatial_pads(a, x, kernel, strides, dilations):
    """ONNX pads [b1, b2, e1, e2] with auto_pad resolved."""
    n = len(kernel)
    auto = a.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto in ("NOTSET", ""):
        return list(a.get("pads", [0] * (2 * n)))
    if auto == "VALID":
        return [0] * (2 * n)
    begins, ends = [], []
    for i in range(n):
        size = x.shape[2 + i]
        out = math.ceil(size / strides[i])
        total = max(0, (out - 1) * strides[i] +
                    (kernel[i] - 1) * dilations[i] + 1 - size)
        small, large = total // 2, total - total // 2
        begins.append(large if auto == "SAME_LOWER" else small)
        ends.append(small if auto == "SAME_LOWER" else large)
    return begins + ends


def pad_input(x, pads, value=0.0):
    n = len(pads) // 2
    torch_pads = []
    for i in reversed(range(n)):
        torch_pads += [pads[i], pads[i + n]]
    return F.pad(x, torch_pads, value=value) if any(pads) else x


def conv(node, x, w, b=None):
    a = attrs(node)
    kernel = list(w.shape[2:])
    strides = list(a.get("strides", [1] * len(kernel)))
    dilations = list(a.get("dilations", [1] * len(kernel)))
    pads = spatial_pads(a, x, kernel, strides, dilations)
    return F.conv2d(pad_input(x, pads), w, b, stride=strides,
                    dilation=dilations, groups=a.get("group", 1))


def pool(node, x, kind):
    a = attrs(node)
    kernel = list(a["kernel_shape"])
    strides = list(a.get("strides", [1] * len(kernel)))
    dilations = list(a.get("dilations", [1] * len(kernel)))
    pads = spatial_pads(a, x, kernel, strides, dilations)
    ceil = bool(a.get("ceil_mode", 0))
    n = len(kernel)
    symmetric = pads[:n] == pads[n:] and all(
        2 * p <= k for p, k in zip(pads[:n], kernel))
    if kind == "max":
        if symmetric:
            return F.max_pool2d(x, kernel, strides, pads[:n], dilations,
                                ceil_mode=ceil)
        return F.max_pool2d(pad_input(x, pads, -math.inf), kernel, strides,
                            0, dilations, ceil_mode=ceil)
    include = bool(a.get("count_include_pad", 0))
    if symmetric:
        return F.avg_pool2d(x, kernel, strides, pads[:n], ceil_mode=ceil,
                            count_include_pad=include)
    if include:
        return F.avg_pool2d(pad_input(x, pads), kernel, strides, 0,
                            ceil_mode=ceil)
    sums = F.avg_pool2d(pad_input(x, pads), kernel, strides, 0,
                        ceil_mode=ceil, divisor_override=1)
    counts = F.avg_pool2d(pad_input(torch.ones_like(x[:1, :1]), pads), kernel,
                          strides, 0, ceil_mode=ceil, divisor_override=1)
    return sums / counts


def batch_norm(node, x, scale, bias, mean, var):
    a = attrs(node)
    assert not a.get("training_mode", 0), "BatchNormalization in training mode"
    return F.batch_norm(x, mean, var, scale, bias, training=False,
                        eps=a.get("epsilon", 1e-5))


def gemm(node, a_, b_, c=None):
    a = attrs(node)
    if a.get("transA", 0):
        a_ = a_.t()
    if a.get("transB", 0):
        b_ = b_.t()
    y = a.get("alpha", 1.0) * (a_ @ b_)
    return y + a.get("beta", 1.0) * c if c is not None else y


def flatten(node, x):
    axis = attrs(node).get("axis", 1)
    axis = axis + x.dim() if axis < 0 else axis
    return x.reshape(math.prod(x.shape[:axis]), -1)


def reshape(node, x, shape):
    dims = [int(d) for d in shape.tolist()]
    allowzero = attrs(node).get("allowzero", 0)
    dims = [x.shape[i] if d == 0 and not allowzero else d
            for i, d in enumerate(dims)]
    return x.reshape(dims)


OPS = {
    "Conv": conv,
    "BatchNormalization": batch_norm,
    "Relu": lambda node, x: torch.relu(x),
    "Add": lambda node, a, b: a + b,
    "Sum": lambda node, *xs: sum(xs),
    "MaxPool": lambda node, x: pool(node, x, "max"),
    "AveragePool": lambda node, x: pool(node, x, "avg"),
    "GlobalAveragePool": lambda node, x: x.mean(dim=(2, 3), keepdim=True),
    "Gemm": gemm,
    "MatMul": lambda node, a, b: a @ b,
    "Flatten": flatten,
    "Reshape": reshape,
    "Identity": lambda node, x: x,
}


def run(model, x):
    values = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
              for i in model.graph.initializer}
    values = {k: v.double() if v.is_floating_point() else v
              for k, v in values.items()}
    inputs = [i.name for i in model.graph.input if i.name not in values]
    assert len(inputs) == 1, inputs
    values[inputs[0]] = torch.from_numpy(x).double()
    for node in model.graph.node:
        if node.op_type == "Constant":
            t = numpy_helper.to_array(attrs(node)["value"])
            values[node.output[0]] = torch.from_numpy(t.copy()).double() \
                if t.dtype.kind == "f" else torch.from_numpy(t.copy())
            continue
        args = [values[name] if name else None for name in node.input]
        values[node.output[0]] = OPS[node.op_type](node, *args)
    return values[model.graph.output[0].name].numpy()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("saved")
    p.add_argument("x")
    p.add_argument("y")
    p.add_argument("params")
    p.add_argument("--original")
    args = p.parse_args()
    torch.set_num_threads(1)

    model = onnx.load(args.saved)
    onnx.checker.check_model(model, full_check=True)
    assert model.producer_name == "trainc", model.producer_name
    assert len(model.graph.output) == 1, "more than the logits as outputs"
    bns = [n for n in model.graph.node if n.op_type == "BatchNormalization"]
    for n in bns:
        assert len(n.output) == 1, f"BatchNormalization {n.name} has outputs " \
            f"{list(n.output)}"
        assert not attrs(n).get("training_mode", 0), n.name
    if args.original:
        original = onnx.load(args.original)
        assert model.graph.output[0].name == original.graph.output[0].name
        assert model.opset_import == original.opset_import

    # Every trained initializer equals its dumped tensor, by name; running
    # statistics the original shared with a parameter or with another
    # BatchNorm have initializers of their own (names not in the original).
    dumped = {f[:-4]: np.load(os.path.join(args.params, f))
              for f in os.listdir(args.params) if f.endswith(".npy")}
    names = {i.name for i in model.graph.initializer}
    for init in model.graph.initializer:
        stem = init.name.replace("/", "_")
        if stem not in dumped:
            assert init.data_type != onnx.TensorProto.FLOAT, \
                f"float initializer {init.name} was not trained"
            continue
        value = numpy_helper.to_array(init)
        assert value.shape == dumped[stem].shape and \
            np.array_equal(value, dumped[stem]), \
            f"initializer {init.name} differs from its --dump-params file"
    missing = set(dumped) - {n.replace("/", "_") for n in names}
    assert not missing, f"trained tensors missing from the model: {missing}"
    separated = 0
    if args.original:
        separated = len(names - {i.name for i in original.graph.initializer})

    x = np.load(args.x)
    y = np.load(args.y)
    ref = run(model, x)
    assert ref.shape == y.shape, (ref.shape, y.shape)
    err = np.linalg.norm(y - ref) / max(np.linalg.norm(ref), 1e-30)
    same = (y.argmax(1) == ref.argmax(1)).mean()
    print(f"saved model: {len(model.graph.node)} nodes, {len(bns)} "
          f"BatchNormalization in inference form, "
          f"{len(model.graph.initializer)} initializers "
          f"({separated} new: separated running statistics)")
    print(f"logits of {x.shape[0]} samples: relative error {err:.1e}, "
          f"argmax agreement {same:.3f}")
    if not err < 1e-4 or same < 1.0:
        print("FAIL: the saved model does not reproduce --forward-only")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
