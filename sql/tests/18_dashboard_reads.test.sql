-- The dashboard's readers (migration ..._dashboard_reads.sql): the summary row, the history of
-- full runs, the delivery ledger newest first, the change mark polls compare, and a run recorded
-- with who asked for it.
--
-- Runs as the superuser (supabase_admin). Runs are inserted directly, in 2032, after anything else.
begin;
create extension if not exists pgtap with schema extensions;
select plan(28);

grant usage on schema extensions to user_sync_monitor;

-- An empty database, no run: one row, the run's columns null, the database empty.
set local role user_sync_monitor;
select is((select count(*)::int from user_sync.get_dashboard_summary()), 1, 'the summary is one row even before the first run');
select is((select (run_id is null and status_since is null and streaks = '[]'::jsonb and last_auto_repair_at is null and database_empty)
             from user_sync.get_dashboard_summary()), true,
          'no run yet: no run, no status since, no streak, no automatic repair; no user and no profile: empty');
select is((select (last_run_id, last_audit_id, deliveries, delivery_attempts, last_delivery_at)::text from user_sync.get_dashboard_version()),
          '(,,0,0,)', 'the change mark of an empty log');
reset role;

-- A run asked for from the dashboard records who asked, in the same row.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('ghost@example.com', '{}', '2030-06-01 10:00+00');
reset role;
set local session_replication_role = origin;
set local role user_sync_monitor;
select is((select (source, requested_by, ghost_users)::text from user_sync.record_requested_run('dashboard', 'dashboard:local')),
          '(dashboard,dashboard:local,1)', 'record_requested_run records the run with who asked');
select throws_ok($$select * from user_sync.record_requested_run('dashboard', 'someone@example.com')$$, '22023', null,
                 'who asked is an id: an email is refused');
select throws_ok($$select * from user_sync.record_requested_run('dashboard', null)$$, '22023', null, 'who asked cannot be null');
select throws_ok($$select * from user_sync.record_requested_run('incremental', 'dashboard:local')$$, '22023', null,
                 'the source rules of record_user_sync_metrics still hold');
select is((select database_empty from user_sync.get_dashboard_summary()), false, 'an auth user: the database is not empty');
reset role;
delete from user_sync.monitoring_log;

create function pg_temp.run(at timestamptz, ghosts bigint, source text default 'timer', trigger_state text default 'enabled')
returns uuid language sql as $$
  insert into user_sync.monitoring_log (checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles,
                                        count_difference, trigger_state, trigger_enabled, checks, duration_ms, source)
  select at, user_sync.overall_status(c.checks), 100 + ghosts, 100, ghosts, 0, ghosts, trigger_state,
         trigger_state = 'enabled', c.checks, 1, source
    from (select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(e)) as checks
            from user_sync.evaluate_checks(ghosts, 0, 100 + ghosts, 100, trigger_state) e) c
  returning run_id
$$;
-- Healthy, then ghosts in two full runs with an incremental run between, the trigger off in the last.
create temp table r on commit drop as
select 1 as n, pg_temp.run('2032-01-10', 0) as run_id
union all select 2, pg_temp.run('2032-01-11', 2)
union all select 3, pg_temp.run('2032-01-11 06:00', 4, 'incremental')
union all select 4, pg_temp.run('2032-01-12', 3, 'http', 'disabled');
grant select on r to user_sync_monitor;

-- An automatic repair of two batches after run 2, and a manual one.
insert into user_sync.cleanup_audit_log (action, performed_at, affected_count, details) values
  ('backfill_ghost_users', '2032-01-10 00:05+00', 7, '{"batch_size": 5, "requested_by": "auto-repair"}'),
  ('backfill_ghost_users', '2032-01-11 00:01+00', 2, '{"batch_size": 2, "requested_by": "auto-repair"}'),
  ('backfill_ghost_users', '2032-01-11 00:02+00', 1, '{"batch_size": 2, "requested_by": "auto-repair"}'),
  ('backfill_ghost_users', '2032-01-11 01:00+00', 4, '{"batch_size": 100, "requested_by": "dashboard:local"}');

set local role user_sync_monitor;
select is((select (status, source, ghost_users)::text from user_sync.get_dashboard_summary()), '(critical,http,3)',
          'the summary shows the newest full run, not the newer incremental one');
select is((select status_since from user_sync.get_dashboard_summary()), '2032-01-11 00:00+00'::timestamptz,
          'critical since the first full run after the last healthy one');
select results_eq($$select s ->> 'check_name', (s ->> 'failing_since')::timestamptz, (s ->> 'failing_runs')::int
                      from user_sync.get_dashboard_summary(), pg_catalog.jsonb_array_elements(streaks) s order by 1$$,
                  $$values ('count_parity'::text, '2032-01-11 00:00+00'::timestamptz, 2), ('ghost_users', '2032-01-11 00:00+00', 2),
                           ('trigger_enabled', '2032-01-12 00:00+00', 1)$$,
                  'each failing check''s streak over full runs: since when and in how many');
select is((select (last_auto_repair_at, last_auto_repaired)::text from user_sync.get_dashboard_summary()),
          (select ('2032-01-11 00:02+00'::timestamptz, 3::bigint)::text),
          'the newest automatic repair: its newest batch, and the users of its batches since the run that started it');

reset role;
update user_sync.monitoring_log set checked_at = checked_at + (pg_catalog.now() - '2032-01-13'::timestamptz);
set local role user_sync_monitor;
select results_eq($$select r.n from user_sync.get_dashboard_history(7) h join r using (run_id) order by h.checked_at desc$$,
                  $$values (4), (2), (1)$$,
                  'the history: full runs newest first, no incremental run');
select results_eq($$select r.n from user_sync.get_dashboard_history(2) h join r using (run_id) order by h.checked_at desc$$,
                  $$values (4), (2)$$,
                  'only the days asked for');
select throws_ok($$select * from user_sync.get_dashboard_history(0)$$, '22023', null, 'days 0 is rejected');
select throws_ok($$select * from user_sync.get_dashboard_history(367)$$, '22023', null, 'more than 366 days is rejected');
reset role;

-- Ledger rows: run 2's alert delivered to email (oncall) and failed on slack (data-eng); a
-- monitor_failed alert without a run, being sent; the monthly report's delivery.
insert into user_sync.alert_deliveries (alert_id, receiver, channel, status, claimed_at, delivered_at, attempts, last_status_code)
select pg_catalog.replace(run_id::text, '-', '') || ':ghost_users:firing', 'oncall', 'email', 'delivered', null::timestamptz, pg_catalog.now() + interval '1 hour', 1, 202
  from r where n = 2
union all
select pg_catalog.replace(run_id::text, '-', '') || ':ghost_users:firing', 'data-eng', 'slack', 'claimed', null, null, 3, 500
  from r where n = 2
union all
select '0123456789abcdef0123456789abcdef:monitor_failed:firing', 'oncall', 'pagerduty', 'claimed', pg_catalog.now() + interval '2 hours', null, 1, null
union all
select 'report:test:2032-01', 'default', 'email', 'delivered', null, pg_catalog.now() + interval '3 hours', 1, 202;

set local role user_sync_monitor;
select results_eq($$select check_name, alert_status, receiver, channel, outcome, attempts from user_sync.get_dashboard_deliveries(10)$$,
                  $$values ('monitor_failed'::text, 'firing'::text, 'oncall'::text, 'pagerduty'::text, 'sending'::text, 1),
                           ('ghost_users', 'firing', 'oncall', 'email', 'delivered', 1),
                           ('ghost_users', 'firing', 'data-eng', 'slack', 'failed', 3)$$,
                  'the deliveries newest first, per receiver and channel, with the outcome; not the report''s');
reset role;
select is((select happened_at from user_sync.get_dashboard_deliveries(10) where channel = 'slack'),
          (select checked_at from user_sync.monitoring_log l join r using (run_id) where r.n = 2),
          'a delivery that never arrived is dated by the run that raised it');
set local role user_sync_monitor;
select is((select count(*)::int from user_sync.get_dashboard_deliveries(1)), 1, 'max_rows bounds the rows');
select throws_ok($$select * from user_sync.get_dashboard_deliveries(1001)$$, '22023', null, 'more than 1000 rows is rejected');
select is((select (deliveries, delivery_attempts) from user_sync.get_dashboard_version())::text, '(4,6)',
          'the change mark counts the ledger''s rows and attempts');
reset role;
select is((select last_run_id from user_sync.get_dashboard_version()), (select pg_catalog.max(id) from user_sync.monitoring_log),
          'the change mark names the newest run');

-- The runs recorded since a time, for the app's cache of recent runs (migration ..._dashboard_recent_runs.sql).
create temporary table since_at as
  select l.checked_at from user_sync.monitoring_log l join r using (run_id) where r.n = 2;
grant select on since_at, r to user_sync_monitor;
set local role user_sync_monitor;
select results_eq($$select s.run_id from user_sync.get_report_runs_since((select checked_at from since_at), 10) s$$,
                  $$select run_id from r where n >= 2 order by n$$,
                  'the runs at and after since_at, in order, without the ones before');
select results_eq($$select s.run_id from user_sync.get_report_runs_since((select checked_at from since_at), 2) s$$,
                  $$select run_id from r where n in (2, 3) order by n$$,
                  'max_rows bounds them, oldest first');
select is((select count(*)::int from user_sync.get_report_runs_since(pg_catalog.now() + interval '1 day', 10)), 0,
          'nothing after the newest run');
select throws_ok($$select * from user_sync.get_report_runs_since(null, 10)$$, '22023', null, 'since_at must be given');
select throws_ok($$select * from user_sync.get_report_runs_since(pg_catalog.now(), 0)$$, '22023', null, 'max_rows must be at least 1');
reset role;

set local role authenticated;
select throws_ok($$select * from user_sync.get_dashboard_summary()$$, '42501', null, 'authenticated cannot call get_dashboard_summary');
reset role;

select * from finish();
rollback;
