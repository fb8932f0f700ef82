-- The trigger check knows UserSync's own function by its mark, and watches an app's kept trigger
-- (migration ..._mark_user_sync_triggers.sql). Runs as the superuser (supabase_admin); the app's
-- objects are created as postgres, as a project's own migrations would be.
-- User ids: 0d000000-0000-0000-0000-0000000000NN.
begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

select alike(obj_description('public.handle_new_user()'::regprocedure, 'pg_proc'), 'usersync:managed%',
            'UserSync''s signup function carries its mark');
select alike(obj_description('public.handle_user_updated()'::regprocedure, 'pg_proc'), 'usersync:managed%',
            'UserSync''s update function carries its mark');
select is(user_sync.trigger_state(), 'enabled', 'UserSync''s own trigger: enabled');

-- Someone re-points the trigger at an unmarked function: not what UserSync watches.
set local role postgres;
create function public.app_create_profile() returns trigger language plpgsql security definer set search_path = ''
as $$ begin insert into public.users (id, email, created_at) values (new.id, new.email, new.created_at) on conflict do nothing; return null; end $$;
create or replace trigger on_auth_user_created after insert on auth.users for each row execute function public.app_create_profile();
reset role;
select is(user_sync.trigger_state(), 'wrong_function', 'a trigger executing an unmarked function is wrong_function');

-- The app keeps its own trigger: marked 'usersync:keep', the monitor watches it.
set local role postgres;
comment on function public.app_create_profile() is 'usersync:keep';
reset role;
select is(user_sync.trigger_state(), 'enabled', 'a kept app trigger that is enabled: enabled');
set local role supabase_auth_admin;
select standin.sign_up('kept@example.com', '{}', now(), null, '0d000000-0000-0000-0000-000000000001');
reset role;
select ok(exists (select from public.users where id = '0d000000-0000-0000-0000-000000000001'), 'the kept trigger creates the profile');
alter table auth.users disable trigger on_auth_user_created;
select is(user_sync.trigger_state(), 'disabled', 'a kept app trigger that is disabled: disabled');
alter table auth.users enable trigger on_auth_user_created;

-- UserSync's own function without its mark (say, replaced by hand with the same name) is not trusted.
set local role postgres;
create or replace trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();
comment on function public.handle_new_user() is null;
reset role;
select is(user_sync.trigger_state(), 'wrong_function', 'handle_new_user() without its mark: wrong_function');
set local role postgres;
comment on function public.handle_new_user() is 'usersync:managed — creates the public.users profile of each new auth.users row';
reset role;
select is(user_sync.trigger_state(), 'enabled', 'marked again: enabled');

select * from finish();
rollback;
