#!/usr/bin/env bash
# The README's first command: the whole UserSync loop on a throwaway PostgreSQL 15 cluster.
#   migrations (as `postgres`) -> 2,000 signups -> an incident (trigger disabled while signups
#   continue) -> checks (critical) -> repair preview and batched repair -> checks (healthy) -> history.
# Leaves nothing behind: the cluster is stopped and removed on exit.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

scripts/ensure-deps.sh

work=$(mktemp -d /tmp/usersync-demo.XXXXXX)
cleanup() { scripts/pgtmp.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d app "$@"; }
# The monitor logs in with its own least-privilege role, as a deployment does.
monitor() { psql -X -q -v ON_ERROR_STOP=1 -U usersync_demo_monitor -d app "$@"; }

step "Starting a throwaway PostgreSQL 15 cluster (Supabase roles, unix socket only)"
conn=$(scripts/pgtmp.sh start "$work/pg" --supabase --owner-pid $$)
export $conn
echo "cluster at $PGHOST"
# shellcheck source=scripts/db.sh
. scripts/db.sh
create_supabase_db app

step "Applying sql/migrations as role postgres (as 'supabase db push' does)"
apply_migrations app
ls sql/migrations | sed 's/^/  applied /'
sql -U postgres -c "create role usersync_demo_monitor login in role user_sync_monitor"

step "2,000 signups through Supabase Auth's role (email, phone, anonymous, odd metadata)"
sql <<'SQL'
set role supabase_auth_admin;
select count(standin.sign_up(
         case when g % 10 = 0 then null else 'user' || g || '@example.com' end,
         case g % 4 when 0 then '{}'::jsonb when 1 then jsonb_build_object('full_name', 'User ' || g)
                    when 2 then 'null'::jsonb else jsonb_build_object('full_name', g) end,
         now() - (2000 - g) * interval '1 minute',
         case when g % 10 = 0 then '+1555' || lpad(g::text, 7, '0') end))
  from generate_series(1, 2000) g;
SQL
sql -c "select (select count(*) from auth.users) as auth_users, (select count(*) from public.users) as profiles"

step "Incident: the trigger is disabled (say, by a restore script) while 150 signups continue"
sql -c "alter table auth.users disable trigger on_auth_user_created"
sql -c "set role supabase_auth_admin; select count(standin.sign_up('late' || g || '@example.com')) as signups_during_incident from generate_series(1, 150) g"

check() {
  monitor <<'SQL'
\pset footer off
select c.check_name, c.severity, case when c.passed then 'pass' else 'FAIL' end as result, c.observed, c.expected
  from user_sync.record_user_sync_metrics('demo') r, jsonb_to_recordset(r.checks)
       as c(check_name text, severity text, passed boolean, observed text, expected text);
select status as "overall status", duration_ms from user_sync.get_latest_sync_status();
SQL
}

step "Daily check (as user_sync_monitor, no BYPASSRLS)"
check

step "On-call re-enables the trigger; the ghosts remain until repaired"
sql -c "alter table auth.users enable trigger on_auth_user_created"

step "Repair preview (dry run): the first 5 of the batch it would create"
monitor -c "select user_id, created_at from user_sync.repair_ghost_users(50, true) limit 5"
monitor -c "select count(*) as ghosts_listed, regexp_replace(min(email), '^(.)[^@]*', '\1***') as first_email_masked from user_sync.check_ghost_users()"

step "Repair in batches of 50, one transaction each"
batches=0 total=0
while :; do
  n=$(monitor -At -c "select count(*) from user_sync.repair_ghost_users(50, false)")
  [ "$n" -gt 0 ] || break
  batches=$((batches + 1)); total=$((total + n))
  printf '  batch %d: %d profiles created\n' "$batches" "$n"
done
echo "repaired $total ghost users in $batches batches"
sql -c "select count(*) as audit_rows, sum(affected_count) as audited_repairs, min(performed_by) as performed_by from user_sync.cleanup_audit_log"

step "Check again"
check

step "History (user_sync.get_sync_status_history(1))"
monitor -c "select checked_at, status, ghost_users, orphaned_profiles, count_difference, trigger_state, source from user_sync.get_sync_status_history(1) order by checked_at"

cat <<'TXT'

Done. Where to look next:
  sql/migrations/        the trigger, the backfill and the monitoring SQL (adopt them as Supabase migrations)
  docs/database.md       what each object does, the decisions made, and how to deploy the monitor role
  docs/performance.md    signup overhead, check cost and backfill speed, measured
  scripts/test.sh        every test
TXT
