-- Detection: the four checks, the overall status, the time series and the trigger's state
-- (migration ..._create_user_sync_monitoring.sql).
--
-- Runs as the superuser (supabase_admin): only it can drop the foreign key, switch
-- session_replication_role and change the trigger's state, which is how drift is staged here.
-- Ids: users 04000000-0000-0000-0000-0000000000NN, monitoring_log run_ids 04000000-0000-0000-0000-0000000001NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(46);

set local role supabase_auth_admin;
select standin.sign_up('healthy@example.com', '{}', '2023-01-01 00:00:00+00', null, '04000000-0000-0000-0000-000000000001');
reset role;

-- Healthy.

select results_eq($$select ghost_users, orphaned_profiles, count_difference, auth_users = profiles,
                           trigger_state, trigger_enabled
                      from user_sync.get_user_sync_stats()$$,
                  $$values (0::bigint, 0::bigint, 0::bigint, true, 'enabled'::text, true)$$,
                  'a clean database has no ghost, no orphan, equal counts and an enabled trigger');
select is((select auth_users from user_sync.get_user_sync_stats()), (select count(*) from auth.users),
          'get_user_sync_stats counts every auth user');
select set_eq($$select check_name, severity, passed from user_sync.run_user_sync_quality_check()$$,
              $$values ('ghost_users'::text, 'critical'::text, true), ('orphaned_profiles', 'warning', true),
                       ('count_parity', 'critical', true), ('trigger_enabled', 'critical', true)$$,
              'a clean database passes all four checks, each with its severity');

create temp table run_healthy on commit drop as select * from user_sync.record_user_sync_metrics('pgtap');
select is((select status from run_healthy), 'healthy', 'record_user_sync_metrics reports healthy when clean');
select results_eq($$select status, source, run_by, jsonb_array_length(checks) from user_sync.monitoring_log
                     where run_id = (select run_id from run_healthy)$$,
                  $$values ('healthy'::text, 'pgtap'::text, session_user::text collate "default", 4)$$,
                  'record_user_sync_metrics stores its run with source, runner and the four checks');

-- Orphans: a profile without an auth row (the foreign key would prevent it, so it goes first).

do $$
declare
  fk name;
begin
  select conname into strict fk from pg_catalog.pg_constraint
   where conrelid = 'public.users'::regclass and confrelid = 'auth.users'::regclass and contype = 'f';
  execute format('alter table public.users drop constraint %I', fk);
end
$$;
insert into public.users (id, email, created_at, updated_at)
values ('04000000-0000-0000-0000-000000000090', 'orphan@example.com', '2023-02-01 00:00:00+00', '2023-02-01 00:00:00+00');

select results_eq($$select profile_id, email, created_at from user_sync.check_orphaned_profiles()$$,
                  $$values ('04000000-0000-0000-0000-000000000090'::uuid, 'orphan@example.com'::text,
                            '2023-02-01 00:00:00+00'::timestamptz)$$,
                  'check_orphaned_profiles lists the profile without an auth row');
select results_eq($$select severity, passed, observed, expected from user_sync.run_user_sync_quality_check()
                     where check_name = 'orphaned_profiles'$$,
                  $$values ('warning'::text, false, '1'::text, '0'::text)$$,
                  'the orphaned_profiles check fails with severity warning');
-- A surplus of profiles is orphans: a warning, not a count_parity failure.
select set_eq($$select check_name from user_sync.run_user_sync_quality_check() where not passed$$,
              array['orphaned_profiles'],
              'an orphan fails orphaned_profiles and nothing else');

create temp table run_orphan on commit drop as select * from user_sync.record_user_sync_metrics('pgtap');
select is((select status from run_orphan), 'degraded',
          'orphans alone give a degraded run');
select results_eq($$select ghost_users, orphaned_profiles, auth_users, profiles, count_difference
                      from user_sync.monitoring_log where run_id = (select run_id from run_orphan)$$,
                  $$select 0::bigint, 1::bigint, (select count(*) from auth.users),
                           (select count(*) from public.users), -1::bigint$$,
                  'the stored run holds the counts with the orphan');
select is(user_sync.overall_status(
            '[{"check_name": "ghost_users", "severity": "critical", "passed": true},
              {"check_name": "orphaned_profiles", "severity": "warning", "passed": false},
              {"check_name": "count_parity", "severity": "critical", "passed": true},
              {"check_name": "trigger_enabled", "severity": "critical", "passed": true}]'),
          'degraded', 'a run where only a warning check fails is degraded');

delete from public.users where id = '04000000-0000-0000-0000-000000000090';

-- Ghosts.

set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('ghost@example.com', '{}', '2023-03-01 00:00:00+00', null, '04000000-0000-0000-0000-000000000050');
reset role;
set local session_replication_role = origin;

select set_eq($$select check_name from user_sync.run_user_sync_quality_check() where not passed$$,
              array['ghost_users', 'count_parity'],
              'a ghost fails ghost_users and count_parity, and nothing else');
create temp table run_ghost on commit drop as select * from user_sync.record_user_sync_metrics('pgtap');
select is((select status from run_ghost), 'critical', 'a ghost gives a critical run');
select results_eq($$select ghost_users, orphaned_profiles, count_difference, trigger_enabled
                      from user_sync.monitoring_log where run_id = (select run_id from run_ghost)$$,
                  $$values (1::bigint, 0::bigint, 1::bigint, true)$$,
                  'the stored run holds the counts with the ghost');

select from user_sync.repair_ghost_users(100, false);

-- Latest run and history. An old run is inserted last, so "latest" must mean newest checked_at.

create temp table run_latest on commit drop as select * from user_sync.record_user_sync_metrics('pgtap');
select is((select status from run_latest), 'healthy', 'after the repair the run is healthy again');
insert into user_sync.monitoring_log (run_id, checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles,
                                      count_difference, trigger_state, trigger_enabled, checks, duration_ms, source)
values ('04000000-0000-0000-0000-000000000101', now() - interval '10 days', 'critical', 5, 4, 1, 0, 1,
        'enabled', true, '[]', 1.5, 'pgtap-old');

select results_eq($$select run_id from user_sync.get_latest_sync_status()$$,
                  $$select run_id from run_latest$$,
                  'get_latest_sync_status returns the newest run, and only that one');
select results_eq($$select run_id from user_sync.get_latest_sync_status_from(array['pgtap-old'])$$,
                  $$values ('04000000-0000-0000-0000-000000000101'::uuid)$$,
                  'get_latest_sync_status_from returns the newest run of the given sources only');
select is_empty($$select from user_sync.get_latest_sync_status_from(array['timer'])$$,
                'get_latest_sync_status_from is empty when no run came from those sources');
select ok(exists (select from user_sync.get_sync_status_history(7) where run_id = (select run_id from run_latest)),
          'get_sync_status_history(7) includes today''s run');
select ok(not exists (select from user_sync.get_sync_status_history(7)
                       where run_id = '04000000-0000-0000-0000-000000000101'),
          'get_sync_status_history(7) leaves out a run from 10 days ago');
select ok(exists (select from user_sync.get_sync_status_history(30)
                   where run_id = '04000000-0000-0000-0000-000000000101'),
          'get_sync_status_history(30) includes a run from 10 days ago');
select is((select count(*) from user_sync.get_sync_status_history(30)),
          (select count(*) from user_sync.monitoring_log where checked_at >= now() - interval '30 days'),
          'get_sync_status_history(30) returns every run of the last 30 days');
select is((select array_agg(checked_at) from user_sync.get_sync_status_history(30)),
          (select array_agg(checked_at order by checked_at desc) from user_sync.get_sync_status_history(30)),
          'get_sync_status_history returns the newest run first');

select throws_ok($$select * from user_sync.get_sync_status_history(0)$$, '22023', null,
                 'get_sync_status_history rejects 0 days');
select throws_ok($$select * from user_sync.get_sync_status_history(-1)$$, '22023', null,
                 'get_sync_status_history rejects a negative window');
select throws_ok($$select * from user_sync.get_sync_status_history(3651)$$, '22023', null,
                 'get_sync_status_history rejects more than 3650 days');
select throws_ok($$select * from user_sync.get_sync_status_history(null)$$, '22023', null,
                 'get_sync_status_history rejects null');
select lives_ok($$select * from user_sync.get_sync_status_history(1)$$, 'get_sync_status_history accepts 1 day');
select lives_ok($$select * from user_sync.get_sync_status_history(3650)$$, 'get_sync_status_history accepts 3650 days');

select throws_ok($$select * from user_sync.record_user_sync_metrics('Bad Source!')$$, '22023', null,
                 'record_user_sync_metrics rejects a source with capitals, spaces or punctuation');
select throws_ok($$select * from user_sync.record_user_sync_metrics('')$$, '22023', null,
                 'record_user_sync_metrics rejects an empty source');
select throws_ok($$select * from user_sync.record_user_sync_metrics(null)$$, '22023', null,
                 'record_user_sync_metrics rejects a null source');
select throws_ok($$select * from user_sync.record_user_sync_metrics(repeat('a', 65))$$, '22023', null,
                 'record_user_sync_metrics rejects a source longer than 64 characters');

-- Every state of on_auth_user_created. 'O' (enabled) was the state above.

alter table auth.users enable always trigger on_auth_user_created;
select results_eq($$select trigger_state, trigger_enabled from user_sync.get_user_sync_stats()$$,
                  $$values ('enabled_always'::text, true)$$,
                  'enable always trigger is reported as enabled_always and counts as enabled');
select is((select status from user_sync.record_user_sync_metrics('pgtap')), 'healthy',
          'an enabled_always trigger keeps the run healthy');

set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('restored@example.com', '{}', now(), null, '04000000-0000-0000-0000-000000000060');
reset role;
set local session_replication_role = origin;
select ok(exists (select from public.users where id = '04000000-0000-0000-0000-000000000060'),
          'an enabled_always trigger fires even in replica mode');

alter table auth.users enable replica trigger on_auth_user_created;
select results_eq($$select trigger_state, trigger_enabled from user_sync.get_user_sync_stats()$$,
                  $$values ('replica_only'::text, false)$$,
                  'enable replica trigger is reported as replica_only and does not count as enabled');
select results_eq($$select severity, passed, observed from user_sync.run_user_sync_quality_check()
                     where check_name = 'trigger_enabled'$$,
                  $$values ('critical'::text, false, 'replica_only'::text)$$,
                  'a replica_only trigger fails the trigger_enabled check');
select is((select status from user_sync.record_user_sync_metrics('pgtap')), 'critical',
          'a replica_only trigger alone makes the run critical');

set local role supabase_auth_admin;
select standin.sign_up('missed@example.com', '{}', now(), null, '04000000-0000-0000-0000-000000000061');
reset role;
select ok(not exists (select from public.users where id = '04000000-0000-0000-0000-000000000061'),
          'a replica_only trigger does not fire for ordinary signups');

alter table auth.users disable trigger on_auth_user_created;
select results_eq($$select trigger_state, trigger_enabled from user_sync.get_user_sync_stats()$$,
                  $$values ('disabled'::text, false)$$,
                  'disable trigger is reported as disabled and does not count as enabled');
select results_eq($$select passed, observed from user_sync.run_user_sync_quality_check()
                     where check_name = 'trigger_enabled'$$,
                  $$values (false, 'disabled'::text)$$,
                  'a disabled trigger fails the trigger_enabled check');

alter table auth.users enable trigger on_auth_user_created;
create or replace trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_user_updated();
select results_eq($$select trigger_state, trigger_enabled from user_sync.get_user_sync_stats()$$,
                  $$values ('wrong_function'::text, false)$$,
                  'a trigger that runs another function is reported as wrong_function and does not count as enabled');

drop trigger on_auth_user_created on auth.users;
select results_eq($$select trigger_state, trigger_enabled from user_sync.get_user_sync_stats()$$,
                  $$values ('missing'::text, false)$$,
                  'a dropped trigger is reported as missing and does not count as enabled');
select results_eq($$select passed, observed from user_sync.run_user_sync_quality_check()
                     where check_name = 'trigger_enabled'$$,
                  $$values (false, 'missing'::text)$$,
                  'a missing trigger fails the trigger_enabled check');
select is((select trigger_state from user_sync.record_user_sync_metrics('pgtap')), 'missing',
          'record_user_sync_metrics stores the trigger state it saw');

select * from finish();
rollback;
