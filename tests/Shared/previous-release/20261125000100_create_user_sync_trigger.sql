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

create schema if not exists user_sync;
revoke all on schema user_sync from public;

-- The representative profile table; an app's existing table is left as it is.
create table if not exists public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  email_confirmed_at timestamptz,
  full_name text,
  avatar_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
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

create or replace function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
  select * from user_sync.profile_values(new)
  on conflict (id) do nothing;
  return null;
end
$$;
alter function public.handle_new_user() owner to postgres;
revoke all on function public.handle_new_user() from public, anon, authenticated, service_role;

-- `postgres` can create (or replace) but not drop a trigger on auth.users.
create or replace trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();
