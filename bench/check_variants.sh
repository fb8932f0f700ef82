#!/usr/bin/env bash
# The quality check's single pass (user_sync.get_user_sync_stats) against its lower bound, and a
# variant that splits the key space in two halves and lets Parallel Append run one merge full
# join per half in its own process. Same data as bench/run.sh section 2; prints a markdown
# table. Diagnostic only: the variant is created in the benchmark database, the migrations are
# not touched.
#
#   bench/check_variants.sh
#   BENCH_SIZES="1000000 10000000" BENCH_RUNS=3 bench/check_variants.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-1000000 10000000}

work=$(mktemp -d /tmp/usersync-check.XXXXXX)
pgdir="$work/pg"
trap 'scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
conn=$(scripts/pgtmp.sh start "$pgdir" --durable --supabase --owner-pid $$)
export $conn
# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
sql postgres -c "alter system set max_wal_size = '8GB'" -c "alter system set checkpoint_timeout = '30min'" \
  -c "select pg_reload_conf()" >/dev/null

# Random (v4) UUIDs spread evenly, so splitting at 8000... gives two equal halves, one per process
# (PostgreSQL 15 plans the Parallel Append only with 2 workers allowed, although two processes do
# the work). Needs user_sync.trigger_state() marked parallel safe.
split_function="
create or replace function user_sync.get_user_sync_stats_split()
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
as \$\$
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
\$\$;"

timed() { # db sql... -> total ms of the statements after the first line (settings)
  local db=$1 setup=$2; shift 2
  { echo "$setup"; echo '\o /dev/null'; echo '\timing on'; printf '%s\n' "$@"; } \
    | sql "$db" | awk '/^Time:/ {s+=$2} END {print s}'
}
lower_setup="set max_parallel_workers_per_gather = 0; set enable_seqscan = off; set enable_bitmapscan = off; set jit = off;"

echo "| users | single pass (migration) | split in two halves, Parallel Append | lower bound (two index-only counts) | single / lower | split / lower |"
echo "|---|---|---|---|---|---|"
for n in $sizes; do
  db="check_$n"
  create_supabase_db "$db"
  apply_migrations "$db"
  load_users "$db" "$n" 1000 $((n / 10000))
  sql "$db" -U postgres <<<"$split_function"
  # A parallel-unsafe function anywhere in a query keeps the whole query serial; reading
  # pg_trigger is safe in a worker.
  sql "$db" -U postgres -c "alter function user_sync.trigger_state() parallel safe"
  # Both must agree, and the split must really run in parallel.
  a=$(val "$db" "select auth_users || '/' || profiles || '/' || ghost_users || '/' || orphaned_profiles from user_sync.get_user_sync_stats()")
  b=$(val "$db" "select auth_users || '/' || profiles || '/' || ghost_users || '/' || orphaned_profiles from user_sync.get_user_sync_stats_split()")
  [ "$a" = "$b" ] || { echo "split variant disagrees: $a vs $b" >&2; exit 1; }
  plan=$(sql "$db" -A -t -c "load 'auto_explain'" -c "set auto_explain.log_min_duration = 0" \
           -c "set auto_explain.log_nested_statements = on" -c "set client_min_messages = log" \
           -c "set auto_explain.log_level = notice" -c "select * from user_sync.get_user_sync_stats_split()" 2>&1)
  grep -q "Parallel Append" <<<"$plan" || { echo "split variant is not parallel: $plan" >&2; exit 1; }

  declare -a single=() split=() lower=()
  for run in $(seq 0 "$runs"); do   # run 0 warms the cache and is not counted
    s=$(timed "$db" "" "select * from user_sync.get_user_sync_stats();")
    p=$(timed "$db" "" "select * from user_sync.get_user_sync_stats_split();")
    l=$(timed "$db" "$lower_setup" "select count(id) from auth.users;" "select count(id) from public.users;")
    echo "$n run $run: single $s ms, split $p ms, lower $l ms" >&2
    [ "$run" = 0 ] && continue
    single+=("$s"); split+=("$p"); lower+=("$l")
  done
  python3 - "$n" "${single[*]}" "${split[*]}" "${lower[*]}" <<'PY'
import statistics, sys
n, single, split, lower = sys.argv[1], *[[float(x) for x in a.split()] for a in sys.argv[2:]]
m = statistics.median
ratio = lambda xs, ys: m([x / y for x, y in zip(xs, ys)])
print(f"| {int(n):,} | {m(single):.0f} ms | {m(split):.0f} ms | {m(lower):.0f} ms | "
      f"{ratio(single, lower):.2f} | {ratio(split, lower):.2f} |")
PY
  sql postgres -c "drop database \"$db\""
done
