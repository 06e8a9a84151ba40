#!/usr/bin/env bash
# The test suite: install, build, and run every test with ctest, in the
# release build and again in an AddressSanitizer + UBSan build; then the
# libFuzzer targets' smoke run (scripts/fuzz.sh smoke: clang-19, a fixed
# number of inputs per target, any crash fails).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" "$root/build"
"$root/scripts/build.sh" "$root/build-asan" -DTRAINC_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo

status=0
echo "=== tests (release build) ==="
ctest --test-dir "$root/build" --output-on-failure -j1 || status=1
echo "=== tests (AddressSanitizer + UBSan build) ==="
ctest --test-dir "$root/build-asan" --output-on-failure -j1 || status=1
echo "=== fuzz smoke (libFuzzer, scripts/fuzz.sh) ==="
"$root/scripts/fuzz.sh" smoke || status=1
exit $status
