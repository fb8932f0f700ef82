-- Supabase's cluster roles, as a hosted project has them (docs/architecture.md, "The database contract").
-- Run once per cluster as supabase_admin, the only superuser (initdb -U supabase_admin).
-- Test tree only: a real Supabase project already has all of this.

do $$
begin
  if not exists (select from pg_roles where rolname = 'postgres') then
    create role postgres login nosuperuser createrole createdb bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin login noinherit createrole;
  end if;
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

alter role postgres set search_path = "$user", public, extensions;
alter role supabase_admin set search_path = "$user", public, extensions;
alter role supabase_auth_admin set search_path = auth;
