#!/usr/bin/env bash
# The main job: install, build, and compile the bundled ResNet-20 ONNX model.
# (Until the training executable lands, this prints the model summary.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >&2
exec "$root/build/bin/trainc" "$root/models/resnet20.onnx" --batch 128 --summary "$@"
