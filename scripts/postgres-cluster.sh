#!/usr/bin/env bash
# postgres-cluster.sh: a throwaway PostgreSQL server kept in one directory, for bench/ and for
# people trying --postgres by hand. (Tests use tests/support/postgres_cluster.hpp instead.)
#
#   scripts/postgres-cluster.sh start DIR     initdb DIR if it is new, start the server on a free
#                                             port, print its conninfo (the only stdout line)
#   scripts/postgres-cluster.sh conninfo DIR  print the conninfo of the server running in DIR
#   scripts/postgres-cluster.sh stop DIR      stop the server and remove DIR
#
#   conninfo=$(scripts/postgres-cluster.sh start /tmp/trail-pg)
#   pkgly-trail join --postgres "$conninfo" app.log
#   scripts/postgres-cluster.sh stop /tmp/trail-pg
#
# Trust authentication on 127.0.0.1 and no fsync: scratch data only, never real audit logs.
# As root, the server runs as the `postgres` user (initdb refuses root), so DIR must be a place
# that user can reach (under /tmp, not under /root).
set -euo pipefail

die() {
  echo "postgres-cluster.sh: $*" >&2
  exit 1
}
[ $# -eq 2 ] || die "usage: $0 start|stop|conninfo DIR"
command=$1
dir=$(realpath -m -- "$2")
data=$dir/data
log=$dir/server.log
# stop runs rm -rf DIR: only on a directory this script made.
marker=$dir/.postgres-cluster.sh

# Debian keeps the server binaries off PATH: the newest /usr/lib/postgresql/*/bin, else pg_config.
bindir=$(find /usr/lib/postgresql/*/bin/initdb -maxdepth 0 2>/dev/null | sort -V | tail -n 1 || true)
bindir=${bindir%/initdb}
if [ -z "$bindir" ] && command -v pg_config >/dev/null; then
  bindir=$(pg_config --bindir)
fi
[ -x "$bindir/initdb" ] || die "PostgreSQL server binaries not found (Debian: apt-get install postgresql)"

# From inside DIR: as root the tools run as postgres, who may not enter the current directory.
as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u postgres -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

running() { [ -f "$data/postmaster.pid" ] && as_server "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; }

conninfo() {
  running || die "no server is running in $dir (start it with: $0 start $dir)"
  # Line 4 of postmaster.pid is the port the server listens on.
  echo "host=127.0.0.1 port=$(sed -n 4p "$data/postmaster.pid") user=postgres dbname=postgres"
}

init() {
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    [ -f "$marker" ] && die "$dir holds a failed start: run $0 stop $dir first"
    die "$dir exists and is not a cluster this script made: give a new or empty directory"
  fi
  local existed=false
  [ -e "$dir" ] && existed=true
  mkdir -p "$dir"
  touch "$marker"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      rm -f "$marker"
      $existed || rmdir "$dir"
      die "the postgres user cannot reach $dir: pick a directory under /tmp"
    fi
  fi
  as_server "$bindir/initdb" -D "$data" -A trust -N -U postgres -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    die "initdb failed"
  }
  # TCP only: a unix socket under a long DIR could pass the 107-byte socket path limit.
  cat >>"$data/postgresql.conf" <<'EOF'

# scripts/postgres-cluster.sh: a scratch server, small and not durable.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
shared_buffers = 16MB
max_connections = 40
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start() {
  if [ -f "$data/PG_VERSION" ]; then
    [ -f "$marker" ] || die "$dir holds a PostgreSQL cluster this script did not make"
    if running; then
      conninfo
      return
    fi
  else
    init
  fi
  # Below Linux's ephemeral range (32768-60999), so outgoing connections rarely hold it; a port
  # taken anyway (postgres logs "Address already in use") means another try.
  for _ in 1 2 3 4 5; do
    local port=$((20000 + RANDOM % 12000))
    local seen=0
    [ -f "$log" ] && seen=$(wc -l <"$log")
    if as_server "$bindir/pg_ctl" start -D "$data" -l "$log" -w -o "-p $port" >&2; then
      conninfo
      return
    fi
    tail -n +$((seen + 1)) "$log" | grep -q "Address already in use" ||
      die "the server did not start; see $log"
  done
  die "no free port after 5 tries; see $log"
}

stop() {
  [ -e "$dir" ] || return 0
  [ -f "$marker" ] || die "$dir was not made by this script: not removing it"
  if running; then
    as_server "$bindir/pg_ctl" stop -D "$data" -m fast -w >&2 ||
      as_server "$bindir/pg_ctl" stop -D "$data" -m immediate -w >&2 ||
      die "could not stop the server in $dir"
  fi
  rm -rf -- "$dir"
}

case $command in
  start) start ;;
  stop) stop ;;
  conninfo) conninfo ;;
  *) die "usage: $0 start|stop|conninfo DIR" ;;
esac
