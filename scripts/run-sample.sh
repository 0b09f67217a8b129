#!/usr/bin/env bash
# The first thing to run. Installs the build's packages and builds sagad,
# sagactl and the driver if needed, starts sagad on an embedded SQLite store
# in ./data (durable: synchronous=FULL) with the order/inventory/payment
# sample in-process, then runs the sample driver:
# seeds stock and accounts, places orders and starts transfers, waits until
# every saga has finished, checks the invariants and prints a summary.
# Afterwards sagad keeps running (for the REST API) until Ctrl-C.
#
#   scripts/run-sample.sh [--once] [--reset] [--orders N] [--transfers M] [--port P] [--http-inventory]
#
#   --once          stop sagad after the summary; exit 0 if every invariant
#                   holds, 1 if one failed, 2 if the run could not finish
#   --reset         start from an empty store (removes ./data/sagad.db*)
#   --orders N      orders to place (default 2000)
#   --transfers M   money transfers to start (default 200)
#   --port P        port of sagad's HTTP API on 127.0.0.1 (default 8080)
#   --http-inventory  the inventory as an HTTP participant instead: starts the
#                   Python example (participants/http/examples/
#                   inventory_participant.py, needs python3) on a free port,
#                   sagad reaches it with --participant inventory=URL, and the
#                   driver reads stock from it; payment and order stay
#                   in-process. Its stock lives in its memory, from the seed.
#
# sagad's log: ./data/sagad.log; the participant's: ./data/inventory.log.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${SAGAD_BUILD_DIR:-build}
SAGAD=$BUILD_DIR/apps/sagad/sagad
DRIVER=$BUILD_DIR/samples/order-inventory-payment/driver/sagad-sample-driver

once=0 reset=0 orders=2000 transfers=200 port=8080 http_inventory=0
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }  # the comment above
number() {  # number FLAG VALUE: VALUE must be a non-negative integer
  [[ ${2:-} =~ ^[0-9]+$ ]] || { echo "run-sample.sh: $1 needs a number, not '${2:-}'" >&2; exit 2; }
}
while (($#)); do
  case "$1" in
    --once) once=1 ;;
    --reset) reset=1 ;;
    --orders) number "$1" "${2:-}"; orders=$2; shift ;;
    --transfers) number "$1" "${2:-}"; transfers=$2; shift ;;
    --port) number "$1" "${2:-}"; port=$2; shift ;;
    --http-inventory) http_inventory=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-sample.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# The first time: the build's packages and the three programs only (not
# the test suite's tools, nor its ~200 targets: scripts/test.sh does those).
# Later runs rebuild what changed, quietly unless it fails.
targets=(sagad sagactl sagad-sample-driver)
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  echo "First run: installing the packages the build needs and building ${targets[*]} (a few minutes)..."
  ./scripts/setup.sh --sample
elif ! build_log=$(cmake --build "$BUILD_DIR" --target "${targets[@]}" 2>&1); then
  echo "$build_log" >&2
  echo "run-sample.sh: the build failed (above)" >&2
  exit 2
fi

# Something already answering on the port would take the driver's requests
# (or make sagad fail to bind): say so instead of a confusing error later.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "run-sample.sh: port $port on 127.0.0.1 is already in use (another sagad? 'ss -ltnp sport = :$port' shows" \
       "which process); stop it or pick another port with --port" >&2
  exit 2
fi

mkdir -p data
sagad_pid="" inventory_pid=""
if ((reset)); then rm -f data/sagad.db data/sagad.db-* data/sagad.db.*; fi

# Stops a process we started, cleanly (SIGTERM: sagad commits what was
# decided, the participant closes its socket), and forgets it.
stop() {
  local pid=${!1:-}
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  printf -v "$1" ''
}
# sagad first: it may still be calling the participant.
stop_all() { stop sagad_pid; stop inventory_pid; }
trap stop_all EXIT
# Ctrl-C is how the user ends a run that kept sagad up (exit 0); before the
# summary it interrupts the run (130, as a shell reports an interrupt).
interrupted_status=130
trap 'echo; echo "stopping sagad..."; stop_all; exit $interrupted_status' INT TERM

# With --http-inventory: the Python participant on a port it picks (the
# first line it prints), and the flags that put sagad's inventory and the
# driver's stock reads on it.
sagad_flags=() driver_flags=() inventory_url=""
if ((http_inventory)); then
  command -v python3 >/dev/null || { echo "run-sample.sh: --http-inventory needs python3" >&2; exit 2; }
  python3 participants/http/examples/inventory_participant.py --port 0 >data/inventory.port 2>data/inventory.log &
  inventory_pid=$!
  for _ in $(seq 100); do
    inventory_port=$(head -n 1 data/inventory.port)
    [[ $inventory_port =~ ^[0-9]+$ ]] && break
    kill -0 "$inventory_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! [[ $inventory_port =~ ^[0-9]+$ ]]; then
    echo "run-sample.sh: the inventory participant did not start. Last lines of data/inventory.log:" >&2
    tail -n 20 data/inventory.log | sed 's/^/  /' >&2
    exit 2
  fi
  inventory_url=http://127.0.0.1:$inventory_port/inventory
  sagad_flags=(--participant "inventory=$inventory_url" --participant payment=inproc --participant order=inproc)
  driver_flags=(--inventory-url "$inventory_url")
  echo "inventory participant (Python) at $inventory_url (log: data/inventory.log)"
fi

"$SAGAD" --store sqlite:./data/sagad.db --definitions samples/order-inventory-payment/sagas \
  --listen "127.0.0.1:$port" "${sagad_flags[@]}" >data/sagad.log 2>&1 &
sagad_pid=$!

# "sagad listening on" is logged once recovery is done and the API is up.
for _ in $(seq 300); do
  grep -q "sagad listening on" data/sagad.log && break
  if ! kill -0 "$sagad_pid" 2>/dev/null; then
    status=0
    wait "$sagad_pid" || status=$?
    sagad_pid=""
    echo "run-sample.sh: sagad exited (status $status) before it was ready. Last lines of data/sagad.log:" >&2
    tail -n 20 data/sagad.log | sed 's/^/  /' >&2
    exit 2
  fi
  sleep 0.1
done
if ! grep -q "sagad listening on" data/sagad.log; then
  echo "run-sample.sh: sagad is not listening after 30 s. Last lines of data/sagad.log:" >&2
  tail -n 20 data/sagad.log | sed 's/^/  /' >&2
  exit 2
fi

url=http://127.0.0.1:$port
status=0
"$DRIVER" --server "$url" "${driver_flags[@]}" --orders "$orders" --transfers "$transfers" || status=$?

if ((once)); then
  stop_all
  echo "(sagad stopped: run without --once to keep its API up for the URLs above)"
  exit "$status"
fi

interrupted_status=0
cat <<EOF

sagad is still running: its API is at $url (log: data/sagad.log). Try
  curl -s '$url/v1/sagas?status=COMPENSATED&limit=5'
  curl -s $url/v1/definitions${inventory_url:+
  curl -s $inventory_url/stock/sku-apple     (the inventory participant, log: data/inventory.log)}
Press Ctrl-C to stop it.
EOF
wait "$sagad_pid" || true
sagad_pid=""
echo "run-sample.sh: sagad exited on its own. Last lines of data/sagad.log:" >&2
tail -n 20 data/sagad.log | sed 's/^/  /' >&2
exit 2
