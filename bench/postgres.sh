#!/usr/bin/env bash
# bench/postgres.sh: what `join --postgres` costs, against a throwaway local PostgreSQL server
# (scripts/postgres-cluster.sh, stopped and removed at the end, Ctrl-C included).
#
#   bash bench/postgres.sh [BIN] [--size 150M] [--runs 3]    (~2-3 min on 2 cores at 150M)
#
# Input: tests/fixtures/json-compose-real.log and full-ansi-compose.log appended in turn, each
# copy with its own day/hour/minute (2025-11-20T10:15: rewritten), so every copy's events are
# new events, up to --size bytes (K, M, G: powers of 1024).
# (a) hyperfine, 1 warm-up + RUNS timed runs, each into a new SQLite file / a new database:
#     join -o json >/dev/null (the baseline), join --sqlite, join --postgres, and the three
#     with --access-only; events/s = audit events / mean wall time; goals: --postgres within 3x
#     of --sqlite, and 50,000 events/s. Then one more --postgres run with the server's
#     log_min_duration_statement=0: server time summed by statement kind.
# (b) join -f --postgres on a file that grows by thirds; the server stops once the first batch
#     is in, for 5 s: events stored and distinct keys vs expected, peak RSS, the time to a
#     complete store after the server's return, and what the join said on stderr.
# Markdown on stdout; progress on stderr. Compare ratios within one run: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=build/pkgly-trail size=150M runs=3
if [[ $# -gt 0 && $1 != --* ]]; then bin=$1; shift; fi
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [BIN] [--size 150M] [--runs 3]" >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "postgres.sh: no $bin; build it: cmake --build build --target pkgly-trail" >&2; exit 2; }
bytes=$(numfmt --from=iec "$size")
log() { echo "postgres.sh: $*" >&2; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

tmp=$(mktemp -d /tmp/pkgly-trail-pgbench.XXXXXX)
pgdir=$(mktemp -d /tmp/pkgly-trail-pg.XXXXXX) # directly under /tmp: the postgres user reaches it
follow_pid=""
cleanup() {
  if [[ -n $follow_pid ]]; then kill "$follow_pid" 2>/dev/null || true; fi
  scripts/postgres-cluster.sh stop "$pgdir" >/dev/null 2>&1 || rmdir "$pgdir" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A copy: a rebuild during the run (the build directory is shared) cannot change the binary.
built="$bin, built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')"
cp "$bin" "$tmp/pkgly-trail"
bin=$tmp/pkgly-trail

conninfo=$(scripts/postgres-cluster.sh start "$pgdir" 2>"$tmp/start.log")
port=$(sed -n 4p "$pgdir/data/postmaster.pid")
bench_db=${conninfo/dbname=postgres/dbname=trail_bench}
follow_db=${conninfo/dbname=postgres/dbname=trail_follow}
# pg_ctl on the same data directory and port (postgres-cluster.sh start would pick a new port).
pg_bindir=$(find /usr/lib/postgresql/*/bin/pg_ctl -maxdepth 0 2>/dev/null | sort -V | tail -n 1 || true)
pg_bindir=${pg_bindir%/pg_ctl}
[[ -n $pg_bindir ]] || pg_bindir=$(pg_config --bindir)
pg_ctl() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$pgdir" && runuser -u postgres -- "$pg_bindir/pg_ctl" -D "$pgdir/data" "$@")
  else (cd "$pgdir" && "$pg_bindir/pg_ctl" -D "$pgdir/data" "$@"); fi
}
sql() { PGOPTIONS="-c client_min_messages=warning" psql -qAtX "$@"; }
fresh_db() { sql "$conninfo" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }

# --- the input --------------------------------------------------------------------------------
input=$tmp/input.log
: >"$input"
k=0
while (($(stat -c %s "$input") < bytes)); do
  for f in tests/fixtures/json-compose-real.log tests/fixtures/full-ansi-compose.log; do
    stamp=$(date -u -d "2025-11-21 00:00 UTC + $((k * 37)) minutes" +%Y-%m-%dT%H:%M:)
    sed "s/2025-11-20T10:15:/$stamp/g" "$f" >>"$input"
    k=$((k + 1))
  done
done
input_bytes=$(stat -c %s "$input")
events=$("$bin" audit -o json "$input" | wc -l)
log "input: $k copies, $input_bytes bytes, $events audit events"

# --- (a) throughput -----------------------------------------------------------------------------
db=$tmp/join.db
names=("join -o json" "join --sqlite" "join --postgres"
  "join -o json --access-only" "join --sqlite --access-only" "join --postgres --access-only")
cmds=("$bin join -o json $input >/dev/null" "$bin join --sqlite $db $input"
  "$bin join --postgres '$bench_db' $input" "$bin join -o json --access-only $input >/dev/null"
  "$bin join --sqlite $db --access-only $input" "$bin join --postgres '$bench_db' --access-only $input")
prepare="rm -f $db $db-wal $db-shm && PGOPTIONS='-c client_min_messages=warning' psql -qAtX '$conninfo' -c 'DROP DATABASE IF EXISTS trail_bench' -c 'CREATE DATABASE trail_bench'"
rows=$tmp/rows.tsv # name, mean, stddev
if command -v hyperfine >/dev/null; then
  args=()
  for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  hyperfine --warmup 1 --runs "$runs" --style basic --prepare "$prepare" \
    --export-csv "$tmp/h.csv" "${args[@]}" >&2
  awk -F, 'NR > 1 { printf "%s\t%s\t%s\n", $1, $2, $3 }' "$tmp/h.csv" >"$rows"
  timer="hyperfine $(hyperfine --version | awk '{ print $2 }'): 1 warm-up + $runs timed run(s)"
else
  : >"$rows"
  for i in "${!names[@]}"; do
    for ((r = 0; r < runs; r++)); do
      bash -c "$prepare"
      /usr/bin/time -f %e -a -o "$tmp/t$i" bash -c "${cmds[$i]}"
    done
    awk -v n="${names[$i]}" '{ s += $1; q += $1 * $1; c++ }
      END { m = s / c; v = q / c - m * m; printf "%s\t%f\t%f\n", n, m, (v > 0 ? sqrt(v) : 0) }' "$tmp/t$i" >>"$rows"
  done
  timer="/usr/bin/time loop (hyperfine not installed): $runs runs, no warm-up"
fi

# One more --postgres run with every statement's duration in the server log.
sql "$conninfo" -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
fresh_db trail_bench
seen=$(wc -l <"$pgdir/server.log")
t0=$(date +%s.%N)
"$bin" join --postgres "$bench_db" "$input" 2>/dev/null
t1=$(date +%s.%N)
end=$(wc -l <"$pgdir/server.log")
sql "$conninfo" -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
db_size=$(sql "$bench_db" -c "SELECT pg_database_size(current_database())")
statements=$(sed -n "$((seen + 1)),${end}p" "$pgdir/server.log" | awk -v wall="$(minus "$t1" "$t0")" '
  /duration: [0-9.]+ ms/ {
    match($0, /duration: [0-9.]+ ms/); ms = substr($0, RSTART + 10, RLENGTH - 13) + 0
    rest = substr($0, RSTART + RLENGTH)
    k = "other (schema, staging tables, partitions)"
    if (rest ~ /COPY pg_temp.stage_/) { match(rest, /stage_[a-z]+/); k = "COPY " substr(rest, RSTART, RLENGTH) } else if (rest ~ /INSERT INTO pkgly_trail.events/) k = "INSERT (WITH new AS ...)"
    else if (rest ~ /: COMMIT$/) k = "COMMIT"; else if (rest ~ /: BEGIN$/) k = "BEGIN"
    t[k] += ms; n[k]++; total += ms
  }
  END {
    printf "| statement | count | server time | share of the wall time |\n| --- | --- | --- | --- |\n"
    split("COPY stage_events|COPY stage_access|COPY stage_related|INSERT (WITH new AS ...)|BEGIN|COMMIT|other (schema, staging tables, partitions)", order, "|")
    for (i = 1; i in order; i++) if ((k = order[i]) in t) printf "| %s | %d | %.2f s | %.0f%% |\n", k, n[k], t[k] / 1000, t[k] / 10 / wall
    printf "| all | | %.2f s | %.0f%% of %.2f s |\n", total / 1000, total / 10 / wall, wall
  }')

# --- (b) -f with the server down and back -------------------------------------------------------
log "follow: join -f --postgres while the server stops for 5 s"
fresh_db trail_follow
count() { sql "$follow_db" -c "SELECT count(*) FROM pkgly_trail.events" 2>/dev/null || echo 0; }
live=$tmp/live.log
: >"$live"
split -n l/3 -d "$input" "$tmp/part."
"$bin" join -f --postgres "$follow_db" "$live" 2>"$tmp/follow.err" &
follow_pid=$!
sleep 1
cat "$tmp/part.00" >>"$live"
# Stop once the first batch is in, so the stop falls in the middle of the writing.
for _ in $(seq 100); do (($(count) > 0)) && break; sleep 0.1; done
before_stop=$(count)
pg_ctl stop -m fast -w >/dev/null
t_down=$(date +%s.%N)
cat "$tmp/part.01" >>"$live"
sleep 5
pg_ctl start -w -l "$pgdir/server.log" -o "-p $port" >/dev/null
t_back=$(date +%s.%N)
cat "$tmp/part.02" >>"$live"
deadline=$((SECONDS + 600))
while (($(count) < events && SECONDS < deadline)); do sleep 0.2; done
t_done=$(date +%s.%N)
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$follow_pid/status" 2>/dev/null || echo 0)
kill -INT "$follow_pid" 2>/dev/null || true
follow_rc=0
wait "$follow_pid" || follow_rc=$?
follow_pid=""
read -r stored distinct <<<"$(sql "$follow_db" -F ' ' -c "SELECT count(*), count(DISTINCT event_key) FROM pkgly_trail.events")"

# --- report -------------------------------------------------------------------------------------
rev=$(git rev-parse --short HEAD)
[[ -n $(git status --porcelain --untracked-files=no) ]] && rev="$rev (with uncommitted changes)"
echo "## join --postgres"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git: $rev"
echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- binary: $built"
echo "- server: $(sql "$conninfo" -c 'SHOW server_version') on 127.0.0.1 (scripts/postgres-cluster.sh: fsync off, shared_buffers 16MB)"
echo "- input: $k fixture copies, $(awk -v b="$input_bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $events audit events; $timer, each run into a new database"
echo
echo "| command | wall time (mean ± σ) | events/s | × join -o json | × join --sqlite |"
echo "| --- | --- | --- | --- | --- |"
awk -F'\t' -v ev="$events" '{ n[NR] = $1; m[NR] = $2; s[NR] = $3 }
  END { for (i = 1; i <= NR; i++) { b = i <= 3 ? 1 : 4
    printf "| `%s` | %.2f s ± %.2f s | %.0f | %.2f | %s |\n", n[i], m[i], s[i], ev / m[i], m[i] / m[b],
      (i % 3 == 0) ? sprintf("%.2f", m[i] / m[i - 1]) : "–" } }' "$rows"
echo
awk -F'\t' -v ev="$events" '{ m[NR] = $2 } END { for (i = 3; i <= 6; i += 3) {
  r = m[i] / m[i - 1]; rate = ev / m[i]
  printf "- `--postgres%s`: %.2f× `--sqlite` (goal ≤ 3×: %s); %.0f events/s (goal 50,000: %s); `join -o json` alone: %.0f events/s\n",
    (i == 6 ? " --access-only" : ""), r, (r <= 3 ? "met" : "**not met**"), rate, (rate >= 50000 ? "met" : "**not met**"), ev / m[i - 2] } }' "$rows"
echo
echo "Server time by statement, one more \`join --postgres\` run with log_min_duration_statement=0 (database afterwards: $((db_size / 1000000)) MB):"
echo
echo "$statements"
echo
echo "### -f with the server down and back"
echo
echo "- events stored: $stored of $events expected, $distinct distinct event_key ($([[ $stored == "$events" && $distinct == "$events" ]] && echo "complete, no duplicate" || echo "**MISMATCH**"))"
echo "- store complete $(minus "$t_done" "$t_back") s after the server came back (down $(minus "$t_back" "$t_down") s, $before_stop events stored before the stop); peak RSS of the join $((peak_kb / 1024)) MB; exit status $follow_rc after SIGINT"
echo "- stderr of the join:"
echo
echo '```'
cat "$tmp/follow.err"
echo '```'
