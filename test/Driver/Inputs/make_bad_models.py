#!/usr/bin/env python3
"""Writes the bad binary ONNX models of test/Driver/*.test into a directory.

usage: make_bad_models.py OUTDIR

Every model is built with onnx.helper and is small. Unless its point is the
opset, a model imports ops at opset 15 and passes onnx.checker.check_model, so
the error comes from trainc's importer, not from libonnx's checker. The base
network is

    x [2, 3, 4, 4] -> Conv 'conv' (w [4, 3, 1, 1], b [4]) -> c [2, 4, 4, 4]
                   -> Relu 'relu' -> y [2, 4, 4, 4]

and each case changes one thing of it.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT


def init(name, shape, dtype=np.float32):
    """A deterministic initializer of the given shape."""
    count = int(np.prod(shape)) if shape else 1
    values = (np.arange(count) % 7 - 3).astype(dtype).reshape(shape)
    return numpy_helper.from_array(values, name)


def vi(name, shape, elem_type=FLOAT):
    return helper.make_tensor_value_info(name, elem_type, shape)


def model(nodes, inputs, outputs, initializers, opset=15, value_info=(),
          opsets=None, ir_version=8):
    inputs = list(inputs)
    if ir_version < 4:
        # Before IR 4, every initializer is also a graph input.
        names = {i.name for i in inputs}
        inputs += [vi(t.name, list(t.dims), t.data_type) for t in initializers
                   if t.name not in names]
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializers,
                              value_info=list(value_info))
    if opsets is None:
        opsets = [helper.make_opsetid("", opset)]
    m = helper.make_model(graph, opset_imports=opsets,
                          producer_name="make_bad_models")
    m.ir_version = ir_version
    return m


def conv(inputs=("x", "w", "b"), output="c", name="conv", **attrs):
    return helper.make_node("Conv", list(inputs), [output], name=name, **attrs)


def relu(inp="c", out="y", name="relu"):
    return helper.make_node("Relu", [inp], [out], name=name)


X = vi("x", [2, 3, 4, 4])
Y = vi("y", [2, 4, 4, 4])
W = init("w", [4, 3, 1, 1])
B = init("b", [4])


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# --- op support -------------------------------------------------------------

@case
def unsupported_op():
    # A Sigmoid named 'act' where the Relu was.
    act = helper.make_node("Sigmoid", ["c"], ["y"], name="act")
    return model([conv(), act], [X], [Y], [W, B])


@case
def unsupported_op_unnamed():
    # The same, unnamed: the node is named by its index (#1).
    act = helper.make_node("Sigmoid", ["c"], ["y"])
    return model([conv(), act], [X], [Y], [W, B])


@case
def unsupported_shape_op():
    # What torch.onnx emits for x.view(x.size(0), -1): the first unsupported
    # node is the Shape.
    nodes = [
        conv(),
        helper.make_node("Shape", ["c"], ["s"], name="Shape_1"),
        helper.make_node("Reshape", ["c", "s"], ["y"], name="Reshape_2"),
    ]
    return model(nodes, [X], [vi("y", [2, 64])], [W, B])


@case
def custom_domain_op():
    # An op of a non-default domain that the model declares.
    act = helper.make_node("FancyRelu", ["c"], ["y"], name="fancy",
                           domain="com.example")
    return model([conv(), act], [X], [Y], [W, B],
                 opsets=[helper.make_opsetid("", 15),
                         helper.make_opsetid("com.example", 1)])


@case
def no_default_opset():
    # opset_import names only a custom domain.
    return model([conv(), relu()], [X], [Y], [W, B],
                 opsets=[helper.make_opsetid("com.example", 1)])


@case
def gemm_opset6():
    # Gemm is supported from opset 7 (Gemm-6 has the legacy 'broadcast').
    x = vi("x", [2, 3])
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc",
                              transB=1)]
    return model(nodes, [x], [vi("y", [2, 4])],
                 [init("w", [4, 3]), init("b", [2, 4])], opset=6,
                 ir_version=3)


@case
def reshape_opset4():
    # Reshape-1 to -4 took the shape as an attribute; supported from 5.
    nodes = [conv(), helper.make_node("Reshape", ["c"], ["y"], name="flat",
                                      shape=[2, 64])]
    return model(nodes, [X], [vi("y", [2, 64])], [W, B], opset=4,
                 ir_version=3)


@case
def maxpool_indices():
    pool = helper.make_node("MaxPool", ["c"], ["y", "indices"], name="pool",
                            kernel_shape=[1, 1])
    return model([conv(), pool], [X], [Y], [W, B])


@case
def averagepool_dilations_opset19():
    pool = helper.make_node("AveragePool", ["c"], ["y"], name="pool",
                            kernel_shape=[2, 2], dilations=[2, 2])
    return model([conv(), pool], [X], [vi("y", [2, 4, 2, 2])], [W, B],
                 opset=19)


@case
def unknown_auto_pad():
    return model([conv(auto_pad="SAME"), relu()], [X], [Y], [W, B])


@case
def bn_spatial0():
    bn = helper.make_node("BatchNormalization", ["c", "gamma", "beta", "m", "v"],
                          ["y"], name="bn", spatial=0)
    return model([conv(), bn], [X], [Y],
                 [W, B, init("gamma", [4]), init("beta", [4]), init("m", [4]),
                  init("v", [4])], opset=7, ir_version=3)


@case
def bn_inference_with_statistics():
    # training_mode = 0 (the default), yet the running statistics are outputs.
    bn = helper.make_node("BatchNormalization", ["c", "gamma", "beta", "m", "v"],
                          ["y", "running_mean", "running_var"], name="bn")
    return model([conv(), bn], [X], [Y],
                 [W, B, init("gamma", [4]), init("beta", [4]), init("m", [4]),
                  init("v", [4])])


@case
def constant_int_as_tensor():
    # An integer Constant used where a float tensor (the Conv bias) is needed.
    k = helper.make_node("Constant", [], ["k"], name="k", value_ints=[1, 2, 3, 4])
    return model([k, conv(("x", "w", "k")), relu()], [X], [Y], [W])


# --- graph structure --------------------------------------------------------

@case
def no_initializers():
    return model([relu("x", "y")], [X], [vi("y", [2, 3, 4, 4])], [])


@case
def undefined_tensor_opset18():
    # The Relu reads 'nowhere'. At opset 18, which libonnx 1.12's checker does
    # not know, the importer finds the problem itself.
    return model([conv(), relu("nowhere")], [X], [Y], [W, B], opset=18)


@case
def undefined_output_opset18():
    # A graph output that no node produces.
    return model([conv(), relu()], [X], [vi("ghost", [2, 4, 4, 4])], [W, B],
                 opset=18)


@case
def no_graph_output():
    return model([conv(), relu()], [X], [], [W, B])


@case
def reshape_runtime_shape():
    # The Reshape's shape is the output of an earlier node, not a constant.
    s = helper.make_node("Add", ["s1", "s2"], ["s"], name="compute_shape")
    r = helper.make_node("Reshape", ["c", "s"], ["y"], name="reshape")
    return model([conv(), s, r], [X], [vi("y", [2, 64])],
                 [W, B, init("s1", [2]), init("s2", [2])])


@case
def bn_stat_and_param():
    # 'b' is the Conv's bias (a trainable parameter), then the BatchNorm's
    # running mean (a buffer).
    bn = helper.make_node("BatchNormalization", ["c", "gamma", "beta", "b", "v"],
                          ["y"], name="bn")
    return model([conv(), bn], [X], [Y],
                 [W, B, init("gamma", [4]), init("beta", [4]),
                  numpy_helper.from_array(np.ones(4, np.float32), "v")])


@case
def bn_param_and_stat():
    # The other order: 'm' is first the BatchNorm's running mean, then the
    # bias of a second Conv.
    bn = helper.make_node("BatchNormalization", ["c", "gamma", "beta", "m", "v"],
                          ["h"], name="bn")
    conv2 = conv(("h", "w2", "m"), "y", name="conv2")
    return model([conv(), bn, conv2], [X], [Y],
                 [W, B, init("gamma", [4]), init("beta", [4]), init("m", [4]),
                  numpy_helper.from_array(np.ones(4, np.float32), "v"),
                  init("w2", [4, 4, 1, 1])])


@case
def bn_stat_through_identity():
    # The running mean reaches the BatchNorm through an Identity: it is still
    # the initializer 'b' that is refused, by its own name.
    ident = helper.make_node("Identity", ["b"], ["b_alias"], name="alias")
    bn = helper.make_node("BatchNormalization",
                          ["c", "gamma", "beta", "b_alias", "v"], ["y"],
                          name="bn")
    return model([conv(), ident, bn], [X], [Y],
                 [W, B, init("gamma", [4]), init("beta", [4]),
                  numpy_helper.from_array(np.ones(4, np.float32), "v")])


@case
def bn_stats_shared():
    # One initializer 's' is BN1's running mean and variance and BN2's running
    # mean (exporters merge equal initializers): three statistics. Flattened
    # into logits, so that it also trains.
    bn1 = helper.make_node("BatchNormalization", ["c", "g1", "b1", "s", "s"],
                           ["h"], name="bn1")
    bn2 = helper.make_node("BatchNormalization", ["h", "g2", "b2", "s", "v"],
                           ["y"], name="bn2")
    flat = helper.make_node("Flatten", ["y"], ["logits"], name="flat")
    return model([conv(), bn1, bn2, flat], [X], [vi("logits", [2, 64])],
                 [W, B, init("g1", [4]), init("b1", [4]), init("g2", [4]),
                  init("b2", [4]),
                  numpy_helper.from_array(np.ones(4, np.float32), "s"),
                  numpy_helper.from_array(np.ones(4, np.float32), "v")])


# --- inputs -----------------------------------------------------------------

@case
def dynamic_batch():
    return model([conv(), relu()], [vi("x", ["batch", 3, 4, 4])],
                 [vi("y", ["batch", 4, 4, 4])], [W, B])


@case
def dynamic_batch_unnamed():
    return model([conv(), relu()], [vi("x", [None, 3, 4, 4])],
                 [vi("y", [None, 4, 4, 4])], [W, B])


@case
def dynamic_height():
    return model([conv(), relu()], [vi("x", [2, 3, "height", 4])],
                 [vi("y", [2, 4, "height", 4])], [W, B])


@case
def double_input():
    return model([conv(), relu()], [vi("x", [2, 3, 4, 4], TensorProto.DOUBLE)],
                 [Y], [W, B])


@case
def int64_input():
    return model([conv(), relu()], [vi("x", [2, 3, 4, 4], TensorProto.INT64)],
                 [Y], [W, B])


@case
def sequence_input():
    seq = helper.make_tensor_sequence_value_info("x", FLOAT, [2, 3, 4, 4])
    return model([conv(), relu()], [seq], [Y], [W, B])


@case
def input_without_shape():
    # libonnx's checker requires graph inputs to have a shape, so this is at
    # opset 18, which it does not check.
    return model([conv(), relu()], [vi("x", None)], [Y], [W, B], opset=18)


@case
def all_inputs_initializers():
    # The only graph input is also an initializer (IR < 4 style).
    x = numpy_helper.from_array(np.zeros([2, 3, 4, 4], np.float32), "x")
    return model([conv(), relu()], [X], [Y], [W, B, x], ir_version=3)


# --- shapes -----------------------------------------------------------------

@case
def output_shape_mismatch():
    # y is declared [2, 4, 3, 3]; a 1x1 Conv keeps 4x4.
    return model([conv(), relu()], [X], [vi("y", [2, 4, 3, 3])], [W, B])


@case
def value_info_mismatch():
    # The intermediate c is declared with 5 channels; the Conv makes 4.
    return model([conv(), relu()], [X], [Y], [W, B],
                 value_info=[vi("c", [2, 5, 4, 4])])


@case
def conv_channels_mismatch():
    # The filter expects 2 input channels; x has 3.
    return model([conv(), relu()], [X], [Y], [init("w", [4, 2, 1, 1]), B])


@case
def conv_bias_mismatch():
    return model([conv(), relu()], [X], [Y], [W, init("b", [3])])


@case
def conv_1d():
    x = vi("x", [2, 3, 4])
    nodes = [conv(), relu()]
    return model(nodes, [x], [vi("y", [2, 4, 4])], [init("w", [4, 3, 1]), B])


@case
def add_broadcast():
    # A bias added with broadcasting ([4, 1, 1] to [2, 4, 4, 4]).
    add = helper.make_node("Add", ["c", "bias"], ["y"], name="add_bias")
    return model([conv(("x", "w"), "c"), add], [X], [Y],
                 [W, init("bias", [4, 1, 1])])


@case
def conv_groups_mismatch():
    # group 3 does not divide the 4 input channels.
    return model([conv(group=3), relu()], [vi("x", [2, 4, 4, 4])], [Y],
                 [init("w", [4, 2, 1, 1]), B])


@case
def gemm_inner_mismatch():
    x = vi("x", [2, 3])
    nodes = [helper.make_node("Gemm", ["x", "w"], ["y"], name="fc")]
    return model(nodes, [x], [vi("y", [2, 4])], [init("w", [5, 4])])


@case
def maxpool_pad_too_large():
    pool = helper.make_node("MaxPool", ["c"], ["y"], name="pool",
                            kernel_shape=[2, 2], pads=[2, 2, 2, 2])
    return model([conv(), pool], [X], [vi("y", [2, 64])], [W, B])


@case
def reshape_bad_count():
    r = helper.make_node("Reshape", ["c", "shape"], ["y"], name="reshape")
    shape = numpy_helper.from_array(np.array([2, 5, -1], np.int64), "shape")
    return model([conv(), r], [X], [vi("y", [2, 64])], [W, B, shape])


@case
def reshape_float_shape():
    r = helper.make_node("Reshape", ["c", "shape"], ["y"], name="reshape")
    return model([conv(), r], [X], [vi("y", [2, 64])],
                 [W, B, init("shape", [2])])


@case
def flatten_axis_too_large():
    f = helper.make_node("Flatten", ["c"], ["y"], name="flatten", axis=5)
    return model([conv(), f], [X], [vi("y", [2, 64])], [W, B])


# --- initializer data -------------------------------------------------------

def external(location, **kw):
    """The base model with w's data in the external file `location`."""
    w = init("w", [4, 3, 1, 1])
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"),
                       ("length", "48")):
        entry = w.external_data.add()
        entry.key = key
        entry.value = value
    return model([conv(), relu()], [X], [Y], [w, B], **kw)


@case
def external_data():
    # w's data lives in external_data.bin, written next to the model.
    return external("external_data.bin")


@case
def external_data_missing():
    # w's data would live in an external file that does not exist.
    return external("missing_weights.bin")


@case
def external_data_opset18():
    # At opset 18 the checker does not look for the file.
    return external("missing_weights.bin", opset=18)


@case
def raw_data_short():
    # w's raw_data holds 12 bytes; [4, 3, 1, 1] floats need 48.
    w = init("w", [4, 3, 1, 1])
    w.raw_data = w.raw_data[:12]
    return model([conv(), relu()], [X], [Y], [w, B])


@case
def double_initializer():
    return model([conv(), relu()], [X], [Y],
                 [init("w", [4, 3, 1, 1], np.float64), B])


# --- regressions: each once crashed, hung or misled -------------------------

@case
def node_without_output_opset18():
    # No checker at opset 18: the importer itself refuses the node.
    act = helper.make_node("Relu", ["c"], [], name="act")
    return model([conv(), act], [X], [vi("c", [2, 4, 4, 4])], [W, B],
                 opset=18)


@case
def identity_self_cycle_opset18():
    # h is defined twice (by Conv, then by Identity(h)): not SSA.
    nodes = [conv(output="h"), helper.make_node("Identity", ["h"], ["h"],
                                                name="id"), relu("h")]
    return model(nodes, [X], [Y], [W, B], opset=18)


@case
def empty_kernel():
    w = numpy_helper.from_array(np.zeros((4, 3, 0, 0), np.float32), "w")
    return model([conv(inputs=("x", "w"))], [X], [vi("c", [2, 4, 5, 5])], [w])


@case
def zero_sized_input():
    return model([conv(), relu()], [vi("x", [2, 0, 4, 4])], [Y], [W, B])


@case
def scalar_input():
    return model([conv(), relu()], [vi("x", [])], [Y], [W, B])


@case
def newline_in_node_name():
    act = helper.make_node("Sigmoid", ["c"], ["y"], name="act\nsecond line")
    return model([conv(), act], [X], [Y], [W, B])


@case
def bn_statistic_as_output():
    # A running statistic that is also a graph output stays a buffer.
    nodes = [conv(), helper.make_node(
        "BatchNormalization", ["c", "s", "bb", "m", "v"], ["y"], name="bn")]
    inits = [W, B, init("s", [4]), init("bb", [4]), init("m", [4]),
             numpy_helper.from_array(np.ones(4, np.float32), "v")]
    return model(nodes, [X], [Y, vi("m", [4])], inits)


@case
def no_nodes():
    return model([], [X], [vi("x", [2, 3, 4, 4])], [W])


@case
def auto_pad_overflow():
    return model([conv(auto_pad="SAME_UPPER", dilations=[2 ** 62, 1]), relu()],
                 [X], [Y], [init("w", [4, 3, 3, 3]), B], opset=18)


@case
def reshape_overflow():
    shape = numpy_helper.from_array(np.array([2 ** 62, 4, -1], np.int64), "s")
    nodes = [conv(), helper.make_node("Reshape", ["c", "s"], ["y"],
                                      name="reshape")]
    return model(nodes, [X], [vi("y", [2, 64])], [W, B, shape], opset=18)


@case
def unsorted_graph():
    # The checker's complaint spans several lines; trainc keeps all of it.
    return model([relu(), conv()], [X], [Y], [W, B])


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, fn in CASES.items():
        onnx.save(fn(), os.path.join(out, name + ".onnx"))
    with open(os.path.join(out, "external_data.bin"), "wb") as f:
        f.write(np.zeros(12, np.float32).tobytes())


if __name__ == "__main__":
    main()
