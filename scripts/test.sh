#!/usr/bin/env bash
# The README's test command: every test, on throwaway clusters it starts itself.
#   1. pgTAP tests (sql/tests/*.sql) with pg_prove, as Supabase's superuser, migrations applied as
#      `postgres`, on PostgreSQL 15 and again on PostgreSQL 17 (what new Supabase projects run);
#   2. the .NET test projects on PostgreSQL 15 (they start their own clusters through scripts/pgtmp.sh),
#      then the SQL integration tests again on PostgreSQL 17 (USERSYNC_PG_BIN).
# Prints one closing line "tests: N passed, N failed" and exits non-zero if anything failed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

scripts/ensure-deps.sh

# Tests talk to loopback only: keep the Azure Monitor exporter's self-telemetry (which probes the
# Azure VM metadata address) off in every process they start (see src/UserSync.Functions/Telemetry.cs).
export APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL=true \
       APPLICATIONINSIGHTS_SDKSTATS_DISABLED=true APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL=true

work=$(mktemp -d /tmp/usersync-test.XXXXXX)
pgdir="$work/pg"
cleanup() { scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

pg15=/usr/lib/postgresql/15/bin
pg17="$repo/.tools/postgresql-17/bin"
passed=0 failed=0

# pgtap VERSION BINDIR: the pgTAP files on a fresh cluster of that server; adds to passed/failed.
pgtap() {
  local version=$1 bin=$2 conn tests bad prove_rc
  echo "== pgTAP (sql/tests) on PostgreSQL $version"
  conn=$(scripts/pgtmp.sh start "$pgdir" --bin "$bin" --supabase --owner-pid $$)
  (
    export $conn
    # shellcheck source=scripts/db.sh
    . scripts/db.sh
    create_supabase_db usersync_pgtap
    psql -q -v ON_ERROR_STOP=1 -d usersync_pgtap -c "create extension if not exists pgtap with schema extensions" >/dev/null
    apply_migrations usersync_pgtap
    PGOPTIONS="-c client_min_messages=warning" pg_prove -d usersync_pgtap --ext .sql sql/tests/
  ) >"$work/prove.out" 2>&1 && prove_rc=0 || prove_rc=$?
  cat "$work/prove.out"
  tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$work/prove.out" | tail -1)
  bad=$( (grep -Eo 'Failed [0-9]+/[0-9]+ subtests' "$work/prove.out" || true) | awk '{split($2,a,"/"); s+=a[1]} END {print s+0}')
  tests=${tests:-0}
  if [ "$prove_rc" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
  passed=$((passed + tests - bad)); failed=$((failed + bad))
  scripts/pgtmp.sh stop "$pgdir"
}
pgtap 15 "$pg15"
pgtap 17 "$pg17"

# dotnet_test LOG ARGS...: one `dotnet test` run; its counts are added to passed/failed.
dotnet_test() {
  local log=$1 rc dp df; shift
  if dotnet test "$@" --no-build --nologo -v q --logger "console;verbosity=normal" >"$log" 2>&1; then rc=0; else rc=$?; fi
  grep -E '^\s*(Failed|Passed|Skipped) |error|Total tests|Passed!|Failed!' "$log" | grep -v '^\s*Passed ' || true
  # What each failed test said (its first lines, without the stack), so a CI log tells why.
  { grep -A5 -E '^\s+Error Message:' "$log" | grep -vE '^\s+(at |Stack Trace:)' | head -60; } || true
  dp=$( (grep -Eo 'Passed: +[0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
  df=$( (grep -Eo 'Failed: +[0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
  if [ "$rc" != 0 ] && [ "$df" = 0 ]; then
    tail -40 "$log"; df=1
  fi
  passed=$((passed + dp)); failed=$((failed + df))
}

if [ -f UserSync.Functions.sln ] && grep -q 'Tests' UserSync.Functions.sln; then
  echo "== dotnet test (PostgreSQL 15)"
  # Build everything first: no project builds while tests run (the package test publishes the app).
  if dotnet build UserSync.Functions.sln --nologo -v q >"$work/build.out" 2>&1; then
    dotnet_test "$work/dotnet.out" UserSync.Functions.sln
    echo "== dotnet test tests/UserSync.Sql.IntegrationTests (PostgreSQL 17)"
    USERSYNC_PG_BIN="$pg17" dotnet_test "$work/dotnet17.out" tests/UserSync.Sql.IntegrationTests
  else
    tail -40 "$work/build.out"; failed=$((failed + 1))
  fi
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
