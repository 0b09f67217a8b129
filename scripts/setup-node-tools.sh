#!/usr/bin/env bash
# Installs the Node tools the test suite uses (the OpenAPI linter,
# @redocly/cli) into tools/node_modules, exactly as tools/package-lock.json
# pins them. Installs Debian's nodejs and npm first when there is no node.
# Quick when nothing changed: the lock file's hash is kept beside the
# modules and npm runs only when it differs.
#
#   scripts/setup-node-tools.sh
#   SAGAD_SKIP_INSTALL=1        do not touch Debian packages
set -euo pipefail
cd "$(dirname "$0")/../tools"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [[ "${SAGAD_SKIP_INSTALL:-0}" == 1 ]]; then
    echo "setup-node-tools: node or npm missing and SAGAD_SKIP_INSTALL=1: the OpenAPI lint test will be skipped" >&2
    exit 0
  fi
  SUDO=""
  if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi
  echo "setup-node-tools: installing nodejs and npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

stamp=node_modules/.sagad-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
echo "setup-node-tools: npm ci in tools/"
# No install scripts: none of these tools needs one, and they run nothing
# we have not read.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$want" >"$stamp"
