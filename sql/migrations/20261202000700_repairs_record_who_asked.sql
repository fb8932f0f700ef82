-- UserSync 12: a repair records who asked for it.
--
-- The audit row already holds the database login (performed_by) and the client's application_name;
-- neither says which person or process asked: the CLI, a dashboard admin and the automatic repair
-- all log in as the same monitor role. repair_ghost_users gains `requested_by` (null: not said),
-- written to the audit row's details as `requested_by`. Callers pass an identity, never an email:
-- "cli", "function-key", "auto-repair", or a dashboard admin's Entra object id.
--
-- The four-argument form holds the repair; the three-argument one (migration 0600) becomes a call of
-- it that says nothing of who asked, and the two-argument one still calls that. No argument has a
-- default: a default on the fourth would make every three-argument call ambiguous (and migration
-- 0600, applied again, fail).

create or replace function user_sync.repair_ghost_users(batch_size integer, dry_run boolean, after_id uuid,
                                                        requested_by text)
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
  if requested_by is not null and (pg_catalog.btrim(requested_by) = '' or pg_catalog.length(requested_by) > 200) then
    raise exception 'requested_by must be null or 1 to 200 characters, not blank'
      using errcode = 'invalid_parameter_value';
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
          pg_catalog.jsonb_build_object('batch_size', batch_size, 'after_id', after_id)
          || case when requested_by is null then '{}'::jsonb
                  else pg_catalog.jsonb_build_object('requested_by', requested_by) end);

  return query
    select r.id, r.created_at, true
      from rows from (pg_catalog.unnest(repaired_ids), pg_catalog.unnest(repaired_created)) r(id, created_at)
     order by r.id;
end
$$;
alter function user_sync.repair_ghost_users(integer, boolean, uuid, text) owner to postgres;
revoke all on function user_sync.repair_ghost_users(integer, boolean, uuid, text) from public, anon, authenticated, service_role;
grant execute on function user_sync.repair_ghost_users(integer, boolean, uuid, text) to user_sync_monitor;

create or replace function user_sync.repair_ghost_users(batch_size integer, dry_run boolean, after_id uuid)
returns table (user_id uuid, created_at timestamptz, repaired boolean)
language sql
volatile
set search_path = ''
as $$
  select r.user_id, r.created_at, r.repaired
    from user_sync.repair_ghost_users(batch_size, dry_run, after_id, null::text) r
$$;
