-- UserSync 1/4: every signup gets its profile in the same transaction.
--
-- Runs as `postgres` (as `supabase db push` does), inside one transaction, and is idempotent.
-- Adopts an existing `public.users` table: it is created only if absent.
--
-- Decision (documented in docs/database.md): if the profile insert fails for any reason the
-- trigger does not swallow the error, so the signup fails ("Database error saving new user")
-- and no auth row is written. A signup either has a profile or did not happen: no ghost can be
-- created by this path, silent or not. The function itself is written so that nothing Supabase
-- Auth can send (null email, odd metadata) raises; only a broken profile table can.
--
-- Before it changes anything it checks what it would meet, and stops (so the transaction changes
-- nothing) on what it cannot safely take:
-- - names UserSync uses that already belong to the app: public.handle_new_user(),
--   public.handle_user_updated() and the triggers on_auth_user_created / on_auth_user_updated on
--   auth.users (Supabase's own quickstart creates the first pair). UserSync's functions carry the
--   comment 'usersync:managed ...'; an app's function is taken only when the app has marked it
--   'usersync:take-over' (UserSync replaces it) or 'usersync:keep' (UserSync leaves the pair
--   alone and the monitor watches the app's trigger instead);
-- - an adopted public.users with a NOT NULL column UserSync cannot fill, which would make every
--   signup fail once the trigger is in place.

create schema if not exists user_sync;
revoke all on schema user_sync from public;

do $guard$
declare
  found_lines text[] := '{}';
  marks text[] := '{}';
  f record;
begin
  for f in
    with names (trigger_name, function_name) as (
      values ('on_auth_user_created', 'public.handle_new_user()'),
             ('on_auth_user_updated', 'public.handle_user_updated()')
    ), candidates as (
      select pg_catalog.to_regprocedure(n.function_name)::oid as fn, null::name as via_trigger
        from names n
      union
      select t.tgfoid, t.tgname
        from names n
        join pg_catalog.pg_trigger t on t.tgrelid = 'auth.users'::regclass and t.tgname = n.trigger_name and not t.tgisinternal
    )
    select pg_catalog.format('%I.%I(%s)', p.pronamespace::regnamespace, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as signature,
           p.proowner::regrole::text as owner,
           pg_catalog.array_to_string(array(
             select distinct m[1] from pg_catalog.regexp_matches(p.prosrc, 'insert\s+into\s+([a-z0-9_."]+)', 'gi') m), ', ') as writes,
           pg_catalog.array_agg(c.via_trigger) filter (where c.via_trigger is not null) as triggers
      from candidates c
      join pg_catalog.pg_proc p on p.oid = c.fn
     where coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') !~ '^usersync:(managed|keep|take-over)'
     group by p.oid
     order by 1
  loop
    found_lines := found_lines || pg_catalog.format('function %s (owner %s%s)%s', f.signature, f.owner,
      case when f.writes <> '' then '; it inserts into ' || f.writes else '' end,
      case when f.triggers is not null
           then ', executed by trigger ' || pg_catalog.array_to_string(f.triggers, ', ') || ' on auth.users' else '' end);
    marks := marks || f.signature;
  end loop;

  if pg_catalog.cardinality(found_lines) > 0 then
    raise exception 'UserSync would replace a trigger function on auth.users that is not its own; nothing was changed'
      using errcode = 'duplicate_object',
            detail = 'Found: ' || pg_catalog.array_to_string(found_lines, '; ') || '.',
            hint = 'Choose one, then apply the migrations again. (1) Let UserSync take over: its function replaces yours, '
                || 'and what yours did (such as inserting into another table) stops unless you move it first: '
                || (select pg_catalog.string_agg(pg_catalog.format('comment on function %s is %L;', m, 'usersync:take-over'), ' ') from pg_catalog.unnest(marks) m)
                || ' (2) Keep yours: UserSync installs no trigger under these names and its monitor watches yours '
                || '(missing, disabled or pointed at another function is critical): '
                || (select pg_catalog.string_agg(pg_catalog.format('comment on function %s is %L;', m, 'usersync:keep'), ' ') from pg_catalog.unnest(marks) m)
                || ' See "Adopting UserSync" in docs/database.md.';
  end if;
end
$guard$;

-- An adopted profile table must accept the rows the trigger writes: a NOT NULL column without a
-- default that UserSync does not fill would make every signup fail ("Database error saving new
-- user"); a NOT NULL email would fail every phone, anonymous and some OAuth signups.
do $fit$
declare
  blocking text[];
begin
  select pg_catalog.array_agg(a.attname::text order by a.attnum) into blocking
    from pg_catalog.pg_attribute a
   where a.attrelid = pg_catalog.to_regclass('public.users')
     and a.attnum > 0 and not a.attisdropped
     and a.attnotnull and not a.atthasdef and a.attidentity = '' and a.attgenerated = ''
     and a.attname not in ('id', 'created_at', 'updated_at');
  if blocking is not null then
    raise exception 'public.users has NOT NULL column(s) without a default that UserSync''s signup trigger does not fill: %; every such signup would fail with "Database error saving new user", so nothing was changed', pg_catalog.array_to_string(blocking, ', ')
      using errcode = 'not_null_violation',
            hint = 'Give each a default or make it nullable, then apply the migrations again: '
                || (select pg_catalog.string_agg(pg_catalog.format('alter table public.users alter column %I set default ...; -- or: alter table public.users alter column %I drop not null;', c, c), ' ')
                      from pg_catalog.unnest(blocking) c);
  end if;
end
$fit$;

-- The representative profile table. UserSync creates it closed: Supabase's default privileges
-- would give anon and authenticated everything on it (TRUNCATE included, which RLS does not
-- restrict); a later migration grants authenticated what its RLS policies allow. An app's
-- existing table is adopted: its grants and policies stay exactly as the app set them.
do $table$
begin
  if pg_catalog.to_regclass('public.users') is null then
    create table public.users (
      id uuid primary key references auth.users (id) on delete cascade,
      email text,
      email_confirmed_at timestamptz,
      full_name text,
      avatar_url text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    comment on table public.users is 'usersync:created — one profile per auth.users row, kept in sync by UserSync';
    revoke all on public.users from public, anon, authenticated;
  elsif coalesce(pg_catalog.obj_description('public.users'::regclass, 'pg_class'), '') !~ '^usersync:created' then
    raise notice 'UserSync adopts the existing public.users: it adds the columns it writes if missing and enables row level security; the table''s grants and policies stay as you set them';
  end if;
end
$table$;

-- Email is neither unique (SSO users share emails) nor required (phone / anonymous signups).
-- Confirmation state is synced too; adding a nullable column without default is metadata-only.
-- An adopted table gets the columns the sync writes, so the trigger cannot fail on a missing one.
-- Nullable columns without a volatile default are added without rewriting the table.
alter table public.users add column if not exists email text;
alter table public.users add column if not exists email_confirmed_at timestamptz;
alter table public.users add column if not exists full_name text;
alter table public.users add column if not exists avatar_url text;
alter table public.users add column if not exists created_at timestamptz default now();
alter table public.users add column if not exists updated_at timestamptz default now();
alter table public.users enable row level security;

-- Reads one string value from user-supplied metadata. Anything that is not a JSON object
-- holding a string under that key (JSON null, arrays, numbers, nested objects) gives null,
-- and overly long values are cut, so metadata can never make a signup fail.
-- Not security definer and only pg_catalog names, so it needs no search_path and can be inlined.
create or replace function user_sync.metadata_text(meta jsonb, key text)
returns text
language sql
immutable
parallel safe
as $$
  select case
           when pg_catalog.jsonb_typeof(meta) = 'object'
            and pg_catalog.jsonb_typeof(meta operator(pg_catalog.->) key) = 'string'
           then pg_catalog.left(pg_catalog.btrim(meta operator(pg_catalog.->>) key), 1024)
         end
$$;
revoke all on function user_sync.metadata_text(jsonb, text) from public;

-- The profile an auth row should have: the one place that maps auth.users to public.users,
-- used by the insert trigger, the update sync and the backfill. A soft-deleted row (deleted_at
-- set, email replaced by a hash) maps to a null email, never the hash.
create or replace function user_sync.profile_values(u auth.users)
returns table (id uuid, email text, email_confirmed_at timestamptz, full_name text, avatar_url text,
               created_at timestamptz, updated_at timestamptz)
language sql
stable
as $$
  select u.id,
         case when u.deleted_at is null then u.email::text end,
         u.email_confirmed_at,
         coalesce(user_sync.metadata_text(u.raw_user_meta_data, 'full_name'),
                  user_sync.metadata_text(u.raw_user_meta_data, 'name')),
         coalesce(user_sync.metadata_text(u.raw_user_meta_data, 'avatar_url'),
                  user_sync.metadata_text(u.raw_user_meta_data, 'picture')),
         coalesce(u.created_at, pg_catalog.now()),
         coalesce(u.updated_at, u.created_at, pg_catalog.now())
$$;
revoke all on function user_sync.profile_values(auth.users) from public;

-- The signup trigger and its function, unless the app keeps its own pair (marked 'usersync:keep').
do $install$
begin
  if exists (select from pg_catalog.pg_proc p
              where p.oid in (pg_catalog.to_regprocedure('public.handle_new_user()'),
                              (select t.tgfoid from pg_catalog.pg_trigger t
                                where t.tgrelid = 'auth.users'::regclass and t.tgname = 'on_auth_user_created'))
                and pg_catalog.obj_description(p.oid, 'pg_proc') ~ '^usersync:keep') then
    raise notice 'UserSync keeps the app''s on_auth_user_created and installs no signup trigger of its own; its monitor watches the app''s trigger';
    return;
  end if;

  create or replace function public.handle_new_user()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $fn$
  begin
    insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
    select * from user_sync.profile_values(new)
    on conflict (id) do nothing;
    return null;
  end
  $fn$;
  alter function public.handle_new_user() owner to postgres;
  revoke all on function public.handle_new_user() from public, anon, authenticated, service_role;
  comment on function public.handle_new_user() is
    'usersync:managed — creates the public.users profile of each new auth.users row; replaced by UserSync''s migrations';

  -- `postgres` can create (or replace) but not drop a trigger on auth.users.
  create or replace trigger on_auth_user_created
    after insert on auth.users
    for each row execute function public.handle_new_user();
end
$install$;
