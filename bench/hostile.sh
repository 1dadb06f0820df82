#!/usr/bin/env bash
# The join on inputs an attacker can write, each at N and 2N records: the time ratio shows how
# the cost grows (about 2 when linear, 4 when quadratic, 8 when cubic) and the peak RSS shows
# whether --max-memory holds. Ratios, not absolute times, so any machine can compare.
#
#   bash bench/hostile.sh [--bin build/pkgly-trail] [--n 4000] [--big 100]
#
# --bin  the pkgly-trail binary (default build/pkgly-trail)
# --n    records of each kind for the shapes of small records (default 4000)
# --big  records of 1 MB for the memory shapes (default 100; the run at 2x reads 200 MB)
#
# Prints a Markdown table on stdout. Needs awk and GNU time (/usr/bin/time).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/pkgly-trail
n=4000
big=100
while (($# > 0)); do
  case $1 in
    --bin) bin=${2:?--bin needs a value}; shift 2 ;;
    --n) n=${2:?--n needs a value}; shift 2 ;;
    --big) big=${2:?--big needs a value}; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hostile.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "hostile.sh: no binary at $bin (build first, or --bin)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "hostile.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d /tmp/pkgly-trail-hostile-XXXXXX)
trap 'rm -rf "$work"' EXIT

# generate SHAPE COUNT > FILE. Compact format, zero trace ids (Pkgly's defaults), one record per
# line, timestamps one microsecond apart so the window in log time never closes.
generate() {
  awk -v shape="$1" -v n="$2" '
    function ts(i) { return sprintf("2025-11-20T10:%02d:%02d.%06dZ", 15 + int(i / 60000000), int(i / 1000000) % 60, i % 1000000) }
    function audit(i, path, query) {
      printf "%s  INFO [HTTP request] pkgly::audit: Audit event trace_id=%s action=package.search outcome=success actor_username=u%d actor_id=3 actor_authenticated=true resource_kind= resource_id= resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query=%s http_request_method=GET http_route=/api/search url_path=%s http_response_status_code=200\n", ts(++line), zero, i, query, path
    }
    function access(i, path) {
      printf "%s  INFO [HTTP request] pkgly::access: HTTP access trace_id=%s http.request.method=GET http.route=/api/search url.path=%s http.response.status_code=200 duration_ms=3 request_id=%08x-0000-4000-8000-000000000000\n", ts(++line), zero, path, i
    }
    BEGIN {
      zero = "00000000000000000000000000000000"
      mb = "q"; while (length(mb) < 1048576) mb = mb mb
      if (shape == "adjacency") {        # audits waiting, then access records that match none
        for (i = 0; i < n; i++) audit(i, "/a/" i, "x")
        for (i = 0; i < n; i++) access(i, "/b/" i)
      } else if (shape == "big-audits") { # 1 MB queries, no access record ever
        for (i = 0; i < n; i++) audit(i, "/a/" i, mb)
      } else if (shape == "big-access") { # 1 MB url paths, no audit event
        for (i = 0; i < n; i++) access(i, "/" mb i)
      }
    }' >"$work/$1-$2.log"
}

# measure SHAPE COUNT: prints "seconds max_rss_kib"
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" join --max-memory 96M -o csv --fields action \
    "$work/$1-$2.log" >/dev/null 2>"$work/err" || [[ $? == 1 ]]
  tail -n 1 "$work/time"  # GNU time puts "Command exited with non-zero status" first
}

echo "| shape | records | time (s) | peak RSS (MiB) | records at 2x | time (s) | peak RSS (MiB) | time ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for shape in adjacency big-audits big-access; do
  count=$n
  [[ $shape == big-* ]] && count=$big
  generate "$shape" "$count"
  generate "$shape" $((count * 2))
  read -r t1 m1 < <(measure "$shape" "$count")
  read -r t2 m2 < <(measure "$shape" $((count * 2)))
  awk -v s="$shape" -v c="$count" -v t1="$t1" -v m1="$m1" -v t2="$t2" -v m2="$m2" 'BEGIN {
    ratio = t1 > 0.01 ? sprintf("%.1f", t2 / t1) : "n/a (too fast)"
    printf "| %s | %d | %.2f | %.0f | %d | %.2f | %.0f | %s |\n", s, c, t1, m1 / 1024, 2 * c, t2, m2 / 1024, ratio
  }'
  rm -f "$work/$shape"-*.log
done
