#!/usr/bin/env bash
# Copies the dialect reference generated from ODS into docs/dialect/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
ninja -C "$build" TrainDialectDocGen >/dev/null
mkdir -p "$root/docs/dialect"
cp "$build/docs/Dialects/TrainDialect.md" "$root/docs/dialect/TrainDialect.md"
