-- UserSync 6: ghost repair and ghost/orphan paging resume where the previous batch or page ended.
--
-- Until now every repair batch searched for ghosts from the start of the key space, so batch k
-- walked past the k-1 batches already repaired (quadratic in the number of batches), and the
-- profiles it walked past were fresh rows whose visibility-map bits are not yet set (a heap fetch
-- each). The paging functions had `(after_id is null or id > after_id)`, which no index scan can
-- use, so every page also read both keys from the start. Measured with bench/run.sh (1M users,
-- 100k ghosts, batches of 10,000, signups running): the batches grew from 0.28 s to 1.8 s and the
-- whole backfill ran at about 12k rows/s; resuming from a cursor keeps every batch near 0.25 s.
--
-- `repair_ghost_users(batch_size, dry_run, after_id)` is new: it repairs the next batch of ghosts
-- whose id is greater than after_id (null: from the start) and returns them in id order, so the
-- caller passes the last returned user_id as the next after_id. It returns no row only when no
-- ghost is left after after_id: a batch whose ghosts were all healed by racing signups or repairs
-- (on conflict do nothing) moves on to the next range instead of returning empty.
-- `repair_ghost_users(batch_size, dry_run)` stays, as the first batch (after_id null).

-- The next ghosts' ids after after_id, read on the two primary keys alone (an index-only merge
-- anti-join): selecting the auth row's other columns here would read the heap of every auth row
-- in the scanned key range, ghost or not. The lower bound goes into the index condition of both
-- scans: postgres does not carry an inequality across `p.id = a.id`, and `after_id is null or
-- a.id > after_id` alone gives no index condition at all. Plain SQL, no SET and not security
-- definer, so it is inlined into its callers (security definer functions owned by postgres, with
-- enable_hashjoin off); nobody else may call it.
create or replace function user_sync.next_ghost_ids(max_rows integer, after_id uuid)
returns setof uuid
language sql
stable
as $$
  select a.id
    from auth.users a
   where a.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid)
     and (after_id is null or a.id > after_id)
     and not exists (select from public.users p
                      where p.id = a.id
                        and p.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid))
   order by a.id
   limit max_rows
$$;
alter function user_sync.next_ghost_ids(integer, uuid) owner to postgres;
revoke all on function user_sync.next_ghost_ids(integer, uuid) from public, anon, authenticated, service_role;

create or replace function user_sync.check_ghost_users(max_rows integer default null, after_id uuid default null)
returns table (user_id uuid, email text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
set enable_hashjoin = off
as $$
  select a.id, a.email::text, a.created_at
    from user_sync.next_ghost_ids(max_rows, after_id) g(id)
    join auth.users a on a.id = g.id
   order by a.id
$$;

-- The same for orphans (profiles without an auth row), with the tables' roles swapped.
create or replace function user_sync.next_orphan_ids(max_rows integer, after_id uuid)
returns setof uuid
language sql
stable
as $$
  select p.id
    from public.users p
   where p.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid)
     and (after_id is null or p.id > after_id)
     and not exists (select from auth.users a
                      where a.id = p.id
                        and a.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid))
   order by p.id
   limit max_rows
$$;
alter function user_sync.next_orphan_ids(integer, uuid) owner to postgres;
revoke all on function user_sync.next_orphan_ids(integer, uuid) from public, anon, authenticated, service_role;

create or replace function user_sync.check_orphaned_profiles(max_rows integer default null, after_id uuid default null)
returns table (profile_id uuid, email text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
set enable_hashjoin = off
as $$
  select p.id, p.email::text, p.created_at
    from user_sync.next_orphan_ids(max_rows, after_id) o(id)
    join public.users p on p.id = o.id
   order by p.id
$$;

create or replace function user_sync.repair_ghost_users(batch_size integer, dry_run boolean, after_id uuid)
returns table (user_id uuid, created_at timestamptz, repaired boolean)
language plpgsql
volatile
security definer
set search_path = ''
set enable_hashjoin = off
as $$
declare
  found_ids uuid[];
  repaired_ids uuid[];
  repaired_created timestamptz[];
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
        from user_sync.check_ghost_users(batch_size, after_id) g;
    return;
  end if;

  loop
    -- The batch's ids, found on the two primary keys alone (index-only merge anti-join).
    select pg_catalog.array_agg(g.id order by g.id) into found_ids
      from user_sync.next_ghost_ids(batch_size, after_id) g(id);
    if found_ids is null then
      return;
    end if;

    -- Only those auth rows are read; the profile's created_at is the auth row's.
    with inserted as (
      insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
      select v.*
        from pg_catalog.unnest(found_ids) f(id)
        join auth.users a on a.id = f.id
       cross join lateral user_sync.profile_values(a) v
      on conflict (id) do nothing
      returning id, public.users.created_at
    )
    select pg_catalog.array_agg(i.id order by i.id), pg_catalog.array_agg(i.created_at order by i.id)
      into repaired_ids, repaired_created
      from inserted i;

    exit when repaired_ids is not null;
    -- Every ghost of this range got its profile from someone else meanwhile: go on after it.
    after_id := found_ids[pg_catalog.cardinality(found_ids)];
  end loop;

  insert into user_sync.cleanup_audit_log (action, affected_count, affected_ids, details)
  values ('backfill_ghost_users', pg_catalog.cardinality(repaired_ids), repaired_ids,
          pg_catalog.jsonb_build_object('batch_size', batch_size, 'after_id', after_id));

  return query
    select r.id, r.created_at, true
      from rows from (pg_catalog.unnest(repaired_ids), pg_catalog.unnest(repaired_created)) r(id, created_at)
     order by r.id;
end
$$;
alter function user_sync.repair_ghost_users(integer, boolean, uuid) owner to postgres;
revoke all on function user_sync.repair_ghost_users(integer, boolean, uuid) from public, anon, authenticated, service_role;
grant execute on function user_sync.repair_ghost_users(integer, boolean, uuid) to user_sync_monitor;

-- The two-argument form (issue 2's interface, and what older callers use) is the first batch.
create or replace function user_sync.repair_ghost_users(batch_size integer default 1000, dry_run boolean default true)
returns table (user_id uuid, created_at timestamptz, repaired boolean)
language sql
volatile
set search_path = ''
as $$
  select r.user_id, r.created_at, r.repaired
    from user_sync.repair_ghost_users(batch_size, dry_run, null::uuid) r
$$;
