#!/usr/bin/python3
"""Copies a few ONNX node tests to DST, some with wrong expected outputs, so
driver.test can check that run_node_tests.py fails what it must fail and
passes what it must pass.

  test_relu                             one element 0.2% off: FAIL (rtol 1e-3)
  test_conv_with_strides_padding        one element 0.05% off: PASS (within)
  test_gemm_default_no_bias             unchanged: PASS
  test_sce_mean                         the loss 0.2% off: FAIL
  test_batchnorm_example_training_mode  Y normalised with the unbiased batch
                                        variance (a plausible bug): FAIL
                                        through the loss / dL/dW check
  test_batchnorm_epsilon_training_mode  running_mean 1% off: FAIL

usage: mutate_node_tests.py SRC DST
"""

import os
import shutil
import sys

import numpy as np
from onnx import TensorProto, numpy_helper


def load(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t), t.name


def save(path, array, name):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array, name).SerializeToString())


def mutate(dst, test, index, change):
    path = os.path.join(dst, test, "test_data_set_0", "output_%d.pb" % index)
    array, name = load(path)
    save(path, change(array.copy(), os.path.join(dst, test)), name)


def scale_largest(factor):
    def change(a, _):
        i = np.unravel_index(np.argmax(np.abs(a)), a.shape)
        a[i] *= np.float32(factor)
        return a
    return change


def unbiased_normalisation(y, test_dir):
    def inp(k):
        return load(os.path.join(test_dir, "test_data_set_0",
                                 "input_%d.pb" % k))[0].astype(np.float64)
    x, bias = inp(0), inp(2)
    eps = 1e-5
    axes = (0, 2, 3)
    n = x.size // x.shape[1]
    var = x.var(axis=axes)
    ratio = np.sqrt((var + eps) / (var * n / (n - 1) + eps))
    shape = (1, -1, 1, 1)
    out = bias.reshape(shape) + (y - bias.reshape(shape)) * \
        ratio.reshape(shape)
    return out.astype(np.float32)


def main():
    src, dst = sys.argv[1:3]
    tests = ["test_relu", "test_conv_with_strides_padding",
             "test_gemm_default_no_bias", "test_sce_mean",
             "test_batchnorm_example_training_mode",
             "test_batchnorm_epsilon_training_mode"]
    shutil.rmtree(dst, ignore_errors=True)
    for t in tests:
        shutil.copytree(os.path.join(src, t), os.path.join(dst, t))
    mutate(dst, "test_relu", 0, scale_largest(1.002))
    mutate(dst, "test_conv_with_strides_padding", 0, scale_largest(1.0005))
    mutate(dst, "test_sce_mean", 0, lambda a, _: a * np.float32(1.002))
    mutate(dst, "test_batchnorm_example_training_mode", 0,
           unbiased_normalisation)
    mutate(dst, "test_batchnorm_epsilon_training_mode", 1,
           lambda a, _: a * np.float32(1.01))


if __name__ == "__main__":
    main()
