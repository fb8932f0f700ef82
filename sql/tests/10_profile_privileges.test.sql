-- Each role's reach into a public.users that UserSync created (migrations 0100 and
-- ..._profile_table_privileges.sql): anon has nothing; authenticated reads its own row and
-- updates its own full_name and avatar_url, through RLS policies, and nothing else.
--
-- Runs as the superuser (supabase_admin); API roles are played with set local role and the JWT
-- claims PostgREST sets (request.jwt.claims). User ids: 0a000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(25);

-- Test scaffolding only: lets the API roles resolve pgTAP's functions in schema extensions
-- (Supabase already grants them usage there).
set local role supabase_auth_admin;
select standin.sign_up('me@example.com', '{"full_name": "Me"}', now(), null, '0a000000-0000-0000-0000-000000000001');
select standin.sign_up('other@example.com', '{"full_name": "Other"}', now(), null, '0a000000-0000-0000-0000-000000000002');
reset role;

select table_privs_are('public', 'users', 'anon', '{}'::text[], 'anon holds no privilege on public.users');
select table_privs_are('public', 'users', 'authenticated', array['SELECT'],
                       'authenticated holds only SELECT on the table (and UPDATE of two columns)');
select is((select array_agg(attname::text order by attname) from pg_catalog.pg_attribute
            where attrelid = 'public.users'::regclass and attnum > 0
              and has_column_privilege('authenticated', 'public.users'::regclass, attnum, 'UPDATE')),
          array['avatar_url', 'full_name'], 'authenticated may update only full_name and avatar_url');
select policies_are('public', 'users', array['users_select_own', 'users_update_own'], 'public.users has the two own-row policies');
select policy_roles_are('public', 'users', 'users_select_own', array['authenticated'], 'the read policy is for authenticated');
select policy_cmd_is('public', 'users', 'users_update_own', 'update', 'the update policy covers updates');

-- anon: nothing, TRUNCATE included (RLS does not restrict TRUNCATE).
set local role anon;
select throws_ok($$truncate public.users$$, '42501', null, 'anon cannot truncate public.users');
select throws_ok($$select from public.users$$, '42501', null, 'anon cannot read public.users');
select throws_ok($$insert into public.users (id) values (gen_random_uuid())$$, '42501', null, 'anon cannot insert into public.users');
select throws_ok($$update public.users set full_name = 'x'$$, '42501', null, 'anon cannot update public.users');
select throws_ok($$delete from public.users$$, '42501', null, 'anon cannot delete from public.users');
reset role;

-- authenticated, signed in as 0a...01.
select set_config('request.jwt.claims', '{"sub": "0a000000-0000-0000-0000-000000000001", "role": "authenticated"}', true);
set local role authenticated;
select results_eq($$select id::text, full_name from public.users$$,
                  $$values ('0a000000-0000-0000-0000-000000000001', 'Me'::text)$$,
                  'a signed-in user reads their own row and no other');
select lives_ok($$update public.users set full_name = 'Me Renamed', avatar_url = 'https://img.example/me.png'$$,
                'a signed-in user updates full_name and avatar_url');
select throws_ok($$update public.users set email = 'forged@example.com' where id = '0a000000-0000-0000-0000-000000000001'$$,
                 '42501', null, 'a signed-in user cannot change the email (it comes from Auth)');
select throws_ok($$update public.users set created_at = now()$$, '42501', null, 'a signed-in user cannot change created_at');
select throws_ok($$insert into public.users (id) values ('0a000000-0000-0000-0000-000000000002')$$, '42501', null,
                 'a signed-in user cannot insert a row');
select throws_ok($$delete from public.users$$, '42501', null, 'a signed-in user cannot delete rows');
select throws_ok($$truncate public.users$$, '42501', null, 'a signed-in user cannot truncate');
select lives_ok($$update public.users set full_name = 'Hijacked' where id = '0a000000-0000-0000-0000-000000000002'$$,
                'an update of another user''s row runs');
reset role;
select results_eq($$select id::text, full_name, avatar_url from public.users where id::text like '0a000000-%' order by id$$,
                  $$values ('0a000000-0000-0000-0000-000000000001', 'Me Renamed'::text, 'https://img.example/me.png'::text),
                           ('0a000000-0000-0000-0000-000000000002', 'Other', null)$$,
                  'only the caller''s own row changed: the other user''s row was invisible to the update');

-- Without a JWT (or with another user's), authenticated sees nothing.
select set_config('request.jwt.claims', '', true);
set local role authenticated;
select is_empty($$select from public.users$$, 'authenticated without claims reads no row');
reset role;

-- The policies evaluate auth.uid() once per statement, and the table keeps RLS on.
select is_empty($$select polname from pg_catalog.pg_policy
                   where polrelid = 'public.users'::regclass
                     and (pg_catalog.pg_get_expr(polqual, polrelid) ~* '(?<!select )auth\.uid\(\)'
                          or pg_catalog.pg_get_expr(polwithcheck, polrelid) ~* '(?<!select )auth\.uid\(\)')$$,
                'every policy wraps auth.uid() in a subselect');
select ok((select relrowsecurity from pg_catalog.pg_class where oid = 'public.users'::regclass), 'public.users has RLS enabled');

-- service_role (the app's server key) keeps Supabase's defaults and bypasses RLS.
set local role service_role;
select is((select count(*)::int from public.users where id::text like '0a000000-%'), 2, 'service_role reads every row');
reset role;

select is(obj_description('public.users'::regclass, 'pg_class') ~ '^usersync:created', true,
          'the table carries the mark of a table UserSync created');

select * from finish();
rollback;
