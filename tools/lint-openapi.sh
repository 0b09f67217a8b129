#!/usr/bin/env bash
# Lints an OpenAPI document with @redocly/cli under tools/redocly.yaml.
# Exit 77 (the ctest's SKIP_RETURN_CODE) when node is not installed; a
# machine with node but without the linter fails, since
# scripts/setup-node-tools.sh (run by setup.sh) should have installed it.
#
#   tools/lint-openapi.sh docs/openapi.yaml
set -euo pipefail
tools=$(cd "$(dirname "$0")" && pwd)
document=${1:?usage: lint-openapi.sh FILE}

if ! command -v node >/dev/null; then
  echo "SKIPPED: node is not installed, so the OpenAPI document is not linted (scripts/setup-node-tools.sh installs it)"
  exit 77
fi
redocly=$tools/node_modules/.bin/redocly
if [[ ! -x $redocly ]]; then
  echo "$redocly is missing: run scripts/setup-node-tools.sh" >&2
  exit 1
fi
# No telemetry or update check: tests talk to nothing outside the machine.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
exec "$redocly" lint --config "$tools/redocly.yaml" --format stylish "$document"
