-- UserSync 2/4: the profile follows later changes of the auth row.
--
-- Email changes and confirmations are copied; a soft delete (Supabase Auth replaces email and
-- phone with a hash and sets deleted_at) clears the profile's email instead of copying the hash:
-- the profile row stays (the auth row still exists, so it is no orphan) but holds no address.
-- The sync is an upsert, so an email change of a ghost user also heals the ghost.

create or replace function public.handle_user_updated()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
  select * from user_sync.profile_values(new)
  on conflict (id) do update
    set email = excluded.email,
        email_confirmed_at = excluded.email_confirmed_at,
        updated_at = pg_catalog.now();
  return null;
end
$$;
alter function public.handle_user_updated() owner to postgres;
revoke all on function public.handle_user_updated() from public, anon, authenticated, service_role;

create or replace trigger on_auth_user_updated
  after update of email, email_confirmed_at, deleted_at on auth.users
  for each row
  when (old.email is distinct from new.email
        or old.email_confirmed_at is distinct from new.email_confirmed_at
        or old.deleted_at is distinct from new.deleted_at)
  execute function public.handle_user_updated();
