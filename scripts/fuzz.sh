#!/usr/bin/env bash
# The libFuzzer targets (issue 17 point 1; test/fuzz/).
#
#   scripts/fuzz.sh build             configure and build build-fuzz (clang-19)
#   scripts/fuzz.sh smoke [RUNS]      each target RUNS inputs (default 20000)
#                                     from its seed corpus with -seed=1: the
#                                     same inputs every time; fails on a crash
#                                     (CI: scripts/test.sh)
#   scripts/fuzz.sh campaign SECONDS  each target SECONDS with a random seed,
#                                     keeping the corpora in build-fuzz/corpus
#
# Both write a summary to build-fuzz/fuzz.txt. Seeds: test/Import's
# .onnxtext models, small binary ONNX models and npy files made by Debian's
# python3-onnx and numpy (test/fuzz/make_seeds.py), the head of Debian's
# Fashion-MNIST IDX files, and a checkpoint written by trainc-mock-train
# (from build/, the release build, when it is there). A crash leaves its
# input in build-fuzz/crashes/TARGET/; each one found becomes a regression
# test with a one-line error (docs/reliability.md lists them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$root/build-fuzz"
targets=(fuzz-npy fuzz-idx fuzz-checkpoint fuzz-onnx fuzz-onnxtext)

build() {
  bash "$root/scripts/install-deps.sh"
  if [[ ! -f "$fuzz/build.ninja" ]]; then
    cmake -S "$root" -B "$fuzz" -G Ninja -DTRAINC_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
      -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-19/build/utils/lit/lit.py >/dev/null
  fi
  ninja -C "$fuzz" -j2 trainc-fuzz-targets
}

seeds() {
  local s="$fuzz/seeds"
  rm -rf "$s"
  mkdir -p "$s"/{fuzz-npy,fuzz-idx,fuzz-checkpoint,fuzz-onnx,fuzz-onnxtext}
  cp "$root"/test/Import/*.onnxtext "$s/fuzz-onnxtext/"
  /usr/bin/python3 "$root/test/fuzz/make_seeds.py" "$s"
  for f in /usr/share/datasets/fashion-mnist/*.gz; do
    [[ -f "$f" ]] || continue
    # The header and the first items, uncompressed and compressed.
    zcat "$f" | head -c 2048 > "$s/fuzz-idx/$(basename "$f" .gz)" || true
    gzip -n -c "$s/fuzz-idx/$(basename "$f" .gz)" > "$s/fuzz-idx/$(basename "$f")"
  done
  if [[ -x "$root/build/bin/trainc-mock-train" ]]; then
    "$root/build/bin/trainc-mock-train" --data synthetic --steps 2 --quiet \
      --checkpoint "$s/fuzz-checkpoint/mock.ckpt"
  fi
}

run() {
  local keep=$1
  shift
  seeds
  local status=0
  : > "$fuzz/fuzz.txt"
  for t in "${targets[@]}"; do
    local corpus="$fuzz/corpus/$t" crashes="$fuzz/crashes/$t"
    [[ $keep == 1 ]] || rm -rf "$corpus"
    mkdir -p "$corpus" "$crashes"
    local log="$fuzz/$t.log"
    if ASAN_OPTIONS=detect_leaks=1 "$fuzz/bin/$t" "$corpus" "$fuzz/seeds/$t" \
        "$@" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$crashes/" >"$log" 2>&1; then
      local done
      done=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 |
             awk '{print $2 " executions in " $5 " s"}')
      echo "$t: ${done:-?}, no crash" | tee -a "$fuzz/fuzz.txt"
    else
      echo "$t: CRASH (input in $crashes/)" | tee -a "$fuzz/fuzz.txt"
      grep -m1 -A12 "ERROR\|runtime error\|deadly signal" "$log" ||
        tail -20 "$log"
      status=1
    fi
  done
  return $status
}

case "${1:-}" in
  build) build ;;
  smoke) build && run 0 -seed=1 -runs="${2:-20000}" -max_total_time=120 ;;
  campaign) build && run 1 -max_total_time="${2:-3600}" ;;
  *) echo "usage: scripts/fuzz.sh build | smoke [RUNS] | campaign SECONDS" >&2
     exit 2 ;;
esac
