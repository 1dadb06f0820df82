#!/usr/bin/env bash
# check-skips.sh CTEST_LOG: lists the tests ctest skipped; under CI=true any skip is a failure
# (CI installs every program a test needs: scripts/test-tools.sh).
set -euo pipefail
skipped=$(grep -E '^\s*[0-9]+ - .*\((Skipped|Not Run)\)\s*$' "$1" || true)
[ -n "$skipped" ] || exit 0
echo "skipped tests:"
echo "$skipped"
if [ "${CI:-}" = true ]; then
  echo "error: CI=true and tests were skipped" >&2
  exit 1
fi
