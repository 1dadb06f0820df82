# Sourced by the build scripts: compile through ccache when it is there (scripts/deps.sh
# installs it), so a CI run recompiles only what changed since the last run on this machine.
# The cache is keyed on content, not on where the clone is: CI builds a fresh clone each time.
# Without ccache, CACHE_ARGS is empty and nothing changes.
CACHE_ARGS=()
if command -v ccache >/dev/null; then
  CACHE_ARGS=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  # The precompiled headers (CMake's target_precompile_headers) are cacheable only so.
  export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
  export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
fi
