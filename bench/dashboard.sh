#!/usr/bin/env bash
# The admin dashboard (docs/dashboard.md) at 1M and 10M users: each view's GET p50/p99 (plain and
# with If-None-Match, the 304 path) while the page polls in Chromium, page load to first meaningful
# paint, and the statements one page load + one poll round runs, with the reads of auth.users and
# public.users they cause. Targets (issue 11): no page view or poll scans the users tables; every
# API call's p99 <= 20 ms at 10M users. Not part of the test suite.
#
#   bench/dashboard.sh                         1M and 10M users, 400 rounds, 15 page loads
#   BENCH_QUICK=1 bench/dashboard.sh           smoke run: 100k users, 20 rounds, 3 page loads
#   BENCH_SIZES=1000000 BENCH_ROUNDS=200 BENCH_PAGE_LOADS=9 BENCH_POLL_SECONDS=15 bench/dashboard.sh
#   BENCH_OUT=docs/performance.md              where the section goes (replaced under its heading)
#
# Per size: a database with all migrations, auth.users bulk-loaded as bench/lib.sh's load_users
# does (7 ghosts, no orphans), 90 days of monitoring history (a daily full run at 02:00 and an
# incremental run every 10 minutes, three incidents with their deliveries and repairs, the monthly
# report's deliveries), then one real full run now. The Release function app runs as its real
# worker process under src/UserSync.FunctionsHost (dashboard auth None) on a throwaway PostgreSQL
# 15 with pg_stat_statements (track = all) and Azurite; bench/DashboardBench measures.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  sizes=${BENCH_SIZES:-100000} rounds=${BENCH_ROUNDS:-20} page_loads=${BENCH_PAGE_LOADS:-3}
else
  sizes=${BENCH_SIZES:-"1000000 10000000"} rounds=${BENCH_ROUNDS:-400} page_loads=${BENCH_PAGE_LOADS:-15}
fi
poll=${BENCH_POLL_SECONDS:-15}
out=${BENCH_OUT:-docs/performance.md}
ghosts=7
started=$(date +%s)
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)

scripts/ensure-deps.sh
echo "building the function app (with the dashboard's bundle) and the benchmark (Release)..."
dotnet build src/UserSync.Functions -c Release -v q -nologo >/dev/null
dotnet build bench/DashboardBench -c Release -v q -nologo >/dev/null
app="src/UserSync.Functions/bin/Release/net10.0"
[ -f "$app/dashboard/index.html" ] || { echo "$app/dashboard/index.html is missing: the build did not bundle the page" >&2; exit 1; }
export APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL=true \
       APPLICATIONINSIGHTS_SDKSTATS_DISABLED=true APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL=true

# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_cluster dashboard
trap 'scripts/azurite.sh stop "$work/azurite" >/dev/null 2>&1 || true; bench_cluster_remove' EXIT
# pg_stat_statements needs a restart to load; track = all also records the statements inside the
# security definer functions the views call.
# Its settings are known only once the library is loaded, hence two steps.
sql postgres -c "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
as_cluster_owner pg_ctl -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 restart >/dev/null
sql postgres -c "alter system set pg_stat_statements.track = 'all'" -c "alter system set pg_stat_statements.max = 10000" >/dev/null
as_cluster_owner pg_ctl -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 restart >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/azurite.sh start "$work/azurite" "$port" --owner-pid $$ >/dev/null
dev_key=$(sed -n 's/.*DevelopmentKey = "\(.*\)";/\1/p' tests/Shared/AzuriteServer.cs)
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$dev_key;QueueEndpoint=http://127.0.0.1:$port/devstoreaccount1"

# history DB USERS: 90 days of what the monitor records, as the superuser (like tests/Shared/ExampleMonth.cs).
# Incidents (days ago, first to last failing daily run, ghosts): 76-75 (3), 41 (12), 12-10 (2); each
# is seen first by the incremental run at 01:00 of its first day, repaired 30 minutes before the
# daily run that passes again (by the dashboard or by automatic repair), and alerted on two
# receivers when it fires and when it resolves.
history() {
  local db=$1 users=$2
  sql "$db" <<SQL
create temporary table incidents (first_day int, last_day int, ghosts int);
insert into incidents values (76, 75, 3), (41, 41, 12), (12, 10, 2);
insert into user_sync.monitoring_log (checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles, count_difference,
                                      trigger_state, trigger_enabled, checks, duration_ms, run_by, source, oldest_ghost_created_at)
select d.at, user_sync.overall_status(c.checks), s.a, s.a - d.g, d.g, 0, d.g, 'enabled', true, c.checks,
       1000 + random() * 200, 'usersync_app', 'timer', case when d.g > 0 then d.at - interval '3 hours' end
  from (select date_trunc('day', now()) - n * interval '1 day' + interval '2 hours' as at, n,
               coalesce((select i.ghosts from incidents i where n between i.last_day and i.first_day), 0) as g
          from generate_series(90, 1, -1) n) d,
       lateral (select $users - d.n * ($users / 400) as a) s,
       lateral (select jsonb_agg(to_jsonb(e)) as checks from user_sync.evaluate_checks(d.g, 0, s.a, s.a - d.g, 'enabled') e) c;
insert into user_sync.monitoring_log (checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles, count_difference,
                                      trigger_state, trigger_enabled, checks, duration_ms, run_by, source, oldest_ghost_created_at)
select t.at, user_sync.overall_status(c.checks), r.n, r.n - g.g, g.g, 0, g.g, 'enabled', true, c.checks,
       10 + random() * 10, 'usersync_app', 'incremental', case when g.g > 0 then t.at - interval '20 minutes' end
  from generate_series(date_trunc('minute', now()) - interval '90 days', now() - interval '1 minute', interval '10 minutes') t(at),
       lateral (select 20 + (extract(epoch from t.at)::bigint / 600) % 41 as n) r,
       lateral (select coalesce((select i.ghosts from incidents i
                                  where t.at >= date_trunc('day', now()) - i.first_day * interval '1 day' + interval '1 hour'
                                    and t.at < date_trunc('day', now()) - i.first_day * interval '1 day' + interval '70 minutes'), 0) as g) g,
       lateral (select jsonb_agg(to_jsonb(e)) as checks from user_sync.evaluate_checks(g.g, 0, r.n, r.n - g.g, 'enabled') e) c;
-- The repairs: the ghosts of each incident, the run after its last failing day.
insert into user_sync.cleanup_audit_log (action, performed_at, performed_by, application, affected_count, affected_ids, details)
select 'backfill_ghost_users', date_trunc('day', now()) - (i.last_day - 1) * interval '1 day' + interval '90 minutes',
       'usersync_app', 'UserSync.Functions', i.ghosts, array(select gen_random_uuid() from generate_series(1, i.ghosts)),
       jsonb_build_object('batch_size', 1000, 'requested_by', case when i.ghosts > 5 then 'auto-repair' else 'dashboard:local' end)
  from incidents i;
-- Older repairs from the CLI, one a fortnight over the year before.
insert into user_sync.cleanup_audit_log (action, performed_at, performed_by, application, affected_count, affected_ids, details)
select 'backfill_ghost_users', now() - (100 + 14 * n) * interval '1 day', 'usersync_app', 'usersync', 1,
       array[gen_random_uuid()], jsonb_build_object('batch_size', 1000, 'requested_by', 'cli')
  from generate_series(1, 26) n;
SQL
}

# deliveries DB: per full run that starts failing, a firing alert per failing check, and per run
# that passes again a resolved one, each to two receivers (one failed delivery among them); the
# monthly report's deliveries for three months.
deliveries() {
  sql "$1" <<'SQL'
with f as (
  select l.run_id, l.checked_at, l.status, l.checks,
         lag(l.status) over w as prev_status, lag(l.checks) over w as prev_checks
    from user_sync.monitoring_log l where l.source <> 'incremental' window w as (order by l.checked_at, l.id)
), events as (
  select f.run_id, f.checked_at, c ->> 'check_name' as check_name, 'firing' as alert_status
    from f, jsonb_array_elements(f.checks) c
   where not (c ->> 'passed')::boolean and coalesce(f.prev_status, 'healthy') = 'healthy'
  union all
  select f.run_id, f.checked_at, c ->> 'check_name', 'resolved'
    from f, jsonb_array_elements(f.prev_checks) c
   where not (c ->> 'passed')::boolean and f.status = 'healthy' and f.prev_status <> 'healthy'
)
insert into user_sync.alert_deliveries (alert_id, receiver, channel, status, claimed_at, delivered_at, attempts, last_status_code)
select replace(e.run_id::text, '-', '') || ':' || e.check_name || ':' || e.alert_status, r.receiver, r.channel, 'delivered',
       null, e.checked_at + interval '4 seconds', 1, 200
  from events e cross join (values ('oncall', 'webhook'), ('team', 'email')) r(receiver, channel);
update user_sync.alert_deliveries set status = 'claimed', delivered_at = null, attempts = 3, last_status_code = 503
 where (alert_id, receiver, channel) = (select alert_id, receiver, channel from user_sync.alert_deliveries
                                         where channel = 'webhook' order by alert_id limit 1);
insert into user_sync.alert_deliveries (alert_id, receiver, channel, status, claimed_at, delivered_at, attempts, last_status_code)
select 'report:' || to_char(date_trunc('month', now()) - n * interval '1 month', 'YYYY-MM'), 'team', 'email', 'delivered',
       null, date_trunc('month', now()) - (n - 1) * interval '1 month' + interval '6 hours', 1, 200
  from generate_series(1, 3) n;
SQL
}

: >"$work/sections"
: >"$work/verdicts"
for users in $sizes; do
  db="dash_$users"
  echo "$(date -u +%H:%M:%S) $users users: loading (load average $(load))..." >&2
  create_supabase_db "$db"
  apply_migrations "$db"
  # user_sync_monitor is the migrations' (cluster-wide) role: the app logs in as a member of it.
  sql postgres -tAc "select 1 from pg_roles where rolname = 'bench_monitor'" | grep -q 1 \
    || sql postgres -c "create role bench_monitor login in role user_sync_monitor" >/dev/null
  sql "$db" -c "create extension pg_stat_statements" >/dev/null
  load_users "$db" "$users" $((users / ghosts)) 0
  history "$db" "$users"
  # Today's full run, for real: the daily check's pass over both keys at this size.
  sql "$db" -c "select status, auth_users, ghost_users from user_sync.record_user_sync_metrics('timer')" -A -t >&2
  deliveries "$db"
  sql "$db" -c "vacuum (analyze) user_sync.monitoring_log" -c "vacuum (analyze) user_sync.alert_deliveries" \
    -c "vacuum (analyze) user_sync.cleanup_audit_log" -c "checkpoint" >/dev/null
  echo "$(date -u +%H:%M:%S) $users users: measuring (load average $(load))..." >&2
  dotnet bench/DashboardBench/bin/Release/net10.0/DashboardBench.dll "$app" \
    "Host=$PGHOST;Username=bench_monitor;Database=$db" "Host=$PGHOST;Username=$PGUSER;Database=$db" "$storage" \
    "$rounds" "$page_loads" "$poll" "$work/verdict.json" >"$work/section.$users.md"
  cat "$work/section.$users.md" >&2
  { cat "$work/section.$users.md"; echo; echo "Load average after this size: $(load)."; echo; } >>"$work/sections"
  cat "$work/verdict.json" >>"$work/verdicts"; echo >>"$work/verdicts"
  sql postgres -c "drop database \"$db\"" >/dev/null
done

command="bench/dashboard.sh"
[ "${BENCH_QUICK:-0}" = 1 ] && command="BENCH_QUICK=1 bench/dashboard.sh"
python3 - "$work/verdicts" "$work/sections" "$command" "$(val postgres 'show server_version')" "$load_start" "$(load)" \
  "$(( ($(date +%s) - started) / 60 ))" "$rounds" "$page_loads" "$poll" "$(nproc)" \
  "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
  "$(uname -r)" "$(date -u '+%Y-%m-%d %H:%M UTC')" <<'PY' >"$work/block.md"
import json, sys
(verdicts, sections, command, version, load_start, load_end, minutes, rounds, loads, poll, cores, cpu, mem, kernel,
 date) = sys.argv[1:]
v = [json.loads(l) for l in open(verdicts) if l.strip()]
largest = max(v, key=lambda x: x["users"])
def ms(x):
    return f"{x / 1000:.2f} s" if x >= 1000 else f"{x:.1f} ms"
print("## The admin dashboard")
print()
print(f"Measured by `bench/dashboard.sh` ({date}; runtime {minutes} min): the Release build of `src/UserSync.Functions` as its real "
      "worker process under `src/UserSync.FunctionsHost` (HTTP on loopback, dashboard authentication `None`), PostgreSQL "
      f"{version} (`scripts/pgtmp.sh --durable --supabase`, `pg_stat_statements` loaded) and Azurite, the page in Debian's "
      "Chromium (headless, Playwright). The data: auth users bulk-loaded as `bench/lib.sh`'s `load_users` does, 7 of them "
      "ghosts; 90 days of monitoring history (a daily full run at 02:00 UTC and an incremental run every 10 minutes, three "
      "incidents with their alert deliveries on two receivers and their repairs, older CLI repairs, the monthly report's "
      "deliveries) and one real full run just before measuring.")
print()
print(f"Machine: {cores} cores ({cpu}), {mem}, kernel {kernel}; load average {load_start} at the start, {load_end} at the end. "
      "The machine is shared with other engineers' builds and tests, so these p99s are pessimistic: a tail on a loaded 2-core "
      "machine is mostly other processes' time slices, not the dashboard's work; the p50s and the statements are the figures "
      "to compare with an idle machine.")
print()
print("Verdicts against issue 11's targets:")
print()
scan_free = all(not x["scanners"] and not x["pageScansUsers"] for x in v)
print(f"- **No page view or poll scans the users tables: {'met' if scan_free else 'not met'}.** "
      + ("One page load and one poll round, and every view alone, read auth.users and public.users with at most the one-row "
         "`exists` probe of `get_dashboard_summary`, except `view/ghosts`, which looks up the 20 ids of its page (the list the "
         "latest run recorded) by primary key in each table (see the deltas and the statements below)." if scan_free else
         "Reads beyond a probe or the ghost page's lookups: "
         + "; ".join(f"{x['users']:,} users: {', '.join(x['scanners'] + (['the page load and poll'] if x['pageScansUsers'] else []))}"
                     for x in v if x["scanners"] or x["pageScansUsers"]) + "."))
print("- The ghost page (asked for only when the admin presses *Show ghost users*, then once per new run): "
      + "; ".join(f"{x['users']:,} users, {x['ghosts']} ghosts: p50 {ms(x['ghostsP50Ms'])}, p99 {ms(x['ghostsP99Ms'])}" for x in v) + ".")
ok = largest["worstP99Ms"] <= 20
print(f"- **API p99 <= 20 ms at {largest['users']:,} users: {'met' if ok else 'not met'}.** "
      f"Worst p99 of all views {ms(largest['worstP99Ms'])} ({largest['worstView']}).")
print("- Page load to first meaningful paint (median): " + "; ".join(f"{x['users']:,} users {ms(x['firstMeaningfulPaintMs'])}" for x in v) + ".")
print()
print(open(sections).read().strip())
print()
print(f"Command: `{command}` ({rounds} rounds, {loads} page loads, the polling page at its {poll} s interval).")
PY
python3 bench/write_section.py "$out" <"$work/block.md"
cat "$work/block.md"
echo "written to $out" >&2
