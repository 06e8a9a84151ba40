#!/usr/bin/env python3
"""Exports a ResNet-family model to ONNX with torch.onnx.export.

  export_onnx.py --arch resnet20 --input 1x28x28 --classes 10 -o resnet20.onnx
  export_onnx.py --arch resnet50 --mode eval --opset 11 -o r50.onnx

Architectures: torchvision's resnet18/34/50/101 and resnext50_32x4d, and the
CIFAR-style resnet8/20/32/56 and preact_resnet8/20/32/56 of cifar_resnet.py,
and resnet8_w16_24_48 (stages of 16, 24 and 48 channels).
Weights are random (seeded): no download. Run with /usr/bin/python3, whose
Debian packages provide torch, torchvision and onnx.
"""

import argparse
import re
import os
import sys
import warnings

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cifar_resnet import cifar_resnet  # noqa: E402

TORCHVISION = ["resnet18", "resnet34", "resnet50", "resnet101", "resnext50_32x4d"]
CIFAR = [p + f"resnet{d}" for p in ("", "preact_") for d in (8, 20, 32, 56)]
# Stages of 16, 24 and 48 channels: a channel block of 16 divides two of
# them (test/numerics/torch-step.test: layouts that disagree).
CIFAR += ["resnet8_w16_24_48"]
MODES = {
    "training": torch.onnx.TrainingMode.TRAINING,
    "preserve": torch.onnx.TrainingMode.PRESERVE,
    "eval": torch.onnx.TrainingMode.EVAL,
}


def build(arch, in_channels, classes):
    if arch in TORCHVISION:
        model = getattr(torchvision.models, arch)(weights=None, num_classes=classes)
        if in_channels != 3:
            model.conv1 = torch.nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False)
        return model
    # Any stage widths: resnet8_w8_24_40 and the like (cifar_resnet.py).
    if arch in CIFAR or re.fullmatch(r"(preact_)?resnet(8|20|32|56)_w\d+_\d+_\d+",
                                     arch):
        return cifar_resnet(arch, in_channels, classes)
    raise SystemExit(f"unknown --arch {arch}; one of {TORCHVISION + CIFAR}")


def to_inference_bn(path):
    import onnx
    model = onnx.load(path)
    for node in model.graph.node:
        if node.op_type == "BatchNormalization":
            del node.output[1:]
            keep = [x for x in node.attribute if x.name != "training_mode"]
            del node.attribute[:]
            node.attribute.extend(keep)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    warnings.filterwarnings("ignore")  # the exporter's notes on BN buffers
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", required=True)
    p.add_argument("--input", default="3x64x64", help="CxHxW of one sample")
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--dynamic-batch", action="store_true",
                   help="export the batch dimension as dynamic ('N')")
    p.add_argument("--mode", choices=MODES, default="training",
                   help="torch.onnx TrainingMode; 'preserve' exports a model "
                        "in train() mode as it is")
    p.add_argument("--bn-inference", action="store_true",
                   help="rewrite every BatchNormalization to its one-output "
                        "inference form, as model-zoo models have it (torch's "
                        "eval export folds BN into Conv instead)")
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()

    torch.manual_seed(a.seed)
    c, h, w = (int(v) for v in a.input.split("x"))
    model = build(a.arch, c, a.classes)
    model.train(a.mode != "eval")
    x = torch.randn(a.batch, c, h, w)
    dynamic = {"input": {0: "N"}, "logits": {0: "N"}} if a.dynamic_batch else None
    torch.onnx.export(
        model, x, a.output, opset_version=a.opset, training=MODES[a.mode],
        input_names=["input"], output_names=["logits"], dynamic_axes=dynamic,
        do_constant_folding=a.mode == "eval")
    if a.bn_inference:
        to_inference_bn(a.output)


if __name__ == "__main__":
    main()
