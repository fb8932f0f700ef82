-- Ghost users (auth.users rows without a profile) are found and repaired in bounded, audited
-- batches (migration ..._backfill_ghost_users.sql).
--
-- Runs as the superuser (supabase_admin). Ghosts are made the two ways they happen:
--   A, B  signups during a data-only restore (session_replication_role = replica skips triggers);
--   C     a signup while the trigger is disabled.
-- User ids: 03000000-0000-0000-0000-0000000000NN; ghosts A, B, C are 01, 02, 03 (id order),
-- the healthy user H is 10.
begin;
create extension if not exists pgtap with schema extensions;
select plan(27);

-- What was there before this test, so the assertions only count what the test did.
create temp table baseline on commit drop as
select (select coalesce(max(id), 0) from user_sync.cleanup_audit_log) as audit_max_id,
       (select count(*) from public.users) as profiles;

set local role supabase_auth_admin;
select standin.sign_up('healthy@example.com', '{}', '2022-01-10 00:00:00+00', null, '03000000-0000-0000-0000-000000000010');
reset role;

set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('a@example.com', '{"full_name": "Ann"}', '2022-01-01 00:00:00+00', null, '03000000-0000-0000-0000-000000000001');
select standin.sign_up(null, '{}', '2022-01-02 00:00:00+00', '+15550000302', '03000000-0000-0000-0000-000000000002');
reset role;
set local session_replication_role = origin;

alter table auth.users disable trigger on_auth_user_created;
set local role supabase_auth_admin;
select standin.sign_up('c@example.com', '{"avatar_url": "https://img.example/c.png"}', '2022-01-03 00:00:00+00', null,
                       '03000000-0000-0000-0000-000000000003');
reset role;
alter table auth.users enable trigger on_auth_user_created;

-- Detection.

select set_eq($$select user_id from user_sync.check_ghost_users()$$,
              array['03000000-0000-0000-0000-000000000001', '03000000-0000-0000-0000-000000000002',
                    '03000000-0000-0000-0000-000000000003']::uuid[],
              'check_ghost_users lists exactly the ghosts from a replica-mode restore and a disabled trigger');
select results_eq($$select user_id, email, created_at from user_sync.check_ghost_users()$$,
                  $$values ('03000000-0000-0000-0000-000000000001'::uuid, 'a@example.com'::text, '2022-01-01 00:00:00+00'::timestamptz),
                           ('03000000-0000-0000-0000-000000000002', null, '2022-01-02 00:00:00+00'),
                           ('03000000-0000-0000-0000-000000000003', 'c@example.com', '2022-01-03 00:00:00+00')$$,
                  'check_ghost_users gives each ghost''s email and created_at, in id order');

-- Keyset paging: each page starts after the last id of the previous one.

select results_eq($$select user_id from user_sync.check_ghost_users(2)$$,
                  array['03000000-0000-0000-0000-000000000001', '03000000-0000-0000-0000-000000000002']::uuid[],
                  'the first page of check_ghost_users holds max_rows ghosts from the start');
select results_eq($$select user_id from user_sync.check_ghost_users(2, '03000000-0000-0000-0000-000000000002')$$,
                  array['03000000-0000-0000-0000-000000000003']::uuid[],
                  'the next page starts right after after_id, skipping and repeating nothing');
select is_empty($$select from user_sync.check_ghost_users(2, '03000000-0000-0000-0000-000000000003')$$,
                'the page after the last ghost is empty');
select results_eq($$select user_id from user_sync.check_ghost_users(null, '03000000-0000-0000-0000-000000000001')$$,
                  array['03000000-0000-0000-0000-000000000002', '03000000-0000-0000-0000-000000000003']::uuid[],
                  'max_rows null pages to the end');

-- Dry run.

select set_eq($$select user_id, created_at, repaired from user_sync.repair_ghost_users(100, true)$$,
              $$values ('03000000-0000-0000-0000-000000000001'::uuid, '2022-01-01 00:00:00+00'::timestamptz, false),
                       ('03000000-0000-0000-0000-000000000002', '2022-01-02 00:00:00+00', false),
                       ('03000000-0000-0000-0000-000000000003', '2022-01-03 00:00:00+00', false)$$,
              'a dry run lists every ghost as not repaired');
select results_eq($$select user_id from user_sync.repair_ghost_users(2, true)$$,
                  array['03000000-0000-0000-0000-000000000001', '03000000-0000-0000-0000-000000000002']::uuid[],
                  'a dry run lists at most batch_size ghosts');
select is((select count(*)::int from public.users where id in ('03000000-0000-0000-0000-000000000001',
           '03000000-0000-0000-0000-000000000002', '03000000-0000-0000-0000-000000000003')),
          0, 'a dry run creates no profile');
select is((select count(*)::int from user_sync.cleanup_audit_log, baseline where id > baseline.audit_max_id),
          0, 'a dry run writes no audit row');

-- Parameters are checked before anything is read or written.

select throws_ok($$select * from user_sync.repair_ghost_users(0, false)$$, '22023', null,
                 'batch_size 0 is rejected as invalid_parameter_value');
select throws_ok($$select * from user_sync.repair_ghost_users(null, false)$$, '22023', null,
                 'batch_size null is rejected as invalid_parameter_value');
select throws_ok($$select * from user_sync.repair_ghost_users(100001, false)$$, '22023', null,
                 'batch_size above 100000 is rejected as invalid_parameter_value');
select throws_ok($$select * from user_sync.repair_ghost_users(100, null)$$, '22023', null,
                 'dry_run null is rejected as invalid_parameter_value');
select lives_ok($$select * from user_sync.repair_ghost_users(1, true)$$, 'batch_size 1 is accepted');
select lives_ok($$select * from user_sync.repair_ghost_users(100000, true)$$, 'batch_size 100000 is accepted');

-- Repair in batches of 2: 2, then 1, then nothing.

select results_eq($$select user_id, created_at, repaired from user_sync.repair_ghost_users(2, false)$$,
                  $$values ('03000000-0000-0000-0000-000000000001'::uuid, '2022-01-01 00:00:00+00'::timestamptz, true),
                           ('03000000-0000-0000-0000-000000000002', '2022-01-02 00:00:00+00', true)$$,
                  'the first batch repairs the first batch_size ghosts');
select results_eq($$select user_id, created_at, repaired from user_sync.repair_ghost_users(2, false)$$,
                  $$values ('03000000-0000-0000-0000-000000000003'::uuid, '2022-01-03 00:00:00+00'::timestamptz, true)$$,
                  'the next batch repairs the rest');
select is_empty($$select from user_sync.repair_ghost_users(2, false)$$,
                'a batch with no ghost left repairs nothing');

select results_eq($$select id, email, full_name, avatar_url, created_at from public.users
                    where id in ('03000000-0000-0000-0000-000000000001', '03000000-0000-0000-0000-000000000002',
                                 '03000000-0000-0000-0000-000000000003')
                    order by id$$,
                  $$values ('03000000-0000-0000-0000-000000000001'::uuid, 'a@example.com'::text, 'Ann'::text, null::text,
                            '2022-01-01 00:00:00+00'::timestamptz),
                           ('03000000-0000-0000-0000-000000000002', null, null, null, '2022-01-02 00:00:00+00'),
                           ('03000000-0000-0000-0000-000000000003', 'c@example.com', null, 'https://img.example/c.png',
                            '2022-01-03 00:00:00+00')$$,
                  'repaired profiles are mapped like a signup and keep the auth row''s created_at');
select is((select count(*) from public.users) - (select profiles from baseline), 4::bigint,
          'repair creates exactly the ghosts'' profiles (3) besides the healthy signup (1)');
select is_empty($$select from user_sync.check_ghost_users()$$, 'no ghost is left after the repair');

-- Audit: one row per batch that repaired something.

select results_eq($$select action, performed_by, affected_count, affected_ids
                      from user_sync.cleanup_audit_log, baseline
                     where id > baseline.audit_max_id order by id$$,
                  $$values ('backfill_ghost_users'::text, session_user::text collate "default", 2,
                            array['03000000-0000-0000-0000-000000000001', '03000000-0000-0000-0000-000000000002']::uuid[]),
                           ('backfill_ghost_users', session_user::text collate "default", 1,
                            array['03000000-0000-0000-0000-000000000003']::uuid[])$$,
                  'each repairing batch writes one audit row with action, performer, count and ids');
select ok((select bool_and(performed_at is not null and details ->> 'batch_size' = '2')
             from user_sync.cleanup_audit_log, baseline where id > baseline.audit_max_id),
          'audit rows record when and with which batch_size');

-- A second run is a no-op.

select is_empty($$select from user_sync.repair_ghost_users(100, false)$$, 'a second run repairs nothing');
select is((select count(*)::int from user_sync.cleanup_audit_log, baseline where id > baseline.audit_max_id),
          2, 'a second run writes no audit row');
select is((select count(*) from public.users) - (select profiles from baseline), 4::bigint,
          'a second run creates no profile');

select * from finish();
rollback;
