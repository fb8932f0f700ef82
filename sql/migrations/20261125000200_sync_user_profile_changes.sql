-- UserSync 2/4: the profile follows later changes of the auth row.
--
-- Email changes and confirmations are copied; a soft delete (Supabase Auth replaces email and
-- phone with a hash and sets deleted_at) clears the profile's email instead of copying the hash:
-- the profile row stays (the auth row still exists, so it is no orphan) but holds no address.
-- The sync is an upsert, so an email change of a ghost user also heals the ghost.
-- Migration 20261202000200 replaces this trigger with one that depends on no column of auth.users
-- and also follows metadata changes and scrubs soft deletes.
--
-- An app's own pair under these names stopped migration 0100 unless the app marked it; a pair
-- marked 'usersync:keep' is left alone here.

do $install$
begin
  if exists (select from pg_catalog.pg_proc p
              where p.oid in (pg_catalog.to_regprocedure('public.handle_user_updated()'),
                              (select t.tgfoid from pg_catalog.pg_trigger t
                                where t.tgrelid = 'auth.users'::regclass and t.tgname = 'on_auth_user_updated'))
                and pg_catalog.obj_description(p.oid, 'pg_proc') ~ '^usersync:keep') then
    raise notice 'UserSync keeps the app''s on_auth_user_updated and installs no profile sync of its own';
    return;
  end if;

  create or replace function public.handle_user_updated()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $fn$
  begin
    insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
    select * from user_sync.profile_values(new)
    on conflict (id) do update
      set email = excluded.email,
          email_confirmed_at = excluded.email_confirmed_at,
          updated_at = pg_catalog.now();
    return null;
  end
  $fn$;
  alter function public.handle_user_updated() owner to postgres;
  revoke all on function public.handle_user_updated() from public, anon, authenticated, service_role;
  comment on function public.handle_user_updated() is
    'usersync:managed — keeps the public.users profile in step with later changes of its auth.users row; replaced by UserSync''s migrations';

  create or replace trigger on_auth_user_updated
    after update of email, email_confirmed_at, deleted_at on auth.users
    for each row
    when (old.email is distinct from new.email
          or old.email_confirmed_at is distinct from new.email_confirmed_at
          or old.deleted_at is distinct from new.deleted_at)
    execute function public.handle_user_updated();
end
$install$;
