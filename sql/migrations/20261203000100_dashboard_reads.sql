-- UserSync 18: what the admin dashboard reads (docs/dashboard-api.md), and who asked for a run.
--
-- Every page view and poll reads recorded runs, the audit log and the delivery ledger only: none
-- of these functions counts auth.users or public.users (get_dashboard_summary asks only whether
-- either table has a row at all, one index-free probe). Security definer, owned by postgres, an
-- empty search_path, callable by user_sync_monitor only, like the other readers.

-- Who asked for a run from the dashboard ("dashboard:<principal id>", "dashboard:local"); null
-- for runs nobody asked for by name (timers, the function-key API, the CLI).
alter table user_sync.monitoring_log add column if not exists requested_by text;
comment on column user_sync.monitoring_log.requested_by is
  'Who asked for the run when the caller said (the dashboard: "dashboard:<principal id>"); ids only, never an email.';

-- record_user_sync_metrics(run_source), with who asked, in one transaction.
create or replace function user_sync.record_requested_run(run_source text, asked_by text)
returns setof user_sync.monitoring_log
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  recorded user_sync.monitoring_log;
begin
  if asked_by is null or asked_by !~ '^[A-Za-z0-9_.:-]{1,128}$' then
    raise exception 'asked_by must be 1-128 characters of [A-Za-z0-9_.:-] (an id, never an email), got %',
      coalesce(pg_catalog.quote_literal(asked_by), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  select * into recorded from user_sync.record_user_sync_metrics(run_source);
  update user_sync.monitoring_log l set requested_by = asked_by where l.id = recorded.id returning l.* into recorded;
  return next recorded;
end
$$;
alter function user_sync.record_requested_run(text, text) owner to postgres;
revoke all on function user_sync.record_requested_run(text, text) from public, anon, authenticated, service_role;

-- What changed since a poll: the newest run and audit row, and a mark of the delivery ledger
-- (rows, attempts and the newest time in it). Index-only lookups plus one pass over the ledger,
-- which holds a few rows per alert.
create or replace function user_sync.get_dashboard_version()
returns table (last_run_id bigint, last_audit_id bigint, deliveries bigint, delivery_attempts bigint, last_delivery_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select (select pg_catalog.max(l.id) from user_sync.monitoring_log l),
         (select pg_catalog.max(a.id) from user_sync.cleanup_audit_log a),
         d.rows, d.attempts, d.newest
    from (select pg_catalog.count(*) as rows, coalesce(pg_catalog.sum(x.attempts), 0)::bigint as attempts,
                 pg_catalog.max(greatest(x.delivered_at, x.claimed_at)) as newest
            from user_sync.alert_deliveries x) d
$$;
alter function user_sync.get_dashboard_version() owner to postgres;
revoke all on function user_sync.get_dashboard_version() from public, anon, authenticated, service_role;

-- The status card in one row, always exactly one: the newest full run (incremental runs look at
-- new signups only, so they are not the database's state), since when the status has been what it
-- is, each failing check's streak over full runs, the newest automatic repair, and whether the
-- database is empty (no auth user and no profile). With no run yet the run's columns are null.
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
  with full_runs as (
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

-- The history chart: the full runs of the last `days` days, newest first (incremental runs
-- count new signups only; their auth_users is not the table's size).
create or replace function user_sync.get_dashboard_history(days integer)
returns table (run_id uuid, checked_at timestamptz, status text, source text, requested_by text,
               auth_users bigint, profiles bigint, ghost_users bigint, orphaned_profiles bigint, count_difference bigint,
               duration_ms numeric)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if days is null or days < 1 or days > 366 then
    raise exception 'days must be between 1 and 366, got %', coalesce(days::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  return query
    select l.run_id, l.checked_at, l.status, l.source, l.requested_by, l.auth_users, l.profiles, l.ghost_users,
           l.orphaned_profiles, l.count_difference, l.duration_ms
      from user_sync.monitoring_log l
     where l.checked_at >= pg_catalog.now() - pg_catalog.make_interval(days => get_dashboard_history.days)
       and l.source <> 'incremental'
     order by l.checked_at desc, l.id desc;
end
$$;
alter function user_sync.get_dashboard_history(integer) owner to postgres;
revoke all on function user_sync.get_dashboard_history(integer) from public, anon, authenticated, service_role;

-- The delivery ledger, newest first: per alert, receiver and channel, the outcome and when (the
-- delivery, else the claim, else the run that raised it). The monthly report's deliveries are
-- not alerts and are left out, as in get_report_deliveries.
create or replace function user_sync.get_dashboard_deliveries(max_rows integer)
returns table (alert_id text, check_name text, alert_status text, receiver text, channel text, outcome text,
               attempts integer, last_status_code integer, happened_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if max_rows is null or max_rows < 1 or max_rows > 1000 then
    raise exception 'max_rows must be between 1 and 1000, got %', coalesce(max_rows::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  return query
    select d.alert_id, pg_catalog.split_part(d.alert_id, ':', 2), pg_catalog.split_part(d.alert_id, ':', 3), d.receiver, d.channel,
           case when d.status = 'delivered' then 'delivered'
                when d.claimed_at is not null then 'sending'
                else 'failed' end,
           d.attempts, d.last_status_code, w.happened_at
      from user_sync.alert_deliveries d
      -- The alert id starts with the run id in 32 hex digits: the run is found through its unique index.
      left join user_sync.monitoring_log l
        on l.run_id = case when pg_catalog.split_part(d.alert_id, ':', 1) ~ '^[0-9a-f]{32}$'
                           then pg_catalog.split_part(d.alert_id, ':', 1)::uuid end
      cross join lateral (select coalesce(d.delivered_at, d.claimed_at, l.checked_at) as happened_at) w
     where d.alert_id not like 'report:%'
     order by w.happened_at desc nulls last, d.alert_id, d.receiver, d.channel
     limit max_rows;
end
$$;
alter function user_sync.get_dashboard_deliveries(integer) owner to postgres;
revoke all on function user_sync.get_dashboard_deliveries(integer) from public, anon, authenticated, service_role;

grant execute on function
  user_sync.record_requested_run(text, text),
  user_sync.get_dashboard_version(),
  user_sync.get_dashboard_summary(),
  user_sync.get_dashboard_history(integer),
  user_sync.get_dashboard_deliveries(integer)
to user_sync_monitor;
