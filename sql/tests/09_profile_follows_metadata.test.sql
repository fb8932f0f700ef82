-- The profile follows the user's metadata and a soft delete scrubs it (migration
-- ..._profile_follows_auth_changes.sql). Every write is made as Supabase Auth makes it, as
-- supabase_auth_admin, through the stand-in (tests/Shared/supabase/database.sql).
--
-- Runs as the superuser (supabase_admin). User ids: 09000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(19);

-- Test scaffolding only: lets supabase_auth_admin resolve pgTAP's functions in schema extensions.
grant usage on schema extensions to supabase_auth_admin;

set local role supabase_auth_admin;
select standin.sign_up('ann@example.com', '{"full_name": "Ann", "avatar_url": "https://img.example/ann.png"}',
                       '2023-01-01 00:00:00+00', null, '09000000-0000-0000-0000-000000000001');
select standin.update_metadata('09000000-0000-0000-0000-000000000001', '{"full_name": "Ann Lee"}');
reset role;

select results_eq($$select full_name, avatar_url from public.users where id = '09000000-0000-0000-0000-000000000001'$$,
                  $$values ('Ann Lee'::text, 'https://img.example/ann.png'::text)$$,
                  'a new full_name in the metadata reaches the profile; the avatar stays');

set local role supabase_auth_admin;
select standin.update_metadata('09000000-0000-0000-0000-000000000001', '{"avatar_url": "https://img.example/ann-2.png"}');
reset role;
select is((select avatar_url from public.users where id = '09000000-0000-0000-0000-000000000001'),
          'https://img.example/ann-2.png', 'a new avatar_url reaches the profile');

set local role supabase_auth_admin;
select standin.update_metadata('09000000-0000-0000-0000-000000000001', '{"avatar_url": null, "picture": "https://img.example/p.png"}');
reset role;
select is((select avatar_url from public.users where id = '09000000-0000-0000-0000-000000000001'),
          'https://img.example/p.png', 'the picture fallback applies to updates as to signups');

-- The same guards as the signup: odd metadata never fails the update and gives null.
set local role supabase_auth_admin;
select lives_ok($$select standin.update_metadata('09000000-0000-0000-0000-000000000001', '{"full_name": {"first": "Ann"}}')$$,
                'a nested object as full_name does not fail the update');
reset role;
select is((select full_name from public.users where id = '09000000-0000-0000-0000-000000000001'), null,
          'a full_name that is not a string clears the profile''s name');
set local role supabase_auth_admin;
select standin.update_metadata('09000000-0000-0000-0000-000000000001', jsonb_build_object('full_name', repeat('y', 3000)));
reset role;
select is((select full_name from public.users where id = '09000000-0000-0000-0000-000000000001'), repeat('y', 1024),
          'a very long full_name is cut to 1024 characters, as at signup');

set local role supabase_auth_admin;
select standin.update_metadata('09000000-0000-0000-0000-000000000001', '{"full_name": null, "name": "Ann L."}');
reset role;
select is((select full_name from public.users where id = '09000000-0000-0000-0000-000000000001'),
          'Ann L.', 'the name fallback applies to updates as to signups');

-- A change the user made to their own profile stays until that field changes in Auth.
update public.users set full_name = 'Edited In The App' where id = '09000000-0000-0000-0000-000000000001';
set local role supabase_auth_admin;
select standin.confirm_email('09000000-0000-0000-0000-000000000001', '2023-01-02 00:00:00+00');
select standin.sign_in('09000000-0000-0000-0000-000000000001');
reset role;
select results_eq($$select full_name, email_confirmed_at from public.users where id = '09000000-0000-0000-0000-000000000001'$$,
                  $$values ('Edited In The App'::text, '2023-01-02 00:00:00+00'::timestamptz)$$,
                  'a confirmation (which adds email_verified to the metadata) and a sign-in leave an edited name alone');

update public.users set updated_at = '2000-01-01 00:00:00+00' where id = '09000000-0000-0000-0000-000000000001';
set local role supabase_auth_admin;
select standin.sign_in('09000000-0000-0000-0000-000000000001');
select standin.update_metadata('09000000-0000-0000-0000-000000000001', '{"theme": "dark"}');
reset role;
select is((select updated_at from public.users where id = '09000000-0000-0000-0000-000000000001'),
          '2000-01-01 00:00:00+00'::timestamptz, 'a sign-in and a metadata key UserSync does not copy do not touch the profile');

-- A soft delete scrubs every personal field UserSync copied, whatever it holds; the row stays.
set local role supabase_auth_admin;
select standin.sign_up('bob@example.com', '{"name": "Bob", "picture": "https://img.example/bob.png"}',
                       '2023-02-01 00:00:00+00', '+15550000001', '09000000-0000-0000-0000-000000000002');
select standin.confirm_email('09000000-0000-0000-0000-000000000002', '2023-02-02 00:00:00+00');
reset role;
update public.users set full_name = 'Bob Edited' where id = '09000000-0000-0000-0000-000000000002';
set local role supabase_auth_admin;
select standin.soft_delete('09000000-0000-0000-0000-000000000002');
reset role;

select ok((select deleted_at is not null and raw_user_meta_data = '{}' from auth.users where id = '09000000-0000-0000-0000-000000000002'),
          'arrangement: Auth soft-deleted the user (deleted_at set, metadata emptied)');
select results_eq($$select email, full_name, avatar_url from public.users where id = '09000000-0000-0000-0000-000000000002'$$,
                  $$values (null::text, null::text, null::text)$$,
                  'a soft delete clears the profile''s email, full_name and avatar_url (even an edited name)');
select results_eq($$select created_at, email_confirmed_at from public.users where id = '09000000-0000-0000-0000-000000000002'$$,
                  $$values ('2023-02-01 00:00:00+00'::timestamptz, '2023-02-02 00:00:00+00'::timestamptz)$$,
                  'the scrubbed row keeps its id and timestamps');
select is((select count(*)::int from user_sync.check_orphaned_profiles()), 0, 'the scrubbed profile is no orphan');

-- A repair of a soft-deleted ghost copies nothing personal either.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('cy@example.com', '{"full_name": "Cy"}', '2023-03-01 00:00:00+00', null, '09000000-0000-0000-0000-000000000003');
reset role;
update auth.users set deleted_at = now(), email = 'hash-of-cy' where id = '09000000-0000-0000-0000-000000000003';
set local session_replication_role = origin;
select lives_ok($$select * from user_sync.repair_ghost_users(100, false)$$, 'the ghosts are repaired');
select results_eq($$select email, full_name from public.users where id = '09000000-0000-0000-0000-000000000003'$$,
                  $$values (null::text, null::text)$$,
                  'a repaired soft-deleted ghost gets a profile without email or name');

-- Metadata changes heal a ghost like an email change does.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('dee@example.com', '{}', '2023-04-01 00:00:00+00', null, '09000000-0000-0000-0000-000000000004');
reset role;
set local session_replication_role = origin;
set local role supabase_auth_admin;
select standin.update_metadata('09000000-0000-0000-0000-000000000004', '{"full_name": "Dee"}');
reset role;
select results_eq($$select email, full_name, created_at from public.users where id = '09000000-0000-0000-0000-000000000004'$$,
                  $$values ('dee@example.com'::text, 'Dee'::text, '2023-04-01 00:00:00+00'::timestamptz)$$,
                  'a name change of a ghost creates its whole profile with the original created_at');

-- The update trigger fires after every update and decides inside (no column list, no WHEN).
select is((select tgtype::int from pg_catalog.pg_trigger where tgrelid = 'auth.users'::regclass and tgname = 'on_auth_user_updated'),
          17, 'on_auth_user_updated fires AFTER UPDATE FOR EACH ROW');
select ok((select tgattr = '' and tgqual is null from pg_catalog.pg_trigger
            where tgrelid = 'auth.users'::regclass and tgname = 'on_auth_user_updated'),
          'on_auth_user_updated has no column list and no WHEN clause');
select is((select count(*)::int from user_sync.check_ghost_users()), 0, 'no ghost is left');

select * from finish();
rollback;
