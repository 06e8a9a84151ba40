"""A small interpreter of ONNX graphs on PyTorch (float64), for tests.

It follows the ONNX operator specification for the ops trainc's importer
accepts (Conv, BatchNormalization, Relu, Add, Sum, MaxPool, AveragePool,
GlobalAveragePool, Gemm, MatMul, Flatten, Reshape, Identity, Constant) and
is independent of trainc: test/e2e/check_saved_onnx.py runs saved models
with it, and test/numerics/compare_onnx_step.py differentiates it.
"""

import math

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


def batch_norm(node, x, scale, bias, mean, var, training=False):
    """Inference form (running statistics), or with `training` as trainc
    trains every BatchNorm: batch statistics (biased variance), whatever
    form the file has. The running statistics are not updated."""
    eps = attrs(node).get("epsilon", 1e-5)
    if training:
        return F.batch_norm(x, None, None, scale, bias, training=True, eps=eps)
    assert not attrs(node).get("training_mode", 0), \
        "BatchNormalization in training mode"
    return F.batch_norm(x, mean, var, scale, bias, training=False, eps=eps)


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


def run(model, x, training=False, params=None):
    """The first graph output for input `x` (numpy), in float64. With
    `training`, BatchNorm uses batch statistics. `params` (name -> float64
    tensor) overrides initializers, e.g. leaves that require grad."""
    values = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
              for i in model.graph.initializer}
    values = {k: v.double() if v.is_floating_point() else v
              for k, v in values.items()}
    values.update(params or {})
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
        if node.op_type == "BatchNormalization":
            values[node.output[0]] = batch_norm(node, *args[:5],
                                                training=training)
            continue
        values[node.output[0]] = OPS[node.op_type](node, *args)
    return values[model.graph.output[0].name]
