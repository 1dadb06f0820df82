#!/usr/bin/env bash
# pkgly-trail benchmarks: audit filter, join, report and trace against grep, ripgrep, jq and miller
# on the same generated logs, each beside its goal, plus read floors, peak memory, and 1x vs 10x
# streamed input. With --compare, this tree's pkgly-trail against another revision's instead.
#
#   bash bench/run.sh [--size 1G] [--quick] [--seed N] [--compare REV]
#
# --size     size of each generated log (default 1G; suffix K, M, G are powers of 1024)
# --quick    200M logs and 1 timed run per command (default: 1 warm-up + 3 timed runs)
# --compare  build git revision REV in a temporary worktree and time its pkgly-trail jobs beside
#            this tree's, with a check that both write the same bytes (bench/compare.sh)
#
# Prints a Markdown table on stdout and writes it, with the machine, to bench/results/latest.md
# (--compare: stdout only). Progress and hyperfine's own report go to stderr. See bench/README.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

size=
quick=0
seed=1
compare_rev=
while (($# > 0)); do
  case $1 in
    --size) size=${2:?--size needs a value}; shift 2 ;;
    --size=*) size=${1#--size=}; shift ;;
    --quick) quick=1; shift ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --compare) compare_rev=${2:?--compare needs a git revision}; shift 2 ;;
    --compare=*) compare_rev=${1#--compare=}; shift ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ((quick)); then
  runs=1
  size=${size:-200M}
else
  runs=3
  size=${size:-1G}
fi
warmup=1
[[ $size =~ ^[0-9]+[KMGkmg]?$ ]] || { echo "run.sh: bad --size '$size'" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "run.sh: bad --seed '$seed'" >&2; exit 2; }
if [[ -n $compare_rev ]] && ! git rev-parse --verify --quiet "$compare_rev^{commit}" >/dev/null; then
  echo "run.sh: --compare: '$compare_rev' is not a commit of this repository" >&2
  exit 2
fi

# A baseline whose hyperfine run (warm-up + timed runs) would take longer than this is timed on
# the first 100 MB of the input instead, and its time scaled linearly to the whole input.
slow_limit_s=${BENCH_SLOW_LIMIT_S:-120}
slice_bytes=$((100 * 1000 * 1000))
# The 10x streamed run is skipped when 10 times the 1x run would take longer than this.
ten_limit_s=${BENCH_TEN_LIMIT_S:-600}
probe_bytes=$((20 * 1000 * 1000))

log() { printf '[bench] %s\n' "$*" >&2; }
human_size() { awk -v b="$1" 'BEGIN { if (b >= 1e9) printf "%.2f GB", b / 1e9; else printf "%.0f MB", b / 1e6 }'; }

# --- tools ---------------------------------------------------------------------------------------

need=()
for pkg in hyperfine ripgrep jq miller time cmake g++; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if ((${#need[@]} > 0)); then
  sudo=""
  ((EUID != 0)) && sudo=sudo
  log "installing ${need[*]}"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

# --- build ---------------------------------------------------------------------------------------

# The temporary files, and with --compare the other revision's worktree: removed on every exit,
# Ctrl-C included (the INT and TERM traps turn the signal into an exit, which runs the EXIT trap).
tmp=$(mktemp -d)
old_tree=
cleanup() {
  if [[ -n $old_tree ]]; then
    git worktree remove --force "$old_tree" 2>/dev/null || rm -rf "$old_tree"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ccache as the CI builds use it (scripts/build-cache.sh), so that a rebuild after a small change,
# and --compare's build of a nearby revision, recompile only what differs.
source scripts/build-cache.sh
build=build-bench
log "building Release into $build/"
if ! out=$(cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPKGLY_TRAIL_TESTS=OFF -DPKGLY_TRAIL_BENCH=ON "${CACHE_ARGS[@]}" 2>&1 &&
  cmake --build "$build" --parallel "$(nproc)" --target pkgly-trail pkgly-trail-loggen 2>&1); then
  printf '%s\nrun.sh: the build failed (is add_subdirectory(bench) in CMakeLists.txt?)\n' "$out" >&2
  exit 2
fi
trail=$build/pkgly-trail
loggen=$build/bench/pkgly-trail-loggen

# --- inputs (cached in bench/data/, regenerated when missing or when the generator changed) ------

mkdir -p bench/data bench/results
generator_hash=$(cat bench/generator/* bench/CMakeLists.txt | sha256sum | cut -c1-16)

generate() { # format -> path of the log
  local format=$1 file="bench/data/$1-$size-seed$seed.log" wall user sys
  local stamp="generator $generator_hash --format $format --size $size --seed $seed --trace-ids zero"
  if [[ -s $file && -f $file.stamp && $(cat "$file.stamp") == "$stamp" ]]; then
    log "reusing $file" >&2
  else
    log "generating $file" >&2
    /usr/bin/time -f '%e %U %S' -o "$file.time" \
      "$loggen" --format "$format" --size "$size" --seed "$seed" --trace-ids zero >"$file.part"
    mv "$file.part" "$file"
    printf '%s\n' "$stamp" >"$file.stamp"
    # wall clock, and the generator's own CPU time (user): on a shared machine the steadier one;
    # sys is the kernel copying into the page cache
    read -r wall user sys <"$file.time"
    awk -v b="$(stat -c %s "$file")" -v w="$wall" -v u="$user" -v s="$sys" \
      'BEGIN { printf "%.0f MB/s wall (%.0f MB in %.2f s), %.0f MB/s of user CPU time (+ %.2f s sys)\n",
               b / 1e6 / w, b / 1e6, w, b / 1e6 / u, s }' >"$file.speed"
    rm -f "$file.time"
    log "  pkgly-trail-loggen: $(cat "$file.speed")" >&2
  fi
  printf '%s\n' "$file"
}

# The lines of a log dealt in turn into COUNT files (the generated records are one line each);
# rebuilt when the log is newer. Prints their paths.
deal_lines() { # file count -> paths
  local base=${1%.log} count=$2 i parts=()
  for ((i = 0; i < count; i++)); do parts+=("$base.part$i-of$count.log"); done
  if [[ ! -s ${parts[0]} || $1 -nt ${parts[0]} ]]; then
    awk -v count="$count" -v base="$base" \
      '{ print > (base ".part" ((NR - 1) % count) "-of" count ".log.part") }' "$1"
    for i in "${parts[@]}"; do mv "$i.part" "$i"; done
  fi
  printf '%s\n' "${parts[*]}"
}

# The first BYTES of a log, cut at a line end; rebuilt when the log is newer.
head_slice() { # file bytes label -> path
  local slice="${1%.log}.$3.log"
  if [[ ! -s $slice || $1 -nt $slice ]]; then
    head -c "$2" "$1" | head -n -1 >"$slice.part"
    mv "$slice.part" "$slice"
  fi
  printf '%s\n' "$slice"
}

full=$(generate full-ansi-compose)
json=$(generate json)
full_bytes=$(stat -c %s "$full")
json_bytes=$(stat -c %s "$json")
json_probe=$(head_slice "$json" "$probe_bytes" first20MB)
json_parts=$(deal_lines "$json" 4)

# The request that trace looks for: the first audit event's request_id (in the full format a span
# field behind ANSI codes, in json a member of "span"), so the same seed gives the same id. Request
# ids are random UUIDs, so the id names one request; trace still reads the whole file, as it cannot
# know that the request does not come back later.
first_request_id() { # file -> id
  local id
  id=$(LC_ALL=C grep -m1 -F 'pkgly::audit' "$1" |
    grep -oP 'request_id(?:[":=]|\e\[[0-9;]*m)*\K[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' |
    head -1) || true
  [[ -n $id ]] || { echo "run.sh: no request_id in the first audit event of $1" >&2; exit 2; }
  printf '%s\n' "$id"
}
full_id=$(first_request_id "$full")
json_id=$(first_request_id "$json")

F=full-ansi-compose
J=json

if [[ -n $compare_rev ]]; then
  source bench/compare.sh
  exit 0
fi

# --- timing --------------------------------------------------------------------------------------

rows=$tmp/rows.tsv # job, input, name, command, bytes timed, scale, mean, stddev, rss_kb
: >"$rows"

# More hyperfine options for the next bench_job only (job 6: --prepare).
next_job_options=()

# hyperfine over several commands; each command is "name|input label|bytes|command".
# Output goes through a pipe (--output=pipe): GNU grep stops at the first match when its output
# is /dev/null, which would time nothing.
bench_job() {
  local job=$1
  shift
  local args=() spec name input bytes cmd i=0
  for spec in "$@"; do
    IFS='|' read -r name input bytes scale cmd <<<"$spec"
    args+=(-n "$name" "$cmd")
  done
  log "job $job: hyperfine --warmup $warmup --runs $runs"
  hyperfine --warmup "$warmup" --runs "$runs" --output=pipe --style basic "${next_job_options[@]}" \
    --export-json "$tmp/job$job.json" "${args[@]}" >&2
  next_job_options=()
  for spec in "$@"; do
    IFS='|' read -r name input bytes scale cmd <<<"$spec"
    jq -r --arg job "$job" --arg input "$input" --arg bytes "$bytes" --arg scale "$scale" \
      --arg cmd "$cmd" --argjson i "$i" \
      '.results[$i] | [$job, $input, .command, $cmd, $bytes, $scale, .mean, (.stddev // 0), ""] | @tsv' \
      "$tmp/job$job.json" >>"$rows"
    i=$((i + 1))
  done
}

# A slow baseline on the whole input, or on its first 100 MB when it would take too long.
# Prints the hyperfine spec.
slow_spec() { # name input-label file file-bytes command-with-FILE
  local name=$1 label=$2 file=$3 bytes=$4 template=$5 t estimate
  t=$( { /usr/bin/time -f %e bash -c "${template//FILE/$json_probe} >/dev/null" ; } 2>&1 | tail -1)
  estimate=$(awk -v t="$t" -v p="$(stat -c %s "$json_probe")" -v b="$bytes" -v n=$((runs + warmup)) \
    'BEGIN { printf "%.0f", t * b / p * n }')
  if ((estimate > slow_limit_s)); then
    local slice
    slice=$(head_slice "$file" "$slice_bytes" first100MB)
    local sb
    sb=$(stat -c %s "$slice")
    log "$name: ~${estimate}s on the whole input, timed on the first 100 MB instead" >&2
    printf '%s|%s|%s|%s|%s\n' "$name" "$label" "$sb" "$(awk -v b="$bytes" -v s="$sb" 'BEGIN { printf "%.4f", b / s }')" "${template//FILE/$slice}"
  else
    printf '%s|%s|%s|1|%s\n' "$name" "$label" "$bytes" "${template//FILE/$file}"
  fi
}

bench_job 1 \
  "pkgly-trail audit -o json|$F|$full_bytes|1|$trail audit -o json $full" \
  "grep -F|$F|$full_bytes|1|LC_ALL=C grep -F 'pkgly::audit' $full" \
  "rg -F|$F|$full_bytes|1|rg -F 'pkgly::audit' $full"

bench_job 2 \
  "pkgly-trail audit -o json|$J|$json_bytes|1|$trail audit -o json $json" \
  "grep -F|$J|$json_bytes|1|LC_ALL=C grep -F '\"target\":\"pkgly::audit\"' $json" \
  "rg -F|$J|$json_bytes|1|rg -F '\"target\":\"pkgly::audit\"' $json" \
  "$(slow_spec "jq select" "$J" "$json" "$json_bytes" "jq -c 'select(.target==\"pkgly::audit\")' FILE")" \
  "$(slow_spec "mlr filter" "$J" "$json" "$json_bytes" "mlr --ijsonl --ojsonl filter '\$target == \"pkgly::audit\"' FILE")"

bench_job 3 \
  "pkgly-trail join -o json|$F|$full_bytes|1|$trail join -o json $full" \
  "pkgly-trail join -o json|$J|$json_bytes|1|$trail join -o json $json" \
  "$(slow_spec "jq join (bench/baselines/join.jq)" "$J" "$json" "$json_bytes" "jq -n -c -f bench/baselines/join.jq FILE")"

bench_job 4 \
  "wc -l|$F|$full_bytes|1|wc -l $full" \
  "cat >/dev/null|$F|$full_bytes|1|cat $full >/dev/null"

# --merge: the json log dealt into 4 files and merged back, next to the join of the single file
# in the same hyperfine run, so that their ratio is the cost of the merge.
bench_job 5 \
  "pkgly-trail join -o json|$J|$json_bytes|1|$trail join -o json $json" \
  "pkgly-trail join -o json --merge (4 files)|$J|$json_bytes|1|$trail join -o json --merge $json_parts"

# join --sqlite: the same join written to a new SQLite database instead of stdout, in the same
# hyperfine run as join -o json, so that their ratio is the cost of the database. The database is
# removed before each run, so every run inserts every event (none is "already there").
db=$tmp/join.db
next_job_options=(--prepare "rm -f $db $db-wal $db-shm")
bench_job 6 \
  "pkgly-trail join -o json|$F|$full_bytes|1|$trail join -o json $full" \
  "pkgly-trail join --sqlite|$F|$full_bytes|1|$trail join --sqlite $db $full"

# report and trace, each in the same hyperfine run as the grep -F it is measured against: for
# report the grep of the audit filter (report reads what audit selects), for trace a grep of the id.
bench_job 7 \
  "pkgly-trail report|$F|$full_bytes|1|$trail report $full" \
  "grep -F|$F|$full_bytes|1|LC_ALL=C grep -F 'pkgly::audit' $full" \
  "pkgly-trail report|$J|$json_bytes|1|$trail report $json" \
  "grep -F|$J|$json_bytes|1|LC_ALL=C grep -F '\"target\":\"pkgly::audit\"' $json"

bench_job 8 \
  "pkgly-trail trace ID|$F|$full_bytes|1|$trail trace $full_id $full" \
  "grep -F ID|$F|$full_bytes|1|LC_ALL=C grep -F $full_id $full" \
  "pkgly-trail trace ID|$J|$json_bytes|1|$trail trace $json_id $json" \
  "grep -F ID|$J|$json_bytes|1|LC_ALL=C grep -F $json_id $json"

# hunt with the shipped rules, in the same hyperfine run as the join it stands on: issue #15's
# goal is at most 1.5x the time of join -o json.
bench_job 9 \
  "pkgly-trail join -o json|$F|$full_bytes|1|$trail join -o json $full" \
  "pkgly-trail hunt -o json|$F|$full_bytes|1|$trail hunt -o json $full" \
  "pkgly-trail join -o json|$J|$json_bytes|1|$trail join -o json $json" \
  "pkgly-trail hunt -o json|$J|$json_bytes|1|$trail hunt -o json $json"

# --- memory and linearity ------------------------------------------------------------------------

# /usr/bin/time -v around one pkgly-trail run, fed by an optional producer: "wall_s rss_kb".
measure() { # producer-or-empty pkgly-trail-command
  if [[ -n $1 ]]; then
    bash -c "$1 | /usr/bin/time -v -o $tmp/time.txt $2 >/dev/null"
  else
    /usr/bin/time -v -o "$tmp/time.txt" $2 >/dev/null
  fi
  awk -F': ' '/Maximum resident set size/ { rss = $2 }
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    END { printf "%.2f %d\n", s, rss }' "$tmp/time.txt"
}

log "peak RSS (/usr/bin/time -v), and 1x vs 10x streamed through a pipe"
mem=$tmp/mem.tsv
: >"$mem"
ten() { local f=$1 s="" i; for i in 1 2 3 4 5 6 7 8 9 10; do s+=" $f"; done; printf '%s' "$s"; }
# label (as in the main table's "pkgly-trail LABEL" rows) | arguments | input label | file
# (10x, trace finds its request in each of the 10 copies: the same records ten times)
for spec in "audit -o json|audit -o json|$F|$full" "audit -o json|audit -o json|$J|$json" \
  "join -o json|join -o json|$F|$full" "join -o json|join -o json|$J|$json" \
  "report|report|$F|$full" "report|report|$J|$json" \
  "trace ID|trace $full_id|$F|$full" "trace ID|trace $json_id|$J|$json" \
  "hunt -o json|hunt -o json|$F|$full" "hunt -o json|hunt -o json|$J|$json"; do
  IFS='|' read -r cmd args label file <<<"$spec"
  read -r _ rss_file <<<"$(measure "" "$trail $args $file")"
  # time -v wraps pkgly-trail only, not cat
  read -r w1 rss1 <<<"$(measure "cat $file" "$trail $args -")"
  # a regression must not turn the run into hours: skip 10x when it would take too long
  if awk -v w="$w1" -v l="$ten_limit_s" 'BEGIN { exit !(w * 10 > l) }'; then
    log "  $cmd $label: 10x skipped, 1x took ${w1}s"
    w10=0 rss10=0
  else
    read -r w10 rss10 <<<"$(measure "cat$(ten "$file")" "$trail $args -")"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cmd" "$label" "$rss_file" "$w1" "$w10" "$rss1" "$rss10" >>"$mem"
  log "  $cmd $label: file ${rss_file} KB; pipe 1x ${w1}s ${rss1} KB, 10x ${w10}s ${rss10} KB"
done

# Peak RSS of the file runs goes into the main table.
awk -F'\t' 'NR == FNR { rss["pkgly-trail " $1 "|" $2] = $3; next }
  { key = $3 "|" $2; if (key in rss) $9 = rss[key]; print }' OFS='\t' "$mem" "$rows" >"$rows.2"
mv "$rows.2" "$rows"
read -r _ rss_merge <<<"$(measure "" "$trail join -o json --merge $json_parts")"
log "  join --merge $J (4 files): ${rss_merge} KB"
awk -F'\t' -v rss="$rss_merge" '$3 ~ /--merge/ { $9 = rss } { print }' OFS='\t' "$rows" >"$rows.2"
mv "$rows.2" "$rows"
rm -f "$db" "$db-wal" "$db-shm"
read -r _ rss_sqlite <<<"$(measure "" "$trail join --sqlite $db $full")"
db_bytes=$(stat -c %s "$db")
log "  join --sqlite $F: ${rss_sqlite} KB, database $db_bytes bytes"
awk -F'\t' -v rss="$rss_sqlite" '$3 ~ /--sqlite/ { $9 = rss } { print }' OFS='\t' "$rows" >"$rows.2"
mv "$rows.2" "$rows"

# --- report --------------------------------------------------------------------------------------

report=$tmp/report.md
{
  echo "## pkgly-trail benchmarks"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
  rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && rev="$rev (with uncommitted changes)"
  echo "- git: $rev"
  echo "- inputs: generated by pkgly-trail-loggen --seed $seed --trace-ids zero: \`$F\` $(human_size "$full_bytes"), \`$J\` $(human_size "$json_bytes") (page cache warm)"
  echo "- generator speed when the inputs were made: $F $(cat "$full.speed" 2>/dev/null || echo unknown); $J $(cat "$json.speed" 2>/dev/null || echo unknown)"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on a shared machine adds noise to every row)"
  echo "- hyperfine $(hyperfine --version | awk '{ print $2 }'): $warmup warm-up + $runs timed run(s), output through a pipe; $(grep --version | head -1), $(rg --version | head -1), $(jq --version), $(mlr --version)"
  echo
  echo "| job | input | command | wall time (mean ± σ) | MB/s | × grep -F | goal (#18) | peak RSS |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  awk -F'\t' -v runs="$runs" -v F="$F" -v J="$J" '
    function fmt_t(t) { return t >= 10 ? sprintf("%.1f s", t) : (t >= 1 ? sprintf("%.2f s", t) : sprintf("%.0f ms", t * 1000)) }
    # A job with its own grep -F (report, trace) is measured against it, in the same hyperfine
    # run; the others against the grep -F of the audit filter job on the same input.
    { job[NR] = $1; input[NR] = $2; name[NR] = $3; bytes[NR] = $5; scale[NR] = $6; mean[NR] = $7; sd[NR] = $8; rss[NR] = $9
      if ($3 ~ /^grep -F/) { grep_job[$1 "|" $2] = $7 * $6; if (!($2 in grep)) grep[$2] = $7 * $6 } }
    END {
      jobname[1] = "1 audit filter"; jobname[2] = "2 audit filter"; jobname[3] = "3 join"; jobname[4] = "4 read floor"; jobname[5] = "5 merge"; jobname[6] = "6 sqlite"; jobname[7] = "7 report"; jobname[8] = "8 trace"; jobname[9] = "9 hunt"
      # the goals of issue #18, as the most × grep -F each job may take
      goal["1|pkgly-trail audit -o json|" F] = 1.0; goal["2|pkgly-trail audit -o json|" J] = 1.0
      goal["3|pkgly-trail join -o json|" F] = 2.5; goal["3|pkgly-trail join -o json|" J] = 2.5
      goal["7|pkgly-trail report|" F] = 2.0; goal["7|pkgly-trail report|" J] = 1.5
      goal["8|pkgly-trail trace ID|" F] = 1.5; goal["8|pkgly-trail trace ID|" J] = 1.5
      for (i = 1; i <= NR; i++) {
        total = mean[i] * scale[i]; whole = bytes[i] * scale[i]
        t = runs > 1 ? fmt_t(total) " ± " fmt_t(sd[i] * scale[i]) : fmt_t(total) " (1 run)"
        if (scale[i] != 1) t = "≈ " fmt_t(total) " (timed on the first " sprintf("%.0f", bytes[i] / 1e6) " MB: " fmt_t(mean[i]) ", scaled ×" sprintf("%.2f", scale[i]) ")"
        k = job[i] "|" input[i]; base = (k in grep_job) ? grep_job[k] : grep[input[i]]
        ratio = base > 0 ? sprintf("%.2f", total / base) : "–"
        g = "–"; key = job[i] "|" name[i] "|" input[i]
        if (key in goal && base > 0) {
          met = total / base <= goal[key]; goals++; goals_met += met
          g = sprintf("≤ %.1f×: %s", goal[key], met ? "met" : "**not met**")
        }
        r = rss[i] != "" ? sprintf("%.1f MB", rss[i] / 1024) : "–"
        printf "| %s | %s | `%s` | %s | %.0f | %s | %s | %s |\n", jobname[job[i]], input[i], name[i], t, whole / 1e6 / total, ratio, g, r
      }
      printf "\nGoals of issue #18 met in this run: %d of %d.\n", goals_met, goals
    }' "$rows"
  echo
  awk -F'\t' '$1 == 5 && $3 ~ /--merge/ { merged = $7 } $1 == 5 && $3 !~ /--merge/ { single = $7 }
    END { if (single > 0) printf "Cost of `--merge` (job 5): the json log dealt line by line into 4 files and merged back by timestamp takes %.2f× the wall time of the join of the single file (same hyperfine run).\n", merged / single }' "$rows"
  echo
  awk -F'\t' -v db_bytes="$db_bytes" '$1 == 6 && $3 ~ /--sqlite/ { db = $7 } $1 == 6 && $3 !~ /--sqlite/ { json = $7; bytes = $5 }
    END { if (json > 0) printf "Cost of `--sqlite` (job 6): writing the joined events, their access and related records to a new SQLite database takes %.2f× the wall time of `join -o json` on the same file (same hyperfine run); the database is %.0f MB for %.0f MB of log.\n", db / json, db_bytes / 1e6, bytes / 1e6 }' "$rows"
  echo
  awk -F'\t' '$1 == 9 && $3 ~ /hunt/ { hunt[$2] = $7 } $1 == 9 && $3 ~ /join/ { join[$2] = $7 }
    END { for (input in hunt) if (join[input] > 0) printf "Cost of `hunt` (job 9) on %s: %.2f× the wall time of `join -o json` on the same file (same hyperfine run; issue #15 goal: at most 1.5×, %s).\n", input, hunt[input] / join[input], hunt[input] / join[input] <= 1.5 ? "met" : "**not met**" }' "$rows"
  echo
  echo "Memory and linearity: the same log streamed through a pipe once and 10 times (\`cat FILE ×10 | pkgly-trail CMD -\`), timed and measured with \`/usr/bin/time -v\` around pkgly-trail."
  echo
  echo "| command | input | 1× wall | 10× wall | 10× / 1× | peak RSS 1× | peak RSS 10× |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  awk -F'\t' '{ if ($5 == 0) { printf "| `pkgly-trail %s -` | %s | %.2f s | skipped (too slow) | – | %.1f MB | – |\n", $1, $2, $4, $6 / 1024; next }
    printf "| `pkgly-trail %s -` | %s | %.2f s | %.2f s | %.2f | %.1f MB | %.1f MB |\n",
    $1, $2, $4, $5, $5 / $4, $6 / 1024, $7 / 1024 }' "$mem"
  echo
  echo "Baselines: \`grep -F\`/\`rg -F\` only select the lines containing the target (no parsing, no JSON output); \`jq select\` and \`mlr filter\` parse every json record and print the audit ones; \`jq join\` (bench/baselines/join.jq) groups json records by the \`request_id\` of their \`HTTP request\` span and prints each audit record with its access record and the other records of its request, assuming access and audit are written back to back (no window, no trace-id or adjacency join, json only). MB/s = input bytes / mean wall time (1 MB = 10^6 bytes); × grep -F = wall time / grep -F's wall time on the same input, in the same hyperfine run for report (grep of the audit target) and trace (\`grep -F ID\`, ID = the request_id of the first audit event: $full_id in $F, $json_id in $J). goal (#18) = the most × grep -F issue #18 allows, and whether this run is within it."
} >"$report"

cp "$report" bench/results/latest.md
cat "$report"
log "written to bench/results/latest.md"
