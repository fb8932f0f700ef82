#!/usr/bin/env bash
# The README's test command: every test, on a throwaway PostgreSQL 15 cluster it starts itself.
#   1. pgTAP tests (sql/tests/*.sql) with pg_prove, as Supabase's superuser, migrations applied as `postgres`;
#   2. the .NET test projects (they start their own clusters through scripts/pgtmp.sh).
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

conn=$(scripts/pgtmp.sh start "$pgdir" --supabase --owner-pid $$)
export $conn
# shellcheck source=scripts/db.sh
. scripts/db.sh

create_supabase_db usersync_pgtap
psql -q -v ON_ERROR_STOP=1 -d usersync_pgtap -c "create extension if not exists pgtap with schema extensions" >/dev/null
apply_migrations usersync_pgtap

passed=0 failed=0
echo "== pgTAP (sql/tests)"
if PGOPTIONS="-c client_min_messages=warning" pg_prove -d usersync_pgtap --ext .sql sql/tests/ >"$work/prove.out" 2>&1; then prove_rc=0; else prove_rc=$?; fi
cat "$work/prove.out"
tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$work/prove.out" | tail -1)
bad=$( (grep -Eo 'Failed [0-9]+/[0-9]+ subtests' "$work/prove.out" || true) | awk '{split($2,a,"/"); s+=a[1]} END {print s+0}')
tests=${tests:-0}
if [ "$prove_rc" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
passed=$((passed + tests - bad)); failed=$((failed + bad))
scripts/pgtmp.sh stop "$pgdir"

if [ -f UserSync.Functions.sln ] && grep -q 'Tests' UserSync.Functions.sln; then
  echo "== dotnet test"
  # Build everything first: no project builds while tests run (the package test publishes the app).
  if dotnet build UserSync.Functions.sln --nologo -v q >"$work/build.out" 2>&1; then
    if dotnet test UserSync.Functions.sln --no-build --nologo -v q --logger "console;verbosity=normal" >"$work/dotnet.out" 2>&1; then dn_rc=0; else dn_rc=$?; fi
  else
    dn_rc=1; cp "$work/build.out" "$work/dotnet.out"
  fi
  grep -E '^\s*(Failed|Passed|Skipped) |error|Total tests|Passed!|Failed!|^\s+(Error Message|Stack Trace)' "$work/dotnet.out" | grep -v '^\s*Passed ' || true
  dp=$( (grep -Eo 'Passed: +[0-9]+' "$work/dotnet.out" || true) | awk '{s+=$2} END {print s+0}')
  df=$( (grep -Eo 'Failed: +[0-9]+' "$work/dotnet.out" || true) | awk '{s+=$2} END {print s+0}')
  if [ "$dn_rc" != 0 ] && [ "$df" = 0 ]; then
    tail -40 "$work/dotnet.out"; df=1
  fi
  passed=$((passed + dp)); failed=$((failed + df))
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
