#!/usr/bin/env bash
# The first thing to run. Sets up and builds if needed, then runs the demo on
# an embedded SQLite store in ./data (durable: synchronous=FULL).
#
# Until the order/inventory/payment saga sample lands, this runs the core
# demo: concurrent deposits and withdrawals on event-sourced bank accounts,
# then a replay of the store that checks the books balance.
#
#   scripts/run-sample.sh [--reset] [--commands N] [--accounts N]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${SAGAD_BUILD_DIR:-build}

reset=0
args=()
while (($#)); do
  case "$1" in
    --reset) reset=1 ;;
    -h|--help)
      sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
      exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done

if [[ ! -x "$BUILD_DIR/apps/core_demo/sagad-core-demo" ]]; then
  echo "First run: installing dependencies and building (this takes a few minutes)..."
  ./scripts/setup.sh
else
  cmake --build "$BUILD_DIR" --target sagad-core-demo >/dev/null
fi

mkdir -p data
if ((reset)); then rm -f data/demo.db data/demo.db-wal data/demo.db-shm data/demo.db.lock; fi
exec "$BUILD_DIR/apps/core_demo/sagad-core-demo" --store sqlite:./data/demo.db "${args[@]}"
