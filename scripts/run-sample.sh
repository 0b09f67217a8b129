#!/usr/bin/env bash
# The first thing to run. Sets up and builds if needed, starts sagad on an
# embedded SQLite store in ./data (durable: synchronous=FULL) with the
# order/inventory/payment sample in-process, then runs the sample driver:
# seeds stock and accounts, places orders and starts transfers, waits until
# every saga has finished, checks the invariants and prints a summary.
# Afterwards sagad keeps running (for the REST API) until Ctrl-C.
#
#   scripts/run-sample.sh [--once] [--reset] [--orders N] [--transfers M] [--port P]
#
#   --once          stop sagad after the summary; exit 0 if every invariant
#                   holds, 1 if one failed, 2 if the run could not finish
#   --reset         start from an empty store (removes ./data/sagad.db*)
#   --orders N      orders to place (default 2000)
#   --transfers M   money transfers to start (default 200)
#   --port P        port of sagad's HTTP API on 127.0.0.1 (default 8080)
#
# sagad's log: ./data/sagad.log.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${SAGAD_BUILD_DIR:-build}
SAGAD=$BUILD_DIR/apps/sagad/sagad
DRIVER=$BUILD_DIR/samples/order-inventory-payment/driver/sagad-sample-driver

once=0 reset=0 orders=2000 transfers=200 port=8080
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
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
    -h|--help) usage; exit 0 ;;
    *) echo "run-sample.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  echo "First run: installing dependencies and building (this takes a few minutes)..."
  ./scripts/setup.sh
else
  cmake --build "$BUILD_DIR" --target sagad sagad-sample-driver >/dev/null
fi

# Something already answering on the port would take the driver's requests
# (or make sagad fail to bind): say so instead of a confusing error later.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "run-sample.sh: port $port on 127.0.0.1 is already in use (another sagad? 'ss -ltnp sport = :$port' shows" \
       "which process); stop it or pick another port with --port" >&2
  exit 2
fi

mkdir -p data
if ((reset)); then rm -f data/sagad.db data/sagad.db-* data/sagad.db.*; fi

"$SAGAD" --store sqlite:./data/sagad.db --definitions samples/order-inventory-payment/sagas \
  --listen "127.0.0.1:$port" >data/sagad.log 2>&1 &
sagad_pid=$!

# Stops sagad cleanly (SIGTERM: it commits what was decided, then exits).
stop_sagad() {
  if [[ -n ${sagad_pid:-} ]] && kill -0 "$sagad_pid" 2>/dev/null; then
    kill -TERM "$sagad_pid"
    wait "$sagad_pid" 2>/dev/null || true
  fi
  sagad_pid=""
}
trap stop_sagad EXIT
# Ctrl-C is how the user ends a run that kept sagad up (exit 0); before the
# summary it interrupts the run (130, as a shell reports an interrupt).
interrupted_status=130
trap 'echo; echo "stopping sagad..."; stop_sagad; exit $interrupted_status' INT TERM

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
"$DRIVER" --server "$url" --orders "$orders" --transfers "$transfers" || status=$?

if ((once)); then
  stop_sagad
  echo "(sagad stopped: run without --once to keep its API up for the URLs above)"
  exit "$status"
fi

interrupted_status=0
cat <<EOF

sagad is still running: its API is at $url (log: data/sagad.log). Try
  curl -s '$url/v1/sagas?status=COMPENSATED&limit=5'
  curl -s $url/v1/definitions
Press Ctrl-C to stop it.
EOF
wait "$sagad_pid" || true
sagad_pid=""
echo "run-sample.sh: sagad exited on its own. Last lines of data/sagad.log:" >&2
tail -n 20 data/sagad.log | sed 's/^/  /' >&2
exit 2
