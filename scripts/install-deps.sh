#!/usr/bin/env bash
# Installs every Debian package trainc needs to build, test and run.
# Idempotent, and fast when everything is present (no apt-get update then).
set -euo pipefail

PACKAGES=(
  # toolchain and build
  g++ cmake ninja-build git ca-certificates
  # MLIR / LLVM 19, FileCheck, lit
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  zlib1g-dev libzstd-dev libffi-dev libedit-dev libxml2-dev libcurl4-openssl-dev
  # ONNX parsing and protobuf
  libonnx-dev libprotobuf-dev protobuf-compiler
  # CPU convolution / GEMM, processes and collectives
  libdnnl-dev libopenmpi-dev openmpi-bin
  # unit tests; the libFuzzer targets (clang with its fuzzer runtime)
  libgtest-dev clang-19 libclang-rt-19-dev libomp-19-dev
  # model generation and reference checks (Debian's /usr/bin/python3)
  python3 python3-onnx python3-numpy python3-torch python3-torchvision
  # trainc-plot and trainc-sweep (tools/)
  python3-matplotlib
  # real data and ONNX's own backend test data
  dataset-fashion-mnist libonnx-testdata
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
