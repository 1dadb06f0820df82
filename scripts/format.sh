#!/usr/bin/env bash
# The house format is .clang-format (clang-format 14, Debian 12's). CI checks it:
#
#   bash scripts/format.sh --check     # lists the files that differ, exits 1 if any
#   bash scripts/format.sh             # formats every tracked C++ file in place
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format-14 >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang-format-14
fi
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = --check ]; then
  differ=()
  for f in "${files[@]}"; do
    clang-format-14 --dry-run --Werror "$f" >/dev/null 2>&1 || differ+=("$f")
  done
  if ((${#differ[@]})); then
    echo "format: ${#differ[@]} file(s) differ from .clang-format (bash scripts/format.sh fixes them):" >&2
    printf '  %s\n' "${differ[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files as .clang-format wants them"
else
  clang-format-14 -i "${files[@]}"
fi
