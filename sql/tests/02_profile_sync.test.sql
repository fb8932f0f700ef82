-- The profile follows later changes of its auth row (migration ..._sync_user_profile_changes.sql).
--
-- Runs as the superuser (supabase_admin); Supabase Auth's writes are made as supabase_auth_admin.
-- User ids: 02000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(20);

-- The trigger and its function.

select trigger_is('auth', 'users', 'on_auth_user_updated', 'public', 'handle_user_updated',
                  'on_auth_user_updated on auth.users executes public.handle_user_updated()');
select is((select tgtype::int from pg_catalog.pg_trigger
            where tgrelid = 'auth.users'::regclass and tgname = 'on_auth_user_updated'),
          17, 'on_auth_user_updated fires AFTER UPDATE FOR EACH ROW (tgtype 17 = row | update, not before)');
select is_definer('public', 'handle_user_updated', '{}'::name[],
                  'handle_user_updated is security definer (Supabase Auth updates as supabase_auth_admin)');
select function_owner_is('public', 'handle_user_updated', '{}'::name[], 'postgres',
                         'handle_user_updated is owned by postgres');
select is((select proconfig from pg_catalog.pg_proc where oid = 'public.handle_user_updated()'::regprocedure),
          array['search_path=""'], 'handle_user_updated runs with search_path = ''''');

set local role supabase_auth_admin;
select standin.sign_up('old@example.com', '{"full_name": "Ann"}', '2021-01-01 00:00:00+00', null,
                       '02000000-0000-0000-0000-000000000001');
reset role;

-- Email change.

update public.users set updated_at = '2000-01-01 00:00:00+00' where id = '02000000-0000-0000-0000-000000000001';
set local role supabase_auth_admin;
update auth.users set email = 'new@example.com', updated_at = now() where id = '02000000-0000-0000-0000-000000000001';
reset role;

select is((select email from public.users where id = '02000000-0000-0000-0000-000000000001'),
          'new@example.com', 'an email change is copied to the profile');
select cmp_ok((select updated_at from public.users where id = '02000000-0000-0000-0000-000000000001'),
              '>', '2000-01-01 00:00:00+00'::timestamptz, 'an email change stamps the profile''s updated_at');
select is((select created_at from public.users where id = '02000000-0000-0000-0000-000000000001'),
          '2021-01-01 00:00:00+00'::timestamptz, 'an email change keeps the profile''s created_at');

-- Email confirmation.

set local role supabase_auth_admin;
update auth.users set email_confirmed_at = '2021-01-02 03:04:05+00' where id = '02000000-0000-0000-0000-000000000001';
reset role;

select is((select email_confirmed_at from public.users where id = '02000000-0000-0000-0000-000000000001'),
          '2021-01-02 03:04:05+00'::timestamptz, 'an email confirmation is copied to the profile');

-- Updates the profile does not care about leave it alone.

update public.users set updated_at = '2000-01-01 00:00:00+00' where id = '02000000-0000-0000-0000-000000000001';
set local role supabase_auth_admin;
update auth.users set last_sign_in_at = now(), updated_at = now() where id = '02000000-0000-0000-0000-000000000001';
reset role;

select is((select updated_at from public.users where id = '02000000-0000-0000-0000-000000000001'),
          '2000-01-01 00:00:00+00'::timestamptz, 'a sign-in (last_sign_in_at) does not touch the profile');

set local role supabase_auth_admin;
update auth.users set email = email, email_confirmed_at = email_confirmed_at
 where id = '02000000-0000-0000-0000-000000000001';
reset role;

select is((select updated_at from public.users where id = '02000000-0000-0000-0000-000000000001'),
          '2000-01-01 00:00:00+00'::timestamptz, 'rewriting the same email does not touch the profile');

-- Soft delete: GoTrue replaces the email with a hash and sets deleted_at.

set local role supabase_auth_admin;
select standin.sign_up('leaving@example.com', '{}', '2021-02-01 00:00:00+00', null,
                       '02000000-0000-0000-0000-000000000002');
select standin.soft_delete('02000000-0000-0000-0000-000000000002');
reset role;

select ok(exists (select from auth.users where id = '02000000-0000-0000-0000-000000000002'
                     and deleted_at is not null and email is not null and email <> 'leaving@example.com'),
          'a soft delete keeps the auth row with a hashed email');
select ok(exists (select from public.users where id = '02000000-0000-0000-0000-000000000002'),
          'a soft delete keeps the profile row (the auth row still exists)');
select ok(exists (select from public.users where id = '02000000-0000-0000-0000-000000000002' and email is null),
          'a soft delete clears the profile''s email');
select ok(not exists (select from public.users p join auth.users a using (id)
                       where id = '02000000-0000-0000-0000-000000000002' and p.email = a.email),
          'a soft delete never copies the hash into the profile');

-- An email change heals a ghost (an auth row without profile, here from a data-only restore).

set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('ghost@example.com', '{"full_name": "Gus"}', '2021-03-01 00:00:00+00', null,
                       '02000000-0000-0000-0000-000000000003');
reset role;
set local session_replication_role = origin;

select ok(not exists (select from public.users where id = '02000000-0000-0000-0000-000000000003'),
          'a signup in replica mode leaves a ghost (arrangement holds)');

set local role supabase_auth_admin;
update auth.users set email = 'ghost-new@example.com' where id = '02000000-0000-0000-0000-000000000003';
reset role;

select results_eq($$select email, full_name, created_at from public.users
                    where id = '02000000-0000-0000-0000-000000000003'$$,
                  $$values ('ghost-new@example.com'::text, 'Gus'::text, '2021-03-01 00:00:00+00'::timestamptz)$$,
                  'an email change of a ghost creates its full profile with the original created_at');
select is((select count(*)::int from user_sync.check_ghost_users()), 0, 'the healed ghost is no longer a ghost');

-- Deleting the auth row (a hard delete) removes the profile.

set local role supabase_auth_admin;
delete from auth.users where id = '02000000-0000-0000-0000-000000000001';
reset role;

select ok(not exists (select from public.users where id = '02000000-0000-0000-0000-000000000001'),
          'deleting the auth row deletes its profile');
select ok(exists (select from public.users where id = '02000000-0000-0000-0000-000000000002'),
          'deleting one auth row leaves other profiles alone');

select * from finish();
rollback;
