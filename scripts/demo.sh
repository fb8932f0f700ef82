#!/usr/bin/env bash
# The README's first command: the whole UserSync loop on a throwaway PostgreSQL 15 cluster and a
# throwaway Azurite queue: `usersync migrate` (as `postgres`) -> 5,000 signups -> an incident (the
# trigger disabled while signups continue) -> `usersync check` (critical) -> the function app at
# work: DailyCheck in the real worker process (timer) -> its queue output on user-sync-alerts ->
# AlertDispatcher (queue trigger) -> the outbox channel -> `usersync repair` (dry run, then applied
# in batches) -> the function app again: the resolved alerts, and its HTTP routes on loopback ->
# a second incident healed by auto-repair within one IncrementalCheck run (found, repaired, re-checked,
# resolved) -> `usersync check` (healthy) -> `usersync history` -> the admin dashboard served by the app
# (its URL printed last; kept serving until Enter when stdin is a terminal). The function app runs under
# the project's host stand-in (`usersync local`), since Azure Functions Core Tools cannot be installed here.
# Leaves nothing behind: the cluster, Azurite and the worker are stopped and removed on exit.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

scripts/ensure-deps.sh
echo "building the usersync CLI and the function app (Release)..."
dotnet build src/UserSync.Cli -c Release -v q -nologo >/dev/null
dotnet build src/UserSync.Functions -c Release -v q -nologo >/dev/null
usersync() { "$repo/src/UserSync.Cli/bin/Release/net10.0/usersync" "$@"; }
app="$repo/src/UserSync.Functions/bin/Release/net10.0"
# Outside Azure the Azure Monitor exporter must not probe the Azure VM metadata address.
export APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL=true \
       APPLICATIONINSIGHTS_SDKSTATS_DISABLED=true APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL=true

work=$(mktemp -d /tmp/usersync-demo.XXXXXX)
served=""
cleanup() {
  if [ -n "$served" ]; then kill -TERM "$served" 2>/dev/null || true; wait "$served" 2>/dev/null || true; fi
  scripts/azurite.sh stop "$work/azurite" >/dev/null 2>&1 || true
  scripts/pgtmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d app "$@"; }

step "Starting a throwaway PostgreSQL 15 cluster (Supabase roles, unix socket only)"
conn=$(scripts/pgtmp.sh start "$work/pg" --supabase --owner-pid $$)
export $conn
echo "cluster at $PGHOST"
# shellcheck source=scripts/db.sh
. scripts/db.sh
create_supabase_db app

step "usersync migrate (as role postgres, as 'supabase db push' would)"
usersync migrate --connection "Host=$PGHOST;Username=postgres;Database=app"
# The monitor logs in with its own least-privilege role, as a deployment does.
sql -U postgres -c "create role usersync_demo_monitor login in role user_sync_monitor"
export USERSYNC_DB="Host=$PGHOST;Username=usersync_demo_monitor;Database=app" USERSYNC_ENVIRONMENT=demo

step "5,000 signups through Supabase Auth's role (email, phone, anonymous, odd metadata)"
sql <<'SQL'
set role supabase_auth_admin;
select count(standin.sign_up(
         case when g % 10 = 0 then null else 'user' || g || '@example.com' end,
         case g % 4 when 0 then '{}'::jsonb when 1 then jsonb_build_object('full_name', 'User ' || g)
                    when 2 then 'null'::jsonb else jsonb_build_object('full_name', g) end,
         now() - (5000 - g) * interval '1 minute',
         case when g % 10 = 0 then '+1555' || lpad(g::text, 7, '0') end)) as signups
  from generate_series(1, 5000) g;
SQL
usersync check

step "Incident: the trigger is disabled (say, by a restore script) while 300 signups continue"
sql -c "alter table auth.users disable trigger on_auth_user_created"
sql -c "set role supabase_auth_admin; select count(standin.sign_up('late' || g || '@example.com')) as signups_during_incident from generate_series(1, 300) g"

step "usersync check: critical, exit code 2, and the alert messages a run queues"
set +e; usersync check; code=$?; set -e
echo "exit code: $code (0 healthy, 1 degraded, 2 critical, 3 could not run)"

step "The function app at work: DailyCheck in the worker -> user-sync-alerts (Azurite) -> AlertDispatcher -> outbox"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/azurite.sh start "$work/azurite" "$port" --owner-pid $$ >/dev/null
dev_key=$(sed -n 's/.*DevelopmentKey = "\(.*\)";/\1/p' tests/Shared/AzuriteServer.cs)
export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$dev_key;QueueEndpoint=http://127.0.0.1:$port/devstoreaccount1"
outbox="$repo/.artifacts/outbox"
rm -rf "$outbox"
# Every alert goes to the outbox channel (files), the only channel a demo has.
# The dashboard in local mode: loopback, no sign-in, and the page says so (docs/dashboard.md).
local_app() {
  usersync local --app "$app" --set UserSync__Dashboard__Authentication=None \
    --set "UserSync__Alerts__Outbox__Directory=$outbox" \
    --set UserSync__Alerts__Routes__Critical=outbox --set UserSync__Alerts__Routes__Warning=outbox \
    --set UserSync__Alerts__Routes__Checks__trigger_enabled=none --set UserSync__Alerts__Routes__Checks__monitor_failed=none "$@"
}
local_app --timer DailyCheck
echo "outbox: $(find "$outbox" -type f | wc -l) file(s) written by AlertDispatcher's outbox channel"

step "On-call restores the trigger as postgres (docs/runbook.md, trigger-enabled) and looks at the ghosts (masked)"
sql -U postgres -c "create or replace trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user()"
usersync ghosts --limit 5

step "usersync repair: dry run first, then applied in batches of 100"
usersync repair --dry-run --batch-size 100 | tail -n 2
usersync repair --apply --yes --batch-size 100

step "The function app again: the resolved alerts through the worker, and its HTTP routes on loopback"
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
local_app --timer DailyCheck --serve --port "$http_port" >"$work/local.out" 2>&1 &
served=$!
for _ in $(seq 1 120); do grep -q "serving until Ctrl+C" "$work/local.out" && break; kill -0 "$served" 2>/dev/null || break; sleep 0.5; done
cat "$work/local.out"
echo "GET /api/user-sync/status (through the stand-in's proxy to the worker):"
curl -fsS "http://127.0.0.1:$http_port/api/user-sync/status" | jq '{status, ghostUsers, triggerState, source}'
# SIGTERM, not SIGINT: a background job of a script ignores SIGINT. usersync stops the worker by its pid.
kill -TERM "$served"; wait "$served" || true; served=""
echo "outbox: $(find "$outbox" -type f | wc -l) file(s) now, the resolved ones included"

step "Auto-repair: 3 more signups written with the trigger skipped; ONE IncrementalCheck run (every 10 minutes) heals them"
sql -c "set session_replication_role = replica; set role supabase_auth_admin; select count(standin.sign_up('restored' || g || '@example.com')) as ghosts_written from generate_series(1, 3) g"
before=$(find "$outbox" -name '*.txt' | wc -l)
touch "$work/before-auto-repair"
local_app --timer IncrementalCheck --set UserSync__AutoRepair__Enabled=true --set UserSync__AutoRepair__MaxGhosts=100
echo "what the outbox channel received from that one run:"
find "$outbox" -name '*.txt' -newer "$work/before-auto-repair" -print0 | xargs -0 grep -h -E '^\[|^observed:' | sed 's/^/  /'
echo "outbox: $(find "$outbox" -name '*.txt' | wc -l) alert(s), $(($(find "$outbox" -name '*.txt' | wc -l) - before)) of them from the auto-repair run"

step "usersync check: healthy"
usersync check

step "usersync history --days 1"
usersync history --days 1

step "usersync audit: who repaired what, when, how many"
usersync audit --limit 5

step "The admin dashboard: the function app serving the page and its JSON on loopback"
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
local_app --no-timer --serve --port "$http_port" >"$work/dashboard.out" 2>&1 &
served=$!
for _ in $(seq 1 120); do grep -q "serving until Ctrl+C" "$work/dashboard.out" && break; kill -0 "$served" 2>/dev/null || break; sleep 0.5; done
dashboard="http://127.0.0.1:$http_port/api/user-sync/dashboard/"
# The page and what it reads first, as the browser will ask for them.
curl -fsS -o /dev/null "$dashboard" && curl -fsS -o /dev/null "${dashboard}app.js"
curl -fsS "http://127.0.0.1:$http_port/api/user-sync/view/summary" | jq -c '{status, sentence, database, ghosts: .stats.ghosts}'

cat <<'TXT'

Done. The alerts the function app sent are in .artifacts/outbox/ (text and JSON).
Where to look next:
  sql/migrations/        the trigger, the backfill and the monitoring SQL (adopt them as Supabase migrations)
  docs/database.md       what each object does, the decisions made, and how to deploy the monitor role
  docs/performance.md    signup overhead, check cost and backfill speed, measured
  docs/cli.md            every usersync command and its exit codes
  docs/runbook.md        what on-call does about each alert
  docs/deploy.md         from an empty subscription to a working monitor
  docs/dashboard.md      the admin dashboard: what it shows, local mode, sign-in in Azure
  scripts/test.sh        every test
TXT

echo
if [ -t 0 ]; then
  echo "The dashboard stays up until you press Enter (or Ctrl+C); open it in a browser on this machine:"
  echo "Dashboard (local mode, no sign-in): $dashboard"
  read -r _ || true
else
  echo "stdin is not a terminal, so the app stops now (run scripts/demo.sh in a terminal to keep the dashboard up)."
  echo "Dashboard (local mode, no sign-in): $dashboard"
fi
