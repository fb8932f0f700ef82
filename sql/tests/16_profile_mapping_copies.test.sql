-- The signup trigger and the ghost repair map an auth row to its profile with their own copy of
-- user_sync.profile_values' expressions (migration ..._profile_sync_without_helper_calls.sql: a
-- call of the function per row cost more than the rest of the work). This holds the copies equal
-- to the function, case by case: every metadata shape the guards treat differently, a
-- soft-deleted row, missing email and timestamps.
--
-- Runs as the superuser (supabase_admin). User ids: 16000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(6);

create temp table mapping_cases (n int primary key, email text, meta jsonb, deleted boolean, created timestamptz, updated timestamptz);
insert into mapping_cases values
  (1, 'plain@example.com', '{"full_name": "Ann", "avatar_url": "https://img.example/a.png"}', false, '2022-01-01 00:00:00+00', '2022-01-02 00:00:00+00'),
  (2, 'Mixed.Case@example.com', '{"full_name": "  Spaced Name  ", "picture": " https://img.example/p.png "}', false, '2022-01-01 00:00:00+00', null),
  (3, null, '{"name": "Fallback", "full_name": null, "avatar_url": null, "picture": "https://img.example/f.png"}', false, null, null),
  (4, 'nums@example.com', '{"full_name": 42, "name": true, "avatar_url": ["a"], "picture": {"url": "x"}}', false, '2022-01-01 00:00:00+00', '2022-01-01 00:00:00+00'),
  (5, 'long@example.com', jsonb_build_object('full_name', repeat('n', 2000), 'avatar_url', repeat('u', 1500)), false, '2022-01-01 00:00:00+00', null),
  (6, 'array@example.com', '["full_name", "Ann"]', false, '2022-01-01 00:00:00+00', null),
  (7, 'scalar@example.com', '"full_name"', false, '2022-01-01 00:00:00+00', null),
  (8, 'null-meta@example.com', null, false, '2022-01-01 00:00:00+00', null),
  (9, 'empty@example.com', '{}', false, '2022-01-01 00:00:00+00', null),
  (10, 'hash-of-someone', '{"full_name": "Gone", "avatar_url": "https://img.example/g.png"}', true, '2022-01-01 00:00:00+00', '2022-02-01 00:00:00+00'),
  (11, 'blank@example.com', '{"full_name": "   ", "name": "Not Used", "avatar_url": ""}', false, '2022-01-01 00:00:00+00', null);

-- What user_sync.profile_values makes of each case's auth row.
create temp view expected as
select v.* from auth.users a cross join lateral user_sync.profile_values(a) v
 where a.id::text like '16000000-%';

-- The signup trigger.
insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, created_at, updated_at, deleted_at)
select '00000000-0000-0000-0000-000000000000', ('16000000-0000-0000-0000-' || lpad(c.n::text, 12, '0'))::uuid,
       'authenticated', 'authenticated', c.email, c.meta, c.created, c.updated, case when c.deleted then '2022-03-01 00:00:00+00'::timestamptz end
  from mapping_cases c;
select is((select count(*)::int from public.users where id::text like '16000000-%'), 11, 'the signup trigger made a profile for every case');
-- A null created_at or updated_at maps to now(): the same value within this transaction.
select set_eq($$select * from public.users where id::text like '16000000-%'$$, $$select * from expected$$,
              'the signup trigger''s profile is user_sync.profile_values'' mapping, for every case');
select ok((select count(*) = 11 and count(*) filter (where full_name is not null) = 5
             from public.users where id::text like '16000000-%'),
          'arrangement: the cases reach both sides of the guards (5 names kept, 6 null)');

-- The ghost repair: the same rows without profiles.
delete from public.users where id::text like '16000000-%';
select is((select count(*)::int from user_sync.repair_ghost_users(100, false, '15ffffff-ffff-ffff-ffff-ffffffffffff'::uuid, 'pgtap')
            where user_id::text like '16000000-%'),
          11, 'the repair repaired every case');
select set_eq($$select * from public.users where id::text like '16000000-%'$$, $$select * from expected$$,
              'the repair''s profile is user_sync.profile_values'' mapping, for every case');
select is((select affected_count from user_sync.cleanup_audit_log where details ->> 'requested_by' = 'pgtap'), 11,
          'the repair audited its batch');

select * from finish();
rollback;
