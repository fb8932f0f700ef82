-- What Supabase's database linter (splinter) checks, for UserSync's objects, written as tests so
-- no migration can bring a warning back: with the default exposed schemas (public, graphql_public)
-- and with user_sync exposed too, UserSync adds 0 ERROR and 0 WARN. The INFO findings that remain
-- (a UserSync table with RLS and no policy) are listed here and explained in docs/database.md.
--
-- Runs as the superuser (supabase_admin) on a migrated database.
begin;
create extension if not exists pgtap with schema extensions;
select plan(11);

create temp view usersync_functions as
select p.oid, p.oid::regprocedure as signature, p.prosecdef, n.nspname
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname in ('user_sync', 'user_sync_private')
    or (n.nspname = 'public' and pg_catalog.obj_description(p.oid, 'pg_proc') ~ '^usersync:managed');

select is((select count(*)::int from usersync_functions), 40, 'the checks below see all 40 UserSync functions');

-- function_search_path_mutable (WARN).
select is_empty($$select signature from usersync_functions
                   where not exists (select from pg_catalog.unnest(coalesce((select proconfig from pg_catalog.pg_proc where oid = usersync_functions.oid), '{}')) c
                                      where c like 'search_path=%')$$,
                'every UserSync function has a fixed search_path');

-- anon/authenticated_security_definer_function_executable (WARN), for each exposed-schema setting.
select is_empty($$select signature from usersync_functions
                   where prosecdef and nspname in ('public', 'user_sync')
                     and (has_function_privilege('anon', oid, 'EXECUTE') or has_function_privilege('authenticated', oid, 'EXECUTE'))$$,
                'no SECURITY DEFINER function in public or user_sync is executable by anon or authenticated');
select is_empty($$select signature from usersync_functions
                   where nspname = 'public' and has_function_privilege('anon', oid, 'EXECUTE')$$,
                'anon may execute no UserSync function in public');
select is_empty($$select signature from usersync_functions
                   where nspname = 'public' and has_function_privilege('authenticated', oid, 'EXECUTE')
                     and signature::text <> 'ensure_user_profile()'$$,
                'authenticated may execute only public.ensure_user_profile() (security invoker) in public');
select results_eq($$select signature::text, prosecdef from usersync_functions
                     where nspname = 'user_sync_private' or has_function_privilege('authenticated', oid, 'EXECUTE')
                     order by 1$$,
                  $$values ('ensure_user_profile()', false), ('user_sync_private.ensure_own_profile()', true)$$,
                  'the only definer function authenticated may call lives in user_sync_private, behind the invoker ensure_user_profile()');
select schema_privs_are('user_sync_private', 'anon', '{}'::text[], 'anon has no privilege on schema user_sync_private');

-- rls_disabled_in_public (ERROR) and rls_enabled_no_policy (INFO).
select is_empty($$select c.oid::regclass from pg_catalog.pg_class c
                   where c.relnamespace in ('user_sync'::regnamespace, 'public'::regnamespace) and c.relkind in ('r', 'p')
                     and c.relname in ('users', 'cleanup_audit_log', 'monitoring_log', 'alert_deliveries', 'recorded_ghosts', 'schema_versions')
                     and not c.relrowsecurity$$,
                'every UserSync table, and public.users, has row level security enabled');
select set_eq($$select c.relname::text from pg_catalog.pg_class c
                 where c.relnamespace = 'user_sync'::regnamespace and c.relkind = 'r' and c.relrowsecurity
                   and not exists (select from pg_catalog.pg_policy p where p.polrelid = c.oid)$$,
              array['alert_deliveries', 'cleanup_audit_log', 'monitoring_log', 'recorded_ghosts'],
              'RLS without policies is left only on the UserSync tables no role reads directly (the documented INFO findings)');

-- auth_users_exposed (ERROR): no view of auth.users in an exposed schema.
select is_empty($$select distinct v.oid::regclass from pg_catalog.pg_depend d
                   join pg_catalog.pg_rewrite r on r.oid = d.objid
                   join pg_catalog.pg_class v on v.oid = r.ev_class
                  where d.refobjid = 'auth.users'::regclass and v.relnamespace in ('public'::regnamespace, 'user_sync'::regnamespace)$$,
                'no view in public or user_sync exposes auth.users');

-- fkey_to_auth_unique (ERROR): the profile's foreign key references auth.users' primary key.
select is_empty($$select c.conname from pg_catalog.pg_constraint c
                   join pg_catalog.pg_index i on i.indexrelid = c.conindid
                  where c.contype = 'f' and c.conrelid = 'public.users'::regclass
                    and c.confrelid = 'auth.users'::regclass and not i.indisprimary$$,
                'public.users references auth.users through its primary key, not a unique constraint');

select * from finish();
rollback;
