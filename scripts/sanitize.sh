#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/ and runs
# the whole test suite (ctest) under them. Exits non-zero on a build failure, a failed test, an
# empty test run, any sanitizer report (in the test binary or in a CLI binary it runs), and
# under CI=true on a skipped test.
#
#   bash scripts/sanitize.sh            # g++ (CXX=clang++-14 to use clang)
#
# Warnings stay on but are not errors: g++ 12 reports a false -Wrestrict inside <regex>, which
# Catch2 includes, at -O1.
set -euo pipefail
cd "$(dirname "$0")/.."

compiler="${CXX:-g++}"
build=build-asan
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g"
source scripts/build-cache.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$compiler" "${CACHE_ARGS[@]}" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DPKGLY_TRAIL_WERROR=OFF -DPKGLY_TRAIL_TESTS=ON -DPKGLY_TRAIL_FUZZ=OFF \
  -DPKGLY_TRAIL_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"

# The CLI tests run the (sanitized) binary; the options reach it through the environment. A
# report must fail the run even where a test only checks "status != 2" or expects exit 1: the
# sanitizers get exit codes of their own (86 ASan/LSan, 87 UBSan) and write their reports to
# files in a fresh folder, and any file there fails the run below, whatever ctest said.
logs="$(pwd)/$build/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:log_path=$logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=87:log_path=$logs/ubsan"
# Left out: the two tests that bound the binary's peak RSS (64 MiB for a huge line, 200 MiB
# for join --max-memory 96M on hostile records). ASan's shadow memory and allocator alone take
# ~75 MiB (`records` on a one-line file) and multiply what the join holds, so those bounds only
# hold, and are only tested, without sanitizers (scripts/test.sh). Also left out: the check
# that each test name selects its test alone, which starts the test binary once per test (600
# starts of a sanitized binary: 8 minutes) and tests Catch2's name matching, not pkgly-trail.
ctest_log="$build/ctest-last.log"
set +e
ctest --test-dir "$build" --output-on-failure --no-tests=error -j"$(nproc)" \
  -E "^(a huge line is cut at --max-line-bytes and counted|join --max-memory 96M holds a few hundred MB of hostile records within the budget|each test name given to the test binary selects that test alone)$" 2>&1 | tee "$ctest_log"
status=${PIPESTATUS[0]}
set -e
reports=("$logs"/*)
if [ -e "${reports[0]}" ]; then
  for report in "${reports[@]}"; do
    echo "== sanitizer report $report"
    cat "$report"
  done
  echo "sanitize.sh: error: ${#reports[@]} sanitizer report(s), see above" >&2
  exit 1
fi
bash scripts/check-skips.sh "$ctest_log"
exit "$status"
