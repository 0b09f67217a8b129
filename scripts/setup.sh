#!/usr/bin/env bash
# Installs every Debian package the build and the tests need (skipping those
# already present), then configures and builds sagad (Release, Ninja).
#
#   scripts/setup.sh            install + configure + build
#   SAGAD_BUILD_DIR=dir         build directory (default: build)
#   SAGAD_SKIP_INSTALL=1        do not touch packages
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${SAGAD_BUILD_DIR:-build}

PACKAGES=(
  build-essential g++ cmake ninja-build ccache pkg-config git
  libboost-dev libboost-system-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev sqlite3 libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 curl procps
  prometheus chromium fonts-dejavu-core
)

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

# Node tools for the suite (OpenAPI lint, the dashboard's browser test).
# nodejs/npm are installed by these scripts only when node is missing:
# NodeSource's nodejs (where present) conflicts with Debian's npm.
./scripts/setup-node-tools.sh
./tests/browser/install.sh

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
# Two cores and big translation units: one job per core keeps memory sane.
cmake --build "$BUILD_DIR" -j "$(nproc)"
