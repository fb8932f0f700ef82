-- Repair batches and ghost/orphan pages resume after a cursor (migration ..._keyset_ghost_repair.sql):
-- repair_ghost_users(batch_size, dry_run, after_id) repairs the next ghosts after after_id, and
-- check_ghost_users / check_orphaned_profiles page by after_id without rereading earlier ids.
--
-- Runs as the superuser (supabase_admin). Ghosts are made during a data-only restore
-- (session_replication_role = replica skips the trigger), orphans by writing profiles the same way
-- (replica also skips the foreign key's check).
-- Ids: the nil UUID (a ghost at the very start of the key space), ghosts G1..G5 =
-- 07000000-0000-0000-0000-0000000000{01..05}, healthy H = ...10, orphans O1, O2 = ...21, ...22.
begin;
create extension if not exists pgtap with schema extensions;
select plan(23);

create temp table baseline on commit drop as
select (select coalesce(max(id), 0) from user_sync.cleanup_audit_log) as audit_max_id;

set local role supabase_auth_admin;
select standin.sign_up('h@example.com', '{}', '2022-07-10 00:00:00+00', null, '07000000-0000-0000-0000-000000000010');
reset role;

set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('g' || g || '@example.com', '{}', timestamptz '2022-07-01 00:00:00+00' + g * interval '1 day', null,
                       ('07000000-0000-0000-0000-00000000000' || g)::uuid)
  from generate_series(1, 5) g;
reset role;
insert into public.users (id, email, created_at)
values ('07000000-0000-0000-0000-000000000021', 'o1@example.com', '2022-07-21 00:00:00+00'),
       ('07000000-0000-0000-0000-000000000022', 'o2@example.com', '2022-07-22 00:00:00+00');
set local session_replication_role = origin;

-- Ghost pages.

select results_eq($$select user_id, email, created_at from user_sync.check_ghost_users(2, '07000000-0000-0000-0000-000000000002')$$,
                  $$values ('07000000-0000-0000-0000-000000000003'::uuid, 'g3@example.com'::text, '2022-07-04 00:00:00+00'::timestamptz),
                           ('07000000-0000-0000-0000-000000000004', 'g4@example.com', '2022-07-05 00:00:00+00')$$,
                  'a ghost page starts right after after_id and holds max_rows ghosts with email and created_at');
select results_eq($$select user_id from user_sync.check_ghost_users(null, '07000000-0000-0000-0000-000000000004')$$,
                  array['07000000-0000-0000-0000-000000000005']::uuid[],
                  'the last ghost page ends at the last ghost');
select is_empty($$select from user_sync.check_ghost_users(10, 'ffffffff-ffff-ffff-ffff-ffffffffffff')$$,
                'a cursor at the largest UUID gives an empty page');
select results_eq($$select user_id from user_sync.check_ghost_users(3, '07000000-0000-0000-0000-000000000001')$$,
                  array['07000000-0000-0000-0000-000000000002', '07000000-0000-0000-0000-000000000003',
                        '07000000-0000-0000-0000-000000000004']::uuid[],
                  'the healthy user and the orphans never appear in a ghost page');

-- A ghost with the nil UUID: the cursor's lower bound must not skip the smallest key.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('nil@example.com', '{}', '2022-06-30 00:00:00+00', null, '00000000-0000-0000-0000-000000000000');
reset role;
set local session_replication_role = origin;
select results_eq($$select user_id from user_sync.check_ghost_users(1)$$,
                  array['00000000-0000-0000-0000-000000000000']::uuid[],
                  'the first page (no cursor) starts at the nil UUID');
select results_eq($$select user_id from user_sync.check_ghost_users(1, '00000000-0000-0000-0000-000000000000')$$,
                  array['07000000-0000-0000-0000-000000000001']::uuid[],
                  'a cursor at the nil UUID excludes it');

-- Orphan pages.

select results_eq($$select profile_id, email, created_at from user_sync.check_orphaned_profiles(1)$$,
                  $$values ('07000000-0000-0000-0000-000000000021'::uuid, 'o1@example.com'::text, '2022-07-21 00:00:00+00'::timestamptz)$$,
                  'the first orphan page starts at the first orphan');
select results_eq($$select profile_id from user_sync.check_orphaned_profiles(1, '07000000-0000-0000-0000-000000000021')$$,
                  array['07000000-0000-0000-0000-000000000022']::uuid[],
                  'the next orphan page starts right after after_id');
select is_empty($$select from user_sync.check_orphaned_profiles(1, '07000000-0000-0000-0000-000000000022')$$,
                'the orphan page after the last orphan is empty');

-- Parameters of the three-argument repair are checked like the two-argument one's.

select throws_ok($$select * from user_sync.repair_ghost_users(0, false, null)$$, '22023', null,
                 'batch_size 0 is rejected with a cursor too');
select throws_ok($$select * from user_sync.repair_ghost_users(10, null, null)$$, '22023', null,
                 'dry_run null is rejected with a cursor too');

-- Dry run after a cursor.

select results_eq($$select user_id, created_at, repaired from user_sync.repair_ghost_users(2, true, '07000000-0000-0000-0000-000000000001')$$,
                  $$values ('07000000-0000-0000-0000-000000000002'::uuid, '2022-07-03 00:00:00+00'::timestamptz, false),
                           ('07000000-0000-0000-0000-000000000003', '2022-07-04 00:00:00+00', false)$$,
                  'a dry run after a cursor lists the next batch_size ghosts as not repaired');

-- Repair by cursor: G2, G3, then G4, G5, then nothing; the ghosts before the first cursor stay.

select results_eq($$select user_id, created_at, repaired from user_sync.repair_ghost_users(2, false, '07000000-0000-0000-0000-000000000001')$$,
                  $$values ('07000000-0000-0000-0000-000000000002'::uuid, '2022-07-03 00:00:00+00'::timestamptz, true),
                           ('07000000-0000-0000-0000-000000000003', '2022-07-04 00:00:00+00', true)$$,
                  'a batch after a cursor repairs the next batch_size ghosts, in id order, with their created_at');
select results_eq($$select user_id from user_sync.check_ghost_users()$$,
                  array['00000000-0000-0000-0000-000000000000', '07000000-0000-0000-0000-000000000001',
                        '07000000-0000-0000-0000-000000000004', '07000000-0000-0000-0000-000000000005']::uuid[],
                  'the ghosts at or before the cursor are left alone');
select results_eq($$select user_id from user_sync.repair_ghost_users(2, false, '07000000-0000-0000-0000-000000000003')$$,
                  array['07000000-0000-0000-0000-000000000004', '07000000-0000-0000-0000-000000000005']::uuid[],
                  'the next cursor (the last id returned) repairs the next batch');
select is_empty($$select from user_sync.repair_ghost_users(2, false, '07000000-0000-0000-0000-000000000005')$$,
                'a batch after the last ghost repairs nothing');
select results_eq($$select affected_ids, details ->> 'after_id', (details ->> 'batch_size')::int
                      from user_sync.cleanup_audit_log, baseline where id > baseline.audit_max_id order by id$$,
                  $$values (array['07000000-0000-0000-0000-000000000002', '07000000-0000-0000-0000-000000000003']::uuid[],
                            '07000000-0000-0000-0000-000000000001'::text, 2),
                           (array['07000000-0000-0000-0000-000000000004', '07000000-0000-0000-0000-000000000005']::uuid[],
                            '07000000-0000-0000-0000-000000000003', 2)$$,
                  'each repairing batch is audited with its ids, its cursor and its batch_size; an empty one is not');

-- The two-argument form is the first batch: it starts from the nil UUID again.

select results_eq($$select user_id from user_sync.repair_ghost_users(10, false)$$,
                  array['00000000-0000-0000-0000-000000000000', '07000000-0000-0000-0000-000000000001']::uuid[],
                  'repair_ghost_users(batch_size, dry_run) starts from the beginning of the key space');
select ok((select details ? 'after_id' and details -> 'after_id' = 'null'::jsonb
             from user_sync.cleanup_audit_log order by id desc limit 1),
          'a batch from the start is audited with a null cursor');
select is_empty($$select from user_sync.check_ghost_users()$$, 'no ghost is left');
select is((select count(*)::int from user_sync.cleanup_audit_log, baseline where id > baseline.audit_max_id),
          3, 'three repairing batches, three audit rows');
select is((select count(*)::int from public.users where id::text like '07000000-%' or id = '00000000-0000-0000-0000-000000000000'),
          9, 'six repaired profiles, the healthy one and the two orphans: nothing duplicated');
select results_eq($$select profile_id from user_sync.check_orphaned_profiles()$$,
                  array['07000000-0000-0000-0000-000000000021', '07000000-0000-0000-0000-000000000022']::uuid[],
                  'repairs leave the orphans alone');

select * from finish();
rollback;
