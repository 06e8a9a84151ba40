#!/usr/bin/env bash
# Copies the dialect and pass references generated from ODS / Passes.td into
# docs/ (a ctest checks that the committed copies are current).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
ninja -C "$build" TrainDialectDocGen TrainPassesDocGen >/dev/null
mkdir -p "$root/docs/dialect" "$root/docs/passes"
cp "$build/docs/Dialects/TrainDialect.md" "$root/docs/dialect/TrainDialect.md"
cp "$build/docs/Passes/TrainPasses.md" "$root/docs/passes/TrainPasses.md"
