#!/usr/bin/env bash
# Installs dependencies, builds (warnings are errors) and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# Test-only: headless Chromium renders the HTML report in a test (it skips, with a warning,
# where Chromium cannot be installed).
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends chromium; } >/dev/null 2>&1 || echo "warning: chromium not installed; the HTML rendering test will skip"
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPKGLY_TRAIL_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
