-- Signups get their profile in the same transaction (migration ..._create_user_sync_trigger.sql).
--
-- Runs as the superuser (supabase_admin); every signup is made as supabase_auth_admin, the role
-- Supabase Auth connects as, through the stand-in's standin.sign_up (tests/Shared/supabase).
-- User ids: 11111111-... is Ann; 01000000-0000-0000-0000-0000000000NN are the others.
begin;
create extension if not exists pgtap with schema extensions;
select plan(34);

-- Test scaffolding only: lets supabase_auth_admin resolve pgTAP's functions (lives_ok, throws_ok)
-- in schema extensions. It grants nothing on auth or public and is rolled back with the test.
grant usage on schema extensions to supabase_auth_admin;

-- The trigger and its function, as Supabase needs them.

select trigger_is('auth', 'users', 'on_auth_user_created', 'public', 'handle_new_user',
                  'on_auth_user_created on auth.users executes public.handle_new_user()');
select is((select tgtype::int from pg_catalog.pg_trigger
            where tgrelid = 'auth.users'::regclass and tgname = 'on_auth_user_created'),
          5, 'on_auth_user_created fires AFTER INSERT FOR EACH ROW (tgtype 5 = row | insert, not before)');
select is((select tgenabled::text from pg_catalog.pg_trigger
            where tgrelid = 'auth.users'::regclass and tgname = 'on_auth_user_created'),
          'O', 'on_auth_user_created is enabled for ordinary sessions');
select is_definer('public', 'handle_new_user', '{}'::name[],
                  'handle_new_user is security definer (Supabase Auth inserts as supabase_auth_admin)');
select function_owner_is('public', 'handle_new_user', '{}'::name[], 'postgres',
                         'handle_new_user is owned by postgres');
select is((select proconfig from pg_catalog.pg_proc where oid = 'public.handle_new_user()'::regprocedure),
          array['search_path=""'], 'handle_new_user runs with search_path = ''''');

-- A plain email signup.

set local role supabase_auth_admin;
select standin.sign_up('ann@example.com', '{"full_name": "Ann"}', '2020-01-02 03:04:05+00', null,
                       '11111111-1111-1111-1111-111111111111');
reset role;

select is((select created_at from public.users where id = '11111111-1111-1111-1111-111111111111'),
          '2020-01-02 03:04:05+00'::timestamptz, 'profile keeps the auth row''s created_at');
select is((select full_name from public.users where id = '11111111-1111-1111-1111-111111111111'),
          'Ann', 'full_name comes from raw_user_meta_data');
select is((select email from public.users where id = '11111111-1111-1111-1111-111111111111'),
          'ann@example.com', 'profile gets the signup''s email');
select is((select count(*)::int from user_sync.check_ghost_users()), 0, 'a signup leaves no ghost');

-- Signups without an email.

set local role supabase_auth_admin;
select standin.sign_up(null, '{}', '2020-02-01 00:00:00+00', '+15550000002',
                       '01000000-0000-0000-0000-000000000002');
select standin.sign_up(null, '{}', '2020-02-01 00:00:00+00', null,
                       '01000000-0000-0000-0000-000000000003', false, true);
reset role;

select ok(exists (select from public.users
                   where id = '01000000-0000-0000-0000-000000000002' and email is null),
          'a phone signup (no email) gets a profile with a null email');
select ok(exists (select from public.users
                   where id = '01000000-0000-0000-0000-000000000003' and email is null),
          'an anonymous signup (is_anonymous, no email) gets a profile with a null email');

-- raw_user_meta_data is user-supplied: no shape of it may fail a signup.

set local role supabase_auth_admin;
select standin.sign_up('meta-empty@example.com', '{}', now(), null, '01000000-0000-0000-0000-000000000010');
select standin.sign_up('meta-json-null@example.com', 'null'::jsonb, now(), null, '01000000-0000-0000-0000-000000000011');
select standin.sign_up('meta-sql-null@example.com', null, now(), null, '01000000-0000-0000-0000-000000000012');
select standin.sign_up('meta-array@example.com', '["Ann", {"full_name": "Ann"}]', now(), null, '01000000-0000-0000-0000-000000000013');
select standin.sign_up('meta-string@example.com', '"Ann"', now(), null, '01000000-0000-0000-0000-000000000014');
select standin.sign_up('meta-number@example.com', '{"full_name": 42, "avatar_url": 7}', now(), null, '01000000-0000-0000-0000-000000000015');
select standin.sign_up('meta-nested@example.com', '{"full_name": {"first": "Ann", "last": "Lee"}}', now(), null, '01000000-0000-0000-0000-000000000016');
select standin.sign_up('meta-name@example.com', '{"name": "Bob"}', now(), null, '01000000-0000-0000-0000-000000000017');
select standin.sign_up('meta-both@example.com', '{"full_name": "Ann", "name": "Bob"}', now(), null, '01000000-0000-0000-0000-000000000018');
select standin.sign_up('meta-odd-full@example.com', '{"full_name": ["Ann"], "name": "Bob"}', now(), null, '01000000-0000-0000-0000-000000000019');
select standin.sign_up('meta-avatar@example.com', '{"avatar_url": "https://img.example/a.png"}', now(), null, '01000000-0000-0000-0000-000000000020');
select standin.sign_up('meta-picture@example.com', '{"picture": "https://img.example/p.png"}', now(), null, '01000000-0000-0000-0000-000000000021');
select standin.sign_up('meta-long@example.com', jsonb_build_object('full_name', repeat('x', 5000)), now(), null,
                       '01000000-0000-0000-0000-000000000022');
reset role;

select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000010'
                     and full_name is null and avatar_url is null),
          'metadata {} gives a profile without name or avatar');
select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000011'
                     and full_name is null and avatar_url is null),
          'metadata JSON null gives a profile without name or avatar');
select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000012'
                     and full_name is null and avatar_url is null),
          'metadata SQL NULL gives a profile without name or avatar');
select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000013'
                     and full_name is null),
          'metadata that is a JSON array gives a profile without a name');
select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000014'
                     and full_name is null),
          'metadata that is a JSON string gives a profile without a name');
select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000015'
                     and full_name is null and avatar_url is null),
          'a number as full_name or avatar_url is ignored, not cast');
select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000016'
                     and full_name is null),
          'a nested object as full_name is ignored');
select is((select full_name from public.users where id = '01000000-0000-0000-0000-000000000017'),
          'Bob', 'name is the fallback when full_name is absent');
select is((select full_name from public.users where id = '01000000-0000-0000-0000-000000000018'),
          'Ann', 'full_name wins over name');
select is((select full_name from public.users where id = '01000000-0000-0000-0000-000000000019'),
          'Bob', 'name is the fallback when full_name is not a string');
select is((select avatar_url from public.users where id = '01000000-0000-0000-0000-000000000020'),
          'https://img.example/a.png', 'avatar_url comes from raw_user_meta_data');
select is((select avatar_url from public.users where id = '01000000-0000-0000-0000-000000000021'),
          'https://img.example/p.png', 'picture is the fallback for avatar_url');
select is((select full_name from public.users where id = '01000000-0000-0000-0000-000000000022'),
          repeat('x', 1024), 'a very long full_name is cut to 1024 characters');

-- GoTrue inserts with role '' and sets the role in a second statement; the insert alone must do.

set local role supabase_auth_admin;
insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', '01000000-0000-0000-0000-000000000030', 'authenticated', '',
        'empty-role@example.com', '{}', '2020-03-01 00:00:00+00', '2020-03-01 00:00:00+00');
reset role;

select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000030'),
          'an insert with role = '''' (before GoTrue sets the role) already has its profile');

-- A profile that exists before its signup (the app created it) is kept as it is.
-- The foreign key is checked by a trigger, which replica mode skips: that is how the row gets in first.

set local session_replication_role = replica;
insert into public.users (id, email, full_name, created_at, updated_at)
values ('01000000-0000-0000-0000-000000000040', 'app@example.com', 'Made By The App',
        '2019-01-01 00:00:00+00', '2019-01-01 00:00:00+00');
set local session_replication_role = origin;

set local role supabase_auth_admin;
select lives_ok($$select standin.sign_up('auth@example.com', '{"full_name": "From Auth"}', '2020-04-01 00:00:00+00',
                                         null, '01000000-0000-0000-0000-000000000040')$$,
                'a signup whose profile already exists succeeds');
reset role;

select ok(exists (select from auth.users where id = '01000000-0000-0000-0000-000000000040'),
          'the signup whose profile already existed wrote its auth row');
select results_eq($$select email, full_name, created_at from public.users
                    where id = '01000000-0000-0000-0000-000000000040'$$,
                  $$values ('app@example.com'::text, 'Made By The App'::text, '2019-01-01 00:00:00+00'::timestamptz)$$,
                  'an existing profile is not overwritten by the signup');

-- Decision: an unexpected failure of the profile insert blocks the signup (no ghost is created).
-- Simulated with a unique index on email that an app might add; SSO users may share an email.

create unique index pgtap_users_email_unique on public.users (email);

set local role supabase_auth_admin;
select standin.sign_up('shared@corp.example', '{}', now(), null, '01000000-0000-0000-0000-000000000050', true);
select throws_ok($$select standin.sign_up('shared@corp.example', '{}', now(), null,
                                          '01000000-0000-0000-0000-000000000051', true)$$,
                 '23505', null,
                 'a signup whose profile insert fails is rejected with the profile error');
reset role;

select ok(not exists (select from auth.users where id = '01000000-0000-0000-0000-000000000051'),
          'a rejected signup leaves no auth row behind (no ghost)');
select ok(exists (select from public.users where id = '01000000-0000-0000-0000-000000000050'),
          'the signup before it keeps its profile');

drop index public.pgtap_users_email_unique;

-- SSO users share emails: both get a profile.

set local role supabase_auth_admin;
select standin.sign_up('team@sso.example', '{}', now(), null, '01000000-0000-0000-0000-000000000060', true);
select standin.sign_up('team@sso.example', '{}', now(), null, '01000000-0000-0000-0000-000000000061', true);
reset role;

select set_eq($$select id from public.users where email = 'team@sso.example'$$,
              array['01000000-0000-0000-0000-000000000060', '01000000-0000-0000-0000-000000000061']::uuid[],
              'two SSO users with the same email both get a profile');

select is((select count(*)::int from user_sync.check_ghost_users()), 0, 'none of these signups left a ghost');

select * from finish();
rollback;
