-- UserSync 14: what the monthly success-metrics report needs (docs/report.md).
--
-- 1. Time to detect: each run that finds ghosts records the earliest auth.users.created_at among
--    them (`monitoring_log.oldest_ghost_created_at`). It is filled by a BEFORE INSERT trigger, so
--    every function that records a run (the full check, and any later one) records it without
--    having to know about it; a row inserted with the value already set keeps it.
-- 2. Three bounded readers for the report, callable by user_sync_monitor: the runs of a period
--    (with what came before it that the period's first incidents need), the cleanup audit of a
--    period, and the delivery ledger rows of a period's alerts. The report itself is computed from
--    them in UserSync.Core (SuccessReportBuilder): incidents are a walk over runs in order.
--
-- Same rules as every monitoring function: security definer, owned by postgres, empty
-- search_path, execute for user_sync_monitor only; arguments checked (SQLSTATE 22023).

alter table user_sync.monitoring_log add column if not exists oldest_ghost_created_at timestamptz;
comment on column user_sync.monitoring_log.oldest_ghost_created_at is
  'The earliest auth.users.created_at among the ghosts this run found (null when it found none): the start of the time to detect.';

-- The ghosts' ids come from the same index-only anti-join the repair uses; only their auth rows
-- are read. It runs only for a run that found ghosts, so a healthy run costs nothing more.
create or replace function user_sync.note_oldest_ghost()
returns trigger
language plpgsql
security definer
set search_path = ''
set enable_hashjoin = off
as $$
begin
  select pg_catalog.min(a.created_at) into new.oldest_ghost_created_at
    from user_sync.next_ghost_ids(null, null) g(id)
    join auth.users a on a.id = g.id;
  return new;
end
$$;
alter function user_sync.note_oldest_ghost() owner to postgres;
revoke all on function user_sync.note_oldest_ghost() from public, anon, authenticated, service_role;

drop trigger if exists monitoring_log_oldest_ghost on user_sync.monitoring_log;
create trigger monitoring_log_oldest_ghost
  before insert on user_sync.monitoring_log
  for each row
  when (new.ghost_users > 0 and new.oldest_ghost_created_at is null)
  execute function user_sync.note_oldest_ghost();

-- from_at < to_at, both given, at most 366 days apart (a month, a quarter, a year).
create or replace function user_sync.check_report_period(from_at timestamptz, to_at timestamptz)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if from_at is null or to_at is null or from_at >= to_at then
    raise exception 'from_at must be before to_at, got % and %', coalesce(from_at::text, 'null'), coalesce(to_at::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if to_at - from_at > interval '366 days' then
    raise exception 'a report period is at most 366 days, got %', to_at - from_at
      using errcode = 'invalid_parameter_value';
  end if;
end
$$;
revoke all on function user_sync.check_report_period(timestamptz, timestamptz) from public, anon, authenticated, service_role;

-- The runs of [from_at, to_at) in order, plus what the first of them continue: when a check was
-- already failing in the last run before from_at, every run since that check last passed (that
-- passing run included), so the incident's start is known; otherwise the last run before from_at
-- alone (the state the period starts in). One row per run, so a month at a 5-minute schedule is
-- about 9,000 rows.
create or replace function user_sync.get_report_runs(from_at timestamptz, to_at timestamptz)
returns setof user_sync.monitoring_log
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  carry user_sync.monitoring_log;
  start_at timestamptz;
  start_id bigint;
begin
  perform user_sync.check_report_period(from_at, to_at);

  select * into carry from user_sync.monitoring_log l
   where l.checked_at < from_at
   order by l.checked_at desc, l.id desc
   limit 1;

  if carry.id is not null then
    start_at := carry.checked_at;
    start_id := carry.id;
    -- For each check failing in that run: the newest run before it that passed the check
    -- (the beginning of time when none did).
    select p.checked_at, p.id into start_at, start_id
      from (select f ->> 'check_name' as name
              from pg_catalog.jsonb_array_elements(carry.checks) f
             where (f ->> 'passed')::boolean = false) failing
      left join lateral (
             select l.checked_at, l.id
               from user_sync.monitoring_log l
              where (l.checked_at, l.id) < (carry.checked_at, carry.id)
                and l.checks @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('check_name', failing.name, 'passed', true))
              order by l.checked_at desc, l.id desc
              limit 1) last_pass on true
      cross join lateral (select coalesce(last_pass.checked_at, '-infinity'::timestamptz) as checked_at,
                                 coalesce(last_pass.id, 0) as id) p
     order by p.checked_at, p.id
     limit 1;
    if not found then
      start_at := carry.checked_at;
      start_id := carry.id;
    end if;
  end if;

  return query
    select * from user_sync.monitoring_log l
     where l.checked_at < to_at
       and (l.checked_at >= from_at or (start_id is not null and (l.checked_at, l.id) >= (start_at, start_id)))
     order by l.checked_at, l.id;
end
$$;
alter function user_sync.get_report_runs(timestamptz, timestamptz) owner to postgres;
revoke all on function user_sync.get_report_runs(timestamptz, timestamptz) from public, anon, authenticated, service_role;

-- The cleanup audit of [from_at, to_at) in order, without the affected ids (the report counts them):
-- who asked for each action is details->>'requested_by' ('auto-repair' for the monitor's own
-- repairs; null for rows written before the key existed, which were manual).
create or replace function user_sync.get_report_audit(from_at timestamptz, to_at timestamptz)
returns table (id bigint, action text, performed_at timestamptz, performed_by text, affected_count integer, requested_by text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform user_sync.check_report_period(from_at, to_at);
  return query
    select l.id, l.action, l.performed_at, l.performed_by, l.affected_count, l.details ->> 'requested_by'
      from user_sync.cleanup_audit_log l
     where l.performed_at >= from_at and l.performed_at < to_at
     order by l.performed_at, l.id;
end
$$;
alter function user_sync.get_report_audit(timestamptz, timestamptz) owner to postgres;
revoke all on function user_sync.get_report_audit(timestamptz, timestamptz) from public, anon, authenticated, service_role;

-- The delivery ledger rows of the alerts of runs in [from_at, to_at) (an alert id starts with its
-- run id), and of any other alert delivered in it (monitor_failed alerts have no recorded run).
-- check_name and alert_status are read from the alert id (run:check:status); a ledger row that
-- was never delivered has no time of its own, so it is found through its run only. The monthly
-- report's own deliveries (alert id "report:...") are not alerts and are left out.
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
        or pg_catalog.split_part(d.alert_id, ':', 1) in (
             select pg_catalog.replace(l.run_id::text, '-', '')
               from user_sync.monitoring_log l
              where l.checked_at >= from_at and l.checked_at < to_at))
     order by d.alert_id, d.channel;
end
$$;
alter function user_sync.get_report_deliveries(timestamptz, timestamptz) owner to postgres;
revoke all on function user_sync.get_report_deliveries(timestamptz, timestamptz) from public, anon, authenticated, service_role;

grant execute on function
  user_sync.get_report_runs(timestamptz, timestamptz),
  user_sync.get_report_audit(timestamptz, timestamptz),
  user_sync.get_report_deliveries(timestamptz, timestamptz)
to user_sync_monitor;
