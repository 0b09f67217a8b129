#!/usr/bin/env bash
# The sample end to end, bounded (ctest: sample_end_to_end): the built sagad
# on a temporary SQLite store and a port the OS picks, the driver with a
# small load; then sagad restarted on the same store and a second run, as a
# user who runs the sample twice. Passes if both runs exit 0 and print every
# invariant OK.
#
#   end_to_end_test.sh SAGAD SAGAD_SAMPLE_DRIVER SAGAS_DIR
set -euo pipefail
sagad=$1 driver=$2 sagas=$3
dir=$(mktemp -d "${TMPDIR:-/tmp}/sagad-sample-XXXXXX")
pid=""
cleanup() {
  if [[ -n $pid ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- sagad log (tail) ---" >&2
  tail -n 30 "$dir/sagad.log" >&2 || true
  exit 1
}

# Starts sagad on port 0 and sets $url from its "listening on" log line.
start_sagad() {
  : >"$dir/sagad.log"
  "$sagad" --store "sqlite:$dir/sagad.db" --definitions "$sagas" --listen 127.0.0.1:0 \
    --watch-interval-ms 0 >"$dir/sagad.log" 2>&1 &
  pid=$!
  url=""
  for _ in $(seq 100); do
    url=$(sed -n 's/.*sagad listening on \(http:[^ ]*\).*/\1/p' "$dir/sagad.log")
    [[ -n $url ]] && return 0
    kill -0 "$pid" 2>/dev/null || fail "sagad exited before listening"
    sleep 0.1
  done
  fail "sagad did not start listening within 10 s"
}

stop_sagad() {
  kill -TERM "$pid"
  wait "$pid" || fail "sagad did not exit cleanly on SIGTERM"
  pid=""
}

# Runs the driver, checks its exit status and that its summary shows each
# of the five invariants OK and none FAILED.
run_driver() {
  local out=$dir/driver.out status=0
  "$driver" --server "$url" --concurrency 8 --timeout 120 "$@" >"$out" 2>&1 || status=$?
  cat "$out"
  ((status == 0)) || fail "driver exited $status"
  local ok
  ok=$(grep -cE '^    (stock|accounts|orders|charges|money): .* OK$' "$out" || true)
  ((ok == 5)) || fail "expected 5 invariants OK in the summary, found $ok"
  ! grep -q FAILED "$out" || fail "the summary shows FAILED"
}

start_sagad
run_driver --orders 300 --transfers 30 --run-id e2e-1
stop_sagad

start_sagad
run_driver --orders 100 --transfers 10 --run-id e2e-2
stop_sagad
echo "PASS: two runs on one store, every invariant OK"
