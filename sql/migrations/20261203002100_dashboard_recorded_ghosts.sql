-- The dashboard's ghost list without a scan of the users tables per page.
--
-- GET view/ghosts read a keyset page of user_sync.check_ghost_users: an anti-join of the two
-- primary keys from the cursor on, which at 10M users with few ghosts walks all of both keys
-- (seconds) to fill a page of 50. The run that counts ghosts already walks them: the BEFORE INSERT
-- trigger of monitoring_log (note_oldest_ghost, migration 20261202004000) reads every ghost of a
-- run that found any, for the time to detect. That one walk now also records the run's first
-- 10,000 ghosts (by id) in user_sync.recorded_ghosts, and the page reads them by primary key.
--
-- The list is what the latest recorded run found, read with what is true now: each page joins
-- auth.users by primary key and drops the ids that have a profile by now (repaired) or no auth
-- row any more. A ghost that appeared after that run is listed from the next run on. When the run
-- found more than 10,000, the pages after the list's last id continue with the live keyset read
-- (then the ghosts are dense and a page is found after a few of them).
--
-- Same rules as the other monitoring objects: the table has RLS on and no grants; the functions
-- are security definer, owned by postgres, with an empty search_path; the reader is callable by
-- user_sync_monitor only; arguments checked (SQLSTATE 22023).

create table if not exists user_sync.recorded_ghosts (
  user_id uuid primary key
);
comment on table user_sync.recorded_ghosts is
  'The first 10,000 ghosts (by id) the latest recorded run found; read by user_sync.get_dashboard_ghosts.';
alter table user_sync.recorded_ghosts enable row level security;
revoke all on user_sync.recorded_ghosts from public, anon, authenticated, service_role;

-- One walk of the ghosts: their earliest created_at for the run, and the first 10,000 ids for the
-- list, changed in place (a run that finds the same ghosts as the last one writes nothing). A run
-- without ghosts empties the list. The table lock makes two runs recording at once take turns, so
-- the list is one run's, never a mix.
create or replace function user_sync.note_run_ghosts()
returns trigger
language plpgsql
security definer
set search_path = ''
set enable_hashjoin = off
as $$
begin
  lock table user_sync.recorded_ghosts in share row exclusive mode;
  if new.ghost_users = 0 then
    delete from user_sync.recorded_ghosts;
    return new;
  end if;
  -- Each ghost's created_at by a primary-key lookup: a join here was planned as a sort of all of
  -- auth.users (the function scan's row count is unknown and hash joins are off for the anti-join),
  -- spilling to disk. NOT IN, not NOT EXISTS, so the list is probed through a hash (both sides are
  -- primary keys: never null).
  with ghosts as (
    select g.id, (select a.created_at from auth.users a where a.id = g.id) as created_at
      from user_sync.next_ghost_ids(null, null) g(id)
  ), listed as (
    select id from ghosts order by id limit 10000 -- the cap get_dashboard_ghosts continues after
  ), dropped as (
    delete from user_sync.recorded_ghosts r
     where r.user_id not in (select id from listed)
  ), added as (
    insert into user_sync.recorded_ghosts (user_id)
    select id from listed
    on conflict (user_id) do nothing
  )
  select pg_catalog.min(created_at) into new.oldest_ghost_created_at from ghosts;
  return new;
end
$$;
alter function user_sync.note_run_ghosts() owner to postgres;
revoke all on function user_sync.note_run_ghosts() from public, anon, authenticated, service_role;

-- A row inserted with oldest_ghost_created_at already set (an imported history) keeps it and
-- leaves the list alone, as before.
drop trigger if exists monitoring_log_oldest_ghost on user_sync.monitoring_log;
drop function if exists user_sync.note_oldest_ghost();
drop trigger if exists monitoring_log_ghosts on user_sync.monitoring_log;
create trigger monitoring_log_ghosts
  before insert on user_sync.monitoring_log
  for each row
  when (new.oldest_ghost_created_at is null)
  execute function user_sync.note_run_ghosts();

-- The list starts as the ghosts there are now (what the next run would record).
insert into user_sync.recorded_ghosts (user_id)
select g.id from user_sync.next_ghost_ids(10000, null) g(id)
on conflict (user_id) do nothing;

-- A page of the list after after_id (null: from the start), at most max_rows (1..1000) rows, in
-- id order: still ghosts now, with their auth row's email and created_at for the page to mask.
-- A loop of primary-key lookups, id by id, rather than one join: given the join, the planner
-- drove it from a scan of auth.users (it cannot know the list's ids are few and sorted).
create or replace function user_sync.get_dashboard_ghosts(max_rows integer, after_id uuid default null)
returns table (user_id uuid, email text, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
set enable_hashjoin = off
as $$
declare
  listed_id uuid;
  last_listed uuid;
  found_rows integer := 0;
  one integer;
begin
  if max_rows is null or max_rows < 1 or max_rows > 1000 then
    raise exception 'max_rows must be between 1 and 1000, got %', coalesce(max_rows::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  for listed_id in
    select r.user_id from user_sync.recorded_ghosts r
     where after_id is null or r.user_id > after_id
     order by r.user_id
  loop
    return query
      select a.id, a.email::text, a.created_at
        from auth.users a
       where a.id = listed_id
         and not exists (select from public.users p where p.id = listed_id);
    get diagnostics one = row_count;
    found_rows := found_rows + one;
    if found_rows = max_rows then
      return;
    end if;
  end loop;
  -- 10,000 is the cap note_run_ghosts records: a full list means the run found more than it holds.
  if (select pg_catalog.count(*) from user_sync.recorded_ghosts) >= 10000 then
    select r.user_id into last_listed from user_sync.recorded_ghosts r order by r.user_id desc limit 1;
    return query
      select g.user_id, g.email, g.created_at
        from user_sync.check_ghost_users(max_rows - found_rows, greatest(after_id, last_listed)) g;
  end if;
end
$$;
alter function user_sync.get_dashboard_ghosts(integer, uuid) owner to postgres;
revoke all on function user_sync.get_dashboard_ghosts(integer, uuid) from public, anon, authenticated, service_role;
grant execute on function user_sync.get_dashboard_ghosts(integer, uuid) to user_sync_monitor;
