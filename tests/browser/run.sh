#!/usr/bin/env bash
# ctest's dashboard_browser: the dashboard in headless chromium against a
# real sagad. Usage: run.sh SAGAD_BINARY SOURCE_DIR OUTPUT_DIR
# Exit 77 (ctest: skipped) only when chromium or node is not installed;
# anything else that goes wrong is a failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sagad=$1 source_dir=$2 output_dir=$3

chromium=${SAGAD_CHROMIUM:-}
if [[ -z $chromium ]]; then
  chromium=$(command -v chromium || command -v chromium-browser || true)
fi
if [[ -z $chromium ]]; then
  echo "SKIPPED: chromium is not installed (apt-get install chromium); the dashboard was not tested in a browser"
  exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node is not installed (apt-get install nodejs npm); the dashboard was not tested in a browser"
  exit 77
fi

"$here/install.sh"
if [[ ! -d $here/node_modules/puppeteer-core ]]; then
  echo "FAILED: $here/node_modules/puppeteer-core is missing and install.sh could not install it (is npm installed?)" >&2
  exit 1
fi

exec node "$here/dashboard.test.mjs" --sagad "$sagad" --chromium "$chromium" \
  --definitions "$source_dir/samples/order-inventory-payment/sagas" --out "$output_dir"
