#!/usr/bin/env bash
# The README's first command: the whole UserSync loop through the `usersync` CLI, on a throwaway
# PostgreSQL 15 cluster: `usersync migrate` (as `postgres`) -> 5,000 signups -> an incident (the
# trigger disabled while signups continue) -> `usersync check` (critical, alert messages as they
# would be queued) -> `usersync repair` (dry run, then applied in batches) -> `usersync check`
# (healthy, resolved messages) -> `usersync history`.
# Leaves nothing behind: the cluster is stopped and removed on exit.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

scripts/ensure-deps.sh
echo "building the usersync CLI..."
dotnet build src/UserSync.Cli -c Release -v q -nologo >/dev/null
usersync() { "$repo/src/UserSync.Cli/bin/Release/net10.0/usersync" "$@"; }

work=$(mktemp -d /tmp/usersync-demo.XXXXXX)
cleanup() { scripts/pgtmp.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"; }
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

step "usersync check: critical, exit code 2, the alert messages it would queue, rendered into the outbox"
outbox="$repo/.artifacts/outbox"
rm -rf "$outbox"
set +e; usersync check --outbox "$outbox"; code=$?; set -e
echo "exit code: $code (0 healthy, 1 degraded, 2 critical, 3 could not run)"

step "On-call restores the trigger as postgres (docs/runbook.md, trigger-enabled) and looks at the ghosts (masked)"
sql -U postgres -c "create or replace trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user()"
usersync ghosts --limit 5

step "usersync repair: dry run first, then applied in batches of 100"
usersync repair --dry-run --batch-size 100 | tail -n 2
usersync repair --apply --yes --batch-size 100

step "usersync check: healthy again, with resolved messages"
usersync check

step "usersync history --days 1"
usersync history --days 1

step "usersync audit: who repaired what, when, how many"
usersync audit --limit 5

cat <<'TXT'

Done. The alerts this run would have sent are in .artifacts/outbox/ (text and JSON).
Where to look next:
  sql/migrations/        the trigger, the backfill and the monitoring SQL (adopt them as Supabase migrations)
  docs/database.md       what each object does, the decisions made, and how to deploy the monitor role
  docs/performance.md    signup overhead, check cost and backfill speed, measured
  docs/cli.md            every usersync command and its exit codes
  docs/runbook.md        what on-call does about each alert
  docs/deploy.md         from an empty subscription to a working monitor
  scripts/test.sh        every test
TXT
