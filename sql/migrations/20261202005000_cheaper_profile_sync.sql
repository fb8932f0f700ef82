-- UserSync 13: the profile sync at a lower price per signup and per update of auth.users.
--
-- Measured with bench/trigger_variants.sh (instructions per Supabase Auth signup, callgrind; see
-- docs/performance.md, section 2). Two changes, neither of which pins a column of auth.users:
--
-- 1. on_auth_user_updated fires on every update (no column list, no WHEN: Supabase Auth must stay
--    free to alter its columns), and its first comparison decides whether anything UserSync
--    derives can have changed. It compared the whole raw_user_meta_data, so the signup's two
--    metadata updates (Auth adds sub, email and email_verified) went on to map the old and the
--    new row, only to find the profile unchanged. It now compares the four keys the profile reads
--    (full_name, name, avatar_url, picture): what the profile derives from the metadata is a
--    function of those four values alone, so an update that changes none of them, and neither the
--    email, its confirmation nor deleted_at, cannot change the profile.
-- 2. profile_values read each metadata key through user_sync.metadata_text, a function call (with
--    the SET the linter requires, so never inlined) per key and row: four per mapped row. The same
--    guards are now expressions in profile_values' one statement, and metadata_text is dropped.
--
-- What the profile receives is unchanged (sql/tests/02, 09 and 12 hold it).

create or replace function user_sync.profile_values(u auth.users)
returns table (id uuid, email text, email_confirmed_at timestamptz, full_name text, avatar_url text,
               created_at timestamptz, updated_at timestamptz)
language plpgsql
stable
set search_path = ''
as $$
begin
  -- A metadata value is used when it is a JSON string (trimmed, cut at 1,024 characters); JSON
  -- null, numbers, arrays, objects, and any key of metadata that is not an object give null, so
  -- metadata can never make a signup fail. `not exists (... where false)`: see migration
  -- 20261202000200 (the plan is kept per session and must be invalidated by Auth's DDL).
  return query
    select (u).id,
           case when (u).deleted_at is null then (u).email::text end,
           (u).email_confirmed_at,
           case when (u).deleted_at is null
                then coalesce(case when pg_catalog.jsonb_typeof(m.meta operator(pg_catalog.->) 'full_name') = 'string'
                                   then pg_catalog.left(pg_catalog.btrim(m.meta operator(pg_catalog.->>) 'full_name'), 1024) end,
                              case when pg_catalog.jsonb_typeof(m.meta operator(pg_catalog.->) 'name') = 'string'
                                   then pg_catalog.left(pg_catalog.btrim(m.meta operator(pg_catalog.->>) 'name'), 1024) end) end,
           case when (u).deleted_at is null
                then coalesce(case when pg_catalog.jsonb_typeof(m.meta operator(pg_catalog.->) 'avatar_url') = 'string'
                                   then pg_catalog.left(pg_catalog.btrim(m.meta operator(pg_catalog.->>) 'avatar_url'), 1024) end,
                              case when pg_catalog.jsonb_typeof(m.meta operator(pg_catalog.->) 'picture') = 'string'
                                   then pg_catalog.left(pg_catalog.btrim(m.meta operator(pg_catalog.->>) 'picture'), 1024) end) end,
           coalesce((u).created_at, pg_catalog.now()),
           coalesce((u).updated_at, (u).created_at, pg_catalog.now())
      from (select (u).raw_user_meta_data as meta) m
     where not exists (select from auth.users where false);
end
$$;

drop function if exists user_sync.metadata_text(jsonb, text);

do $install$
begin
  if exists (select from pg_catalog.pg_proc p
              where p.oid in (pg_catalog.to_regprocedure('public.handle_user_updated()'),
                              (select t.tgfoid from pg_catalog.pg_trigger t
                                where t.tgrelid = 'auth.users'::regclass and t.tgname = 'on_auth_user_updated'))
                and pg_catalog.obj_description(p.oid, 'pg_proc') ~ '^usersync:keep') then
    raise notice 'UserSync keeps the app''s on_auth_user_updated: its profile sync is not changed';
    return;
  end if;

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
    -- Most updates (every sign-in, and most of a signup's) change nothing the profile derives
    -- from: stop before any other work. The metadata counts only through its four keys. The
    -- regclass constant ties this expression's kept plan to auth.users (PostgreSQL invalidates a
    -- plan that names a relation by regclass when the relation changes), so a type change by
    -- Supabase Auth re-plans it; it costs nothing else and keeps the test a simple expression,
    -- which PL/pgSQL evaluates without starting an executor.
    if new.email is not distinct from old.email
       and new.email_confirmed_at is not distinct from old.email_confirmed_at
       and new.deleted_at is not distinct from old.deleted_at
       and new.raw_user_meta_data operator(pg_catalog.->) 'full_name'
           is not distinct from old.raw_user_meta_data operator(pg_catalog.->) 'full_name'
       and new.raw_user_meta_data operator(pg_catalog.->) 'name'
           is not distinct from old.raw_user_meta_data operator(pg_catalog.->) 'name'
       and new.raw_user_meta_data operator(pg_catalog.->) 'avatar_url'
           is not distinct from old.raw_user_meta_data operator(pg_catalog.->) 'avatar_url'
       and new.raw_user_meta_data operator(pg_catalog.->) 'picture'
           is not distinct from old.raw_user_meta_data operator(pg_catalog.->) 'picture'
       and 'auth.users'::pg_catalog.regclass is not null then
      return null;
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
end
$install$;
