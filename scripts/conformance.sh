#!/usr/bin/env bash
# Checks pkgly-trail against the reference generator: conformance.py draws random Pkgly logs
# (real tracing-subscriber formatters, every format, colour, wrapper, trace-id mode, hostile
# values, gzip/kubectl/compose-v1/CRLF/restart transforms), runs `audit -o json` and
# `join -o json` on each and compares every event with the generator's ground truth.
#
#   bash scripts/conformance.sh [BINARY]          # the pinned seeds CI runs (under 3 minutes)
#   SEEDS="7 8 9" RUNS=50 bash scripts/conformance.sh build/pkgly-trail
#
# The tools live in the steering repository's shared/ folder, beside this repository, or beside
# the local checkout this one was cloned from (a CI clone in a fresh temporary folder);
# PKGLY_SHARED overrides. The first run builds the generator (cargo and Debian's tracing
# crates, installed by ../shared/tools/loggen.sh when missing; about a minute, once).
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-build/pkgly-trail}"
shared="${PKGLY_SHARED:-$(cd .. && pwd)/shared}"
origin=$(git remote get-url origin 2>/dev/null || true)
if [ -z "${PKGLY_SHARED:-}" ] && [ ! -d "$shared/tools" ] && [ -d "$origin" ]; then
  shared="$(cd "$origin/.." && pwd)/shared"
fi
tools="$shared/tools"
if [ ! -x "$tools/loggen.sh" ] || [ ! -f "$tools/conformance.py" ]; then
  echo "conformance: no generator at $tools (set PKGLY_SHARED)" >&2
  exit 2
fi
# Seeds chosen once and pinned: together they cover every format with and without ANSI,
# gzip, kubectl and compose-v1 prefixes, CRLF, a format change mid-stream, hostile values and
# inputs past 1 MiB.
seeds="${SEEDS:-1 2 3}"
runs="${RUNS:-8}"
"$tools/loggen.sh" --path >/dev/null
status=0
for seed in $seeds; do
  python3 "$tools/conformance.py" "$binary" --runs "$runs" --seed "$seed" || status=1
done
exit "$status"
