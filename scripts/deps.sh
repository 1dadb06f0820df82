#!/usr/bin/env bash
# Installs the Debian 12 packages pkgly-trail needs to build and test (as root; idempotent).
set -euo pipefail
# ccache: only to rebuild faster (scripts/build-cache.sh); builds work without it.
pkgs=(build-essential cmake ninja-build pkg-config libsimdjson-dev libre2-dev libcli11-dev
      libfmt-dev catch2 zlib1g-dev libsqlite3-dev libssl-dev libyaml-cpp-dev tzdata bsdutils gzip ccache
      libpq-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
