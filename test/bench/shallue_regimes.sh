#!/usr/bin/env bash
# Shallue et al.'s regimes at the scale of this machine (docs/large-batch.md):
# steps to 80% test accuracy on Fashion-MNIST against the batch size, 16 to
# 4096, for a small CIFAR-style ResNet-8 (stages of 8, 16 and 32 channels),
# micro-batches of 16 (ghost BatchNorm over 16 at every batch size), larger
# batches by gradient accumulation; momentum SGD, then NLCG at the largest
# batch with the same budget of trials (Adya et al.'s claim).
#   test/bench/shallue_regimes.sh BUILD_DIR OUT_DIR [JOBS]
set -euo pipefail
build=${1:?usage: shallue_regimes.sh BUILD_DIR OUT_DIR [JOBS]}
out=${2:?usage: shallue_regimes.sh BUILD_DIR OUT_DIR [JOBS]}
jobs=${3:-2}
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
/usr/bin/python3 "$here/models/export_onnx.py" --arch resnet8_w8_16_32 \
  --input 1x28x28 --classes 10 -o "$out/resnet8.onnx"
common=(--data fashion-mnist --micro-batch 16 --goal-accuracy 0.80
        --max-epochs 8 --max-steps 4000 --eval-every-examples 2048
        --trials 6 --lr-exponent 0.5
        --decay-range 0.01,0.1 --jobs "$jobs" --resume)
"$build/bin/trainc-sweep" "$out/resnet8.onnx" "${common[@]}" \
  --batches 16,32,64,128,256,512,1024,2048,4096 --lr-range 0.005,0.2 \
  --optimizer momentum \
  --momentum-range 0.9,0.9 -o "$out/momentum.json" --plot "$out/momentum.png"
# The same search at 4096 alone: the rates momentum's trials had there,
# 0.005..0.2 times (4096 / 16)^0.5.
"$build/bin/trainc-sweep" "$out/resnet8.onnx" "${common[@]}" \
  --batches 4096 --lr-range 0.08,3.2 --optimizer nlcg -o "$out/nlcg.json"
