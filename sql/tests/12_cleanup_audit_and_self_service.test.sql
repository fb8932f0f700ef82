-- The monitor pages the cleanup audit log (migration ..._cleanup_audit_reader.sql), and a
-- signed-in user creates their own missing profile, and only theirs (migration
-- ..._self_service_profile.sql).
--
-- Runs as the superuser (supabase_admin). User ids: 0c000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(30);

grant usage on schema extensions to user_sync_monitor;
create temp table baseline on commit drop as
select (select coalesce(max(id), 0) from user_sync.cleanup_audit_log) as audit_max_id;
grant select on baseline to user_sync_monitor;

-- Three ghosts (a data-only restore skips the trigger), then two repair batches.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('g' || g || '@example.com', '{"full_name": "G"}', now(), null, ('0c000000-0000-0000-0000-00000000000' || g)::uuid)
  from generate_series(1, 3) g;
reset role;
set local session_replication_role = origin;
select * from user_sync.repair_ghost_users(2, false, null);
select * from user_sync.repair_ghost_users(2, false, '0c000000-0000-0000-0000-000000000002', 'cli');

-- Audit pages, as the monitor.
set local role user_sync_monitor;
select results_eq($$select action, affected_count, affected_ids, (details ->> 'batch_size')::int
                      from user_sync.get_cleanup_audit(2) a, baseline where a.id > baseline.audit_max_id$$,
                  $$values ('backfill_ghost_users'::text, 1, array['0c000000-0000-0000-0000-000000000003']::uuid[], 2),
                           ('backfill_ghost_users', 2, array['0c000000-0000-0000-0000-000000000001', '0c000000-0000-0000-0000-000000000002']::uuid[], 2)$$,
                  'the monitor reads the audit rows newest first: action, count, ids and batch size');
select is((select performed_by from user_sync.get_cleanup_audit(1)), session_user::text, 'each row says who repaired (the login)');
select results_eq($$select details ->> 'requested_by' from user_sync.get_cleanup_audit(2) a, baseline where a.id > baseline.audit_max_id$$,
                  $$values ('cli'::text), (null)$$,
                  'each row says who asked when the caller said so (requested_by), and nothing when it did not');
select throws_ok($$select * from user_sync.repair_ghost_users(2, false, null, '  ')$$, '22023', null, 'a blank requested_by is rejected');
select throws_ok($$select * from user_sync.repair_ghost_users(2, false, null, repeat('x', 201))$$, '22023', null,
                 'a requested_by longer than 200 characters is rejected');
select is((select count(*)::int from user_sync.get_cleanup_audit(1, (select max(id) from user_sync.get_cleanup_audit(1)))), 1,
          'the next page starts before the smallest id of the previous one');
select is_empty($$select from user_sync.get_cleanup_audit(10, 1)$$, 'a page before the first id is empty');
select throws_ok($$select * from user_sync.get_cleanup_audit(0)$$, '22023', null, 'max_rows 0 is rejected');
select throws_ok($$select * from user_sync.get_cleanup_audit(1001)$$, '22023', null, 'max_rows above 1000 is rejected');
select throws_ok($$select * from user_sync.get_cleanup_audit(null)$$, '22023', null, 'max_rows null is rejected');
select throws_ok($$select * from user_sync.get_cleanup_audit(10, 0)$$, '22023', null, 'a before_id that is not positive is rejected');
select throws_ok($$select from user_sync.cleanup_audit_log$$, '42501', null, 'the monitor still cannot read the table directly');
reset role;
select ok(not exists (select from user_sync.cleanup_audit_log
                       where details::text ~ '@' or performed_by ~ '@' or application ~ '@'),
          'no audit row holds an email');

-- The self-service profile. A ghost whose JWT calls it after sign-in.
set local session_replication_role = replica;
set local role supabase_auth_admin;
select standin.sign_up('self@example.com', '{"full_name": "Self", "avatar_url": "https://img.example/s.png"}',
                       '2024-05-01 00:00:00+00', null, '0c000000-0000-0000-0000-000000000010');
select standin.sign_up('victim@example.com', '{"full_name": "Victim"}', '2024-05-02 00:00:00+00', null,
                       '0c000000-0000-0000-0000-000000000011');
reset role;
set local session_replication_role = origin;

select function_privs_are('public', 'ensure_user_profile', '{}'::name[], 'anon', '{}'::text[], 'anon cannot execute ensure_user_profile');
select function_privs_are('public', 'ensure_user_profile', '{}'::name[], 'authenticated', array['EXECUTE'],
                          'authenticated may execute ensure_user_profile');
select isnt_definer('public', 'ensure_user_profile', '{}'::name[], 'ensure_user_profile is security invoker');
set local role anon;
select throws_ok($$select public.ensure_user_profile()$$, '42501', null, 'anon is refused');
reset role;

select set_config('request.jwt.claims', '{"sub": "0c000000-0000-0000-0000-000000000010", "role": "authenticated"}', true);
set local role authenticated;
select is(public.ensure_user_profile(), true, 'a signed-in user without a profile gets one (true)');
select is(public.ensure_user_profile(), false, 'calling it again changes nothing (false)');
reset role;
select results_eq($$select email, full_name, avatar_url, created_at from public.users where id = '0c000000-0000-0000-0000-000000000010'$$,
                  $$values ('self@example.com'::text, 'Self'::text, 'https://img.example/s.png'::text, '2024-05-01 00:00:00+00'::timestamptz)$$,
                  'the profile is built from the caller''s own auth row, as the signup trigger would have built it');
select ok(not exists (select from public.users where id = '0c000000-0000-0000-0000-000000000011'),
          'the other ghost still has no profile: only the caller''s was created');
select results_eq($$select action, affected_ids, details ->> 'role' from user_sync.cleanup_audit_log
                     where action = 'self_service_profile'$$,
                  $$values ('self_service_profile'::text, array['0c000000-0000-0000-0000-000000000010']::uuid[], 'authenticated'::text)$$,
                  'the creation is audited once, with the caller''s id');

-- An existing profile is never changed, even when Auth's data differs.
update public.users set full_name = 'Edited' where id = '0c000000-0000-0000-0000-000000000010';
set local role authenticated;
select is(public.ensure_user_profile(), false, 'an existing profile: false');
reset role;
select is((select full_name from public.users where id = '0c000000-0000-0000-0000-000000000010'), 'Edited',
          'an existing profile is left as it is');

-- What the caller cannot do: pick another user, call it without a signed-in JWT, or as service_role.
select throws_ok($$select public.ensure_user_profile('0c000000-0000-0000-0000-000000000011')$$, '42883', null,
                 'the function takes no user id: there is no way to name another user');
select set_config('request.jwt.claims', '{"role": "authenticated"}', true);
set local role authenticated;
select throws_ok($$select public.ensure_user_profile()$$, '42501', null, 'a JWT without a sub is refused');
reset role;
select set_config('request.jwt.claims', '{"sub": "0c000000-0000-0000-0000-000000000011", "role": "anon"}', true);
set local role authenticated;
select throws_ok($$select public.ensure_user_profile()$$, '42501', null, 'claims whose role is not authenticated are refused');
reset role;
select set_config('request.jwt.claims', '{"sub": "0c000000-0000-0000-0000-0000000000ff", "role": "authenticated"}', true);
set local role authenticated;
select throws_ok($$select public.ensure_user_profile()$$, 'P0002', null, 'a sub without an auth user is refused');
reset role;
set local role service_role;
select throws_ok($$select public.ensure_user_profile()$$, '42501', null, 'service_role may not execute it');
reset role;
select ok(not exists (select from public.users where id = '0c000000-0000-0000-0000-000000000011'),
          'after all the refused calls the other user still has no profile');

select * from finish();
rollback;
