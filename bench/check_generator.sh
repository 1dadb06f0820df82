#!/usr/bin/env bash
# Checks that pkgly-trail-loggen writes logs pkgly-trail reads completely: for each format and
# trace-id mode, a 20 MB log must give 0 unparsed lines (and no line taken as the continuation
# of another record), and every audit event must be joined to its access record (same
# request_id). Also checks that the generator is deterministic.
#
#   bash bench/check_generator.sh [BUILD_DIR]     (default: build; the targets are built if needed)
#
# Not part of ctest: it takes a few seconds and needs jq.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=${1:-build}
size=${CHECK_SIZE:-20M}
seed=${CHECK_SEED:-20251120}

if ! out=$(cmake --build "$build_dir" --target pkgly-trail pkgly-trail-loggen 2>&1); then
  printf '%s\ncheck_generator: the build failed (is add_subdirectory(bench) in CMakeLists.txt?)\n' "$out" >&2
  exit 2
fi
trail=$build_dir/pkgly-trail
loggen=$build_dir/bench/pkgly-trail-loggen
command -v jq >/dev/null || { echo "check_generator: jq is needed (apt-get install jq)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
stat_of() { awk -v k="$2" '{ line = $0; sub(/^ +/, "", line) } index(line, k " ") == 1 {
  n = split(line, w, / +/); split(k, kw, / /); print w[length(kw) + 1]; exit }' "$1"; }

# Audit lines as written, counted without parsing: the target between the formatter's own codes.
count_audit_lines() {
  case $1 in
    json) LC_ALL=C grep -c -F '"target":"pkgly::audit"' "$2" ;;
    *) LC_ALL=C grep -c -F $'\e[2mpkgly::audit\e[0m\e[2m:\e[0m Audit event' "$2" ;;
  esac
}

for format in full-ansi-compose json; do
  for ids in zero real; do
    name="$format --trace-ids $ids"
    log=$work/$format-$ids.log
    "$loggen" --format "$format" --size "$size" --seed "$seed" --trace-ids "$ids" >"$log"
    expected=$(count_audit_lines "$format" "$log")

    "$trail" audit -o json --stats "$log" >"$work/audit.json" 2>"$work/audit.stats"
    unparsed=$(stat_of "$work/audit.stats" unparsed)
    matched=$(stat_of "$work/audit.stats" matched)
    # the generated records are one line each: a continuation means a record swallowed the next
    continuation=$(stat_of "$work/audit.stats" continuation)
    if [[ $unparsed == 0 && $continuation == 0 && $matched == "$expected" && $expected -gt 0 ]]; then
      pass "$name: audit: $matched events, 0 unparsed lines"
    else
      fail "$name: audit: matched=$matched (expected $expected) unparsed=$unparsed continuation=$continuation"
    fi

    # Forged fields in user agents and search queries must stay inside their values.
    bad=$(jq -r 'select(.fields.action == "package.search" and .fields.http_route != "/api/search/packages"
                  or (.fields.outcome | IN("success", "denied") | not))' "$work/audit.json" | wc -l)
    if [[ $bad == 0 ]]; then pass "$name: audit: no forged field leaked"; else fail "$name: audit: $bad events with forged fields"; fi

    "$trail" join -o json --stats "$log" >"$work/join.json" 2>"$work/join.stats"
    events=$(stat_of "$work/join.stats" "audit events")
    without=$(stat_of "$work/join.stats" "without access")
    unparsed=$(stat_of "$work/join.stats" unparsed)
    mismatched=$(jq -r 'select(.access == null or .joined_by != "request_id"
                        or .access.request_id != .request_id
                        or (.related | length) == 0 and (.fields.action | startswith("package.")))' \
      "$work/join.json" | wc -l)
    if [[ $events == "$expected" && $without == 0 && $unparsed == 0 && $mismatched == 0 ]]; then
      pass "$name: join: $events events, all joined by request_id, 0 without access"
    else
      fail "$name: join: events=$events (expected $expected) without_access=$without unparsed=$unparsed mismatched=$mismatched"
    fi
  done
done

a=$("$loggen" --format json --size 2M --seed 7 | cksum)
b=$("$loggen" --format json --size 2M --seed 7 | cksum)
c=$("$loggen" --format json --size 2M --seed 8 | cksum)
if [[ $a == "$b" && $a != "$c" ]]; then pass "deterministic: same seed, same bytes; other seed, other bytes"; else fail "determinism"; fi

if ((failures > 0)); then
  echo "check_generator: $failures check(s) failed"
  exit 1
fi
echo "check_generator: all checks passed"
