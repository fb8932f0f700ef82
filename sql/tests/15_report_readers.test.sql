-- The success-metrics report's facts (migration ..._success_metrics_report.sql): the earliest
-- ghost's created_at recorded by a run, and the three period readers the monitor calls.
--
-- Runs as the superuser (supabase_admin). Runs are inserted directly, in 2031, after anything else.
begin;
create extension if not exists pgtap with schema extensions;
select plan(21);

grant usage on schema extensions to user_sync_monitor;

-- A recorded run that finds ghosts notes the earliest one's created_at; a healthy one notes nothing.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('early@example.com', '{}', '2030-06-01 10:00+00'),
       standin.sign_up('late@example.com', '{}', '2030-06-03 10:00+00');
reset role;
set local session_replication_role = origin;
select is((select oldest_ghost_created_at from user_sync.record_user_sync_metrics('test')), '2030-06-01 10:00+00'::timestamptz,
          'a run that finds ghosts records the earliest created_at among them');
select * from user_sync.repair_ghost_users(10, false, null);
select is((select oldest_ghost_created_at from user_sync.record_user_sync_metrics('test')), null,
          'a run that finds no ghost records none');
delete from user_sync.monitoring_log;
delete from user_sync.cleanup_audit_log;

create function pg_temp.run(at timestamptz, ghosts bigint, oldest timestamptz default null, trigger_state text default 'enabled')
returns uuid language sql as $$
  insert into user_sync.monitoring_log (checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles,
                                        count_difference, trigger_state, trigger_enabled, checks, duration_ms, source, oldest_ghost_created_at)
  select at, user_sync.overall_status(c.checks), 100 + ghosts, 100, ghosts, 0, ghosts, trigger_state,
         trigger_state = 'enabled', c.checks, 1, 'timer', oldest
    from (select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(e)) as checks
            from user_sync.evaluate_checks(ghosts, 0, 100 + ghosts, 100, trigger_state) e) c
  returning run_id
$$;
create temp table r on commit drop as
select 1 as n, pg_temp.run('2031-01-10', 0) as run_id
union all select 2, pg_temp.run('2031-01-20', 2, '2031-01-19 12:00+00')
union all select 3, pg_temp.run('2031-01-31', 3, '2031-01-19 12:00+00')
union all select 4, pg_temp.run('2031-02-05', 0)
union all select 5, pg_temp.run('2031-02-10', 0, null, 'disabled')
union all select 6, pg_temp.run('2031-03-01', 0);
grant select on r to user_sync_monitor;

select is((select oldest_ghost_created_at from user_sync.monitoring_log l join r using (run_id) where r.n = 2),
          '2031-01-19 12:00+00'::timestamptz, 'a row inserted with the earliest ghost already set keeps it');

-- Audit rows: a manual repair (no requested_by), an automatic one, one outside the period.
insert into user_sync.cleanup_audit_log (action, performed_at, affected_count, details) values
  ('backfill_ghost_users', '2031-01-31 00:10+00', 3, '{"batch_size": 100}'),
  ('backfill_ghost_users', '2031-02-06 00:00+00', 2, '{"batch_size": 100, "requested_by": "auto-repair"}'),
  ('backfill_ghost_users', '2031-03-02 00:00+00', 1, '{"batch_size": 100}');

-- Ledger rows: run 3's firing alert delivered to email, failed on slack; a monitor_failed alert
-- (no run) delivered in February; one delivered in March.
insert into user_sync.alert_deliveries (alert_id, receiver, channel, status, claimed_at, delivered_at, attempts, last_status_code)
select pg_catalog.replace(run_id::text, '-', '') || ':ghost_users:firing', 'default', 'email', 'delivered', null::timestamptz, '2031-01-31 00:01+00'::timestamptz, 1, 202
  from r where n = 3
union all
select pg_catalog.replace(run_id::text, '-', '') || ':ghost_users:firing', 'default', 'slack', 'claimed', null, null, 5, 500
  from r where n = 3
union all
select '0123456789abcdef0123456789abcdef:monitor_failed:firing', 'default', 'slack', 'delivered', null, '2031-02-12 00:00+00', 2, 200
union all
select 'report:test:2031-01', 'default', 'email', 'delivered', null, '2031-02-01 06:00+00', 1, 202
union all
select pg_catalog.replace(run_id::text, '-', '') || ':trigger_enabled:firing', 'default', 'pagerduty', 'delivered', null, '2031-03-01 00:01+00', 1, 202
  from r where n = 6;

set local role user_sync_monitor;
select results_eq($$select r.n from user_sync.get_report_runs('2031-02-01', '2031-03-01') l join r using (run_id) order by l.checked_at$$,
                  $$values (1), (2), (3), (4), (5)$$,
                  'a period that starts inside a ghost incident gets the runs since the check last passed, that run included');
select results_eq($$select r.n from user_sync.get_report_runs('2031-02-07', '2031-03-01') l join r using (run_id) order by l.checked_at$$,
                  $$values (4), (5)$$,
                  'a period that starts healthy gets the last run before it (its starting state) and its own');
select results_eq($$select r.n from user_sync.get_report_runs('2031-01-01', '2031-01-15') l join r using (run_id) order by l.checked_at$$,
                  $$values (1)$$,
                  'nothing before the first run: the period''s runs only');
select results_eq($$select r.n from user_sync.get_report_runs('2031-03-01', '2031-04-01') l join r using (run_id) order by l.checked_at$$,
                  $$values (4), (5), (6)$$,
                  'to_at is exclusive, from_at inclusive; a failing trigger before the period carries its last pass in');
select is((select count(*)::int from user_sync.get_report_runs('2031-02-01', '2031-03-01') where oldest_ghost_created_at is not null), 2,
          'the runs carry the earliest ghost''s created_at');

select results_eq($$select action, affected_count, requested_by from user_sync.get_report_audit('2031-01-01', '2031-03-01')$$,
                  $$values ('backfill_ghost_users'::text, 3, null::text), ('backfill_ghost_users', 2, 'auto-repair')$$,
                  'the period''s audit rows in order, with who asked (null: before the key existed)');
select is_empty($$select from user_sync.get_report_audit('2031-04-01', '2031-05-01')$$, 'a period without repairs has no audit rows');

select results_eq($$select check_name, alert_status, channel, delivered, attempts
                      from user_sync.get_report_deliveries('2031-01-01', '2031-02-01')$$,
                  $$values ('ghost_users'::text, 'firing'::text, 'email'::text, true, 1), ('ghost_users', 'firing', 'slack', false, 5)$$,
                  'the deliveries of the period''s alerts, delivered or not');
select results_eq($$select check_name, channel, delivered from user_sync.get_report_deliveries('2031-02-01', '2031-03-01')$$,
                  $$values ('monitor_failed'::text, 'slack'::text, true)$$,
                  'an alert without a recorded run counts in the period it was delivered in; the report''s own delivery does not');
select results_eq($$select check_name, channel from user_sync.get_report_deliveries('2031-03-01', '2031-04-01')$$,
                  $$values ('trigger_enabled'::text, 'pagerduty'::text)$$,
                  'a run''s alert belongs to the run''s period');

select throws_ok($$select * from user_sync.get_report_runs('2031-02-01', '2031-02-01')$$, '22023', null, 'an empty period is rejected');
select throws_ok($$select * from user_sync.get_report_runs('2031-02-01', '2031-01-01')$$, '22023', null, 'a reversed period is rejected');
select throws_ok($$select * from user_sync.get_report_runs(null, '2031-01-01')$$, '22023', null, 'a period without a start is rejected');
select throws_ok($$select * from user_sync.get_report_audit('2030-01-01', '2031-02-01')$$, '22023', null, 'a period over 366 days is rejected');
select throws_ok($$select * from user_sync.get_report_deliveries('2031-01-01', null)$$, '22023', null, 'a period without an end is rejected');
select throws_ok($$select from user_sync.monitoring_log$$, '42501', null, 'the monitor still reads monitoring_log only through functions');
reset role;

set local role anon;
select throws_ok($$select * from user_sync.get_report_runs('2031-01-01', '2031-02-01')$$, '42501', null, 'anon cannot call get_report_runs');
reset role;
set local role authenticated;
select throws_ok($$select * from user_sync.get_report_deliveries('2031-01-01', '2031-02-01')$$, '42501', null, 'authenticated cannot call get_report_deliveries');
reset role;

select * from finish();
rollback;
