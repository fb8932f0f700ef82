-- UserSync 4/4: detection. Four checks (docs/database.md), one row per run in a time series, and a
-- least-privilege role for the monitor.
--
-- Every function here reads auth.users, which has RLS with no policies: a security-invoker
-- check run by a role without BYPASSRLS would see 0 rows and report "0 ghosts". So they are
-- security definer, owned by `postgres` (BYPASSRLS), with an empty search_path, and callable
-- only by `user_sync_monitor` (never by public, anon or authenticated: the schema is not exposed
-- through the REST API, and execute is revoked on every function).

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'user_sync_monitor') then
    create role user_sync_monitor nologin;
  end if;
end
$$;
grant usage on schema user_sync to user_sync_monitor;

create table if not exists user_sync.monitoring_log (
  id bigint generated always as identity primary key,
  run_id uuid not null default gen_random_uuid() unique,
  checked_at timestamptz not null default now(),
  status text not null check (status in ('healthy', 'degraded', 'critical')),
  auth_users bigint not null,
  profiles bigint not null,
  ghost_users bigint not null,
  orphaned_profiles bigint not null,
  count_difference bigint not null,
  trigger_state text not null,
  trigger_enabled boolean not null,
  checks jsonb not null,
  duration_ms numeric(12, 3) not null,
  run_by text not null default session_user,
  source text not null default 'manual'
);
create index if not exists monitoring_log_checked_at_idx on user_sync.monitoring_log (checked_at desc);
alter table user_sync.monitoring_log enable row level security;
revoke all on user_sync.monitoring_log from public;

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
              when t.tgfoid is distinct from pg_catalog.to_regprocedure('public.handle_new_user()') then 'wrong_function'
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
alter function user_sync.trigger_state() owner to postgres;
revoke all on function user_sync.trigger_state() from public, anon, authenticated, service_role;

create or replace function user_sync.check_orphaned_profiles(max_rows integer default null, after_id uuid default null)
returns table (profile_id uuid, email text, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
set enable_hashjoin = off
as $$
  select p.id, p.email::text, p.created_at
    from public.users p
   where (after_id is null or p.id > after_id)
     and not exists (select from auth.users a where a.id = p.id)
   order by p.id
   limit max_rows
$$;
alter function user_sync.check_orphaned_profiles(integer, uuid) owner to postgres;
revoke all on function user_sync.check_orphaned_profiles(integer, uuid) from public, anon, authenticated, service_role;

-- All counts in ordered passes over both primary keys: a merge full join of two index-only scans
-- reads each key once, spills nothing at default work_mem, and gives ghosts, orphans and both
-- row counts together (a hash anti-join per direction reads everything twice and spills). The key
-- space is split in two halves at 8000...: the halves are independent merge joins that Parallel
-- Append runs side by side (measured: 1M users 255 -> 162 ms, 10M 3.6 -> 3.1 s; bench/check_variants.sh).
-- Correct for any id distribution; random (v4) UUIDs only make the halves even.
create or replace function user_sync.get_user_sync_stats()
returns table (auth_users bigint, profiles bigint, ghost_users bigint, orphaned_profiles bigint,
               count_difference bigint, trigger_state text, trigger_enabled boolean, measured_at timestamptz)
language sql
stable
security definer
set search_path = ''
set enable_hashjoin = off
set enable_sort = off
set max_parallel_workers_per_gather = 2
set jit = off
as $$
  -- A ghost is a joined row without a profile, an orphan one without an auth row.
  with halves as (
    select count(*) as joined, count(a.id) as auth_users, count(p.id) as profiles
      from (select id from auth.users where id < '80000000-0000-0000-0000-000000000000') a
      full join (select id from public.users where id < '80000000-0000-0000-0000-000000000000') p on p.id = a.id
    union all
    select count(*), count(a.id), count(p.id)
      from (select id from auth.users where id >= '80000000-0000-0000-0000-000000000000') a
      full join (select id from public.users where id >= '80000000-0000-0000-0000-000000000000') p on p.id = a.id
  ), pass as (
    select sum(joined)::bigint as joined, sum(auth_users)::bigint as auth_users, sum(profiles)::bigint as profiles
      from halves
  )
  select pass.auth_users, pass.profiles,
         pass.joined - pass.profiles,
         pass.joined - pass.auth_users,
         pass.auth_users - pass.profiles,
         t.state, t.state in ('enabled', 'enabled_always'),
         pg_catalog.now()
    from pass, (select user_sync.trigger_state() as state) t
$$;
alter function user_sync.get_user_sync_stats() owner to postgres;
revoke all on function user_sync.get_user_sync_stats() from public, anon, authenticated, service_role;

-- The checks table of docs/database.md as a pure function of the measured numbers.
create or replace function user_sync.evaluate_checks(
  ghost_users bigint, orphaned_profiles bigint, auth_users bigint, profiles bigint, trigger_state text)
returns table (check_name text, severity text, passed boolean, observed text, expected text)
language sql
immutable
set search_path = ''
as $$
  values ('ghost_users', 'critical', ghost_users = 0, ghost_users::text, '0'),
         ('orphaned_profiles', 'warning', orphaned_profiles = 0, orphaned_profiles::text, '0'),
         -- Fails when auth users outnumber profiles. A surplus of profiles is by definition
         -- orphans, which orphaned_profiles reports as a warning; counting it critical here too
         -- would make every orphan critical and "degraded" unreachable.
         ('count_parity', 'critical', auth_users <= profiles,
          pg_catalog.format('%s auth users, %s profiles', auth_users, profiles), 'no fewer profiles than auth users'),
         ('trigger_enabled', 'critical', trigger_state in ('enabled', 'enabled_always'), trigger_state, 'enabled')
$$;
revoke all on function user_sync.evaluate_checks(bigint, bigint, bigint, bigint, text) from public, anon, authenticated, service_role;

-- critical if any critical check fails, degraded if only warnings fail, else healthy.
create or replace function user_sync.overall_status(checks jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
           when pg_catalog.jsonb_path_exists(checks, '$[*] ? (@.passed == false && @.severity == "critical")') then 'critical'
           when pg_catalog.jsonb_path_exists(checks, '$[*] ? (@.passed == false)') then 'degraded'
           else 'healthy'
         end
$$;
revoke all on function user_sync.overall_status(jsonb) from public, anon, authenticated, service_role;

create or replace function user_sync.run_user_sync_quality_check()
returns table (check_name text, severity text, passed boolean, observed text, expected text)
language sql
stable
security definer
set search_path = ''
as $$
  select c.*
    from user_sync.get_user_sync_stats() s,
         lateral user_sync.evaluate_checks(s.ghost_users, s.orphaned_profiles, s.auth_users, s.profiles, s.trigger_state) c
$$;
alter function user_sync.run_user_sync_quality_check() owner to postgres;
revoke all on function user_sync.run_user_sync_quality_check() from public, anon, authenticated, service_role;

-- Measures once, evaluates, stores one monitoring_log row and returns it.
create or replace function user_sync.record_user_sync_metrics(source text default 'manual')
returns setof user_sync.monitoring_log
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  started timestamptz := pg_catalog.clock_timestamp();
  s record;
  checks jsonb;
begin
  if source is null or source !~ '^[a-z0-9_.:-]{1,64}$' then
    raise exception 'source must be 1-64 characters of [a-z0-9_.:-], got %', coalesce(pg_catalog.quote_literal(source), 'null')
      using errcode = 'invalid_parameter_value';
  end if;

  select * into s from user_sync.get_user_sync_stats();
  select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(c)) into checks
    from user_sync.evaluate_checks(s.ghost_users, s.orphaned_profiles, s.auth_users, s.profiles, s.trigger_state) c;

  return query
    insert into user_sync.monitoring_log (status, auth_users, profiles, ghost_users, orphaned_profiles,
                                          count_difference, trigger_state, trigger_enabled, checks,
                                          duration_ms, source)
    values (user_sync.overall_status(checks), s.auth_users, s.profiles, s.ghost_users, s.orphaned_profiles,
            s.count_difference, s.trigger_state, s.trigger_enabled, checks,
            extract(epoch from pg_catalog.clock_timestamp() - started) * 1000, source)
    returning *;
end
$$;
alter function user_sync.record_user_sync_metrics(text) owner to postgres;
revoke all on function user_sync.record_user_sync_metrics(text) from public, anon, authenticated, service_role;

create or replace function user_sync.get_latest_sync_status()
returns setof user_sync.monitoring_log
language sql
stable
security definer
set search_path = ''
as $$
  select * from user_sync.monitoring_log order by checked_at desc, id desc limit 1
$$;
alter function user_sync.get_latest_sync_status() owner to postgres;
revoke all on function user_sync.get_latest_sync_status() from public, anon, authenticated, service_role;

-- The newest run recorded by one of the given sources. Hosts that deliver alerts compare with
-- the newest run whose alerts were delivered, so a manual run (say, `usersync check`, which only
-- prints) never swallows a firing -> resolved transition the channels must hear about.
create or replace function user_sync.get_latest_sync_status_from(sources text[])
returns setof user_sync.monitoring_log
language sql
stable
security definer
set search_path = ''
as $$
  select * from user_sync.monitoring_log
   where source = any (sources)
   order by checked_at desc, id desc
   limit 1
$$;
alter function user_sync.get_latest_sync_status_from(text[]) owner to postgres;
revoke all on function user_sync.get_latest_sync_status_from(text[]) from public, anon, authenticated, service_role;

create or replace function user_sync.get_sync_status_history(days integer default 30)
returns setof user_sync.monitoring_log
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if days is null or days < 1 or days > 3650 then
    raise exception 'days must be between 1 and 3650, got %', coalesce(days::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  return query
    select * from user_sync.monitoring_log
     where checked_at >= pg_catalog.now() - pg_catalog.make_interval(days => days)
     order by checked_at desc, id desc;
end
$$;
alter function user_sync.get_sync_status_history(integer) owner to postgres;
revoke all on function user_sync.get_sync_status_history(integer) from public, anon, authenticated, service_role;

-- Exactly what the monitor needs: the checks, the history, and the repair action.
grant execute on function
  user_sync.check_ghost_users(integer, uuid),
  user_sync.check_orphaned_profiles(integer, uuid),
  user_sync.get_user_sync_stats(),
  user_sync.run_user_sync_quality_check(),
  user_sync.record_user_sync_metrics(text),
  user_sync.get_latest_sync_status(),
  user_sync.get_latest_sync_status_from(text[]),
  user_sync.get_sync_status_history(integer),
  user_sync.repair_ghost_users(integer, boolean)
to user_sync_monitor;
