-- UserSync 5/5: alert delivery. A ledger that makes each channel receive each alert once although
-- the queue delivers at least once (redelivery, two dispatchers racing), and the failure streaks
-- the repeat policy reports ("still failing since ..., run N").
--
-- Same rules as the monitoring functions: security definer, owned by `postgres`, empty
-- search_path, execute for user_sync_monitor only. The table has RLS on and no grants: the
-- monitor reaches it through the two functions and nothing else.

create table if not exists user_sync.alert_deliveries (
  alert_id text not null,
  channel text not null,
  -- 'claimed' with claimed_at set: a dispatcher is sending now (until claimed_at + lease).
  -- 'claimed' with claimed_at null: released after a failed send; the next try may claim it.
  -- 'delivered': final; nobody sends it again.
  status text not null check (status in ('claimed', 'delivered')),
  claimed_at timestamptz,
  delivered_at timestamptz,
  attempts integer not null default 0,
  last_status_code integer,
  last_detail text,
  primary key (alert_id, channel)
);
alter table user_sync.alert_deliveries enable row level security;
revoke all on user_sync.alert_deliveries from public, anon, authenticated, service_role;

-- 'claimed'   the caller may send now (a new row, a released claim, or an expired claim taken over);
-- 'delivered' the channel already has the alert: skip it;
-- 'busy'      another dispatcher holds an unexpired claim: do not send, try again later.
-- Race-safe: insert ... on conflict serialises concurrent first claims on the primary key, and
-- the conditional update runs under the row lock the conflict takes, so exactly one caller wins.
create or replace function user_sync.claim_alert_delivery(alert_id text, channel text, lease interval)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  claimed integer;
  current_status text;
begin
  if alert_id is null or pg_catalog.length(alert_id) not between 1 and 200 then
    raise exception 'alert_id must be 1-200 characters' using errcode = 'invalid_parameter_value';
  end if;
  if channel is null or channel !~ '^[a-z0-9_-]{1,32}$' then
    raise exception 'channel must be 1-32 characters of [a-z0-9_-], got %', coalesce(pg_catalog.quote_literal(channel), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if lease is null or lease <= interval '0' or lease > interval '1 day' then
    raise exception 'lease must be positive and at most 1 day, got %', coalesce(lease::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;

  insert into user_sync.alert_deliveries as d (alert_id, channel, status, claimed_at, attempts)
  values (claim_alert_delivery.alert_id, claim_alert_delivery.channel, 'claimed', pg_catalog.clock_timestamp(), 1)
  on conflict on constraint alert_deliveries_pkey do update
     set claimed_at = pg_catalog.clock_timestamp(),
         attempts = d.attempts + 1
   where d.status = 'claimed'
     and (d.claimed_at is null or d.claimed_at <= pg_catalog.clock_timestamp() - claim_alert_delivery.lease);
  get diagnostics claimed = row_count;
  if claimed = 1 then
    return 'claimed';
  end if;

  select d.status into current_status
    from user_sync.alert_deliveries d
   where d.alert_id = claim_alert_delivery.alert_id and d.channel = claim_alert_delivery.channel;
  return case when current_status = 'delivered' then 'delivered' else 'busy' end;
end
$$;
alter function user_sync.claim_alert_delivery(text, text, interval) owner to postgres;
revoke all on function user_sync.claim_alert_delivery(text, text, interval) from public, anon, authenticated, service_role;

-- After a send: delivered -> final; failed -> release the claim (attempts and last_* stay), so
-- the queue's next try claims it at once instead of waiting for the lease. A delivery that is
-- already final stays final (a late "failed" from a dispatcher whose lease expired changes nothing).
create or replace function user_sync.complete_alert_delivery(
  alert_id text, channel text, delivered boolean, status_code integer default null, detail text default null)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if alert_id is null or pg_catalog.length(alert_id) not between 1 and 200 then
    raise exception 'alert_id must be 1-200 characters' using errcode = 'invalid_parameter_value';
  end if;
  if channel is null or channel !~ '^[a-z0-9_-]{1,32}$' then
    raise exception 'channel must be 1-32 characters of [a-z0-9_-], got %', coalesce(pg_catalog.quote_literal(channel), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if delivered is null then
    raise exception 'delivered must be true or false' using errcode = 'invalid_parameter_value';
  end if;
  if status_code is not null and status_code not between 100 and 599 then
    raise exception 'status_code must be an HTTP status (100-599), got %', status_code using errcode = 'invalid_parameter_value';
  end if;

  update user_sync.alert_deliveries d
     set status = case when complete_alert_delivery.delivered then 'delivered' else d.status end,
         delivered_at = case when complete_alert_delivery.delivered then coalesce(d.delivered_at, pg_catalog.clock_timestamp()) else d.delivered_at end,
         claimed_at = case when complete_alert_delivery.delivered then d.claimed_at else null end,
         last_status_code = complete_alert_delivery.status_code,
         last_detail = pg_catalog.left(complete_alert_delivery.detail, 500)
   where d.alert_id = complete_alert_delivery.alert_id
     and d.channel = complete_alert_delivery.channel
     and d.status = 'claimed';
  if not found and not exists (select from user_sync.alert_deliveries d
                                where d.alert_id = complete_alert_delivery.alert_id
                                  and d.channel = complete_alert_delivery.channel) then
    raise exception 'no delivery of this alert to channel % was claimed', complete_alert_delivery.channel
      using errcode = 'invalid_parameter_value';
  end if;
end
$$;
alter function user_sync.complete_alert_delivery(text, text, boolean, integer, text) owner to postgres;
revoke all on function user_sync.complete_alert_delivery(text, text, boolean, integer, text) from public, anon, authenticated, service_role;

-- The repeat policy's facts: for the newest run recorded by one of `sources` (all sources when
-- null), each check failing in it, since when it has failed without a passing run in between
-- (among the same sources) and in how many runs, the newest included.
create or replace function user_sync.get_failure_streaks(sources text[] default null)
returns table (check_name text, failing_since timestamptz, failing_runs integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if sources is not null and pg_catalog.cardinality(sources) = 0 then
    raise exception 'sources must be null (all) or name at least one source' using errcode = 'invalid_parameter_value';
  end if;
  return query
    with runs as (
      select l.id, l.checked_at, l.checks
        from user_sync.monitoring_log l
       where get_failure_streaks.sources is null or l.source = any (get_failure_streaks.sources)
    ),
    latest as (
      select r.* from runs r order by r.checked_at desc, r.id desc limit 1
    ),
    failing as (
      select c ->> 'check_name' as name
        from latest, pg_catalog.jsonb_array_elements(latest.checks) c
       where (c ->> 'passed')::boolean = false
    )
    -- Per failing check: the newest run that passed it (if any); the streak is every run after it.
    select f.name,
           pg_catalog.min(r.checked_at),
           pg_catalog.count(*)::integer
      from failing f
      left join lateral (
             select p.checked_at, p.id
               from runs p
              where p.checks @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('check_name', f.name, 'passed', true))
              order by p.checked_at desc, p.id desc
              limit 1) last_pass on true
      join runs r
        on (last_pass.id is null or (r.checked_at, r.id) > (last_pass.checked_at, last_pass.id))
       and r.checks @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('check_name', f.name, 'passed', false))
     group by f.name;
end
$$;
alter function user_sync.get_failure_streaks(text[]) owner to postgres;
revoke all on function user_sync.get_failure_streaks(text[]) from public, anon, authenticated, service_role;

grant execute on function
  user_sync.claim_alert_delivery(text, text, interval),
  user_sync.complete_alert_delivery(text, text, boolean, integer, text),
  user_sync.get_failure_streaks(text[])
to user_sync_monitor;
