-- Signups get their profile in the same transaction (migration ..._create_user_sync_trigger.sql).
begin;
create extension if not exists pgtap with schema extensions;
select plan(3);

set local role supabase_auth_admin;
select standin.sign_up('ann@example.com', '{"full_name": "Ann"}', '2020-01-02 03:04:05+00', null,
                       '11111111-1111-1111-1111-111111111111');
reset role;

select is((select created_at from public.users where id = '11111111-1111-1111-1111-111111111111'),
          '2020-01-02 03:04:05+00'::timestamptz, 'profile keeps the auth row''s created_at');
select is((select full_name from public.users where id = '11111111-1111-1111-1111-111111111111'),
          'Ann', 'full_name comes from raw_user_meta_data');
select is((select count(*)::int from user_sync.check_ghost_users()), 0, 'a signup leaves no ghost');

select * from finish();
rollback;
