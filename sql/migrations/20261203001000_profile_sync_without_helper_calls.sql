-- UserSync 14: the signup, the sign-in and the repair without a helper function call per row.
--
-- Measured in instructions (callgrind on a single-user backend, which does not depend on the
-- machine's load; bench/trigger_variants.sh and docs/performance.md, "The triggers after migration
-- 20261203001000"). What each change keeps is said with it; nothing here pins a column of
-- auth.users (sql/tests/08): every statement that reads a field of NEW or OLD also names
-- auth.users through a `regclass` constant, so Supabase Auth's ALTER of the table invalidates its
-- kept plan (the constant is folded away when planning and costs nothing at run time).
--
-- 1. handle_new_user() inserts the profile from NEW with the mapping written out in the INSERT
--    instead of `select * from user_sync.profile_values(new)`: that call ran a PL/pgSQL function
--    with its SET search_path, and its `return query` a second executor and a tuplestore, for
--    every signup. Same columns, same guards (a metadata value counts when it is a JSON string,
--    trimmed and cut at 1,024 characters; a soft-deleted row gets no personal data), created_at
--    from the auth row, `on conflict (id) do nothing`.
-- 2. handle_user_updated() (still after every update, no column list, no WHEN clause):
--    - its first test is the four fields UserSync reads, the metadata as a whole: a sign-in (and
--      the role and app-metadata updates of a signup) returns after four comparisons. PL/pgSQL
--      builds a simple expression's state once per transaction, and a sign-in is a transaction of
--      its own, so the fewer nodes this test has the less every sign-in pays; the four metadata
--      keys are compared only when the metadata changed (the signup's two metadata updates);
--    - when only the email or its confirmation changed on a row that is not soft-deleted (the
--      signup's confirmation, an email change), it updates just those columns of the profile
--      (and updated_at) instead of mapping the old and the new row and upserting: what the
--      upsert would have written to the other columns is what they hold. A ghost (no profile
--      row yet) still gets its whole profile through the upsert below;
--    - every other change (the four metadata keys, a soft delete or undelete) runs the upsert as
--      before.
-- 3. repair_ghost_users maps the batch's auth rows in its INSERT ... SELECT (one statement for
--    the batch) instead of calling user_sync.profile_values once per row. Same ids, same audit
--    row, same idempotence (`on conflict do nothing`, a batch healed meanwhile moves on), the same
--    dry run.
--
-- user_sync.profile_values stays the definition of the mapping (the update sync's general path
-- and the self-service profile call it); the trigger's and the repair's copies are held equal to
-- it by sql/tests/16_profile_mapping_copies.test.sql, case by case.
--
-- Unless the app keeps its own functions under these names ('usersync:keep').

do $install$
begin
  if exists (select from pg_catalog.pg_proc p
              where p.oid in (pg_catalog.to_regprocedure('public.handle_new_user()'),
                              (select t.tgfoid from pg_catalog.pg_trigger t
                                where t.tgrelid = 'auth.users'::regclass and t.tgname = 'on_auth_user_created'))
                and pg_catalog.obj_description(p.oid, 'pg_proc') ~ '^usersync:keep') then
    raise notice 'UserSync keeps the app''s on_auth_user_created: its signup trigger is not changed';
  else
    create or replace function public.handle_new_user()
    returns trigger
    language plpgsql
    security definer
    set search_path = ''
    as $fn$
    begin
      -- The mapping of user_sync.profile_values, on NEW (sql/tests/16 holds the two equal).
      insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
      select new.id,
             case when new.deleted_at is null then new.email::text end,
             new.email_confirmed_at,
             case when new.deleted_at is null
                  then coalesce(case when pg_catalog.jsonb_typeof(new.raw_user_meta_data operator(pg_catalog.->) 'full_name') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(new.raw_user_meta_data operator(pg_catalog.->>) 'full_name'), 1024) end,
                                case when pg_catalog.jsonb_typeof(new.raw_user_meta_data operator(pg_catalog.->) 'name') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(new.raw_user_meta_data operator(pg_catalog.->>) 'name'), 1024) end) end,
             case when new.deleted_at is null
                  then coalesce(case when pg_catalog.jsonb_typeof(new.raw_user_meta_data operator(pg_catalog.->) 'avatar_url') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(new.raw_user_meta_data operator(pg_catalog.->>) 'avatar_url'), 1024) end,
                                case when pg_catalog.jsonb_typeof(new.raw_user_meta_data operator(pg_catalog.->) 'picture') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(new.raw_user_meta_data operator(pg_catalog.->>) 'picture'), 1024) end) end,
             coalesce(new.created_at, pg_catalog.now()),
             coalesce(new.updated_at, new.created_at, pg_catalog.now())
       where 'auth.users'::pg_catalog.regclass is not null
      on conflict (id) do nothing;
      return null;
    end
    $fn$;
  end if;

  if exists (select from pg_catalog.pg_proc p
              where p.oid in (pg_catalog.to_regprocedure('public.handle_user_updated()'),
                              (select t.tgfoid from pg_catalog.pg_trigger t
                                where t.tgrelid = 'auth.users'::regclass and t.tgname = 'on_auth_user_updated'))
                and pg_catalog.obj_description(p.oid, 'pg_proc') ~ '^usersync:keep') then
    raise notice 'UserSync keeps the app''s on_auth_user_updated: its profile sync is not changed';
  else
    create or replace function public.handle_user_updated()
    returns trigger
    language plpgsql
    security definer
    set search_path = ''
    as $fn$
    declare
      was record;
      now_is record;
      erase boolean;
      deletion_changed boolean;
    begin
      -- Every sign-in, and most updates: none of the four fields UserSync reads changed.
      if new.email is not distinct from old.email
         and new.email_confirmed_at is not distinct from old.email_confirmed_at
         and new.deleted_at is not distinct from old.deleted_at
         and new.raw_user_meta_data is not distinct from old.raw_user_meta_data
         and 'auth.users'::pg_catalog.regclass is not null then
        return null;
      end if;
      -- Only the metadata changed: the profile derives from four of its keys alone. (One array
      -- comparison: a simple expression's state costs per function it calls, once per transaction.)
      if array[new.raw_user_meta_data['full_name'], new.raw_user_meta_data['name'],
               new.raw_user_meta_data['avatar_url'], new.raw_user_meta_data['picture']]
         is not distinct from
         array[old.raw_user_meta_data['full_name'], old.raw_user_meta_data['name'],
               old.raw_user_meta_data['avatar_url'], old.raw_user_meta_data['picture']]
         and 'auth.users'::pg_catalog.regclass is not null then
        if new.email is not distinct from old.email
           and new.email_confirmed_at is not distinct from old.email_confirmed_at
           and new.deleted_at is not distinct from old.deleted_at
           and 'auth.users'::pg_catalog.regclass is not null then
          return null;
        end if;
        -- The email or its confirmation changed on a row that is not soft-deleted: only those
        -- columns change in the profile (the upsert would write the others as they are).
        if new.deleted_at is null and old.deleted_at is null and 'auth.users'::pg_catalog.regclass is not null then
          update public.users p
             set email = case when new.email is distinct from old.email then new.email::text else p.email end,
                 email_confirmed_at = case when new.email_confirmed_at is distinct from old.email_confirmed_at
                                           then new.email_confirmed_at else p.email_confirmed_at end,
                 updated_at = pg_catalog.now()
           where p.id = new.id
             and 'auth.users'::pg_catalog.regclass is not null;
          if found then
            return null;
          end if;
          -- A ghost: the upsert below gives it its whole profile.
        end if;
      end if;

      erase := new.deleted_at is not null and 'auth.users'::pg_catalog.regclass is not null;
      deletion_changed := new.deleted_at is distinct from old.deleted_at and 'auth.users'::pg_catalog.regclass is not null;
      select * into was from user_sync.profile_values(old);
      select * into now_is from user_sync.profile_values(new);
      if was.email is not distinct from now_is.email
         and was.email_confirmed_at is not distinct from now_is.email_confirmed_at
         and was.full_name is not distinct from now_is.full_name
         and was.avatar_url is not distinct from now_is.avatar_url
         and not deletion_changed then
        return null;
      end if;
      -- An upsert: a ghost (no profile yet) gets its whole profile.
      insert into public.users as p (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
      values (now_is.id, now_is.email, now_is.email_confirmed_at, now_is.full_name, now_is.avatar_url,
              now_is.created_at, now_is.updated_at)
      on conflict (id) do update
        set email = case when erase or was.email is distinct from now_is.email then excluded.email else p.email end,
            email_confirmed_at = case when was.email_confirmed_at is distinct from now_is.email_confirmed_at
                                      then excluded.email_confirmed_at else p.email_confirmed_at end,
            full_name = case when erase or was.full_name is distinct from now_is.full_name then excluded.full_name else p.full_name end,
            avatar_url = case when erase or was.avatar_url is distinct from now_is.avatar_url then excluded.avatar_url else p.avatar_url end,
            updated_at = pg_catalog.now();
      return null;
    end
    $fn$;
  end if;
end
$install$;

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

    -- Only those auth rows are read, mapped in this one statement: the mapping of
    -- user_sync.profile_values (sql/tests/16 holds the two equal); created_at is the auth row's.
    with inserted as (
      insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
      select a.id,
             case when a.deleted_at is null then a.email::text end,
             a.email_confirmed_at,
             case when a.deleted_at is null
                  then coalesce(case when pg_catalog.jsonb_typeof(a.raw_user_meta_data operator(pg_catalog.->) 'full_name') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(a.raw_user_meta_data operator(pg_catalog.->>) 'full_name'), 1024) end,
                                case when pg_catalog.jsonb_typeof(a.raw_user_meta_data operator(pg_catalog.->) 'name') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(a.raw_user_meta_data operator(pg_catalog.->>) 'name'), 1024) end) end,
             case when a.deleted_at is null
                  then coalesce(case when pg_catalog.jsonb_typeof(a.raw_user_meta_data operator(pg_catalog.->) 'avatar_url') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(a.raw_user_meta_data operator(pg_catalog.->>) 'avatar_url'), 1024) end,
                                case when pg_catalog.jsonb_typeof(a.raw_user_meta_data operator(pg_catalog.->) 'picture') = 'string'
                                     then pg_catalog.left(pg_catalog.btrim(a.raw_user_meta_data operator(pg_catalog.->>) 'picture'), 1024) end) end,
             coalesce(a.created_at, pg_catalog.now()),
             coalesce(a.updated_at, a.created_at, pg_catalog.now())
        from pg_catalog.unnest(found_ids) f(id)
        join auth.users a on a.id = f.id
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
