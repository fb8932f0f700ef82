# Helpers shared by the benchmark scripts (source it after exporting scripts/pgtmp.sh's
# PGHOST/PGPORT/PGUSER, and after sourcing scripts/db.sh).

# psql as the superuser, quiet, stopping at the first error; extra arguments pass through.
sql() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
# One value from one query.
val() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
# bench_cluster NAME: a work folder /tmp/usersync-NAME.XXXXXX ($work) holding a durable throwaway
# cluster ($pgdir: scripts/pgtmp.sh --durable --supabase) whose connection is exported; both go
# when the script exits. max_wal_size and checkpoint_timeout are raised so that bulk loads do not
# checkpoint continuously (every measured step starts after an explicit CHECKPOINT anyway).
bench_cluster() {
  local conn
  work=$(mktemp -d "/tmp/usersync-$1.XXXXXX")
  pgdir="$work/pg"
  trap 'bench_cluster_remove' EXIT
  conn=$("$usersync_repo/scripts/pgtmp.sh" start "$pgdir" --durable --supabase --owner-pid $$) || return 1
  export $conn
  sql postgres -c "alter system set max_wal_size = '8GB'" -c "alter system set checkpoint_timeout = '30min'" \
    -c "select pg_reload_conf()" >/dev/null
}
bench_cluster_remove() { "$usersync_repo/scripts/pgtmp.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"; }

# A command as the clusters' OS user: scripts/pgtmp.sh runs the server as `postgres` when started
# by root, because initdb and postgres refuse to run as root.
as_cluster_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The bare insert of a signup (role '' at insert time; the email must be unique because of
# users_email_partial_key): the smallest transaction a trigger can be added to. pgbench runs it
# as supabase_auth_admin, one per transaction. The whole signup is bench/supabase_signup.sql.
signup_statement="insert into auth.users (id, aud, role, email, created_at, raw_user_meta_data) values (gen_random_uuid(), 'authenticated', '', 'u' || gen_random_uuid()::text || '@example.com', now(), '{\"full_name\":\"x\"}');"

# The profile trigger function of Supabase's docs (security definer, empty search_path, a plain
# insert of a few columns from NEW; no on conflict, no metadata guards): the reference that prices
# what any inserting PL/pgSQL trigger costs here (bench/run.sh section 1, trigger_variants.sh).
docs_trigger_function="create or replace function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as \$\$
begin
  insert into public.users (id, email, full_name, avatar_url, created_at)
  values (new.id, new.email, new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'avatar_url', new.created_at);
  return new;
end
\$\$;"

# noop_trigger_function NAME: a trigger function NAME() that does nothing (security definer, empty
# search_path, like the others): what firing a row trigger costs by itself.
noop_trigger_function() {
  printf '%s\n' "create or replace function $1() returns trigger language plpgsql security definer set search_path = '' as \$\$" \
    "begin" "  return null;" "end" "\$\$;"
}

# signup_arm DB ARM: a database for one arm of the signup measurements.
#   plain        the Supabase stand-in only (no trigger)
#   ours         all migrations (the insert trigger, the update trigger, the foreign key)
#   ours_insert  all migrations without the update trigger: the insert trigger's share
#   docs         the profile trigger of Supabase's docs instead of ours, and no update trigger
#   noop         an insert trigger that does nothing, and no update trigger: the price of firing
#   floor        the docs' insert trigger, and an update trigger that fires on every update (as
#                UserSync's must, having no column list) but does nothing: the least any trigger
#                pair that sees every change can cost
#   ours_no_set  all migrations, the functions a signup runs without their SET search_path
#                (without_search_path; diagnostic)
#   ours_before  the migrations before 20261203001000 (the profile sync that migration made cheaper)
# Every arm has the Auth tables the signup writes (bench/supabase_auth_tables.sql) and
# bench.supabase_signups(n) (supabase_signup_procedure).
signup_arm() {
  local db=$1 arm=$2
  create_supabase_db "$db"
  sql "$db" -f "$usersync_repo/bench/supabase_auth_tables.sql" >/dev/null
  case $arm in
    plain) ;;
    ours_before) apply_migrations_before "$db" 20261203001000 ;;
    *) apply_migrations "$db" ;;
  esac
  case $arm in
    plain|ours|ours_insert|ours_before) ;;
    ours_no_set) without_search_path "$db" reset $signup_functions ;;
    docs|floor) sql "$db" -U postgres <<<"$docs_trigger_function" ;;
    noop) noop_trigger_function public.handle_new_user | sql "$db" -U postgres ;;
    *) echo "signup_arm: unknown arm $arm" >&2; return 1 ;;
  esac
  case $arm in
    ours_insert|docs|noop) sql "$db" -c "drop trigger on_auth_user_updated on auth.users" ;;
    floor) noop_trigger_function public.handle_user_updated | sql "$db" -U postgres ;;
  esac
  supabase_signup_procedure | sql "$db"
}

# The functions a signup runs, each with the fixed search_path Supabase's linter requires of every
# function (function_search_path_mutable). (The repair runs none per row since migration
# 20261203001000.)
signup_functions="public.handle_new_user() public.handle_user_updated()"
# without_search_path DB reset|restore FUNCTION...: takes the SET search_path off those functions
# (reset) or puts it back (restore). Diagnostic: prices what entering a function with a SET clause
# costs. Fails if a function is not there any more.
without_search_path() {
  local db=$1 action="reset search_path" f
  [ "$2" = restore ] && action="set search_path = ''"
  shift 2
  for f in "$@"; do echo "alter function $f $action;"; done | sql "$db"
}

# signin_users DB N: N users with ids md5(1..N)::uuid (bench/supabase_signin.sql picks them so),
# made by one insert as supabase_auth_admin, so UserSync's triggers (if any) give each a profile.
signin_users() {
  sql "$1" <<SQL
set role supabase_auth_admin;
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data,
                        raw_user_meta_data, created_at, updated_at, email_confirmed_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
select '00000000-0000-0000-0000-000000000000', md5(i::text)::uuid, 'authenticated', 'authenticated',
       'user' || i || '@bench.example', '\$2a\$10\$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01',
       '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', 'User ' || i),
       now(), now(), now(), '', '', '', ''
  from generate_series(1, $2) i;
SQL
}

# The sign-in arms, switched on one database by enabling one update trigger and disabling the others:
#   without   no update trigger
#   with      UserSync's on_auth_user_updated as the migrations install it
#   previous  the previous release's trigger: `after update of email, email_confirmed_at, deleted_at
#             ... when (...)`, executing UserSync's function; the WHEN clause filters sign-ins before
#             any function call, but pins the columns (Supabase Auth's `alter column ... type` fails)
#   no_set    UserSync's function without its `set search_path = ''`, which Supabase's linter
#             requires of every function: what entering a function with a SET clause costs
signin_arms="without with previous no_set"
# signin_reference_triggers: SQL creating the previous and no_set triggers, disabled.
signin_reference_triggers() {
  cat <<'SQL'
create trigger usersync_previous_release
  after update of email, email_confirmed_at, deleted_at on auth.users
  for each row
  when (old.email is distinct from new.email
        or old.email_confirmed_at is distinct from new.email_confirmed_at
        or old.deleted_at is distinct from new.deleted_at)
  execute function public.handle_user_updated();
select replace(replace(pg_get_functiondef('public.handle_user_updated()'::regprocedure),
               'public.handle_user_updated()', 'public.usersync_bench_no_search_path()'),
               E' SET search_path TO \'\'\n', E'\n') as definition \gset
:definition;
do $$
begin
  if (select proconfig from pg_proc where oid = 'public.usersync_bench_no_search_path()'::regprocedure) is not null then
    raise exception 'the no_set reference still has a SET clause';
  end if;
end
$$;
create trigger usersync_bench_no_search_path after update on auth.users
  for each row execute function public.usersync_bench_no_search_path();
alter table auth.users disable trigger usersync_previous_release;
alter table auth.users disable trigger usersync_bench_no_search_path;
SQL
}
# signin_arm_sql ARM: the statements (one a line) that switch the database to that arm.
signin_arm_sql() {
  local t want
  case $1 in
    without) want="" ;; with) want=on_auth_user_updated ;; previous) want=usersync_previous_release ;;
    no_set) want=usersync_bench_no_search_path ;; *) echo "signin_arm_sql: unknown arm $1" >&2; return 1 ;;
  esac
  for t in on_auth_user_updated usersync_previous_release usersync_bench_no_search_path; do
    if [ "$t" = "$want" ]; then echo "alter table auth.users enable trigger $t;"; else echo "alter table auth.users disable trigger $t;"; fi
  done
}

# bench/supabase_signin.sql's update as a procedure, bench.supabase_signins(n, users): n sign-ins
# in one backend, one transaction each, over users 1..users in turn.
supabase_signin_procedure() {
  local statement
  statement=$(grep '^update ' "$usersync_repo/bench/supabase_signin.sql" | sed 's/:n\b/v_n/g')
  cat <<SQL
create schema if not exists bench;
grant usage on schema bench to supabase_auth_admin;
create or replace procedure bench.supabase_signins(n integer, users integer)
language plpgsql
as \$proc\$
declare
  v_n integer;
begin
  for i in 1..n loop
    v_n := 1 + i % users;
    $statement
    commit;
  end loop;
end
\$proc\$;
grant execute on procedure bench.supabase_signins(integer, integer) to supabase_auth_admin;
SQL
}

# bench/supabase_signup.sql as a procedure, bench.supabase_signups(n): n signups in one backend,
# each its own transaction. Plan caching as with pgbench's prepared statements, but no client,
# protocol or pgbench CPU: the server-side cost of a signup. pgbench's variables become PL/pgSQL
# variables, its `\gset` an `into`, and a select whose rows are dropped a `perform`.
supabase_signup_procedure() {
  local body
  body=$(grep -v -e '^--' -e '^begin;$' -e '^commit;$' "$usersync_repo/bench/supabase_signup.sql" \
    | sed -e 's/ \\gset$/ into v_id, v_email;/' -e 's/:id\b/v_id/g' -e 's/:email\b/v_email/g' -e 's/^select /perform /')
  cat <<SQL
create schema if not exists bench;
grant usage on schema bench to supabase_auth_admin;
create or replace procedure bench.supabase_signups(n integer)
language plpgsql
as \$proc\$
declare
  v_id uuid;
  v_email text;
begin
  for i in 1..n loop
$body
    commit;
  end loop;
end
\$proc\$;
grant execute on procedure bench.supabase_signups(integer) to supabase_auth_admin;
SQL
}

# Instruction counts: callgrind on a single-user backend (`postgres --single`: one process, no
# background workers) of a stopped throwaway cluster, so nothing else on the machine counts.
# ir_cluster_start DIR OWNER_PID: a new cluster (scripts/pgtmp.sh) whose settings go to $ir_conn;
# ir_cluster_stop DIR stops it and keeps its data for the single-user sessions.
ir_cluster_start() { ir_conn=$("$usersync_repo/scripts/pgtmp.sh" start "$1" --supabase --owner-pid "$2"); }
ir_cluster_stop() { as_cluster_owner pg_ctl -D "$1/data" -w -t 60 stop >/dev/null; }
# ir_count DIR DB TOGGLE NAME (stdin: the session's commands, one a line): instructions executed
# inside the function TOGGLE (callgrind --toggle-collect), for example ExecuteCallStmt or PortalRun.
ir_count() {
  local dir=$1 db=$2 toggle=$3 name=$4
  as_cluster_owner valgrind --tool=callgrind --toggle-collect="$toggle" --callgrind-out-file="$dir/$name.out" \
    postgres --single -D "$dir/data" "$db" >"$dir/$name.log" 2>&1 || { cat "$dir/$name.log" >&2; return 1; }
  if grep -q "ERROR" "$dir/$name.log"; then cat "$dir/$name.log" >&2; return 1; fi
  sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$dir/$name.out" | head -1
}
# ir_per_call DIR DB SMALL LARGE SETUP CALL: instructions of one CALL iteration. Two sessions run
# SETUP (commands, one a line) and then `CALL` with SMALL and with LARGE iterations (CALL holds %d
# for the count); what a session does once (catalog caches, PL/pgSQL compilation, plans) cancels
# out: (Ir(LARGE) - Ir(SMALL)) / (LARGE - SMALL). Only the CALL is counted.
ir_per_call() {
  local dir=$1 db=$2 small=$3 large=$4 setup=$5 call=$6 n ir ir_small ir_large
  for n in "$small" "$large"; do
    ir=$({ echo "$setup"; printf "$call\n" "$n"; } | ir_count "$dir" "$db" ExecuteCallStmt "$db.$n") || return 1
    [ -n "$ir" ] || { echo "no instruction count for $db, $n iterations" >&2; return 1; }
    if [ "$n" = "$small" ]; then ir_small=$ir; else ir_large=$ir; fi
  done
  echo $(( (ir_large - ir_small) / (large - small) ))
}

# ir_per_row DIR DB SMALL LARGE NAME SQL [SETUP]: instructions per row of SQL (a printf format, %d
# the number of rows), run in a transaction rolled back, after SETUP, in a single-user session on
# the stopped cluster; every top-level statement counts (PortalRun), and what a session does once
# cancels out: (Ir(LARGE) - Ir(SMALL)) / (LARGE - SMALL).
ir_per_row() {
  local dir=$1 db=$2 small=$3 large=$4 name=$5 sql=$6 setup=${7:-} n ir ir_small ir_large
  for n in "$small" "$large"; do
    # shellcheck disable=SC2059 # SQL is the format (%d the rows)
    ir=$({ if [ -n "$setup" ]; then echo "$setup"; fi; echo "begin"; printf "$sql\n" "$n"; echo "rollback"; } \
         | ir_count "$dir" "$db" PortalRun "$name.$n") || return 1
    [ -n "$ir" ] || { echo "no instruction count for $name, $n rows" >&2; return 1; }
    if [ "$n" = "$small" ]; then ir_small=$ir; else ir_large=$ir; fi
  done
  echo $(( (ir_large - ir_small) / (large - small) ))
}

# The ways to read both primary keys once, index-only, with at most the parallelism the quality
# check may use (its functions set max_parallel_workers_per_gather = 2). The check's lower bound
# is the fastest of them in the same run. bound_sql holds one statement per line; bound_plan
# checks that EXPLAIN shows the intended plan. count(id), not count(*): count(*) would pick the
# tiny users_is_anonymous_idx on auth.users, which says nothing about reading the keys.
bound_variants="serial parallel_each side_by_side side_by_side_partial"
declare -A bound_setup bound_sql bound_describe
bound_common="set enable_seqscan = off; set enable_bitmapscan = off; set jit = off;"
bound_parallel="$bound_common set max_parallel_workers_per_gather = 2; set parallel_setup_cost = 0; set parallel_tuple_cost = 0;"
bound_setup[serial]="$bound_common set max_parallel_workers_per_gather = 0;"
bound_sql[serial]=$'select count(id) from auth.users;\nselect count(id) from public.users;'
bound_describe[serial]="one key after the other, one process each"
bound_setup[parallel_each]="$bound_parallel set min_parallel_index_scan_size = 0;"
bound_sql[parallel_each]="${bound_sql[serial]}"
bound_describe[parallel_each]="one key after the other, each a parallel index-only scan (leader and 2 workers)"
# No partial (parallel) index scans: each key is read whole by one process.
bound_setup[side_by_side]="$bound_parallel set min_parallel_index_scan_size = '1TB';"
bound_sql[side_by_side]="select sum(n) from (select count(id) as n from auth.users union all select count(id) from public.users) s;"
bound_describe[side_by_side]="both keys at once, Parallel Append running each key's scan in its own process"
bound_setup[side_by_side_partial]="$bound_parallel set min_parallel_index_scan_size = 0;"
bound_sql[side_by_side_partial]="select count(id) from (select id from auth.users union all select id from public.users) s;"
bound_describe[side_by_side_partial]="both keys at once, Parallel Append of two parallel index-only scans shared by leader and 2 workers"

# bound_plan DB VARIANT: fails unless the variant's plan is what it claims (index-only scans of
# both primary keys with no heap fetch, and the intended parallelism); prints a short summary.
bound_plan() {
  local db=$1 v=$2 plan scans pscans
  plan=$({ echo "${bound_setup[$v]}"; sed 's/^/explain (analyze, timing off, costs off) /' <<<"${bound_sql[$v]}"; } | sql "$db" -A -t)
  scans=$(grep -c "Index Only Scan using users_pkey on users" <<<"$plan" || true)
  pscans=$(grep -c "Parallel Index Only Scan using users_pkey on users" <<<"$plan" || true)
  local ok=1
  [ "$scans" = 2 ] || ok=0
  grep -q "Heap Fetches: [1-9]" <<<"$plan" && ok=0
  case $v in
    serial) grep -q "Gather" <<<"$plan" && ok=0 ;;
    parallel_each) [ "$pscans" = 2 ] || ok=0 ;;
    side_by_side) [ "$pscans" = 0 ] && grep -q "Parallel Append" <<<"$plan" || ok=0 ;;
    side_by_side_partial) [ "$pscans" = 2 ] && grep -q "Parallel Append" <<<"$plan" || ok=0 ;;
  esac
  if [ "$ok" = 0 ]; then echo "the lower-bound variant $v does not have the intended plan: $plan" >&2; return 1; fi
  local workers
  workers=$({ grep -o "Workers Launched: [0-9]*" <<<"$plan" || true; } | sed 's/Workers Launched: //' | paste -sd/ -)
  echo "${workers:-0} worker(s) launched, heap fetches 0"
}
# bound_ms DB VARIANT: wall time (psql's \timing, summed over the variant's statements).
bound_ms() {
  { echo "${bound_setup[$2]}"; echo '\o /dev/null'; echo '\timing on'; echo "${bound_sql[$2]}"; } \
    | sql "$1" | awk '/^Time:/ {s+=$2} END {print s}'
}

# load_users DB N GHOST_EVERY ORPHANS
# N auth.users rows that look like Supabase Auth's (instance id, provider metadata, a
# bcrypt-length password hash), random UUIDs inserted in random order so both primary keys grow
# by random inserts as in production. The trigger is skipped (replica role) and profiles are
# written directly for all but every GHOST_EVERY-th user; ORPHANS profiles get random ids (the
# replica role also skips the foreign key's check). auth.users' secondary indexes are dropped
# for the load and recreated by re-running the idempotent Supabase stand-in, so the final schema
# is exactly the stand-in's. Ends with vacuum (analyze) (index-only scans need no heap fetches)
# and a checkpoint.
load_users() {
  local db=$1 n=$2 ghost_every=$3 orphans=$4
  sql "$db" <<SQL
alter table auth.users drop constraint if exists users_phone_key;
do \$\$
declare r record;
begin
  for r in select indexrelid::regclass as i from pg_catalog.pg_index
            where indrelid = 'auth.users'::regclass and not indisprimary loop
    execute 'drop index ' || r.i;
  end loop;
end
\$\$;
set session_replication_role = replica;
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data,
                        raw_user_meta_data, created_at, updated_at, email_confirmed_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
       'user' || lpad(i::text, 9, '0') || '@bench.example',
       '\$2a\$10\$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01',
       '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', 'User ' || i),
       t, t, t, '', '', '', ''
  from generate_series(1, $n) i,
       lateral (select timestamptz '2023-01-01' + i * interval '1 second' as t) s;
insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
select a.id, a.email, a.email_confirmed_at, a.raw_user_meta_data ->> 'full_name', null, a.created_at, a.updated_at
  from auth.users a
 where substr(a.email, 5, 9)::bigint % $ghost_every <> 0;
insert into public.users (id, email, created_at, updated_at)
select gen_random_uuid(), 'orphan' || i || '@bench.example', now(), now()
  from generate_series(1, $orphans) i;
reset session_replication_role;
SQL
  sql "$db" -f "$usersync_repo/tests/Shared/supabase/database.sql" \
    -c "alter table auth.users add constraint users_phone_key unique (phone)" 2>&1 | { grep -v NOTICE || true; }
  sql "$db" -c "vacuum (analyze) auth.users" -c "vacuum (analyze) public.users" -c "checkpoint"
}

# apply_migrations_before DB NAME: the migrations that sort before NAME (a file name or its
# prefix), as apply_migrations applies them: the database as the release before NAME left it.
# apply_migrations_from DB NAME: the rest, NAME included.
apply_migrations_before() { _apply_migrations_where "$1" "$2" before; }
apply_migrations_from() { _apply_migrations_where "$1" "$2" from; }
_apply_migrations_where() {
  local db=$1 name=$2 side=$3 f base
  for f in "$usersync_repo"/sql/migrations/*.sql; do
    base=$(basename "$f")
    if [[ "$base" < "$name" ]]; then [ "$side" = before ] || continue; else [ "$side" = from ] || continue; fi
    PGOPTIONS="-c client_min_messages=warning" \
      psql -q -X -v ON_ERROR_STOP=1 --single-transaction -U postgres -d "$db" -f "$f" >/dev/null
  done
}
