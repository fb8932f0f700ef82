#!/usr/bin/env bash
# The function app under the host stand-in (src/UserSync.FunctionsHost), measured: the worker's
# cold start (process start to WorkerInitResponse, to every function loaded, to the first HTTP
# invocation answered) and the per-invocation cost of an HTTP function through the stand-in
# against the same core call in process. Not part of the test suite.
#
#   bench/functions_host.sh                    5 cold starts, 300 requests per arm
#   BENCH_COLD_RUNS=9 BENCH_REQUESTS=1000 bench/functions_host.sh
#   BENCH_OUT=docs/performance.md              where the section goes (replaced between its markers)
#
# Uses its own throwaway PostgreSQL 15 cluster and Azurite, stopped on exit; the Release builds.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
cold_runs=${BENCH_COLD_RUNS:-5}
requests=${BENCH_REQUESTS:-300}
out=${BENCH_OUT:-docs/performance.md}

scripts/ensure-deps.sh
echo "building the function app, the CLI and the benchmark (Release)..."
dotnet build src/UserSync.Functions -c Release -v q -nologo >/dev/null
dotnet build src/UserSync.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/FunctionsHostBench -c Release -v q -nologo >/dev/null
export APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL=true \
       APPLICATIONINSIGHTS_SDKSTATS_DISABLED=true APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL=true

work=$(mktemp -d /tmp/usersync-bench-host.XXXXXX)
cleanup() {
  scripts/azurite.sh stop "$work/azurite" >/dev/null 2>&1 || true
  scripts/pgtmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

conn=$(scripts/pgtmp.sh start "$work/pg" --supabase --owner-pid $$)
export $conn
# shellcheck source=scripts/db.sh
. scripts/db.sh
create_supabase_db app
apply_migrations app >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d app -c "create role bench_monitor login in role user_sync_monitor" \
     -c "set role supabase_auth_admin; select count(standin.sign_up('user' || g || '@example.com')) from generate_series(1, 1000) g" >/dev/null
database="Host=$PGHOST;Username=bench_monitor;Database=app"
# GetStatus answers the latest run: record one.
"$repo/src/UserSync.Cli/bin/Release/net10.0/usersync" check --connection "$database" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/azurite.sh start "$work/azurite" "$port" --owner-pid $$ >/dev/null
dev_key=$(sed -n 's/.*DevelopmentKey = "\(.*\)";/\1/p' tests/Shared/AzuriteServer.cs)
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$dev_key;QueueEndpoint=http://127.0.0.1:$port/devstoreaccount1"

section="$work/section.md"
dotnet bench/FunctionsHostBench/bin/Release/net10.0/FunctionsHostBench.dll \
  "src/UserSync.Functions/bin/Release/net10.0" "$database" "$storage" "$cold_runs" "$requests" >"$section"
{
  cat "$section"
  echo
  echo "Command: \`BENCH_COLD_RUNS=$cold_runs BENCH_REQUESTS=$requests bench/functions_host.sh\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores."
} >"$work/block.md"
python3 bench/write_section.py "$out" <"$work/block.md"
cat "$section"
echo "written to $out"
