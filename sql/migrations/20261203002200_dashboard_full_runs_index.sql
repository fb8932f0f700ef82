-- The dashboard's summary and the report's deliveries without reading every run.
--
-- 1. get_dashboard_summary named its full runs in a CTE that PostgreSQL materialised: every call
--    read all of monitoring_log, the incremental runs' checks included (at a 10-minute incremental
--    schedule 13,000 rows and 6.5 MB for 90 days; 50 ms cold, measured by bench/dashboard.sh's
--    statement times), to use the few hundred full runs among them. The CTE is now inlined, and a
--    partial index holds the full runs in time order, so each use reads those runs only; the
--    history chart's reader (full runs of the last N days) uses the same index.
-- 2. get_report_deliveries found a period's alerts by listing every run of the period (13,000 for
--    90 days, 8 ms) and matching the alert ids' run part against them. Now each delivery row's run
--    is looked up by run_id (unique index): the ledger holds a few rows per alert.

create index if not exists monitoring_log_full_runs_idx
  on user_sync.monitoring_log (checked_at, id) where source <> 'incremental';

create or replace function user_sync.get_dashboard_summary()
returns table (run_id uuid, checked_at timestamptz, status text, source text, requested_by text, duration_ms numeric,
               auth_users bigint, profiles bigint, ghost_users bigint, orphaned_profiles bigint, count_difference bigint,
               trigger_state text, trigger_enabled boolean, checks jsonb, status_since timestamptz, streaks jsonb,
               last_auto_repair_at timestamptz, last_auto_repaired bigint, database_empty boolean)
language sql
stable
security definer
set search_path = ''
as $$
  with full_runs as not materialized (
    select l.* from user_sync.monitoring_log l where l.source <> 'incremental'
  ),
  latest as (
    select f.* from full_runs f order by f.checked_at desc, f.id desc limit 1
  ),
  -- The first full run after the newest one with another status.
  since as (
    select pg_catalog.min(f.checked_at) as since_at
      from latest, full_runs f
     where f.checked_at > coalesce(
             (select pg_catalog.max(o.checked_at) from full_runs o where o.status <> latest.status), '-infinity')
  ),
  failing as (
    select c ->> 'check_name' as name
      from latest, pg_catalog.jsonb_array_elements(latest.checks) c
     where (c ->> 'passed')::boolean = false
  ),
  -- Per failing check: every full run since the newest one that passed it.
  streaks as (
    select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'check_name', s.name, 'failing_since', s.failing_since, 'failing_runs', s.failing_runs)), '[]'::jsonb) as items
      from (select f.name, pg_catalog.min(r.checked_at) as failing_since, pg_catalog.count(*) as failing_runs
              from failing f
              left join lateral (
                     select p.checked_at, p.id from full_runs p
                      where p.checks @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('check_name', f.name, 'passed', true))
                      order by p.checked_at desc, p.id desc limit 1) last_pass on true
              join full_runs r
                on (last_pass.id is null or (r.checked_at, r.id) > (last_pass.checked_at, last_pass.id))
               and r.checks @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('check_name', f.name, 'passed', false))
             group by f.name) s
  ),
  -- The newest automatic repair: its batches are the automatic audit rows since the run that
  -- started it (the newest run at or before its newest batch; repairs take the repair lock in turn).
  last_auto as (
    select a.performed_at from user_sync.cleanup_audit_log a
     where a.details ->> 'requested_by' = 'auto-repair' and a.action = 'backfill_ghost_users'
     order by a.id desc limit 1
  ),
  auto_repair as (
    select la.performed_at as repaired_at,
           (select pg_catalog.sum(a.affected_count)::bigint from user_sync.cleanup_audit_log a
             where a.details ->> 'requested_by' = 'auto-repair' and a.action = 'backfill_ghost_users'
               and a.performed_at >= coalesce(
                     (select pg_catalog.max(l.checked_at) from user_sync.monitoring_log l
                       where l.checked_at <= la.performed_at and l.source <> 'auto-repair'), '-infinity')) as repaired
      from last_auto la
  )
  select latest.run_id, latest.checked_at, latest.status, latest.source, latest.requested_by, latest.duration_ms,
         latest.auth_users, latest.profiles, latest.ghost_users, latest.orphaned_profiles, latest.count_difference,
         latest.trigger_state, latest.trigger_enabled, latest.checks,
         (select since_at from since), (select items from streaks),
         (select repaired_at from auto_repair), (select repaired from auto_repair),
         not exists (select from auth.users) and not exists (select from public.users)
    from (select 1) one
    left join latest on true
$$;
alter function user_sync.get_dashboard_summary() owner to postgres;
revoke all on function user_sync.get_dashboard_summary() from public, anon, authenticated, service_role;

create or replace function user_sync.get_report_deliveries(from_at timestamptz, to_at timestamptz)
returns table (alert_id text, check_name text, alert_status text, channel text, delivered boolean,
               delivered_at timestamptz, attempts integer, last_status_code integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform user_sync.check_report_period(from_at, to_at);
  return query
    select d.alert_id, pg_catalog.split_part(d.alert_id, ':', 2), pg_catalog.split_part(d.alert_id, ':', 3), d.channel,
           d.status = 'delivered', d.delivered_at, d.attempts, d.last_status_code
      from user_sync.alert_deliveries d
     where d.alert_id not like 'report:%'
       and ((d.delivered_at >= from_at and d.delivered_at < to_at)
        or exists (
             select from user_sync.monitoring_log l
              where l.run_id = case when pg_catalog.split_part(d.alert_id, ':', 1) ~ '^[0-9a-f]{32}$'
                                    then pg_catalog.split_part(d.alert_id, ':', 1)::uuid end
                and l.checked_at >= from_at and l.checked_at < to_at))
     order by d.alert_id, d.channel;
end
$$;
