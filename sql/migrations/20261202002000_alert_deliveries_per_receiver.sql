-- UserSync: the delivery ledger keyed by alert, receiver and channel (docs/database.md, "Delivery
-- ledger"; docs/alerts.md). An alert routed to two receivers that both have Slack is two deliveries,
-- each made once; a receiver added later claims its own rows and does not re-page the others.
--
-- Adopting what is there: rows written before receivers existed were made by the one receiver the
-- flat settings define, `default`, so they become (alert, 'default', channel). A table whose key is
-- neither the old (alert_id, channel) nor the new (alert_id, receiver, channel) was not made by
-- UserSync: the migration stops and says what it found.

do $$
declare
  key_columns text[];
begin
  if to_regclass('user_sync.alert_deliveries') is null then
    raise exception 'user_sync.alert_deliveries does not exist: apply 20261125000500_create_alert_delivery_ledger.sql first';
  end if;

  select pg_catalog.array_agg(a.attname::text order by k.ordinality)
    into key_columns
    from pg_catalog.pg_constraint c
    cross join lateral pg_catalog.unnest(c.conkey) with ordinality k(attnum, ordinality)
    join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
   where c.conrelid = 'user_sync.alert_deliveries'::regclass and c.contype = 'p';

  if key_columns = array['alert_id', 'receiver', 'channel'] then
    return; -- already keyed per receiver
  elsif key_columns is distinct from array['alert_id', 'channel'] then
    raise exception 'user_sync.alert_deliveries has primary key (%), expected (alert_id, channel) or (alert_id, receiver, channel); it was not made by UserSync, so it is left as it is',
      coalesce(pg_catalog.array_to_string(key_columns, ', '), 'none');
  end if;

  if exists (select from pg_catalog.pg_attribute
              where attrelid = 'user_sync.alert_deliveries'::regclass and attname = 'receiver' and not attisdropped) then
    raise exception 'user_sync.alert_deliveries already has a column receiver but is keyed by (alert_id, channel); it was not made by UserSync, so it is left as it is';
  end if;

  alter table user_sync.alert_deliveries add column receiver text not null default 'default';
  alter table user_sync.alert_deliveries alter column receiver drop default;
  alter table user_sync.alert_deliveries drop constraint alert_deliveries_pkey;
  alter table user_sync.alert_deliveries add constraint alert_deliveries_pkey primary key (alert_id, receiver, channel);
end
$$;

comment on column user_sync.alert_deliveries.receiver is
  'The receiver (docs/alerts.md) the delivery was for; `default` is the receiver the flat channel settings define.';

-- The per-channel functions are replaced, not kept beside: nothing calls them any more.
drop function if exists user_sync.claim_alert_delivery(text, text, interval);
drop function if exists user_sync.complete_alert_delivery(text, text, boolean, integer, text);

-- 'claimed'   the caller may send now (a new row, a released claim, or an expired claim taken over);
-- 'delivered' this receiver's channel already has the alert: skip it;
-- 'busy'      another dispatcher holds an unexpired claim: do not send, try again later.
-- Race-safe as before: insert ... on conflict serialises concurrent first claims on the primary
-- key, and the conditional update runs under the row lock the conflict takes.
create or replace function user_sync.claim_alert_delivery(alert_id text, receiver text, channel text, lease interval)
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
  if receiver is null or receiver !~ '^[a-z0-9_-]{1,32}$' then
    raise exception 'receiver must be 1-32 characters of [a-z0-9_-], got %', coalesce(pg_catalog.quote_literal(receiver), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if channel is null or channel !~ '^[a-z0-9_-]{1,32}$' then
    raise exception 'channel must be 1-32 characters of [a-z0-9_-], got %', coalesce(pg_catalog.quote_literal(channel), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if lease is null or lease <= interval '0' or lease > interval '1 day' then
    raise exception 'lease must be positive and at most 1 day, got %', coalesce(lease::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;

  insert into user_sync.alert_deliveries as d (alert_id, receiver, channel, status, claimed_at, attempts)
  values (claim_alert_delivery.alert_id, claim_alert_delivery.receiver, claim_alert_delivery.channel, 'claimed',
          pg_catalog.clock_timestamp(), 1)
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
   where d.alert_id = claim_alert_delivery.alert_id
     and d.receiver = claim_alert_delivery.receiver
     and d.channel = claim_alert_delivery.channel;
  return case when current_status = 'delivered' then 'delivered' else 'busy' end;
end
$$;
alter function user_sync.claim_alert_delivery(text, text, text, interval) owner to postgres;
revoke all on function user_sync.claim_alert_delivery(text, text, text, interval) from public, anon, authenticated, service_role;

-- After a send: delivered -> final; failed -> release the claim (attempts and last_* stay). A
-- delivery that is already final stays final.
create or replace function user_sync.complete_alert_delivery(
  alert_id text, receiver text, channel text, delivered boolean, status_code integer default null, detail text default null)
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
  if receiver is null or receiver !~ '^[a-z0-9_-]{1,32}$' then
    raise exception 'receiver must be 1-32 characters of [a-z0-9_-], got %', coalesce(pg_catalog.quote_literal(receiver), 'null')
      using errcode = 'invalid_parameter_value';
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
     and d.receiver = complete_alert_delivery.receiver
     and d.channel = complete_alert_delivery.channel
     and d.status = 'claimed';
  if not found and not exists (select from user_sync.alert_deliveries d
                                where d.alert_id = complete_alert_delivery.alert_id
                                  and d.receiver = complete_alert_delivery.receiver
                                  and d.channel = complete_alert_delivery.channel) then
    raise exception 'no delivery of this alert to receiver % channel % was claimed', complete_alert_delivery.receiver, complete_alert_delivery.channel
      using errcode = 'invalid_parameter_value';
  end if;
end
$$;
alter function user_sync.complete_alert_delivery(text, text, text, boolean, integer, text) owner to postgres;
revoke all on function user_sync.complete_alert_delivery(text, text, text, boolean, integer, text) from public, anon, authenticated, service_role;

grant execute on function
  user_sync.claim_alert_delivery(text, text, text, interval),
  user_sync.complete_alert_delivery(text, text, text, boolean, integer, text)
to user_sync_monitor;
