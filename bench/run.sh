#!/usr/bin/env bash
# Builds the benchmarks and runs them; prints one JSON object per line with at
# least name, value, unit (and baseline, ratio where a figure is compared with
# a naive baseline measured in the same run).
#
#   bench/run.sh [--quick] [--only hot|uniform|recovery|engine|embedded|get|start ...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${SAGAD_BUILD_DIR:-build}
./scripts/setup.sh >&2
cmake --build "$BUILD_DIR" --target core_bench saga_bench http_bench >&2
"$BUILD_DIR/bench/core_bench" "$@"
"$BUILD_DIR/bench/saga_bench" "$@"
"$BUILD_DIR/bench/http_bench" "$@"
