-- Supabase Auth's own migrations can alter auth.users with every UserSync trigger installed
-- (migration ..._profile_follows_auth_changes.sql): no UserSync object depends on a column of
-- auth.users in a way that blocks Auth's DDL. Each statement runs as supabase_auth_admin, the role
-- Auth's migrator connects as, on the columns UserSync reads; signups and updates made in the same
-- session, which fired both triggers before the changes, keep working after them (the trigger
-- functions keep their plans per session, and every plan that reads a field of auth.users is
-- invalidated by the table's ALTER).
--
-- Runs as the superuser (supabase_admin). User ids: 08000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(17);

-- Test scaffolding only: lets supabase_auth_admin resolve pgTAP's functions in schema extensions.
grant usage on schema extensions to supabase_auth_admin;

select is((select count(*)::int from pg_catalog.pg_trigger
            where tgrelid = 'auth.users'::regclass and tgname in ('on_auth_user_created', 'on_auth_user_updated')),
          2, 'both UserSync triggers are installed');
select is_empty($$select t.tgname, a.attname
                    from pg_catalog.pg_depend d
                    join pg_catalog.pg_trigger t on d.classid = 'pg_catalog.pg_trigger'::regclass and d.objid = t.oid
                    join pg_catalog.pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                   where d.refobjid = 'auth.users'::regclass and d.refobjsubid > 0 and not t.tgisinternal$$,
                'no trigger on auth.users depends on one of its columns (no column list, no WHEN clause)');

set local role supabase_auth_admin;
select standin.sign_up('before@example.com', '{"full_name": "Before"}', now(), null, '08000000-0000-0000-0000-000000000001');
select standin.change_email('08000000-0000-0000-0000-000000000001', 'before-changed@example.com');
select standin.sign_in('08000000-0000-0000-0000-000000000001');

-- Type changes of every column UserSync reads. Auth changed phone from varchar(15) to text once;
-- the others get a change of the same kind (a wider or different type, or a type modifier).
select lives_ok($$alter table auth.users alter column email type text$$, 'Auth can change the type of email');
-- Auth's own generated column confirmed_at pins email_confirmed_at, so Auth would recreate it around the change.
select lives_ok($$alter table auth.users drop column confirmed_at;
                  alter table auth.users alter column email_confirmed_at type timestamptz(3);
                  alter table auth.users add column confirmed_at timestamptz
                    generated always as (least(email_confirmed_at, phone_confirmed_at)) stored$$,
                'Auth can change the type of email_confirmed_at');
select lives_ok($$alter table auth.users alter column deleted_at type timestamptz(3)$$, 'Auth can change the type of deleted_at');
select lives_ok($$alter table auth.users alter column created_at type timestamptz(3)$$, 'Auth can change the type of created_at');
select lives_ok($$alter table auth.users alter column updated_at type timestamptz(3)$$, 'Auth can change the type of updated_at');
select lives_ok($$alter table auth.users alter column raw_user_meta_data type jsonb using raw_user_meta_data::text::jsonb$$,
                'Auth can rewrite raw_user_meta_data');
select lives_ok($$alter table auth.users alter column id type uuid using id::text::uuid$$,
                'Auth can rewrite id (the profiles'' foreign key follows)');

-- A column added and dropped.
select lives_ok($$alter table auth.users add column usersync_probe text$$, 'Auth can add a column');
select lives_ok($$alter table auth.users drop column usersync_probe$$, 'Auth can drop a column');

-- The same session goes on signing up, confirming, changing and deleting.
select lives_ok($$select standin.sign_up('after@example.com', '{"full_name": "After"}', now(), null, '08000000-0000-0000-0000-000000000002')$$,
                'a signup after the changes succeeds');
select lives_ok($$select standin.change_email('08000000-0000-0000-0000-000000000001', 'after-changed@example.com')$$,
                'an email change after the changes succeeds');
select lives_ok($$select standin.update_metadata('08000000-0000-0000-0000-000000000002', '{"full_name": "After Renamed"}')$$,
                'a metadata change after the changes succeeds');
reset role;

select results_eq($$select id::text, email, full_name from public.users where id::text like '08000000-%' order by id$$,
                  $$values ('08000000-0000-0000-0000-000000000001', 'after-changed@example.com'::text, 'Before'::text),
                           ('08000000-0000-0000-0000-000000000002', 'after@example.com', 'After Renamed')$$,
                  'the profiles followed every change made after the DDL');
select is((select count(*)::int from user_sync.check_ghost_users()), 0, 'no ghost');
select is(user_sync.trigger_state(), 'enabled', 'the signup trigger is still enabled');

select * from finish();
rollback;
