-- UserSync 7: UserSync's trigger functions carry a mark, and the monitor accepts an app's kept trigger.
--
-- Since this release migrations 0100 and 0200 mark the functions they install with a comment
-- starting 'usersync:managed', and refuse to replace an unmarked function of the same name (an
-- app's own). A database migrated by an earlier release holds UserSync's functions without the
-- mark; this migration recognises them by their body (the one those releases installed) and marks
-- them, so later migrations and re-runs know them as UserSync's. A function under these names that
-- is neither marked nor an earlier release's is not UserSync's: the migration stops and says so.
--
-- The trigger check then accepts on_auth_user_created when it executes UserSync's marked
-- public.handle_new_user(), or a function the app marked 'usersync:keep' (the app keeps its own
-- profile trigger and the monitor watches it); any other function is 'wrong_function'.

do $mark$
declare
  f record;
begin
  for f in
    select p.proname, 'public.' || p.proname || '()' as signature,
           pg_catalog.md5(pg_catalog.regexp_replace(p.prosrc, '\s+', ' ', 'g')) as body
      from pg_catalog.pg_proc p
     where p.oid in (pg_catalog.to_regprocedure('public.handle_new_user()'),
                     pg_catalog.to_regprocedure('public.handle_user_updated()'))
       and coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') !~ '^usersync:(managed|keep)'
  loop
    -- The bodies (whitespace folded) of handle_new_user() and handle_user_updated() as the
    -- 2026-11-25 release installed them.
    if f.body in ('fdb508801fa037dea828eba2fa939267', '047c57e9bb22a6cad9be989f768d6a5a') then
      execute pg_catalog.format('comment on function %s is %L', f.signature,
        case f.proname
          when 'handle_new_user' then 'usersync:managed — creates the public.users profile of each new auth.users row; replaced by UserSync''s migrations'
          else 'usersync:managed — keeps the public.users profile in step with later changes of its auth.users row; replaced by UserSync''s migrations'
        end);
    else
      raise exception '% is not the function UserSync installed (it was changed since); nothing was changed', f.signature
        using errcode = 'duplicate_object',
              hint = pg_catalog.format('To keep it as yours (UserSync then leaves it and its trigger alone and the monitor watches that trigger): '
                                       'comment on function %s is %L; To give the name back to UserSync: comment on function %s is %L; '
                                       'then run the UserSync migration that installs it again (0100 for handle_new_user, 0200 for '
                                       'handle_user_updated) and apply the migrations. See "Adopting UserSync" in docs/database.md.',
                                       f.signature, 'usersync:keep', f.signature, 'usersync:take-over');
    end if;
  end loop;
end
$mark$;

-- enabled | enabled_always | replica_only | disabled | missing | wrong_function.
-- Only 'O' (origin) and 'A' (always) fire for ordinary signups; 'R' fires only while
-- session_replication_role = replica, 'D' never.
create or replace function user_sync.trigger_state()
returns text
language sql
stable
parallel safe
security definer
set search_path = ''
as $$
  select coalesce(
    (select case
              when not ((t.tgfoid = pg_catalog.to_regprocedure('public.handle_new_user()')
                         and coalesce(pg_catalog.obj_description(t.tgfoid, 'pg_proc'), '') ~ '^usersync:managed')
                        or coalesce(pg_catalog.obj_description(t.tgfoid, 'pg_proc'), '') ~ '^usersync:keep') then 'wrong_function'
              when t.tgenabled = 'O' then 'enabled'
              when t.tgenabled = 'A' then 'enabled_always'
              when t.tgenabled = 'R' then 'replica_only'
              else 'disabled'
            end
       from pg_catalog.pg_trigger t
      where t.tgrelid = 'auth.users'::regclass
        and t.tgname = 'on_auth_user_created'
        and not t.tgisinternal),
    'missing')
$$;
