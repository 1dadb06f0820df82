#!/usr/bin/env bash
# A curated mutation run: each mutant of scripts/mutants.txt (a small deliberate bug, with the
# reason it matters) is applied alone to a scratch copy of the tree, the tests are rebuilt
# (incrementally, through ccache when it is installed) and ctest must FAIL. Prints a table and
# exits non-zero when a mutant survived, did not build, or no longer matches its source text.
#
#   bash scripts/mutate.sh                 # every mutant
#   bash scripts/mutate.sh NAME...         # only these
#
# Environment: MUTATE_DIR (scratch folder, default /tmp/pkgly-trail-mutate, wiped first),
# MUTATE_JOBS (default 2), MUTATE_MUTANTS (the mutant file, default scripts/mutants.txt),
# MUTATE_TIMEOUT (seconds for one ctest run, default 1200).
# Slow on 2 cores: run it before closing security work, not in every CI run (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=${MUTATE_DIR:-/tmp/pkgly-trail-mutate}
jobs=${MUTATE_JOBS:-2}
mutants_file=${MUTATE_MUTANTS:-$root/scripts/mutants.txt}
timeout_s=${MUTATE_TIMEOUT:-1200}
[ -f "$mutants_file" ] || { echo "mutate: no mutant file $mutants_file" >&2; exit 2; }

case "$scratch" in /|/tmp|"$root"|"$root"/*) echo "mutate: refusing MUTATE_DIR=$scratch" >&2; exit 2;; esac
rm -rf "$scratch"
mkdir -p "$scratch/tree" "$scratch/mutants" "$scratch/logs"

# 1. Split the mutant file into one folder per mutant (name, file, why, original, replacement).
perl -e '
  use strict; use warnings;
  my ($path, $out) = @ARGV;
  open(my $in, "<", $path) or die "mutate: cannot read $path: $!\n";
  my (%m, $block, @text, $n, %seen);
  my $save = sub {
    return unless %m;
    for my $k (qw(file why original replacement)) {
      die "mutate: mutant $m{name} has no $k\n" unless defined $m{$k};
    }
    $n++;
    my $dir = sprintf("%s/%03d", $out, $n);
    mkdir $dir or die "mutate: $dir: $!\n";
    for my $k (qw(name file why original replacement)) {
      open(my $f, ">", "$dir/$k") or die; print $f $m{$k}; close $f;
    }
    %m = ();
  };
  while (my $line = <$in>) {
    chomp $line;
    if (defined $block) {
      if ($line eq "--- replacement" && $block eq "original") {
        $m{original} = join("\n", @text); @text = (); $block = "replacement"; next;
      }
      if ($line eq "--- end" && $block eq "replacement") {
        $m{replacement} = join("\n", @text); @text = (); undef $block; next;
      }
      die "mutate: line $.: a new mutant inside the text of $m{name}\n" if $line =~ /^== /;
      push @text, $line; next;
    }
    next if $line =~ /^\s*(#|$)/;
    if ($line =~ /^== ([A-Za-z0-9-]+)\s*$/) {
      $save->();
      die "mutate: line $.: mutant $1 is named twice\n" if $seen{$1}++;
      %m = (name => $1); next;
    }
    die "mutate: line $.: \"$line\" outside a mutant\n" unless %m;
    if ($line =~ /^file: (.+)$/) { $m{file} = $1; next; }
    if ($line =~ /^why: (.+)$/) { $m{why} = $1; next; }
    if ($line eq "--- original") { $block = "original"; next; }
    die "mutate: line $.: cannot read \"$line\"\n";
  }
  die "mutate: the text of $m{name} is not closed by --- end\n" if defined $block;
  $save->();
  die "mutate: no mutant in $path\n" unless $n;
' "$mutants_file" "$scratch/mutants"

selected=()
for dir in "$scratch"/mutants/*/; do
  name=$(cat "$dir/name")
  if (($# == 0)); then selected+=("$dir"); continue; fi
  for want in "$@"; do [ "$want" = "$name" ] && selected+=("$dir"); done
done
if ((${#selected[@]} == 0)); then echo "mutate: no mutant named $*" >&2; exit 2; fi

# 2. The scratch tree: the files git knows (tracked, and new ones not ignored), as they are now.
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$scratch/tree"

# Replaces ORIGINAL by REPLACEMENT in FILE (contents of the mutant folder); fails unless the
# original occurs exactly once.
apply() {
  local dir=$1 target=$2 label=${3:-$2}
  perl -0777 -e '
    use strict; use warnings;
    my ($dir, $target, $label) = @ARGV;
    local $/;
    my $read = sub { open(my $f, "<", $_[0]) or die "mutate: $_[0]: $!\n"; my $t = <$f>; $t };
    my ($orig, $repl, $text) = ($read->("$dir/original"), $read->("$dir/replacement"), $read->($target));
    my $count = () = $text =~ /\Q$orig\E/g;
    die "mutate: the original text is found $count times in $label (want exactly 1)\n" if $count != 1;
    $text =~ s/\Q$orig\E/$repl/;
    open(my $f, ">", $target) or die; print $f $text; close $f;
  ' "$dir" "$target" "$label"
}

# Every selected mutant must still match before anything is built.
stale=0
for dir in "${selected[@]}"; do
  file=$(cat "$dir/file")
  cp "$scratch/tree/$file" "$scratch/probe" 2>/dev/null || { echo "mutate: $(cat "$dir/name"): no file $file" >&2; stale=1; continue; }
  apply "$dir" "$scratch/probe" "$file" || { echo "mutate: $(cat "$dir/name") is stale: update scripts/mutants.txt" >&2; stale=1; }
done
rm -f "$scratch/probe"
((stale == 0)) || exit 2

# 3. One build folder, built once unmutated; the suite must pass there, or a "killed" means nothing.
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Paths under the scratch tree hash as relative ones, so unchanged sources hit the cache that
# builds of the work tree filled.
export CCACHE_BASEDIR="$scratch/tree" CCACHE_NOHASHDIR=1
cmake -S "$scratch/tree" -B "$scratch/tree/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPKGLY_TRAIL_TESTS=ON -DPKGLY_TRAIL_WERROR=OFF "${launcher[@]}" >"$scratch/logs/configure.log"
run_suite() {  # LOG: builds the tests and runs ctest; returns ctest's (or the build's) status
  local log=$1
  if ! cmake --build "$scratch/tree/build" -j"$jobs" >"$log.build" 2>&1; then return 100; fi
  timeout "$timeout_s" ctest --test-dir "$scratch/tree/build" --no-tests=error -j"$jobs" \
    --stop-on-failure --output-on-failure >"$log" 2>&1
}
start=$SECONDS
echo "mutate: baseline build and suite (unmutated)"
if ! run_suite "$scratch/logs/baseline.log"; then
  echo "mutate: the unmutated suite fails; fix that first (log: $scratch/logs/baseline.log*)" >&2
  tail -n 30 "$scratch/logs/baseline.log"* >&2
  exit 2
fi

# 4. Each mutant alone.
declare -a rows
failures=0
for dir in "${selected[@]}"; do
  name=$(cat "$dir/name"); file=$(cat "$dir/file"); log="$scratch/logs/$name.log"
  cp "$scratch/tree/$file" "$scratch/original"
  apply "$dir" "$scratch/tree/$file"
  t0=$SECONDS
  set +e; run_suite "$log"; status=$?; set -e
  cp "$scratch/original" "$scratch/tree/$file"
  killer=""
  if ((status == 100)); then
    result="BROKEN (does not build)"; failures=$((failures + 1))
  elif ((status == 0)); then
    result="SURVIVED"; failures=$((failures + 1))
  else
    result="killed"
    killer=$(grep -m1 -E 'Test +#[0-9]+: .*\*\*\*' "$log" | sed -E 's/.*Test +#[0-9]+: //; s/ \.{3,}.*//' || true)
  fi
  rows+=("$(printf '%-30s %-9s %4ss  %s' "$name" "$result" $((SECONDS - t0)) "${killer:0:90}")")
  echo "mutate: $name: $result ($(cat "$dir/why"))"
done
cmake --build "$scratch/tree/build" -j"$jobs" >/dev/null 2>&1 || true  # leave it unmutated

echo
printf '%-30s %-9s %5s  %s\n' "mutant" "result" "time" "first failing test"
for row in "${rows[@]}"; do echo "$row"; done
echo "mutate: ${#selected[@]} mutants, $failures not killed, $((SECONDS - start)) s (logs: $scratch/logs)"
((failures == 0))
