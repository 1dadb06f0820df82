#!/usr/bin/env bash
# Installs the Debian 12 programs that some tests drive (as root, or through sudo; idempotent):
# headless Chromium renders the html report, zsh and fish check their completion scripts, groff
# and man-db render the man page, and the PostgreSQL server runs the throwaway clusters of the
# `--postgres` tests (tests/support/postgres_cluster.hpp), openssl makes their TLS certificates. Without them those tests report a skip to ctest, which CI
# (CI=true) turns into a failure. A failed install is an error here, never a warning.
set -euo pipefail
pkgs=(chromium zsh fish groff-base man-db postgresql openssl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "test-tools: installing ${missing[*]}"
if ! { $sudo apt-get update -qq &&
       DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
  echo "test-tools: error: could not install ${missing[*]}; the tests that need them would skip" >&2
  exit 1
fi
