#!/usr/bin/env bash
# Installs the Debian packages a build needs (skipping those already
# present), then configures and builds sagad (Release, Ninja).
#
#   scripts/setup.sh            everything the test suite needs (compilers,
#                               libraries, clang for the fuzzers, chromium,
#                               prometheus, node and its tools), then every
#                               target: what scripts/test.sh and CI run
#   scripts/setup.sh --sample   only what sagad, sagactl and the sample driver
#                               need, and only those three targets: what
#                               scripts/run-sample.sh runs the first time
#   SAGAD_BUILD_DIR=dir         build directory (default: build)
#   SAGAD_SKIP_INSTALL=1        do not touch packages
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes paths below the checkout relative to it (and not the build
# directory's path), so another clone of the tree, CI's or a second work
# tree, reuses the objects this one compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

BUILD_DIR=${SAGAD_BUILD_DIR:-build}
mode=suite
case "${1:-}" in
  "") ;;
  --sample) mode=sample ;;
  -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
  *) echo "setup.sh: unknown option '$1' (expected --sample or nothing)" >&2; exit 2 ;;
esac

# What sagad, sagactl and sagad-sample-driver compile and link against.
# libgtest-dev/libgmock-dev although no test is built for the sample:
# core/testing's library names GTest's targets, so configuring needs them
# (two small packages). curl: the README's and the summary's commands.
SAMPLE_PACKAGES=(
  g++ cmake ninja-build ccache
  libboost-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev libjemalloc-dev
  libgtest-dev libgmock-dev
  curl
)
# ... and what the suite adds: benchmarks, the fuzzers (clang, libFuzzer),
# the Python participant, promtool's check of /metrics, the browser test.
SUITE_PACKAGES=(
  build-essential pkg-config git
  libboost-system-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 procps
  prometheus chromium fonts-dejavu-core
)
PACKAGES=("${SAMPLE_PACKAGES[@]}")
if [[ $mode == suite ]]; then PACKAGES+=("${SUITE_PACKAGES[@]}"); fi

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

if [[ "${SAGAD_SKIP_INSTALL:-0}" != 1 ]]; then
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]})); then
    echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
    SUDO=""
    if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
    # An install that found nothing can still exit 0: check again.
    mapfile -t still < <(missing_packages)
    if ((${#still[@]})); then
      echo "setup: these packages could not be installed: ${still[*]}" >&2
      exit 1
    fi
  fi
fi

if [[ $mode == sample ]]; then
  # Tests stay configured (see above) but nothing else is: no benchmarks, no
  # clang-built fuzzers, and only the three targets are built. A later
  # scripts/setup.sh (test.sh) turns the rest on in the same directory.
  if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DSAGAD_BUILD_BENCH=OFF -DSAGAD_BUILD_FUZZERS=OFF >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target sagad sagactl sagad-sample-driver
  exit 0
fi

# Node tools for the suite (OpenAPI lint, the dashboard's browser test).
# nodejs/npm are installed by these scripts only when node is missing:
# NodeSource's nodejs (where present) conflicts with Debian's npm.
./scripts/setup-node-tools.sh
./tests/browser/install.sh

# Every part of the suite on, also in a directory a sample run configured
# with less (an unchanged cache is left alone: no needless reconfigure).
suite_flags=(-DSAGAD_BUILD_TESTS=ON -DSAGAD_BUILD_BENCH=ON -DSAGAD_BUILD_FUZZERS=ON)
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "${suite_flags[@]}"
elif [[ $(grep -cE '^SAGAD_BUILD_(TESTS|BENCH|FUZZERS):BOOL=ON$' "$BUILD_DIR/CMakeCache.txt") != 3 ]]; then
  cmake -S . -B "$BUILD_DIR" "${suite_flags[@]}"
fi
# Two cores and big translation units: one job per core keeps memory sane.
cmake --build "$BUILD_DIR" -j "$(nproc)"
