-- UserSync 3/4: repair existing drift. Creates the missing profile of every ghost user (an
-- auth.users row without public.users), keeps its original created_at, and audits each batch.
--
-- `user_sync.repair_ghost_users(batch_size, dry_run)` does one bounded batch per call: callers
-- that must not hold locks for long (the monitor's repair action, `usersync repair`) call it
-- in a loop, one transaction per batch, until it returns no rows. It is safe under concurrency:
-- `on conflict do nothing` means a signup or a second repair racing for the same id wins quietly
-- and is neither duplicated nor counted twice.

create table if not exists user_sync.cleanup_audit_log (
  id bigint generated always as identity primary key,
  action text not null,
  performed_at timestamptz not null default now(),
  performed_by text not null default session_user,
  application text not null default coalesce(nullif(current_setting('application_name', true), ''), 'unknown'),
  affected_count integer not null check (affected_count >= 0),
  affected_ids uuid[] not null default '{}',
  details jsonb not null default '{}'::jsonb
);
alter table user_sync.cleanup_audit_log enable row level security;
revoke all on user_sync.cleanup_audit_log from public;

-- The ghosts in primary-key order, read as a merge anti-join over the two primary keys.
-- Keyset paging (after_id) lets callers page without offsets; max_rows null means all.
create or replace function user_sync.check_ghost_users(max_rows integer default null, after_id uuid default null)
returns table (user_id uuid, email text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
set enable_hashjoin = off
as $$
  select a.id, a.email::text, a.created_at
    from auth.users a
   where (after_id is null or a.id > after_id)
     and not exists (select from public.users p where p.id = a.id)
   order by a.id
   limit max_rows
$$;
alter function user_sync.check_ghost_users(integer, uuid) owner to postgres;
revoke all on function user_sync.check_ghost_users(integer, uuid) from public, anon, authenticated, service_role;

create or replace function user_sync.repair_ghost_users(batch_size integer default 1000, dry_run boolean default true)
returns table (user_id uuid, created_at timestamptz, repaired boolean)
language plpgsql
volatile
security definer
set search_path = ''
set enable_hashjoin = off
as $$
declare
  repaired_ids uuid[];
begin
  if batch_size is null or batch_size < 1 or batch_size > 100000 then
    raise exception 'batch_size must be between 1 and 100000, got %', coalesce(batch_size::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if dry_run is null then
    raise exception 'dry_run must be true or false' using errcode = 'invalid_parameter_value';
  end if;

  if dry_run then
    return query
      select g.user_id, g.created_at, false
        from user_sync.check_ghost_users(batch_size) g;
    return;
  end if;

  -- Find the batch's ids on the two primary keys alone (index-only merge anti-join), then read
  -- only those auth rows: selecting whole rows in the anti-join would fetch every auth row of
  -- the scanned key range from the heap, ghost or not.
  with ghost_ids as (
    select a.id
      from auth.users a
     where not exists (select from public.users p where p.id = a.id)
     order by a.id
     limit batch_size
  ), inserted as (
    insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
    select v.*
      from ghost_ids g
      join auth.users a on a.id = g.id
     cross join lateral user_sync.profile_values(a) v
    on conflict (id) do nothing
    returning id
  )
  select coalesce(pg_catalog.array_agg(id order by id), '{}') into repaired_ids from inserted;

  if pg_catalog.cardinality(repaired_ids) > 0 then
    insert into user_sync.cleanup_audit_log (action, affected_count, affected_ids, details)
    values ('backfill_ghost_users', pg_catalog.cardinality(repaired_ids), repaired_ids,
            pg_catalog.jsonb_build_object('batch_size', batch_size));
  end if;

  -- Join the (sorted) ids to the table: `a.id = any (repaired_ids)` would compare every auth row
  -- with every repaired id.
  return query
    select a.id, a.created_at, true
      from pg_catalog.unnest(repaired_ids) r(id)
      join auth.users a on a.id = r.id
     order by a.id;
end
$$;
alter function user_sync.repair_ghost_users(integer, boolean) owner to postgres;
revoke all on function user_sync.repair_ghost_users(integer, boolean) from public, anon, authenticated, service_role;

-- The backfill itself. A migration runs in one transaction, so the batches here bound memory
-- and statement size, not lock time; inserting profiles takes no lock that blocks a signup
-- (the foreign key's KEY SHARE lock on ghost rows does not conflict with inserts or with the
-- no-key updates Supabase Auth makes). A second run finds no ghosts and writes nothing.
do $$
declare
  n integer;
begin
  loop
    select count(*) into n from user_sync.repair_ghost_users(10000, false);
    exit when n = 0;
  end loop;
end
$$;
