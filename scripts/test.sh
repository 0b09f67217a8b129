#!/usr/bin/env bash
# Setup + build + every test. This is the README's test command and what CI runs.
#
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -R Sqlite
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
BUILD_DIR=${SAGAD_BUILD_DIR:-build}
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
