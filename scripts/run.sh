#!/usr/bin/env bash
# The main job: install, build, compile the bundled ResNet-20 ONNX model into
# a training executable and train it for one epoch on Fashion-MNIST (Debian's
# dataset-fashion-mnist) with SGD (lr 0.05, momentum 0.9, cosine schedule),
# printing the test accuracy (88% here). Extra arguments go to the training
# executable and override these (e.g. --epochs 3, --log run.jsonl).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >&2
"$root/build/bin/trainc" "$root/models/resnet20.onnx" --batch 128 --summary \
  | tail -n 6
"$root/build/bin/trainc" "$root/models/resnet20.onnx" --batch 128 \
  -o "$root/build/train_resnet20"
exec "$root/build/train_resnet20" --data fashion-mnist --epochs 1 \
  --lr 0.05 --lr-schedule cosine "$@"
