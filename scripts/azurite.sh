#!/usr/bin/env bash
# A throwaway Azurite queue service (a real Azure Storage queue endpoint) on loopback.
#   scripts/azurite.sh start DIR PORT [--owner-pid PID]   data in DIR, listens on 127.0.0.1:PORT
#   scripts/azurite.sh stop DIR                            stops it by the pid in DIR/azurite.pid
# Connection string (Azurite's well-known development account, not a secret):
#   DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=<the documented dev key>;QueueEndpoint=http://127.0.0.1:PORT/devstoreaccount1
# Installed by scripts/ensure-deps.sh into .tools/azurite.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$repo/.tools/azurite/node_modules/.bin/azurite-queue"

cmd_stop() {
  local dir=$1
  if [ -f "$dir/azurite.pid" ]; then
    local pid
    pid=$(cat "$dir/azurite.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

cmd_start() {
  local dir=$1 port=$2; shift 2
  local owner=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --owner-pid) owner=$2; shift 2 ;;
      *) echo "azurite.sh: unknown option $1" >&2; exit 2 ;;
    esac
  done
  [ -x "$bin" ] || { echo "azurite.sh: $bin missing; run scripts/ensure-deps.sh" >&2; exit 1; }
  mkdir -p "$dir"
  nohup setsid "$bin" --queueHost 127.0.0.1 --queuePort "$port" --location "$dir" --silent --skipApiVersionCheck --loose \
    >"$dir/azurite.log" 2>&1 </dev/null &
  echo $! >"$dir/azurite.pid"
  for _ in $(seq 1 100); do
    if grep -q "successfully listens" "$dir/azurite.log" 2>/dev/null; then break; fi
    kill -0 "$(cat "$dir/azurite.pid")" 2>/dev/null || { cat "$dir/azurite.log" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "successfully listens" "$dir/azurite.log" || { echo "azurite.sh: did not start" >&2; cat "$dir/azurite.log" >&2; exit 1; }
  if [ -n "$owner" ]; then
    nohup setsid bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done; '$repo/scripts/azurite.sh' stop '$dir'" \
      >/dev/null 2>&1 </dev/null &
  fi
  echo "QueueEndpoint=http://127.0.0.1:$port/devstoreaccount1"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$1" ;;
  *) echo "usage: $0 start DIR PORT [--owner-pid PID] | stop DIR" >&2; exit 2 ;;
esac
