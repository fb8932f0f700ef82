-- The alert delivery ledger and the failure streaks behind the repeat policy
-- (migration ..._create_alert_delivery_ledger.sql).
--
-- Runs as the superuser (supabase_admin), switching to user_sync_monitor where the monitor's view
-- matters. Staging an expired lease or a run history writes the tables directly.
begin;
create extension if not exists pgtap with schema extensions;
select plan(41);

-- Claims.

select is(user_sync.claim_alert_delivery('a1', 'oncall', 'email', '5 minutes'), 'claimed', 'the first claim of an alert and channel wins');
select is(user_sync.claim_alert_delivery('a1', 'oncall', 'email', '5 minutes'), 'busy', 'a second claim while the first is unexpired is busy');
select is(user_sync.claim_alert_delivery('a1', 'oncall', 'slack', '5 minutes'), 'claimed', 'claims are per channel');
select results_eq($$select status, attempts, claimed_at is not null from user_sync.alert_deliveries where alert_id = 'a1' and channel = 'email'$$,
                  $$values ('claimed'::text, 1, true)$$, 'a claim records the attempt and when it was taken');

select lives_ok($$select user_sync.complete_alert_delivery('a1', 'oncall', 'email', true, 202, 'accepted')$$, 'completing a delivered send');
select results_eq($$select status, delivered_at is not null, last_status_code, last_detail from user_sync.alert_deliveries
                     where alert_id = 'a1' and channel = 'email'$$,
                  $$values ('delivered'::text, true, 202, 'accepted'::text)$$, 'a delivered send is final, with its status and detail');
select is(user_sync.claim_alert_delivery('a1', 'oncall', 'email', '5 minutes'), 'delivered', 'a delivered channel is never claimed again');

-- Receivers: the same alert and channel for another receiver is another delivery (a receiver added
-- later gets the alert; the one that had it is not sent it again).

select is(user_sync.claim_alert_delivery('a1', 'infra', 'email', '5 minutes'), 'claimed', 'claims are per receiver: another receiver''s email is its own delivery');
select lives_ok($$select user_sync.complete_alert_delivery('a1', 'infra', 'email', true, 202, null)$$, 'completing the second receiver''s send');
select results_eq($$select receiver, status from user_sync.alert_deliveries where alert_id = 'a1' and channel = 'email' order by receiver$$,
                  $$values ('infra'::text, 'delivered'::text), ('oncall', 'delivered')$$, 'each receiver has its own delivered row');

-- A failed send releases the claim: the next try claims it at once and the history stays.

select lives_ok($$select user_sync.complete_alert_delivery('a1', 'oncall', 'slack', false, 503, 'service unavailable')$$, 'completing a failed send');
select results_eq($$select status, claimed_at is null, attempts, last_status_code, last_detail from user_sync.alert_deliveries
                     where alert_id = 'a1' and channel = 'slack'$$,
                  $$values ('claimed'::text, true, 1, 503, 'service unavailable'::text)$$,
                  'a failed send releases the claim and keeps attempts and the last answer');
select is(user_sync.claim_alert_delivery('a1', 'oncall', 'slack', '5 minutes'), 'claimed', 'a released claim is claimed again at once');
select is((select attempts from user_sync.alert_deliveries where alert_id = 'a1' and channel = 'slack'), 2, 'the retry counts as a second attempt');
select is(user_sync.claim_alert_delivery('a1', 'oncall', 'slack', '5 minutes'), 'busy', 'the retried claim is held again');

-- A dispatcher that died mid-send: its claim expires and is taken over.

update user_sync.alert_deliveries set claimed_at = claimed_at - interval '10 minutes' where alert_id = 'a1' and channel = 'slack';
select is(user_sync.claim_alert_delivery('a1', 'oncall', 'slack', '5 minutes'), 'claimed', 'an expired claim is taken over');
select is(user_sync.claim_alert_delivery('a1', 'oncall', 'slack', '5 minutes'), 'busy', 'the taken-over claim is held');
select lives_ok($$select user_sync.complete_alert_delivery('a1', 'oncall', 'email', false, 500, 'late failure')$$,
                'a late failure for a delivered channel is accepted');
select is((select status from user_sync.alert_deliveries where alert_id = 'a1' and receiver = 'oncall' and channel = 'email'), 'delivered',
          'and leaves the delivery final');

-- Arguments.

select throws_ok($$select user_sync.claim_alert_delivery(null, 'oncall', 'email', '5 minutes')$$, '22023', null, 'claim rejects a null alert_id');
select throws_ok($$select user_sync.claim_alert_delivery('', 'oncall', 'email', '5 minutes')$$, '22023', null, 'claim rejects an empty alert_id');
select throws_ok($$select user_sync.claim_alert_delivery('a2', 'oncall', 'E-Mail!', '5 minutes')$$, '22023', null, 'claim rejects a malformed channel');
select throws_ok($$select user_sync.claim_alert_delivery('a2', 'On Call', 'email', '5 minutes')$$, '22023', null, 'claim rejects a malformed receiver');
select throws_ok($$select user_sync.complete_alert_delivery('a1', null, 'email', true, 200, null)$$, '22023', null, 'complete rejects a null receiver');
select throws_ok($$select user_sync.claim_alert_delivery('a2', 'oncall', 'email', '0 seconds')$$, '22023', null, 'claim rejects a lease that is not positive');
select throws_ok($$select user_sync.claim_alert_delivery('a2', 'oncall', 'email', null)$$, '22023', null, 'claim rejects a null lease');
select throws_ok($$select user_sync.complete_alert_delivery('a2', 'oncall', 'email', true, 200, null)$$, '22023', null, 'complete rejects a delivery never claimed');
select throws_ok($$select user_sync.complete_alert_delivery('a1', 'oncall', 'slack', null, 200, null)$$, '22023', null, 'complete rejects a null outcome');
select throws_ok($$select user_sync.complete_alert_delivery('a1', 'oncall', 'slack', true, 42, null)$$, '22023', null, 'complete rejects a status that is not HTTP');

-- Failure streaks (the repeat policy): runs of the given sources since the check last passed.

delete from user_sync.monitoring_log;
insert into user_sync.monitoring_log (checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles, count_difference,
                                      trigger_state, trigger_enabled, checks, duration_ms, source)
select t.at, 'critical', 1, 1, 0, 0, 0, 'enabled', true,
       pg_catalog.jsonb_build_array(
         pg_catalog.jsonb_build_object('check_name', 'ghost_users', 'severity', 'critical', 'passed', t.ghosts_pass, 'observed', '0', 'expected', '0'),
         pg_catalog.jsonb_build_object('check_name', 'trigger_enabled', 'severity', 'critical', 'passed', t.trigger_pass, 'observed', 'enabled', 'expected', 'enabled')),
       1, t.source
  from (values ('2026-01-01 02:00+00'::timestamptz, false, true, 'timer'),
               ('2026-01-02 02:00+00', true, true, 'timer'),
               ('2026-01-03 02:00+00', false, false, 'timer'),
               ('2026-01-03 09:00+00', true, false, 'cli'),
               ('2026-01-04 02:00+00', false, false, 'timer'),
               ('2026-01-05 02:00+00', false, true, 'timer')) t(at, ghosts_pass, trigger_pass, source);

select results_eq($$select check_name, failing_since, failing_runs from user_sync.get_failure_streaks(array['timer'])$$,
                  $$values ('ghost_users'::text, '2026-01-03 02:00+00'::timestamptz, 3)$$,
                  'a check failing in the newest timer run has failed since the run after its last pass (a cli pass does not count)');
select results_eq($$select check_name, failing_since, failing_runs from user_sync.get_failure_streaks(null)$$,
                  $$values ('ghost_users'::text, '2026-01-04 02:00+00'::timestamptz, 2)$$,
                  'with every source, the cli pass ends the earlier streak');
select is_empty($$select from user_sync.get_failure_streaks(array['http'])$$, 'no run of the sources, no streak');
select throws_ok($$select * from user_sync.get_failure_streaks('{}')$$, '22023', null, 'an empty source list is rejected');

-- Privileges: the API roles reach nothing, the monitor reaches the functions but not the table.

set local role anon;
select throws_ok($$select user_sync.claim_alert_delivery('a3', 'oncall', 'email', '5 minutes')$$, '42501', null, 'anon cannot claim a delivery');
select throws_ok($$select user_sync.complete_alert_delivery('a1', 'oncall', 'slack', true, 200, null)$$, '42501', null, 'anon cannot complete a delivery');
reset role;
set local role authenticated;
select throws_ok($$select user_sync.claim_alert_delivery('a3', 'oncall', 'email', '5 minutes')$$, '42501', null, 'authenticated cannot claim a delivery');
select throws_ok($$select * from user_sync.get_failure_streaks()$$, '42501', null, 'authenticated cannot read failure streaks');
reset role;

grant usage on schema extensions to user_sync_monitor;
set local role user_sync_monitor;
select is(user_sync.claim_alert_delivery('a3', 'oncall', 'pagerduty', '5 minutes'), 'claimed', 'the monitor claims a delivery');
select lives_ok($$select user_sync.complete_alert_delivery('a3', 'oncall', 'pagerduty', true, 202, null)$$, 'the monitor completes a delivery');
select throws_ok($$select from user_sync.alert_deliveries$$, '42501', null, 'the monitor reaches alert_deliveries only through the functions');
reset role;

select ok((select relrowsecurity from pg_catalog.pg_class where oid = 'user_sync.alert_deliveries'::regclass),
          'alert_deliveries has row level security enabled');

select * from finish();
rollback;
