#!/usr/bin/env bash
# The quality check's pass over both primary keys against its lower bound: the migration's
# user_sync.get_user_sync_stats() as it stands (the key space split in two halves that Parallel
# Append runs in two processes) and a single merge full join in one process. Same data as
# bench/run.sh section 2; prints a markdown table. Diagnostic only: the variants are created in
# the benchmark database, the migrations are not touched.
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

# The variant returns what user_sync.get_user_sync_stats() returns, from the same data.
stats_function() { # name workers pass-query
  cat <<SQL
create or replace function user_sync.$1()
returns table (auth_users bigint, profiles bigint, ghost_users bigint, orphaned_profiles bigint,
               count_difference bigint, trigger_state text, trigger_enabled boolean, measured_at timestamptz)
language sql
stable
security definer
set search_path = ''
set enable_hashjoin = off
set enable_sort = off
set max_parallel_workers_per_gather = $2
set jit = off
as \$\$
  with $3
  select pass.auth_users, pass.profiles,
         pass.joined - pass.profiles,
         pass.joined - pass.auth_users,
         pass.auth_users - pass.profiles,
         t.state, t.state in ('enabled', 'enabled_always'),
         pg_catalog.now()
    from pass, (select user_sync.trigger_state() as state) t
\$\$;
SQL
}
# One merge full join of the two primary keys, one process.
single_pass="pass as (
    select count(*) as joined, count(a.id) as auth_users, count(p.id) as profiles
      from auth.users a
      full join public.users p on p.id = a.id
  )"
timed() { # db sql... -> total ms of the statements after the first line (settings)
  local db=$1 setup=$2; shift 2
  { echo "$setup"; echo '\o /dev/null'; echo '\timing on'; printf '%s\n' "$@"; } \
    | sql "$db" | awk '/^Time:/ {s+=$2} END {print s}'
}
lower_setup="set max_parallel_workers_per_gather = 0; set enable_seqscan = off; set enable_bitmapscan = off; set jit = off;"

echo "| users | migration's \`get_user_sync_stats()\` (two halves, Parallel Append) | single pass (1 process) | lower bound (two index-only counts, 1 process) | migration / lower | single / lower |"
echo "|---|---|---|---|---|---|"
for n in $sizes; do
  db="check_$n"
  create_supabase_db "$db"
  apply_migrations "$db"
  load_users "$db" "$n" 1000 $((n / 10000))
  stats_function stats_single_pass 0 "$single_pass" | sql "$db" -U postgres
  # Both must agree, and the migration's split must really run in parallel.
  for f in get_user_sync_stats stats_single_pass; do
    got=$(val "$db" "select auth_users || '/' || profiles || '/' || ghost_users || '/' || orphaned_profiles from user_sync.$f()")
    [ "$got" = "$n/$((n - n / 1000 + n / 10000))/$((n / 1000))/$((n / 10000))" ] \
      || { echo "$f reports $got" >&2; exit 1; }
  done
  plan=$(sql "$db" -A -t -c "load 'auto_explain'" -c "set auto_explain.log_min_duration = 0" \
           -c "set auto_explain.log_nested_statements = on" -c "set client_min_messages = log" \
           -c "set auto_explain.log_level = notice" -c "select * from user_sync.get_user_sync_stats()" 2>&1)
  grep -q "Parallel Append" <<<"$plan" || { echo "the migration's check is not parallel: $plan" >&2; exit 1; }

  declare -a migration=() single=() lower=()
  for run in $(seq 0 "$runs"); do   # run 0 warms the cache and is not counted
    g=$(timed "$db" "" "select * from user_sync.get_user_sync_stats();")
    s=$(timed "$db" "" "select * from user_sync.stats_single_pass();")
    l=$(timed "$db" "$lower_setup" "select count(id) from auth.users;" "select count(id) from public.users;")
    echo "$n run $run: migration $g ms, single $s ms, lower $l ms" >&2
    [ "$run" = 0 ] && continue
    migration+=("$g"); single+=("$s"); lower+=("$l")
  done
  python3 - "$n" "${migration[*]}" "${single[*]}" "${lower[*]}" <<'PY'
import statistics, sys
n, migration, single, lower = sys.argv[1], *[[float(x) for x in a.split()] for a in sys.argv[2:]]
m = statistics.median
ratio = lambda xs, ys: m([x / y for x, y in zip(xs, ys)])
print(f"| {int(n):,} | {m(migration):.0f} ms | {m(single):.0f} ms | {m(lower):.0f} ms | "
      f"{ratio(migration, lower):.2f} | {ratio(single, lower):.2f} |")
PY
  sql postgres -c "drop database \"$db\""
done
