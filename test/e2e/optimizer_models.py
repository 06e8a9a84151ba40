#!/usr/bin/env python3
"""The two small models of optimizers.test and mpi-optimizers.test.

usage: optimizer_models.py cnn|mlp OUT.onnx

Both take float32 [N, 1, 8, 8] (dynamic batch N, opset 15) and give 10
logits; the initial values come from a fixed numpy seed.

  cnn  Conv 3x3 (8 filters, no bias) - BatchNormalization - Relu -
       Conv 1x1 (8 filters, bias) - GlobalAveragePool - Flatten - Gemm
       (transB, bias). For one process: BatchNorm over the whole batch.
  mlp  Flatten - Gemm (64 -> 32, transB, bias) - Relu - Gemm (32 -> 10,
       bias). No BatchNorm, so 2 ranks of 8 compute the
       gradient of the global batch of 16.

What each tensor is to the optimizers (trainc's is_bn_or_bias: the scale
and shift of a BatchNorm, the bias of a Conv or Gemm, every 1-D
parameter) is exercised on purpose: the BatchNorm shift starts at zero
(so LARS and LAMB see a zero-norm layer at step 1), the BatchNorm scale
is not all ones. The
convolution before the BatchNorm has no bias: its gradient would be zero
up to rounding (the BatchNorm removes the mean), which adaptive optimizers
(Adam: g / sqrt(v)) would turn into steps of random sign. The names have
'/' so that the dumps' '/' -> '_' mapping is used.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def cnn(rng):
    inits = [
        tensor("stem/conv.weight", rng.standard_normal((8, 1, 3, 3)) / 3),
        tensor("stem/bn.weight", 1 + 0.2 * rng.standard_normal(8)),
        tensor("stem/bn.bias", np.zeros(8)),
        tensor("stem/bn.running_mean", np.zeros(8)),
        tensor("stem/bn.running_var", np.ones(8)),
        tensor("mix.weight", rng.standard_normal((8, 8, 1, 1)) / np.sqrt(8)),
        tensor("mix.bias", 0.1 * rng.standard_normal(8)),
        tensor("fc.weight", rng.standard_normal((10, 8)) / np.sqrt(8)),
        tensor("fc.bias", 0.1 * rng.standard_normal(10)),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "stem/conv.weight"], ["c1"],
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["c1", "stem/bn.weight", "stem/bn.bias",
                          "stem/bn.running_mean", "stem/bn.running_var"],
                         ["b1"], epsilon=1e-5, momentum=0.9),
        helper.make_node("Relu", ["b1"], ["r1"]),
        helper.make_node("Conv", ["r1", "mix.weight", "mix.bias"], ["c2"],
                         kernel_shape=[1, 1]),
        helper.make_node("GlobalAveragePool", ["c2"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"],
                         transB=1),
    ]
    return nodes, inits


def mlp(rng):
    inits = [
        tensor("hidden/fc.weight", rng.standard_normal((32, 64)) / 8),
        tensor("hidden/fc.bias", 0.1 * rng.standard_normal(32)),
        tensor("out/weight", rng.standard_normal((32, 10)) / np.sqrt(32)),
        tensor("out/bias", 0.1 * rng.standard_normal(10)),
    ]
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "hidden/fc.weight", "hidden/fc.bias"],
                         ["h"], transB=1),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Gemm", ["r", "out/weight", "out/bias"],
                         ["logits"]),
    ]
    return nodes, inits


def main():
    kind, out = sys.argv[1], sys.argv[2]
    nodes, inits = {"cnn": cnn, "mlp": mlp}[kind](np.random.default_rng(11))
    graph = helper.make_graph(
        nodes, kind,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["N", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["N", 10])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)],
                              producer_name="optimizer_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    main()
