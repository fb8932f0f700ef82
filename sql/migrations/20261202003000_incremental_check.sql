-- UserSync 14: a cheap incremental check for a short schedule, beside the full daily check
-- (docs/incremental-check.md).
--
-- auth.users has no index on created_at and UserSync adds none (the table is Supabase Auth's), so
-- "the auth users created since the last run" are found where PostgreSQL puts new rows: at the end
-- of the heap. Every run records the heap's length in pages when it started (`next_auth_page`)
-- and the file it measured (`auth_filenode`); the incremental check reads only the pages from
-- there on with a TID range scan (`ctid >= '(page,0)'`, PostgreSQL 14+) and looks up each row's
-- profile by primary key. Measured by bench/incremental_check.sh: milliseconds at 10M users,
-- against seconds for the full pass over both keys.
--
-- What it does not see, and the full check still does: rows PostgreSQL placed into free space of
-- older pages (after a VACUUM freed it), profiles deleted from under old auth users, orphans and
-- the count parity. So its checks are ghost_users (among the rows it read) and trigger_enabled,
-- and a passing ghost_users in an incremental run is not evidence that older ghosts are gone.
--
-- The mark: a full run sets it to the heap's length; an incremental run to the heap's length, or,
-- when it found ghosts, to the page of the first one, so the next incremental run sees them again
-- until they are repaired. A run starts `overlap` pages before the mark (rows that concurrent
-- transactions wrote just below it and committed after the previous run's snapshot). A new file
-- (VACUUM FULL, CLUSTER) or a shorter heap (VACUUM truncated its tail) makes the mark unusable, and
-- with no usable mark (the first run) the incremental check reads the whole table once.

alter table user_sync.monitoring_log add column if not exists next_auth_page bigint;
alter table user_sync.monitoring_log add column if not exists auth_filenode oid;
comment on column user_sync.monitoring_log.next_auth_page is
  'usersync: the auth.users page the next incremental check starts from (see record_incremental_check)';
comment on column user_sync.monitoring_log.auth_filenode is
  'usersync: the auth.users file next_auth_page refers to; another file makes the mark unusable';

-- The heap of auth.users as it is now: its file and its length in pages. Internal.
create or replace function user_sync.auth_users_extent(out filenode oid, out pages bigint)
language sql
volatile
set search_path = ''
as $$
  select pg_catalog.pg_relation_filenode('auth.users'::pg_catalog.regclass),
         pg_catalog.pg_relation_size('auth.users'::pg_catalog.regclass) / pg_catalog.current_setting('block_size')::bigint
$$;
alter function user_sync.auth_users_extent() owner to postgres;
revoke all on function user_sync.auth_users_extent() from public, anon, authenticated, service_role;

-- The full check, as before, now also setting the mark: it saw every row, so the next incremental
-- check starts where the heap ended when it began.
create or replace function user_sync.record_user_sync_metrics(source text default 'manual')
returns setof user_sync.monitoring_log
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  started timestamptz := pg_catalog.clock_timestamp();
  extent record;
  s record;
  checks jsonb;
begin
  if source is null or source !~ '^[a-z0-9_.:-]{1,64}$' then
    raise exception 'source must be 1-64 characters of [a-z0-9_.:-], got %', coalesce(pg_catalog.quote_literal(source), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if source = 'incremental' then
    raise exception 'source incremental is reserved for user_sync.record_incremental_check()'
      using errcode = 'invalid_parameter_value';
  end if;

  -- Before the pass: a row appended after this is the next incremental check's.
  select * into extent from user_sync.auth_users_extent();
  select * into s from user_sync.get_user_sync_stats();
  select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(c)) into checks
    from user_sync.evaluate_checks(s.ghost_users, s.orphaned_profiles, s.auth_users, s.profiles, s.trigger_state) c;

  return query
    insert into user_sync.monitoring_log (status, auth_users, profiles, ghost_users, orphaned_profiles,
                                          count_difference, trigger_state, trigger_enabled, checks,
                                          duration_ms, source, next_auth_page, auth_filenode)
    values (user_sync.overall_status(checks), s.auth_users, s.profiles, s.ghost_users, s.orphaned_profiles,
            s.count_difference, s.trigger_state, s.trigger_enabled, checks,
            extract(epoch from pg_catalog.clock_timestamp() - started) * 1000, source, extent.pages, extent.filenode)
    returning *;
end
$$;
alter function user_sync.record_user_sync_metrics(text) owner to postgres;
revoke all on function user_sync.record_user_sync_metrics(text) from public, anon, authenticated, service_role;

-- The incremental check: reads the auth rows from the mark on, records one monitoring_log row with
-- source 'incremental' and returns it. In that row auth_users counts the auth rows read, profiles
-- those of them with a profile, ghost_users and count_difference those without; orphans are not
-- looked for (0) and the checks are ghost_users and trigger_enabled only.
create or replace function user_sync.record_incremental_check()
returns setof user_sync.monitoring_log
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  overlap constant bigint := 32;
  started timestamptz := pg_catalog.clock_timestamp();
  extent record;
  mark record;
  from_page bigint;
  rows_read bigint;
  with_profile bigint;
  first_ghost_page bigint;
  state text := user_sync.trigger_state();
  checks jsonb;
begin
  select * into extent from user_sync.auth_users_extent();
  select l.next_auth_page, l.auth_filenode into mark
    from user_sync.monitoring_log l
   where l.next_auth_page is not null
   order by l.checked_at desc, l.id desc
   limit 1;
  if mark.next_auth_page is null or mark.auth_filenode is distinct from extent.filenode or mark.next_auth_page > extent.pages then
    from_page := 0;
  else
    from_page := greatest(mark.next_auth_page - overlap, 0);
  end if;

  -- A TID range scan from the mark; each row's profile by primary key.
  select pg_catalog.count(*), pg_catalog.count(p.id),
         pg_catalog.min(case when p.id is null then (a.ctid::text::point)[0] end)::bigint
    into rows_read, with_profile, first_ghost_page
    from auth.users a
    left join public.users p on p.id = a.id
   where a.ctid >= pg_catalog.format('(%s,0)', from_page)::tid;

  select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(c)) into checks
    from user_sync.evaluate_checks(rows_read - with_profile, 0, 0, 0, state) c
   where c.check_name in ('ghost_users', 'trigger_enabled');

  return query
    insert into user_sync.monitoring_log (status, auth_users, profiles, ghost_users, orphaned_profiles,
                                          count_difference, trigger_state, trigger_enabled, checks,
                                          duration_ms, source, next_auth_page, auth_filenode)
    values (user_sync.overall_status(checks), rows_read, with_profile, rows_read - with_profile, 0,
            rows_read - with_profile, state, state in ('enabled', 'enabled_always'), checks,
            extract(epoch from pg_catalog.clock_timestamp() - started) * 1000, 'incremental',
            coalesce(first_ghost_page, extent.pages), extent.filenode)
    returning *;
end
$$;
alter function user_sync.record_incremental_check() owner to postgres;
revoke all on function user_sync.record_incremental_check() from public, anon, authenticated, service_role;

-- The status is the full check's: the newest run that is not incremental (an incremental row
-- counts only the rows it read).
create or replace function user_sync.get_latest_sync_status()
returns setof user_sync.monitoring_log
language sql
stable
security definer
set search_path = ''
as $$
  select * from user_sync.monitoring_log where source <> 'incremental' order by checked_at desc, id desc limit 1
$$;
alter function user_sync.get_latest_sync_status() owner to postgres;
revoke all on function user_sync.get_latest_sync_status() from public, anon, authenticated, service_role;

-- What the channels last heard of each check: per check, its newest result among runs of
-- `sources`. A passing ghost_users of an incremental run is skipped: it examined only new rows,
-- so it cannot say that ghosts seen before are gone (a full run must).
create or replace function user_sync.get_latest_check_states(sources text[])
returns table (check_name text, passed boolean, checked_at timestamptz, run_id uuid, source text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if sources is null or pg_catalog.cardinality(sources) = 0 then
    raise exception 'sources must name at least one source' using errcode = 'invalid_parameter_value';
  end if;
  return query
    select v.name, s.passed, s.checked_at, s.run_id, s.source
      from (values ('ghost_users'), ('orphaned_profiles'), ('count_parity'), ('trigger_enabled')) v(name)
     cross join lateral (
            select (c ->> 'passed')::boolean as passed, l.checked_at, l.run_id, l.source
              from user_sync.monitoring_log l, pg_catalog.jsonb_array_elements(l.checks) c
             where l.source = any (get_latest_check_states.sources)
               and c ->> 'check_name' = v.name
               and not (l.source = 'incremental' and v.name = 'ghost_users' and (c ->> 'passed')::boolean)
             order by l.checked_at desc, l.id desc
             limit 1) s;
end
$$;
alter function user_sync.get_latest_check_states(text[]) owner to postgres;
revoke all on function user_sync.get_latest_check_states(text[]) from public, anon, authenticated, service_role;

grant execute on function
  user_sync.record_incremental_check(),
  user_sync.get_latest_check_states(text[])
to user_sync_monitor;
