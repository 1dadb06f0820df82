#!/usr/bin/env bash
# Installs what the build needs (once) and builds the tool, only the tool, in build/ (Release):
#   bash scripts/build.sh && ./build/pkgly-trail --help
# scripts/test.sh builds the tests into the same folder with the same flags, so it compiles only
# the tests after this.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${PKGLY_TRAIL_DEPS_DONE:-}" = 1 ] || bash scripts/deps.sh
source scripts/build-cache.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPKGLY_TRAIL_WERROR="${PKGLY_TRAIL_WERROR:-OFF}" "${CACHE_ARGS[@]}" >/dev/null
cmake --build build -j"$(nproc)" --target pkgly-trail pkgly-trail-man
