-- UserSync 12: an opt-in fallback the app calls after sign-in when the caller's profile is missing:
--   const { data: created } = await supabase.rpc('ensure_user_profile')
-- It creates the caller's own profile, and only theirs, from their own auth.users row (found by
-- the JWT's `sub` claim; it takes no argument), exactly as the signup trigger would have, audits
-- the creation in user_sync.cleanup_audit_log, and returns true; when the profile exists it
-- returns false and does nothing else, so calling it on every sign-in costs one index probe.
--
-- Why two functions: PostgREST exposes only the schemas in its exposed list (public by default),
-- and Supabase's linter warns about any SECURITY DEFINER function there that `authenticated` may
-- execute. So the exposed function is SECURITY INVOKER and only calls the definer, which lives in
-- schema user_sync_private: `authenticated` may use that schema and execute that one function, and
-- the schema must never be added to the exposed list. The definer needs postgres's rights because
-- the caller may read neither auth.users nor (on an adopted table) public.users.

create schema if not exists user_sync_private;
revoke all on schema user_sync_private from public;
grant usage on schema user_sync_private to authenticated;

create or replace function user_sync_private.ensure_own_profile()
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  claims jsonb := auth.jwt();
  caller uuid;
  created uuid;
begin
  if claims ->> 'role' is distinct from 'authenticated' or coalesce(claims ->> 'sub', '') = '' then
    raise exception 'ensure_user_profile needs a signed-in user (a JWT with role authenticated and a sub claim)'
      using errcode = 'insufficient_privilege';
  end if;
  caller := (claims ->> 'sub')::uuid;

  if exists (select from public.users p where p.id = caller) then
    return false;
  end if;

  insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
  select v.*
    from auth.users a
   cross join lateral user_sync.profile_values(a) v
   where a.id = caller
  on conflict (id) do nothing
  returning id into created;

  if created is null then
    if not exists (select from auth.users a where a.id = caller) then
      raise exception 'the signed-in user has no auth.users row' using errcode = 'no_data_found';
    end if;
    return false;  -- a concurrent call or the trigger created it first
  end if;

  insert into user_sync.cleanup_audit_log (action, affected_count, affected_ids, details)
  values ('self_service_profile', 1, array[created], pg_catalog.jsonb_build_object('role', 'authenticated'));
  return true;
end
$$;
alter function user_sync_private.ensure_own_profile() owner to postgres;
revoke all on function user_sync_private.ensure_own_profile() from public, anon, authenticated, service_role;
grant execute on function user_sync_private.ensure_own_profile() to authenticated;

create or replace function public.ensure_user_profile()
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
  select user_sync_private.ensure_own_profile()
$$;
revoke all on function public.ensure_user_profile() from public, anon, authenticated, service_role;
grant execute on function public.ensure_user_profile() to authenticated;
comment on function public.ensure_user_profile() is
  'usersync:managed — creates the signed-in caller''s missing public.users profile; true if it did';
