#!/usr/bin/env bash
# Installs dependencies and the programs some tests need, builds the tests into build/ (the
# folder scripts/build.sh builds the tool in, with the same flags, so nothing is compiled twice)
# and runs the whole test suite with ctest. Fails on an empty test run, and under CI=true on any
# skipped test. PKGLY_TRAIL_WERROR=ON (CI sets it) treats warnings as errors.
# PKGLY_TRAIL_NO_TOOL_INSTALL=1 leaves Chromium, zsh, fish and groff alone (their tests then
# show as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
# .ci/run installs everything once and says so (PKGLY_TRAIL_DEPS_DONE=1).
if [ "${PKGLY_TRAIL_DEPS_DONE:-}" != 1 ]; then
  bash scripts/deps.sh
  if [ "${PKGLY_TRAIL_NO_TOOL_INSTALL:-}" != 1 ] || [ "${CI:-}" = true ]; then
    bash scripts/test-tools.sh
  fi
fi
jobs=$(nproc)
# PKGLY_TRAIL_TESTS=ON: a build folder configured earlier without tests would run nothing.
source scripts/build-cache.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPKGLY_TRAIL_WERROR="${PKGLY_TRAIL_WERROR:-OFF}" "${CACHE_ARGS[@]}" -DPKGLY_TRAIL_TESTS=ON >/dev/null
cmake --build build -j"$jobs"
log=build/ctest-last.log
start=$SECONDS
set +e
ctest --test-dir build --output-on-failure --no-tests=error -j"$jobs" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "test.sh: ctest took $((SECONDS - start)) s"
bash scripts/check-skips.sh "$log"
exit "$status"
