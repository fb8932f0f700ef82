-- The dashboard's polls build the month's report and the history's incidents from every run of
-- the period (user_sync.get_report_runs: at a 10-minute incremental schedule about 13,000 runs and
-- 6.5 MB of checks for 90 days, read and parsed on every poll). The function app now keeps the
-- runs it has read and asks only for those recorded since: this reader.
--
-- The runs whose time is at or after since_at, in order, at most max_rows of them (the caller
-- asks again after the last one when it gets max_rows). No carry-in (get_report_runs adds the
-- runs of an incident that began before from_at): the caller holds those already. A run's time
-- is its transaction's start, so a run may commit after a later one: the caller reads with an
-- overlap and drops the runs it holds (by run_id).
create or replace function user_sync.get_report_runs_since(since_at timestamptz, max_rows integer)
returns setof user_sync.monitoring_log
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if since_at is null or since_at = '-infinity'::timestamptz then
    raise exception 'since_at must be a time, got %', coalesce(since_at::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if max_rows is null or max_rows < 1 or max_rows > 100000 then
    raise exception 'max_rows must be between 1 and 100000, got %', coalesce(max_rows::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  return query
    select * from user_sync.monitoring_log l
     where l.checked_at >= since_at
     order by l.checked_at, l.id
     limit max_rows;
end
$$;
alter function user_sync.get_report_runs_since(timestamptz, integer) owner to postgres;
revoke all on function user_sync.get_report_runs_since(timestamptz, integer) from public, anon, authenticated, service_role;
grant execute on function user_sync.get_report_runs_since(timestamptz, integer) to user_sync_monitor;
