#!/usr/bin/env bash
# Smith, Kindermans, Ying and Le at the scale of this machine
# (docs/large-batch.md): the bundled ResNet-20 on Fashion-MNIST, 6 epochs,
# the learning rate divided by 5 at epochs 2 and 4 (the baseline), against
# the batch multiplied by 5 at the same epochs (128 -> 640 -> 3200), and
# the hybrid capped at 1280 samples. One process, compiled batch 128,
# larger batches by gradient accumulation.
#   test/bench/smith_equivalence.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=${1:?usage: smith_equivalence.sh BUILD_DIR OUT_DIR}
out=${2:?usage: smith_equivalence.sh BUILD_DIR OUT_DIR}
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
"$build/bin/trainc" "$here/models/resnet20.onnx" --batch 128 -o "$out/train"
common=(--data fashion-mnist --epochs 6 --lr 0.1 --momentum 0.9 --seed 1
        --lr-schedule step --lr-milestones 2,4 --lr-gamma 0.2 --eval-every 50)
"$out/train" "${common[@]}" --log "$out/decay.jsonl"
"$out/train" "${common[@]}" --batch-schedule smith --log "$out/grow.jsonl"
"$out/train" "${common[@]}" --batch-schedule smith --max-batch 1280 \
  --log "$out/hybrid.jsonl"
"$build/bin/trainc-plot" "$out/decay.jsonl" "$out/grow.jsonl" \
  "$out/hybrid.jsonl" --labels "lr decay,batch growth,hybrid (cap 1280)" \
  --x epochs --title "ResNet-20, Fashion-MNIST: decay the rate or grow the batch" \
  -o "$out/smith_epochs.png"
"$build/bin/trainc-plot" "$out/decay.jsonl" "$out/grow.jsonl" \
  "$out/hybrid.jsonl" --labels "lr decay,batch growth,hybrid (cap 1280)" \
  --x steps -o "$out/smith_steps.png"
