#!/usr/bin/env bash
# The sample end to end, bounded (ctest: sample_end_to_end): the built sagad
# on a temporary SQLite store and a port the OS picks, the driver with a
# small load; then sagad restarted on the same store and a second run, as a
# user who runs the sample twice. Passes if both runs exit 0 and print every
# invariant OK.
#
#   end_to_end_test.sh SAGAD SAGAD_SAMPLE_DRIVER SAGAS_DIR [PYTHON INVENTORY_PARTICIPANT_PY]
#
# With PYTHON and the participant script (ctest: sample_end_to_end_http) the
# inventory is the Python example participant over HTTP, payment and order
# stay in-process, and the driver reads stock from the participant
# (--inventory-url): sagad never sees the inventory's state. The participant
# is started once and outlives sagad's restart, as a real service would; the
# second run then finds the seed already applied there too. Both processes
# must exit 0 on SIGTERM. The participant loses one reply in ten after doing
# the work (it answers 500, as when a reply is lost on the way back): sagad
# resends the same command id, gets the first answer, and every invariant
# must still hold.
set -euo pipefail
sagad=$1 driver=$2 sagas=$3 python=${4:-} inventory_script=${5:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/sagad-sample-XXXXXX")
pid="" inventory_pid=""
sagad_flags=() driver_flags=()  # set by start_inventory
cleanup() {
  # sagad first: it may still be calling the participant.
  for p in "$pid" "$inventory_pid"; do
    if [[ -n $p ]]; then kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$dir"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- sagad log (tail) ---" >&2
  tail -n 30 "$dir/sagad.log" >&2 || true
  if [[ -n $python ]]; then
    echo "--- inventory participant stderr (tail) ---" >&2
    tail -n 30 "$dir/inventory.log" >&2 || true
  fi
  exit 1
}

# Starts the Python inventory participant on a port it picks (the first
# line it prints) and points sagad's inventory and the driver's stock reads
# at it.
start_inventory() {
  "$python" "$inventory_script" --port 0 --quiet --lose-replies 0.1 --fault-seed 7 \
    >"$dir/inventory.out" 2>"$dir/inventory.log" &
  inventory_pid=$!
  local port=""
  for _ in $(seq 100); do
    port=$(head -n 1 "$dir/inventory.out")
    [[ $port =~ ^[0-9]+$ ]] && break
    kill -0 "$inventory_pid" 2>/dev/null || fail "the inventory participant exited before printing its port"
    sleep 0.1
  done
  [[ $port =~ ^[0-9]+$ ]] || fail "the inventory participant printed no port within 10 s"
  local url=http://127.0.0.1:$port/inventory
  sagad_flags=(--participant "inventory=$url" --participant payment=inproc --participant order=inproc)
  driver_flags=(--inventory-url "$url")
}

stop_inventory() {
  kill -TERM "$inventory_pid"
  wait "$inventory_pid" || fail "the inventory participant did not exit cleanly on SIGTERM"
  inventory_pid=""
}

# Starts sagad on port 0 and sets $url from its "listening on" log line.
start_sagad() {
  : >"$dir/sagad.log"
  "$sagad" --store "sqlite:$dir/sagad.db" --definitions "$sagas" --listen 127.0.0.1:0 \
    --watch-interval-ms 0 "${sagad_flags[@]}" >"$dir/sagad.log" 2>&1 &
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
# of the five invariants OK and none FAILED (and, with the inventory over
# HTTP, that the stock checked was the participant's).
run_driver() {
  local out=$dir/driver.out status=0
  "$driver" --server "$url" "${driver_flags[@]}" --concurrency 8 --timeout 120 "$@" >"$out" 2>&1 || status=$?
  cat "$out"
  ((status == 0)) || fail "driver exited $status"
  local ok
  ok=$(grep -cE '^    (stock|accounts|orders|charges|money): .* OK$' "$out" || true)
  ((ok == 5)) || fail "expected 5 invariants OK in the summary, found $ok"
  ! grep -q FAILED "$out" || fail "the summary shows FAILED"
  if ((${#driver_flags[@]})); then
    grep -q "stock read from the inventory participant" "$out" ||
      fail "the driver did not read stock from the participant"
  fi
}

inventory="in-process"
if [[ -n $python ]]; then
  start_inventory
  inventory="over HTTP (the Python participant)"
fi

start_sagad
run_driver --orders 300 --transfers 30 --run-id e2e-1
if [[ -n $python ]]; then
  # The lost replies did happen (and were retried), or this run proved nothing.
  retries=$(curl -sf "$url/metrics" | awk '/^sagad_step_retries_total/ { n += $2 } END { print n + 0 }')
  ((retries > 0)) || fail "no step was retried: the participant's lost replies did not happen"
  echo "retried steps after lost replies: $retries"
fi
stop_sagad

start_sagad
run_driver --orders 100 --transfers 10 --run-id e2e-2
stop_sagad

if [[ -n $python ]]; then stop_inventory; fi
echo "PASS: two runs on one store, inventory $inventory, every invariant OK"
