-- UserSync 9: on a public.users that UserSync created, anon has nothing and authenticated only
-- what RLS policies allow: a signed-in user reads their own row and updates its full_name and
-- avatar_url. Email, confirmation, id and timestamps come from Supabase Auth and stay UserSync's
-- to write (a user changes their email through Auth, and the sync copies it). service_role keeps
-- Supabase's defaults (it bypasses RLS; it is the app's server-side key).
--
-- Which table is UserSync's: migration 0100 marks the table it creates with the comment
-- 'usersync:created'. A database migrated by an earlier release has no mark; its table counts as
-- UserSync's when it has exactly the columns 0100 creates and no policy at all. Until now
-- such a table had RLS on and no policy, so anon and authenticated could reach none of its rows;
-- what they did hold (TRUNCATE, REFERENCES, TRIGGER, which RLS does not restrict) goes. Any other
-- table was adopted from the app: its grants and policies stay as the app set them.

do $privileges$
declare
  created boolean;
begin
  created := coalesce(pg_catalog.obj_description('public.users'::regclass, 'pg_class'), '') ~ '^usersync:created'
    or (not exists (select from pg_catalog.pg_policy where polrelid = 'public.users'::regclass)
        and (select pg_catalog.array_agg(pg_catalog.format('%s %s%s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), case when a.attnotnull then ' not null' end)
                                         order by a.attnum)
               from pg_catalog.pg_attribute a
              where a.attrelid = 'public.users'::regclass and a.attnum > 0 and not a.attisdropped)
            = array['id uuid not null', 'email text', 'email_confirmed_at timestamp with time zone',
                    'full_name text', 'avatar_url text', 'created_at timestamp with time zone not null',
                    'updated_at timestamp with time zone not null']);
  if not created then
    raise notice 'UserSync leaves the grants and policies of the adopted public.users as the app set them';
    return;
  end if;

  comment on table public.users is 'usersync:created — one profile per auth.users row, kept in sync by UserSync';
  revoke all on public.users from public, anon, authenticated;
  grant select on public.users to authenticated;
  grant update (full_name, avatar_url) on public.users to authenticated;

  -- `(select auth.uid())` is evaluated once per statement, not once per row.
  if not exists (select from pg_catalog.pg_policy where polrelid = 'public.users'::regclass and polname = 'users_select_own') then
    create policy users_select_own on public.users
      for select to authenticated
      using ((select auth.uid()) = id);
  end if;
  if not exists (select from pg_catalog.pg_policy where polrelid = 'public.users'::regclass and polname = 'users_update_own') then
    create policy users_update_own on public.users
      for update to authenticated
      using ((select auth.uid()) = id)
      with check ((select auth.uid()) = id);
  end if;
end
$privileges$;
