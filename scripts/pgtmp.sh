#!/usr/bin/env bash
# Throwaway PostgreSQL clusters for tests, the demo and benchmarks.
#
#   scripts/pgtmp.sh start DIR [--bin BINDIR] [--owner-pid PID] [--durable] [--supabase]
#       Creates a cluster under DIR (which must not exist or be empty), listening on a unix
#       socket in DIR only (no TCP), superuser `supabase_admin`, and prints shell assignments:
#       PGHOST=DIR PGPORT=5432 PGUSER=supabase_admin PGDATABASE=postgres
#       --bin BINDIR     the server binaries (initdb, pg_ctl, postgres) to run; default
#                        $USERSYNC_PG_BIN, else Debian's PostgreSQL 15. scripts/ensure-deps.sh
#                        installs PostgreSQL 17's into .tools/postgresql-17/bin.
#       --owner-pid PID  stop and remove the cluster by itself once PID has exited, so a test
#                        run that crashes never leaves a server behind.
#       --durable        keep fsync/synchronous_commit on (benchmarks); default is fast and unsafe.
#       --supabase       also create Supabase's roles (tests/Shared/supabase/roles.sql).
#   scripts/pgtmp.sh stop DIR
#       Stops the server by the pid in its postmaster.pid and removes DIR.
# Clients (psql) are always Debian's PostgreSQL 15 ones: they speak to a 17 server too.
#
# initdb refuses to run as root, so as root the server runs as the `postgres` OS user.
set -euo pipefail

PGBIN=${USERSYNC_PG_BIN:-/usr/lib/postgresql/15/bin}
CLIENTBIN=/usr/lib/postgresql/15/bin
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd_stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  # The cluster remembers the binaries that started it, so stop needs no --bin.
  [ -f "$dir/bin" ] && PGBIN=$(cat "$dir/bin")
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || {
      local pid
      pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    }
  fi
  rm -rf "$dir"
}

cmd_start() {
  local dir=$1; shift
  local owner="" durable=0 supabase=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --bin) PGBIN=$2; shift 2 ;;
      --owner-pid) owner=$2; shift 2 ;;
      --durable) durable=1; shift ;;
      --supabase) supabase=1; shift ;;
      *) echo "pgtmp: unknown option $1" >&2; exit 2 ;;
    esac
  done
  [ -x "$PGBIN/initdb" ] || { echo "pgtmp: PostgreSQL server binaries not found in $PGBIN (run scripts/ensure-deps.sh)" >&2; exit 1; }
  mkdir -p "$dir"
  if [ -n "$(ls -A "$dir")" ]; then echo "pgtmp: $dir is not empty" >&2; exit 1; fi
  echo "$PGBIN" >"$dir/bin"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    # The server's OS user must be able to reach DIR (mktemp -d makes 0700 folders).
    chmod a+x "$(dirname "$dir")"
  fi
  as_owner "$PGBIN/initdb" -D "$dir/data" -U supabase_admin --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$dir'"
    echo "port = 5432"
    echo "max_connections = 200"
    echo "shared_buffers = 256MB"
    if [ "$durable" = 0 ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  if [ "$supabase" = 1 ]; then
    "$CLIENTBIN/psql" -h "$dir" -U supabase_admin -d postgres -v ON_ERROR_STOP=1 -q \
      -f "$repo/tests/Shared/supabase/roles.sql" >/dev/null
  fi
  if [ -n "$owner" ]; then
    # Watchdog: detached, so it outlives this script but not the owner.
    nohup setsid bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done; '$here/pgtmp.sh' stop '$dir'" \
      >/dev/null 2>&1 </dev/null &
  fi
  echo "PGHOST=$dir PGPORT=5432 PGUSER=supabase_admin PGDATABASE=postgres"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$1" ;;
  *) echo "usage: $0 start DIR [--bin BINDIR] [--owner-pid PID] [--durable] [--supabase] | stop DIR" >&2; exit 2 ;;
esac
