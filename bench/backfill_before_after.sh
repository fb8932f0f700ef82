#!/usr/bin/env bash
# The ghost repair before and after migration 20261203001000 (the batch mapped in its INSERT
# instead of a call of user_sync.profile_values per row), on the same rows in one cluster:
# BENCH_BACKFILL_USERS users (default 1,000,000), every tenth a ghost (bench/lib.sh, load_users).
# Each run measures, for both databases in a rotated order, the whole backfill as one statement
# (repair_ghost_users(100000, false)) and as the operator's loop (batches of 10,000, one
# transaction each, each resuming after the last id the previous one repaired, as bench/run.sh
# section 5 does), each from the loaded state after vacuum (analyze) and a CHECKPOINT. No signup
# load: bench/run.sh section 5 measures the loop under load. Wall-clock figures on a shared
# machine: the load average is printed, and each run's ratio is against the other database
# measured right next to it. Then instructions per repaired row, which do not depend on the load:
# callgrind on a single-user backend (bench/lib.sh, ir_count) of the stopped cluster, one session
# repairing the first BENCH_IR_ROWS ghosts ("2000 10000") at each size, each in a transaction
# rolled back; per row = (Ir(large) - Ir(small)) / (large - small). Prints markdown tables.
#
#   bench/backfill_before_after.sh
#   BENCH_RUNS=5 BENCH_BACKFILL_USERS=200000 bench/backfill_before_after.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-3}
users=${BENCH_BACKFILL_USERS:-1000000}
change=20261203001000
batch=10000
read -r ir_small ir_large <<<"${BENCH_IR_ROWS:-2000 10000}"
ghosts=$((users / 10))
[ "$ghosts" -le 100000 ] || { echo "one statement repairs at most 100000 rows: BENCH_BACKFILL_USERS <= 1000000" >&2; exit 2; }
# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_cluster backfill-before-after
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
load_now() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load_now)
version=$(val postgres 'select version()')

say "loading $users users ($ghosts ghosts)"
create_supabase_db before
apply_migrations_before before "$change"
load_users before "$users" 10 0
sql before <<'SQL'
create schema bench;
create table bench.ghost_ids as
  select a.id from auth.users a where not exists (select from public.users p where p.id = a.id);
SQL
sql postgres -c "create database after owner postgres template before"
apply_migrations_from after "$change"
for db in before after; do
  [ "$(val "$db" "select count(*) from bench.ghost_ids")" = "$ghosts" ] || { echo "$db has the wrong number of ghosts" >&2; exit 1; }
done

reset() { # db: back to the loaded state
  sql "$1" -c "delete from public.users where id in (select id from bench.ghost_ids)" \
    -c "truncate user_sync.cleanup_audit_log" \
    -c "vacuum (analyze) auth.users" -c "vacuum (analyze) public.users" -c "checkpoint"
}
check() { # db: every ghost repaired, exactly once, with the mapping of profile_values
  local got
  got=$(val "$1" "select count(*) filter (where p.id is null), count(*) filter (where (p.*)::text is distinct from (v.*)::text)
                    from bench.ghost_ids g join auth.users a on a.id = g.id
                    cross join lateral user_sync.profile_values(a) v
                    left join public.users p on p.id = g.id")
  [ "$got" = "0|0" ] || { echo "$1: repair left ghosts or mapped differently ($got)" >&2; exit 1; }
}
single() { # db -> ms
  local out
  reset "$1"
  out=$(sql "$1" -A -t -c '\timing on' -c "select count(*) from user_sync.repair_ghost_users(100000, false)")
  [ "$(sed -n 1p <<<"$out")" = "$ghosts" ] || { echo "$1: one statement repaired $(sed -n 1p <<<"$out") rows" >&2; exit 1; }
  check "$1"
  sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out"
}
batched() { # db -> ms (first call's start to last call's end)
  local out
  reset "$1"
  out=$(sql "$1" -A -t <<SQL
create temp table t (at double precision, n int);
do \$\$
declare
  n integer;
  total integer := 0;
  after_id uuid;
  t0 double precision := extract(epoch from clock_timestamp());
begin
  loop
    select count(*), coalesce((pg_catalog.array_agg(r.user_id order by r.user_id desc))[1], after_id)
      into n, after_id
      from user_sync.repair_ghost_users($batch, false, after_id) r;
    commit;
    total := total + n;
    exit when n = 0;
  end loop;
  insert into t values ((extract(epoch from clock_timestamp()) - t0) * 1000, total);
end
\$\$;
select at, n from t;
SQL
)
  [ "$(cut -d'|' -f2 <<<"$out")" = "$ghosts" ] || { echo "$1: the loop repaired $(cut -d'|' -f2 <<<"$out") rows" >&2; exit 1; }
  check "$1"
  cut -d'|' -f1 <<<"$out"
}

declare -A got
for run in $(seq 1 "$runs"); do
  order="before after"; [ $((run % 2)) = 0 ] && order="after before"
  for db in $order; do
    got[single.$db]="${got[single.$db]:-} $(single "$db")"
    got[batched.$db]="${got[batched.$db]:-} $(batched "$db")"
    say "run $run $db: single ${got[single.$db]##* } ms, batched ${got[batched.$db]##* } ms"
  done
done

load_end=$(load_now)
# Instructions: both databases back in the loaded state, the cluster stopped, single-user sessions
# on its data (PortalRun: each top-level statement of the session).
reset before; reset after
as_cluster_owner pg_ctl -D "$pgdir/data" -w -t 60 stop >/dev/null
declare -A ir
for db in before after; do
  ir[$db]=$(ir_per_row "$pgdir" "$db" "$ir_small" "$ir_large" "$db" "select count(*) from user_sync.repair_ghost_users(%d, false)")
  say "$db: ${ir[$db]} instructions per repaired row"
done

python3 - "$ghosts" "$runs" "$load_start" "$load_end" "${got[single.before]}" "${got[single.after]}" \
  "${got[batched.before]}" "${got[batched.after]}" "$(nproc)" "$version" "${ir[before]}" "${ir[after]}" \
  "$ir_small" "$ir_large" <<'PY'
import statistics, sys
ghosts, runs, load0, load1 = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
sb, sa, bb, ba = ([float(x) for x in a.split()] for a in sys.argv[5:9])
cpus, version, ir_before, ir_after, ir_small, ir_large = sys.argv[9:15]
rate = lambda ms: ghosts / (ms / 1000)
print(f"{ghosts:,} ghosts in {ghosts * 10:,} users, {runs} runs, {cpus} CPUs, {version.split(' on ')[0]}; "
      f"load average (1/5/15 min) {load0} at the start, {load1} at the end.")
print()
print("| run | one statement, before | one statement, after | after / before | batches of 10,000, before | batches of 10,000, after | after / before |")
print("|---|---|---|---|---|---|---|")
for i in range(runs):
    print(f"| {i + 1} | {rate(sb[i]):,.0f} rows/s | {rate(sa[i]):,.0f} rows/s | {sb[i] / sa[i]:.2f} "
          f"| {rate(bb[i]):,.0f} rows/s | {rate(ba[i]):,.0f} rows/s | {bb[i] / ba[i]:.2f} |")
m = statistics.median
print(f"| median | {rate(m(sb)):,.0f} rows/s | {rate(m(sa)):,.0f} rows/s | {m([b / a for b, a in zip(sb, sa)]):.2f} "
      f"| {rate(m(bb)):,.0f} rows/s | {rate(m(ba)):,.0f} rows/s | {m([b / a for b, a in zip(bb, ba)]):.2f} |")
print()
print(f"Instructions per repaired row (callgrind, single-user backend, sessions of {int(ir_small):,} and {int(ir_large):,} rows): "
      f"before {int(ir_before):,}, after {int(ir_after):,}, after / before {int(ir_after) / int(ir_before):.2f}; "
      f"throughput at equal CPU {int(ir_before) / int(ir_after):.2f}x.")
PY
