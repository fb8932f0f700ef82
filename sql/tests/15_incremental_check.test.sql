-- The incremental check (migration ..._incremental_check.sql): it reads the auth rows from the
-- mark the previous run left, finds the ghosts among them, holds the mark at a ghost until it is
-- repaired, checks the trigger, and its passing ghost_users is not a check state.
-- Runs as the superuser (supabase_admin). User ids: 0f000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(19);

grant usage on schema extensions to user_sync_monitor;
delete from user_sync.monitoring_log;

-- 2,000 users with profiles, then a full run: the mark is the heap's length.
set local role supabase_auth_admin;
select count(standin.sign_up('inc' || g || '@example.com')) from generate_series(1, 2000) g;
reset role;
select user_sync.record_user_sync_metrics('timer') is not null;
select is((select next_auth_page from user_sync.monitoring_log where source = 'timer'),
          pg_relation_size('auth.users') / current_setting('block_size')::bigint,
          'a full run marks the heap''s length in pages');
select is((select auth_filenode from user_sync.monitoring_log where source = 'timer'), pg_relation_filenode('auth.users'),
          'and the file it measured');

-- Two ghosts (a data-only restore skips the trigger) and 40 ordinary signups after the full run.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('incghost' || g || '@example.com', '{}', now(), null, ('0f000000-0000-0000-0000-00000000000' || g)::uuid)
  from generate_series(1, 2) g;
reset role;
set local session_replication_role = origin;
set local role supabase_auth_admin;
select count(standin.sign_up('inclate' || g || '@example.com')) from generate_series(1, 40) g;
reset role;

set local role user_sync_monitor;
create temp table first_run on commit drop as select * from user_sync.record_incremental_check();
reset role;
select is((select source from first_run), 'incremental', 'the run is recorded with source incremental');
select is((select ghost_users from first_run), 2::bigint, 'it finds the two new ghosts');
select cmp_ok((select auth_users from first_run), '<', 1000::bigint, 'it reads far fewer rows than the table holds');
select cmp_ok((select auth_users from first_run), '>=', 42::bigint, 'but every row added since the full run');
select is((select profiles from first_run), (select auth_users - 2 from first_run), 'profiles counts the rows read that have one');
select is((select status from first_run), 'critical', 'new ghosts make it critical');
select is((select array_agg(c ->> 'check_name' order by c ->> 'check_name') from first_run, jsonb_array_elements(checks) c),
          array['ghost_users', 'trigger_enabled'], 'its checks are ghost_users and trigger_enabled only');
select is((select next_auth_page from first_run),
          (select min((ctid::text::point)[0])::bigint from auth.users where id::text like '0f000000-%'),
          'the mark is held at the first ghost''s page');

-- Repaired, the next incremental run is healthy and the mark moves to the end again.
select count(*) from user_sync.repair_ghost_users(10, false, null);
set local role user_sync_monitor;
create temp table second_run on commit drop as select * from user_sync.record_incremental_check();
reset role;
select is((select (ghost_users, status) from second_run), (0::bigint, 'healthy'::text), 'after the repair it finds none');
select is((select next_auth_page from second_run), pg_relation_size('auth.users') / current_setting('block_size')::bigint,
          'and the mark is the heap''s length again');

-- The status is the full check's; an incremental pass of ghost_users is not a check state.
select is((select source from user_sync.get_latest_sync_status()), 'timer', 'get_latest_sync_status skips incremental runs');
set local role user_sync_monitor;
select results_eq($$select check_name, source from user_sync.get_latest_check_states(array['timer', 'incremental']) order by check_name$$,
                  $$values ('count_parity'::text, 'timer'::text), ('ghost_users', 'incremental'), ('orphaned_profiles', 'timer'),
                           ('trigger_enabled', 'incremental')$$,
                  'check states: ghost_users from the incremental run that found ghosts, not the one that passed');
select is((select passed from user_sync.get_latest_check_states(array['timer', 'incremental']) where check_name = 'ghost_users'), false,
          'so ghost_users is still failing until a full run passes it');
select throws_ok($$select * from user_sync.get_latest_check_states(array[]::text[])$$, '22023', null, 'no sources is rejected');
select throws_ok($$select * from user_sync.record_user_sync_metrics('incremental')$$, '22023', null,
                 'a full run cannot take the incremental source');
reset role;

-- A rewritten table (VACUUM FULL would give it a new file) makes the mark unusable: everything is read.
update user_sync.monitoring_log set auth_filenode = 0;
select is((select auth_users from user_sync.record_incremental_check()), (select count(*) from auth.users),
          'with an unusable mark it reads every row');

-- The trigger's state is checked every time.
alter table auth.users disable trigger on_auth_user_created;
select is((select (trigger_state, status) from user_sync.record_incremental_check()), ('disabled'::text, 'critical'::text),
          'a disabled trigger makes an incremental run critical');

select * from finish();
rollback;
