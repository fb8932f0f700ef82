-- UserSync 8: the profile follows metadata changes, a soft delete scrubs it, and no UserSync
-- trigger depends on a column of auth.users.
--
-- Supabase Auth owns auth.users and alters it in its own migrations (it changed the type of
-- `phone` once). A trigger declared `after update of email, ...` or with a WHEN clause on its
-- columns makes PostgreSQL refuse `alter table auth.users alter column email type ...` ("cannot
-- alter type of a column used in a trigger definition"), which would stop Supabase Auth's
-- migration. So on_auth_user_updated now fires after every update with no column list and no
-- WHEN, and the function itself compares OLD and NEW: sign-ins (Auth stamps last_sign_in_at on
-- every one) return at the first comparison. Function bodies (SQL and PL/pgSQL) record no column
-- dependencies, so nothing else of UserSync pins a column of auth.users.
--
-- What the profile follows, field by field, each only when what UserSync derives from the auth row
-- changed (so an edit the user made to their own profile stays until that field changes in Auth):
-- the email, its confirmation, and full_name / avatar_url from raw_user_meta_data through the same
-- guards as the signup. A soft delete (deleted_at set; Auth then replaces email and phone with a
-- hash and empties the metadata) clears every personal field UserSync copied: email, full_name and
-- avatar_url, whatever they hold. The row, its id and its timestamps stay: the auth row still
-- exists (so the profile is no orphan and the foreign key holds), and the dates carry no person.
-- Profiles of users soft-deleted before this release are scrubbed once, below.
--
-- Unless the app keeps its own pair under these names ('usersync:keep').

-- Why PL/pgSQL, and why `not exists (select from auth.users where false)`: a SQL function with a
-- SET clause (the fixed search_path the linter requires) is never inlined, and PostgreSQL plans its
-- body anew at every call, which tripled the signup trigger's own cost; a PL/pgSQL function keeps
-- its plans for the session. But a kept plan that reads a field of an auth.users row goes stale
-- when Supabase Auth changes that column's type ("attribute has wrong type", "type of parameter
-- does not match"), so every statement here that reads such a field also names auth.users: the
-- table's ALTER then invalidates the plan and the next call plans it again. The subquery reads no
-- row (`where false`).

-- Reads one string value from user-supplied metadata. Anything that is not a JSON object
-- holding a string under that key (JSON null, arrays, numbers, nested objects) gives null,
-- and overly long values are cut, so metadata can never make a signup fail.
create or replace function user_sync.metadata_text(meta jsonb, key text)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  return case
           when pg_catalog.jsonb_typeof(meta) = 'object'
            and pg_catalog.jsonb_typeof(meta operator(pg_catalog.->) key) = 'string'
           then pg_catalog.left(pg_catalog.btrim(meta operator(pg_catalog.->>) key), 1024)
         end;
end
$$;

-- The profile an auth row should have: the one place that maps auth.users to public.users,
-- used by the insert trigger, the update sync, the backfill and the self-service profile. A
-- soft-deleted row maps to no personal data at all (never the hash Auth leaves in email).
create or replace function user_sync.profile_values(u auth.users)
returns table (id uuid, email text, email_confirmed_at timestamptz, full_name text, avatar_url text,
               created_at timestamptz, updated_at timestamptz)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
    select (u).id,
           case when (u).deleted_at is null then (u).email::text end,
           (u).email_confirmed_at,
           case when (u).deleted_at is null
                then coalesce(user_sync.metadata_text((u).raw_user_meta_data, 'full_name'),
                              user_sync.metadata_text((u).raw_user_meta_data, 'name')) end,
           case when (u).deleted_at is null
                then coalesce(user_sync.metadata_text((u).raw_user_meta_data, 'avatar_url'),
                              user_sync.metadata_text((u).raw_user_meta_data, 'picture')) end,
           coalesce((u).created_at, pg_catalog.now()),
           coalesce((u).updated_at, (u).created_at, pg_catalog.now())
     where not exists (select from auth.users where false);
end
$$;
do $install$
begin
  if exists (select from pg_catalog.pg_proc p
              where p.oid in (pg_catalog.to_regprocedure('public.handle_user_updated()'),
                              (select t.tgfoid from pg_catalog.pg_trigger t
                                where t.tgrelid = 'auth.users'::regclass and t.tgname = 'on_auth_user_updated'))
                and pg_catalog.obj_description(p.oid, 'pg_proc') ~ '^usersync:keep') then
    raise notice 'UserSync keeps the app''s on_auth_user_updated: its profile sync and soft-delete scrub are not installed';
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
    -- Most updates (every sign-in) change nothing UserSync copies: stop before any other work.
    if (select new.email is not distinct from old.email
               and new.email_confirmed_at is not distinct from old.email_confirmed_at
               and new.deleted_at is not distinct from old.deleted_at
               and new.raw_user_meta_data is not distinct from old.raw_user_meta_data
         where not exists (select from auth.users where false)) then
      return null;
    end if;

    select new.deleted_at is not null, new.deleted_at is distinct from old.deleted_at
      into erase, deletion_changed
     where not exists (select from auth.users where false);
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

  create or replace trigger on_auth_user_updated
    after update on auth.users
    for each row execute function public.handle_user_updated();

  -- Users soft-deleted before this release kept their name and avatar in the profile.
  update public.users p
     set email = null, full_name = null, avatar_url = null, updated_at = pg_catalog.now()
    from auth.users a
   where a.id = p.id
     and a.deleted_at is not null
     and (p.email is not null or p.full_name is not null or p.avatar_url is not null);
end
$install$;
