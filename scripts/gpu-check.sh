#!/usr/bin/env bash
# The GPU check of the CUDA target, in two halves (issue 13, docs/cuda.md).
#
#   scripts/gpu-check.sh prepare DIR   here: compiles the CUDA executables and
#       the CPU references, writes DIR and DIR.tar.xz (at most 64 MiB) with
#       everything a GPU machine lacks: the executables (weights left out:
#       they start from --init kaiming --seed, the same bits as the CPU
#       runs), Open MPI's and the C++ runtime's libraries, the references
#       (gpu_check.py summarize), Fashion-MNIST and this script.
#   DIR/gpu-check.sh run DIR           there (CUDA 13 driver, NVIDIA's wheels
#       for cuDNN and cuBLAS in the Python environment, numpy, torch): the
#       CUDA executables for 3 steps against the CPU references (relative
#       1e-3 on every gradient and parameter), one epoch of ResNet-20 on
#       Fashion-MNIST (test accuracy >= 85%), ResNet-50's img/s at batch 64
#       beside PyTorch eager on the same GPU, compute-sanitizer on one step
#       when it is installed, and with 2 GPUs and mpirun, 2 ranks against 1
#       (synchronised BatchNorm) and a killed rank. Prints `gpu-check: N passed, M failed`; with
#       $OUT set, logs and gpu-check.json go there. Without a GPU it stops at
#       once with one `gpu-check: no GPU: ...` line (exit 2).
#
# GPU_CHECK_ARCH (default sm_90: H100/H200 run the SASS, others JIT the PTX)
# and GPU_CHECK_OPTIMIZERS (default: all ten) change what prepare compiles;
# GPU_CHECK_QUICK=1 compiles ResNet-20 with those optimizers only (no
# ResNet-18, ResNet-50 or epoch; the test of this script uses it). TRAINC
# (default build/bin/trainc) and GPU_CHECK_WORK (build/gpu-check: the CPU
# executables and their dumps) choose where prepare works.
set -euo pipefail

usage() {
  echo "usage: $0 prepare DIR | run DIR" >&2
  exit 64
}
[ $# -eq 2 ] || usage
mode=$1
dir=$2
here=$(cd "$(dirname "$0")" && pwd)

# --- The CUDA executables and their CPU references (this machine) ---------
prepare() {
  local root
  root=$(cd "$here/.." && pwd)
  local trainc=${TRAINC:-$root/build/bin/trainc}
  local py=/usr/bin/python3
  [ -x "$trainc" ] || "$root/scripts/build.sh" >&2
  local arch=${GPU_CHECK_ARCH:-sm_90}
  local optimizers=${GPU_CHECK_OPTIMIZERS:-"sgd momentum nesterov adagrad rmsprop adam adamw lars lamb nlcg"}
  local work=${GPU_CHECK_WORK:-$root/build/gpu-check}
  rm -rf "$dir" "$dir.tar.xz"
  mkdir -p "$dir/bin" "$dir/lib" "$dir/ref" "$dir/data/fashion-mnist" "$work"

  # The models: ResNet-20 (1x28x28, bundled), torchvision's ResNet-18
  # (3x64x64) and ResNet-50 (3x224x224), exported by models/export_onnx.py.
  local r20=$root/models/resnet20.onnx r18=$work/resnet18.onnx r50=$work/resnet50.onnx
  if [ -z "${GPU_CHECK_QUICK:-}" ]; then
    [ -f "$r18" ] || "$py" "$root/models/export_onnx.py" --arch resnet18 \
      --input 3x64x64 --classes 10 -o "$r18"
    [ -f "$r50" ] || "$py" "$root/models/export_onnx.py" --arch resnet50 \
      --input 3x224x224 --classes 10 -o "$r50"
  fi

  # name model batch optimizer: the CUDA executable into the bundle, the CPU
  # one here, and the CPU one's 3 steps as the reference.
  reference() {
    local name=$1 model=$2 batch=$3 opt=$4
    echo "gpu-check prepare: $name" >&2
    "$trainc" "$model" --batch "$batch" --optimizer "$opt" --weights=none \
      --target=cuda --cuda-arch "$arch" -o "$dir/bin/$name"
    "$trainc" "$model" --batch "$batch" --optimizer "$opt" --weights=none \
      -o "$work/$name.cpu"
    rm -rf "$work/$name.grads" "$work/$name.params"
    "$work/$name.cpu" --init kaiming --seed 1 --data synthetic --steps 3 \
      --lr 0.01 --quiet --dump-grads "$work/$name.grads" \
      --dump-params "$work/$name.params"
    "$py" "$here/gpu_check.py" summarize "$work/$name.grads" "$dir/ref/$name.grads.npz"
    "$py" "$here/gpu_check.py" summarize "$work/$name.params" "$dir/ref/$name.params.npz"
  }
  for opt in $optimizers; do
    reference "r20-$opt" "$r20" 32 "$opt"
  done
  if [ -z "${GPU_CHECK_QUICK:-}" ]; then
    reference r18-momentum "$r18" 16 momentum
    # One epoch of Fashion-MNIST, and ResNet-50's speed.
    "$trainc" "$r20" --batch 128 --optimizer momentum --weights=none \
      --target=cuda --cuda-arch "$arch" -o "$dir/bin/r20-epoch"
    "$trainc" "$r50" --batch 64 --optimizer momentum --weights=none \
      --target=cuda --cuda-arch "$arch" -o "$dir/bin/r50-bench"
    cp /usr/share/datasets/fashion-mnist/*.gz "$dir/data/fashion-mnist/"
    # Several GPUs (issue 14): ResNet-20 with synchronised BatchNorm at a
    # per-rank batch of 4 (2 ranks) and of 8 (1 rank), and the script that
    # kills a rank.
    local b
    for b in 4 8; do
      "$trainc" "$r20" --batch "$b" --optimizer momentum --weights=none \
        --sync-bn --target=cuda --cuda-arch "$arch" -o "$dir/bin/dp-b$b"
    done
    cp "$root/test/e2e/kill_rank.py" "$dir/"
  fi

  # The shared libraries a machine with only CUDA's wheels lacks: all but
  # the C library's own, the driver and what the wheels provide (cuDNN,
  # cuBLAS, found there through LD_LIBRARY_PATH).
  ldd "$dir"/bin/* | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u |
    while read -r soname path; do
      case $soname in
        libc.so*|libm.so*|libdl.so*|librt.so*|libpthread.so*|ld-linux*) ;;
        libcudnn*|libcublas*|libcuda.so*|libnccl*) ;;
        *) cp -L "$path" "$dir/lib/$soname" ;;
      esac
    done
  cp "$here/gpu-check.sh" "$here/gpu_check.py" "$dir/"
  tar -C "$(dirname "$dir")" -cJf "$dir.tar.xz" "$(basename "$dir")"
  local bytes
  bytes=$(stat -c %s "$dir.tar.xz")
  echo "gpu-check prepare: $dir.tar.xz, $((bytes / 1048576)) MiB" \
       "($(ls "$dir/bin" | wc -l) executables, $(ls "$dir/lib" | wc -l) libraries)"
  if [ "$bytes" -gt $((64 * 1048576)) ]; then
    echo "gpu-check prepare: the bundle is over 64 MiB" >&2
    exit 1
  fi
}

# --- On the GPU machine -----------------------------------------------------
run() {
  # Every check records its own failure; none ends the run.
  set +e
  dir=$(cd "$dir" && pwd) || { echo "gpu-check: no bundle at $dir"; exit 1; }
  local out=${OUT:-}
  local logs
  logs=${out:+$out/gpu-check-logs}
  logs=${logs:-$(mktemp -d)}
  mkdir -p "$logs"
  # The dumps (ResNet-18's are 90 MB) stay out of $OUT.
  local dumps
  dumps=$(mktemp -d)
  trap 'rm -rf "$dumps"' EXIT
  local py
  py=$(command -v python3 || command -v python || echo /usr/bin/python3)
  # cuDNN and cuBLAS from NVIDIA's wheels, where they are.
  local wheels
  wheels=$("$py" - <<'EOF' 2>/dev/null || true
import os
try:
    import nvidia
    dirs = [os.path.join(p, d, "lib") for p in nvidia.__path__ for d in sorted(os.listdir(p))]
    print(":".join(d for d in dirs if os.path.isdir(d)))
except Exception:
    pass
EOF
)
  # Only our executables see the bundled libraries (PyTorch keeps its own
  # C++ runtime).
  local libs=$dir/lib${wheels:+:$wheels}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  ours() { env LD_LIBRARY_PATH="$libs" "$@"; }
  local passed=0 failed=0 results=""
  record() { # name ok detail
    if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    echo "gpu-check: $1: $2 ($3)"
    results="$results{\"check\": \"$1\", \"result\": \"$2\", \"detail\": \"${3//\"/\'}\"},"
  }

  # No GPU: one line, at once.
  local probe
  if ! probe=$(ours timeout 120 "$dir/bin/r20-momentum" --init kaiming --seed 1 \
                 --data synthetic --steps 1 --quiet 2>&1); then
    case $probe in
      *"no CUDA driver"*|*"no CUDA device"*|*"does not exist"*)
        echo "gpu-check: no GPU: ${probe##*error: }"
        exit 2 ;;
    esac
  fi

  local exe name
  for exe in "$dir"/bin/r20-* "$dir"/bin/r18-*; do
    [ -e "$exe" ] || continue
    name=$(basename "$exe")
    case $name in r20-epoch) continue ;; esac
    if ! ours timeout 180 "$exe" --init kaiming --seed 1 --data synthetic --steps 3 \
         --lr 0.01 --quiet --dump-grads "$dumps/$name.grads" \
         --dump-params "$dumps/$name.params" > "$logs/$name.log" 2>&1; then
      record "$name 3 steps" fail "$(tail -n 1 "$logs/$name.log")"
      continue
    fi
    local part verdict
    for part in grads params; do
      "$py" "$dir/gpu_check.py" summarize "$dumps/$name.$part" "$logs/$name.$part.npz"
      rm -rf "${dumps:?}/$name.$part"
      if verdict=$("$py" "$dir/gpu_check.py" compare "$dir/ref/$name.$part.npz" \
                   "$logs/$name.$part.npz" 1e-3); then
        record "$name $part vs CPU" ok "$(echo "$verdict" | head -n 1)"
      else
        record "$name $part vs CPU" fail "$(echo "$verdict" | head -n 2 | tr '\n' ' ')"
      fi
    done
  done

  # One epoch of ResNet-20 on Fashion-MNIST.
  if [ ! -x "$dir/bin/r20-epoch" ]; then
    echo "gpu-check: ResNet-20 one epoch: not in the bundle, skipped"
  elif ours timeout 300 "$dir/bin/r20-epoch" --init kaiming --seed 0 \
       --data "fashion-mnist:$dir/data/fashion-mnist" --epochs 1 --lr 0.05 \
       --lr-schedule cosine --quiet --log "$logs/epoch.jsonl" \
       > "$logs/epoch.log" 2>&1; then
    local accuracy
    accuracy=$("$py" -c "
import json
rows = [json.loads(l) for l in open('$logs/epoch.jsonl')]
print(100 * [r for r in rows if 'test_accuracy' in r][-1]['test_accuracy'])")
    if "$py" -c "import sys; sys.exit(0 if $accuracy >= 85 else 1)"; then
      record "ResNet-20 one epoch" ok "test accuracy $accuracy%"
    else
      record "ResNet-20 one epoch" fail "test accuracy $accuracy% < 85%"
    fi
  else
    record "ResNet-20 one epoch" fail "$(tail -n 1 "$logs/epoch.log")"
  fi

  # ResNet-50 at batch 64: our median img/s after warm-up beside PyTorch's.
  local ours="" theirs=""
  if [ ! -x "$dir/bin/r50-bench" ]; then
    echo "gpu-check: ResNet-50 batch 64: not in the bundle, skipped"
  elif ours timeout 240 "$dir/bin/r50-bench" --init kaiming --data synthetic \
       --steps 25 --quiet --log "$logs/r50.jsonl" > "$logs/r50.log" 2>&1; then
    ours=$("$py" -c "
import json, statistics
rows = [json.loads(l) for l in open('$logs/r50.jsonl') if '\"images_per_s\"' in l]
print('%.1f' % statistics.median(r['images_per_s'] for r in rows[5:]))")
    theirs=$(timeout 240 "$py" "$dir/gpu_check.py" bench 64 20 2> "$logs/torch.log" |
             awk '/torch img\/s/ { print $3 }') || true
    record "ResNet-50 batch 64" ok "trainc $ours img/s, PyTorch eager ${theirs:-?} img/s"
  else
    record "ResNet-50 batch 64" fail "$(tail -n 1 "$logs/r50.log")"
  fi

  # Several GPUs, where the machine has them and mpirun: with synchronised
  # BatchNorm, 2 ranks at batch 4 take the update 1 rank takes at batch 8
  # (within 1e-3 on at least 2 of 3 random batches: float32 ReLU kinks
  # make a single batch a lottery); a killed rank ends the job within 30 s.
  local gpus
  gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)
  if [ ! -x "$dir/bin/dp-b4" ]; then
    echo "gpu-check: several GPUs: not in the bundle, skipped"
  elif [ "${gpus:-0}" -lt 2 ]; then
    echo "gpu-check: several GPUs: skipped: one GPU"
  elif ! command -v mpirun > /dev/null; then
    echo "gpu-check: several GPUs: skipped: no mpirun on this machine"
  else
    local mpi="mpirun --oversubscribe -x LD_LIBRARY_PATH=$libs"
    local seed close=0 runs=""
    local common="--init kaiming --data synthetic --lr 0.05 --quiet"
    for seed in 1 2 3; do
      ours "$dir/bin/dp-b8" $common --seed "$seed" --steps 1 --lr 0 \
        --dump-params "$dumps/start$seed" > "$logs/dp-start$seed.log" 2>&1
      ours "$dir/bin/dp-b8" $common --seed "$seed" --steps 3 \
        --dump-params "$dumps/one$seed" > "$logs/dp-one$seed.log" 2>&1
      timeout 300 $mpi -np 2 "$dir/bin/dp-b4" $common --seed "$seed" --steps 3 \
        --dump-params "$dumps/two$seed" > "$logs/dp-two$seed.log" 2>&1
      local verdict
      if verdict=$("$py" "$dir/gpu_check.py" update "$dumps/start$seed" \
                   "$dumps/one$seed" "$dumps/two$seed" 1e-3 2>&1); then
        close=$((close + 1))
      fi
      runs="$runs seed $seed: ${verdict##*: };"
    done
    if [ "$close" -ge 2 ]; then
      record "2 GPUs vs 1 (sync-BN)" ok "$close of 3 within 1e-3:$runs"
    else
      record "2 GPUs vs 1 (sync-BN)" fail "$close of 3 within 1e-3:$runs"
    fi
    if env LD_LIBRARY_PATH="$libs" "$py" "$dir/kill_rank.py" "$dir/bin/dp-b4" -- \
         $mpi -np 2 "$dir/bin/dp-b4" --init kaiming --data synthetic:65536,64 \
         --epochs 1000 --quiet > "$logs/dp-kill.log" 2>&1; then
      record "2 GPUs, a rank killed" ok "$(tail -n 1 "$logs/dp-kill.log")"
    else
      record "2 GPUs, a rank killed" fail "$(tail -n 1 "$logs/dp-kill.log")"
    fi
  fi

  # compute-sanitizer on one step, where the toolkit's binary is installed.
  if command -v compute-sanitizer > /dev/null; then
    if ours timeout 240 compute-sanitizer --error-exitcode 3 "$dir/bin/r20-momentum" \
         --init kaiming --data synthetic --steps 1 --quiet \
         > "$logs/sanitizer.log" 2>&1; then
      record "compute-sanitizer" ok "no errors in one step"
    else
      record "compute-sanitizer" fail "$(grep -m 1 'Invalid\|ERROR' "$logs/sanitizer.log" || tail -n 1 "$logs/sanitizer.log")"
    fi
  else
    echo "gpu-check: compute-sanitizer: not installed, skipped"
  fi

  echo "gpu-check: $passed passed, $failed failed"
  if [ -n "$out" ]; then
    echo "{\"passed\": $passed, \"failed\": $failed, \"checks\": [${results%,}]}" \
      > "$out/gpu-check.json"
  fi
  [ "$failed" -eq 0 ]
}

case $mode in
  prepare) prepare ;;
  run) run ;;
  *) usage ;;
esac
