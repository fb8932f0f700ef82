-- The dashboard's ghost list (migration ..._dashboard_recorded_ghosts.sql): a run records the
-- first 10,000 ghosts it finds, get_dashboard_ghosts pages them by id with what is true now, and
-- continues with the live read past a full list.
--
-- Runs as the superuser (supabase_admin).
begin;
create extension if not exists pgtap with schema extensions;
select plan(19);

grant usage on schema extensions to user_sync_monitor;

create function pg_temp.ghost(n integer) returns uuid language sql as $$
  select ('19000000-0000-0000-0000-' || pg_catalog.lpad(n::text, 12, '0'))::uuid
$$;
create function pg_temp.sign_up_ghost(n integer) returns uuid language plpgsql as $$
begin
  set local session_replication_role = replica;
  perform standin.sign_up('ghost' || n || '@example.com', '{}', '2033-01-01 00:00+00'::timestamptz + n * interval '1 minute', null, pg_temp.ghost(n));
  set local session_replication_role = origin;
  return pg_temp.ghost(n);
end
$$;
create function pg_temp.page(max_rows integer, after_id uuid default null) returns uuid[] language sql as $$
  select coalesce(pg_catalog.array_agg(user_id order by user_id), '{}') from user_sync.get_dashboard_ghosts(max_rows, after_id)
$$;
grant execute on function pg_temp.page(integer, uuid) to user_sync_monitor;

select is((select count(*)::int from user_sync.recorded_ghosts), 0, 'a database without ghosts starts with an empty list');

-- A run records what it finds; the page reads it in id order, with the auth row's email.
select pg_temp.sign_up_ghost(n) from pg_catalog.generate_series(1, 3) n;
select pg_temp.sign_up_ghost(5);
select is((select oldest_ghost_created_at from user_sync.record_user_sync_metrics('test')), '2033-01-01 00:01+00'::timestamptz,
          'the run still records the earliest ghost''s created_at');
select set_eq('select user_id from user_sync.recorded_ghosts', array[pg_temp.ghost(1), pg_temp.ghost(2), pg_temp.ghost(3), pg_temp.ghost(5)],
              'the run records the four ghosts it found');
set local role user_sync_monitor;
select is((select pg_catalog.array_agg((email, created_at)::text order by user_id) from user_sync.get_dashboard_ghosts(10)),
          array['(ghost1@example.com,"2033-01-01 00:01:00+00")', '(ghost2@example.com,"2033-01-01 00:02:00+00")',
                '(ghost3@example.com,"2033-01-01 00:03:00+00")', '(ghost5@example.com,"2033-01-01 00:05:00+00")'],
          'the monitor reads the list in id order with each ghost''s email and created_at');
select is(pg_temp.page(2), array[pg_temp.ghost(1), pg_temp.ghost(2)], 'a page holds at most max_rows ghosts');
select is(pg_temp.page(2, pg_temp.ghost(2)), array[pg_temp.ghost(3), pg_temp.ghost(5)], 'the next page starts after the cursor');
select is(pg_temp.page(2, pg_temp.ghost(5)), '{}'::uuid[], 'after the last ghost of a list that is not full: nothing, and no live read');
reset role;

-- Between runs the list is read with what is true now: repaired or deleted ghosts drop out, a new
-- ghost waits for the next run.
select is((select count(*)::int from user_sync.repair_ghost_users(1, false, null)), 1, 'one ghost repaired');
delete from auth.users where id = pg_temp.ghost(5);
select pg_temp.sign_up_ghost(4);
set local role user_sync_monitor;
select is(pg_temp.page(10), array[pg_temp.ghost(2), pg_temp.ghost(3)],
          'a repaired ghost and a deleted auth user drop out at once; a new ghost is not listed before the next run');
reset role;

create temp table before_run as select user_id, ctid as row_at from user_sync.recorded_ghosts where user_id <> pg_temp.ghost(1);
select user_sync.record_user_sync_metrics('test');
select set_eq('select user_id from user_sync.recorded_ghosts', array[pg_temp.ghost(2), pg_temp.ghost(3), pg_temp.ghost(4)],
              'the next run records the ghosts there are now');
select is((select count(*)::int from before_run b join user_sync.recorded_ghosts r on r.user_id = b.user_id and r.ctid = b.row_at), 2,
          'the ghosts both runs found keep their rows: only the difference is written');

-- An imported run (oldest_ghost_created_at given) leaves the list alone; a run without ghosts empties it.
insert into user_sync.monitoring_log (status, auth_users, profiles, ghost_users, orphaned_profiles, count_difference, trigger_state,
                                      trigger_enabled, checks, duration_ms, source, oldest_ghost_created_at)
values ('critical', 10, 0, 10, 0, 10, 'enabled', true, '[]', 1, 'test', '2020-01-01');
select is((select count(*)::int from user_sync.recorded_ghosts), 3, 'a run inserted with its oldest ghost already set records nothing');
select * from user_sync.repair_ghost_users(10, false, null);
select user_sync.record_user_sync_metrics('test');
select is((select count(*)::int from user_sync.recorded_ghosts), 0, 'a run without ghosts empties the list');

-- More ghosts than the list holds: the first 10,000 are listed, the pages after them read live.
select count(pg_temp.sign_up_ghost(n)) from pg_catalog.generate_series(20001, 30003) n;
select user_sync.record_user_sync_metrics('test');
select is((select (count(*), (select user_id from user_sync.recorded_ghosts order by 1 desc limit 1))::text from user_sync.recorded_ghosts),
          (10000, pg_temp.ghost(30000))::text,
          'a run that finds 10,003 ghosts lists the first 10,000 by id');
set local role user_sync_monitor;
select is(pg_temp.page(4, pg_temp.ghost(29998)), array[pg_temp.ghost(29999), pg_temp.ghost(30000), pg_temp.ghost(30001), pg_temp.ghost(30002)],
          'a page that runs past a full list goes on with the live read after its last id');
select is(pg_temp.page(4, pg_temp.ghost(30002)), array[pg_temp.ghost(30003)], 'and pages on live after that');

select throws_ok('select * from user_sync.get_dashboard_ghosts(0)', '22023', 'max_rows must be between 1 and 1000, got 0',
                 'max_rows below 1 is refused with its value');
select throws_ok('select * from user_sync.get_dashboard_ghosts(1001, null)', '22023', null, 'max_rows above 1000 is refused');
reset role;
set local role authenticated;
select throws_ok('select * from user_sync.get_dashboard_ghosts(10)', '42501', null, 'authenticated may not read the ghost list');
reset role;

select * from finish();
rollback;
