-- Who may do what: the API roles reach nothing of UserSync, the monitor role reaches exactly its
-- functions and through them sees every user, and every definer function is pinned down
-- (docs/database.md, privilege model).
--
-- Runs as the superuser (supabase_admin) and switches to each role with set local role.
-- User ids: 05000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(60);

-- anon and authenticated (the roles behind the REST API keys) can call no UserSync function
-- and read no UserSync table.

set local role anon;
select throws_ok($$select * from user_sync.check_ghost_users()$$, '42501', null, 'anon cannot call check_ghost_users');
select throws_ok($$select * from user_sync.check_orphaned_profiles()$$, '42501', null, 'anon cannot call check_orphaned_profiles');
select throws_ok($$select * from user_sync.get_user_sync_stats()$$, '42501', null, 'anon cannot call get_user_sync_stats');
select throws_ok($$select * from user_sync.run_user_sync_quality_check()$$, '42501', null, 'anon cannot call run_user_sync_quality_check');
select throws_ok($$select * from user_sync.record_user_sync_metrics()$$, '42501', null, 'anon cannot call record_user_sync_metrics');
select throws_ok($$select * from user_sync.get_latest_sync_status()$$, '42501', null, 'anon cannot call get_latest_sync_status');
select throws_ok($$select * from user_sync.get_latest_sync_status_from(array['timer'])$$, '42501', null, 'anon cannot call get_latest_sync_status_from');
select throws_ok($$select * from user_sync.get_sync_status_history(30)$$, '42501', null, 'anon cannot call get_sync_status_history');
select throws_ok($$select * from user_sync.repair_ghost_users(100, false)$$, '42501', null, 'anon cannot call repair_ghost_users');
select throws_ok($$select * from user_sync.get_cleanup_audit()$$, '42501', null, 'anon cannot call get_cleanup_audit');
select throws_ok($$select from user_sync.monitoring_log$$, '42501', null, 'anon cannot read monitoring_log');
select throws_ok($$select from user_sync.cleanup_audit_log$$, '42501', null, 'anon cannot read cleanup_audit_log');
reset role;

set local role authenticated;
select throws_ok($$select * from user_sync.check_ghost_users()$$, '42501', null, 'authenticated cannot call check_ghost_users');
select throws_ok($$select * from user_sync.check_orphaned_profiles()$$, '42501', null, 'authenticated cannot call check_orphaned_profiles');
select throws_ok($$select * from user_sync.get_user_sync_stats()$$, '42501', null, 'authenticated cannot call get_user_sync_stats');
select throws_ok($$select * from user_sync.run_user_sync_quality_check()$$, '42501', null, 'authenticated cannot call run_user_sync_quality_check');
select throws_ok($$select * from user_sync.record_user_sync_metrics()$$, '42501', null, 'authenticated cannot call record_user_sync_metrics');
select throws_ok($$select * from user_sync.get_latest_sync_status()$$, '42501', null, 'authenticated cannot call get_latest_sync_status');
select throws_ok($$select * from user_sync.get_latest_sync_status_from(array['timer'])$$, '42501', null, 'authenticated cannot call get_latest_sync_status_from');
select throws_ok($$select * from user_sync.get_sync_status_history(30)$$, '42501', null, 'authenticated cannot call get_sync_status_history');
select throws_ok($$select * from user_sync.repair_ghost_users(100, false)$$, '42501', null, 'authenticated cannot call repair_ghost_users');
select throws_ok($$select * from user_sync.get_cleanup_audit()$$, '42501', null, 'authenticated cannot call get_cleanup_audit');
select throws_ok($$select from user_sync.monitoring_log$$, '42501', null, 'authenticated cannot read monitoring_log');
select throws_ok($$select from user_sync.cleanup_audit_log$$, '42501', null, 'authenticated cannot read cleanup_audit_log');
reset role;

-- The refusals above already stop at the schema; the functions are closed on their own too,
-- so granting USAGE on the schema later would open nothing.
select schema_privs_are('user_sync', 'anon', '{}'::text[], 'anon has no privilege on schema user_sync');
select schema_privs_are('user_sync', 'authenticated', '{}'::text[], 'authenticated has no privilege on schema user_sync');
select is((select count(*)::int from pg_catalog.pg_proc
            where pronamespace = 'user_sync'::regnamespace and has_function_privilege('anon', oid, 'EXECUTE')),
          0, 'anon may execute no user_sync function');
select is((select count(*)::int from pg_catalog.pg_proc
            where pronamespace = 'user_sync'::regnamespace and has_function_privilege('authenticated', oid, 'EXECUTE')),
          0, 'authenticated may execute no user_sync function');
select is((select count(*)::int from pg_catalog.pg_proc
            where pronamespace = 'user_sync'::regnamespace and has_function_privilege('service_role', oid, 'EXECUTE')),
          0, 'service_role may execute no user_sync function');
select is((select count(*)::int from pg_catalog.pg_proc p, aclexplode(p.proacl) a
            where p.pronamespace = 'user_sync'::regnamespace and a.grantee = 0 and a.privilege_type = 'EXECUTE'),
          0, 'PUBLIC holds EXECUTE on no user_sync function');
select is_empty($$select oid::regprocedure from pg_catalog.pg_proc
                   where pronamespace = 'user_sync'::regnamespace and proacl is null$$,
                'every user_sync function has an explicit ACL (a null ACL means PUBLIC may execute it)');

-- The trigger functions live in public, where Supabase grants everything to the API roles by default.

select function_privs_are('public', 'handle_new_user', '{}'::name[], 'anon', '{}'::text[],
                          'anon cannot execute handle_new_user');
select function_privs_are('public', 'handle_new_user', '{}'::name[], 'authenticated', '{}'::text[],
                          'authenticated cannot execute handle_new_user');
select function_privs_are('public', 'handle_user_updated', '{}'::name[], 'anon', '{}'::text[],
                          'anon cannot execute handle_user_updated');
select function_privs_are('public', 'handle_user_updated', '{}'::name[], 'authenticated', '{}'::text[],
                          'authenticated cannot execute handle_user_updated');

-- Definer functions: fixed empty search_path, owned by postgres (the owner's rights are what they lend).

select is_empty($$select oid::regprocedure from pg_catalog.pg_proc
                   where prosecdef
                     and (pronamespace in ('user_sync'::regnamespace, 'user_sync_private'::regnamespace)
                          or oid in ('public.handle_new_user()'::regprocedure, 'public.handle_user_updated()'::regprocedure))
                     and not ('search_path=""' = any (coalesce(proconfig, '{}')))$$,
                'every UserSync security definer function runs with search_path = ''''');
select is_empty($$select oid::regprocedure from pg_catalog.pg_proc
                   where prosecdef
                     and (pronamespace in ('user_sync'::regnamespace, 'user_sync_private'::regnamespace)
                          or oid in ('public.handle_new_user()'::regprocedure, 'public.handle_user_updated()'::regprocedure))
                     and proowner <> 'postgres'::regrole$$,
                'every UserSync security definer function is owned by postgres');
select is((select count(*)::int from pg_catalog.pg_proc
            where prosecdef
              and (pronamespace in ('user_sync'::regnamespace, 'user_sync_private'::regnamespace)
                   or oid in ('public.handle_new_user()'::regprocedure, 'public.handle_user_updated()'::regprocedure))),
          30, 'the two checks above cover the 30 UserSync security definer functions');

-- RLS on every UserSync table.

select tables_are('user_sync', array['alert_deliveries', 'cleanup_audit_log', 'monitoring_log', 'recorded_ghosts'], 'schema user_sync holds exactly the four UserSync tables');
select is_empty($$select relname from pg_catalog.pg_class
                   where relnamespace = 'user_sync'::regnamespace and relkind in ('r', 'p') and not relrowsecurity$$,
                'every table in schema user_sync has row level security enabled');
select ok((select relrowsecurity from pg_catalog.pg_class where oid = 'public.users'::regclass),
          'public.users has row level security enabled');

-- The monitor's role: least privilege.

select has_role('user_sync_monitor', 'role user_sync_monitor exists');
select results_eq($$select rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb
                      from pg_catalog.pg_roles where rolname = 'user_sync_monitor'$$,
                  $$values (false, false, false, false, false)$$,
                  'user_sync_monitor is NOLOGIN, not superuser, without BYPASSRLS, CREATEROLE or CREATEDB');
select is_empty($$select roleid::regrole from pg_catalog.pg_auth_members where member = 'user_sync_monitor'::regrole$$,
                'user_sync_monitor inherits no other role');
select set_eq($$select p.oid::regprocedure::text from pg_catalog.pg_proc p, aclexplode(p.proacl) a
                 where a.grantee = 'user_sync_monitor'::regrole and a.privilege_type = 'EXECUTE'$$,
              array['user_sync.check_ghost_users(integer,uuid)',
                    'user_sync.check_orphaned_profiles(integer,uuid)',
                    'user_sync.get_user_sync_stats()',
                    'user_sync.run_user_sync_quality_check()',
                    'user_sync.record_user_sync_metrics(text)',
                    'user_sync.get_latest_sync_status()',
                    'user_sync.get_latest_sync_status_from(text[])',
                    'user_sync.get_sync_status_history(integer)',
                    'user_sync.get_cleanup_audit(integer,bigint)',
                    'user_sync.get_report_runs(timestamp with time zone,timestamp with time zone)',
                    'user_sync.get_report_audit(timestamp with time zone,timestamp with time zone)',
                    'user_sync.get_report_deliveries(timestamp with time zone,timestamp with time zone)',
                    'user_sync.repair_ghost_users(integer,boolean)',
                    'user_sync.repair_ghost_users(integer,boolean,uuid)',
                    'user_sync.repair_ghost_users(integer,boolean,uuid,text)',
                    'user_sync.get_failure_streaks(text[])',
                    'user_sync.record_incremental_check()',
                    'user_sync.get_latest_check_states(text[])',
                    'user_sync.claim_alert_delivery(text,text,text,interval)',
                    'user_sync.complete_alert_delivery(text,text,text,boolean,integer,text)',
                    'user_sync.record_requested_run(text,text)',
                    'user_sync.get_dashboard_version()',
                    'user_sync.get_dashboard_summary()',
                    'user_sync.get_dashboard_history(integer)',
                    'user_sync.get_dashboard_deliveries(integer)',
                    'user_sync.get_report_runs_since(timestamp with time zone,integer)',
                    'user_sync.get_dashboard_ghosts(integer,uuid)'],
              'user_sync_monitor may execute exactly the fourteen monitoring functions, the three alerting ones, the three report readers and the seven dashboard ones');
select schema_privs_are('user_sync', 'user_sync_monitor', array['USAGE'],
                        'user_sync_monitor may use schema user_sync and not create in it');
select table_privs_are('user_sync', 'monitoring_log', 'user_sync_monitor', '{}'::text[],
                       'user_sync_monitor has no direct privilege on monitoring_log');
select table_privs_are('user_sync', 'cleanup_audit_log', 'user_sync_monitor', '{}'::text[],
                       'user_sync_monitor has no direct privilege on cleanup_audit_log');
select table_privs_are('user_sync', 'alert_deliveries', 'user_sync_monitor', '{}'::text[],
                       'user_sync_monitor has no direct privilege on alert_deliveries');
select table_privs_are('user_sync', 'recorded_ghosts', 'user_sync_monitor', '{}'::text[],
                       'user_sync_monitor has no direct privilege on recorded_ghosts');

-- As the monitor, with ghosts present: the definer functions see every user.

set local role supabase_auth_admin;
select standin.sign_up('seen@example.com', '{}', '2024-01-01 00:00:00+00', null, '05000000-0000-0000-0000-000000000001');
reset role;
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('ghost1@example.com', '{}', '2024-01-02 00:00:00+00', null, '05000000-0000-0000-0000-000000000002');
select standin.sign_up('ghost2@example.com', '{}', '2024-01-03 00:00:00+00', null, '05000000-0000-0000-0000-000000000003');
reset role;
set local session_replication_role = origin;

-- Test scaffolding only: lets user_sync_monitor resolve pgTAP's functions in schema extensions.
-- It grants nothing on auth, public or user_sync and is rolled back with the test.
grant usage on schema extensions to user_sync_monitor;

set local role user_sync_monitor;
select throws_ok($$select count(*) from auth.users$$, '42501', null,
                 'user_sync_monitor cannot read auth.users directly');
select set_eq($$select user_id from user_sync.check_ghost_users()$$,
              array['05000000-0000-0000-0000-000000000002', '05000000-0000-0000-0000-000000000003']::uuid[],
              'as user_sync_monitor, check_ghost_users sees every ghost');
select results_eq($$select ghost_users, auth_users - profiles from user_sync.get_user_sync_stats()$$,
                  $$values (2::bigint, 2::bigint)$$,
                  'as user_sync_monitor, get_user_sync_stats counts every ghost and every auth user');
select cmp_ok((select auth_users from user_sync.get_user_sync_stats()), '>=', 3::bigint,
              'as user_sync_monitor, get_user_sync_stats sees the auth users it cannot select');
select results_eq($$select status, ghost_users from user_sync.record_user_sync_metrics('pgtap')$$,
                  $$values ('critical'::text, 2::bigint)$$,
                  'as user_sync_monitor, record_user_sync_metrics records the ghosts');
select results_eq($$select source, ghost_users from user_sync.get_latest_sync_status()$$,
                  $$values ('pgtap'::text, 2::bigint)$$,
                  'as user_sync_monitor, get_latest_sync_status reads the recorded run');
select throws_ok($$select from user_sync.monitoring_log$$, '42501', null,
                 'user_sync_monitor reads monitoring_log only through the functions');
select set_eq($$select user_id from user_sync.repair_ghost_users(100, false)$$,
              array['05000000-0000-0000-0000-000000000002', '05000000-0000-0000-0000-000000000003']::uuid[],
              'as user_sync_monitor, repair_ghost_users repairs every ghost');
reset role;

select ok(exists (select from user_sync.cleanup_audit_log
                   where affected_ids = array['05000000-0000-0000-0000-000000000002',
                                              '05000000-0000-0000-0000-000000000003']::uuid[]
                     and performed_by = session_user),
          'a repair by the monitor is audited under the session''s login role');
select is_empty($$select from user_sync.check_ghost_users()$$, 'no ghost is left after the monitor''s repair');

select * from finish();
rollback;
