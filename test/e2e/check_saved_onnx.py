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

The interpreter (test/lib/onnx_torch.py) is independent of trainc: it
follows the ONNX operator specification for the ops the importer accepts.
"""

import argparse
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from onnx_torch import attrs, run  # noqa: E402


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
    ref = run(model, x).numpy()
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
