#!/usr/bin/env bash
# Installs the browser test's npm packages (puppeteer-core, pinned by
# package-lock.json) into tests/browser/node_modules. puppeteer-core never
# downloads a browser: the test drives Debian's chromium.
# Idempotent: does nothing while the lock file is the one last installed.
# Without npm it says so and succeeds (the test then skips or reports it).
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.sagad-lock
if [[ -f $stamp ]] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "tests/browser/install.sh: npm is not installed (apt-get install npm); not installing puppeteer-core" >&2
  exit 0
fi
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
cp package-lock.json "$stamp"
