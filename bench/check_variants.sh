#!/usr/bin/env bash
# Shapes of the quality check's pass over both primary keys, against the lower-bound variants of
# bench/run.sh section 4 (bench/lib.sh, bound_variants): the migration's
# user_sync.get_user_sync_stats() as it stands, and merge full joins of the key space cut into
# 1 to 32 slices that Parallel Append runs side by side, with all three counts or count(*)
# only. Same data as bench/run.sh section 4; prints a markdown table (median wall time of the
# runs, and each shape's median ratio to the fastest bound variant). Diagnostic only: the shapes
# are plain statements, the migrations are not touched.
#
#   bench/check_variants.sh
#   BENCH_SIZES="1000000 10000000" BENCH_RUNS=5 bench/check_variants.sh
#   BENCH_SHAPES="migration slices8 slices32" bench/check_variants.sh      (slicesK for K in 1 2 4 8 16 32)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-5}
sizes=${BENCH_SIZES:-1000000 10000000}

# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_cluster check

# slices K STAR: one statement, the key space cut into K equal ranges of UUID values, one merge
# full join per range; with STAR=1 only count(*) (the joined rows) is counted.
slices() {
  python3 - "$1" "$2" <<'PY'
import sys
k, star = int(sys.argv[1]), sys.argv[2] == "1"
def bound(i):
    h = format(i * (1 << 128) // k, "032x")
    return f"'{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}'::uuid"
counts = "count(*) as joined" if star else "count(*) as joined, count(a.id) as auth_users, count(p.id) as profiles"
parts = []
for i in range(k):
    cond = [c for c in (f"id >= {bound(i)}" if i else "", f"id < {bound(i + 1)}" if i < k - 1 else "") if c]
    where = " where " + " and ".join(cond) if cond else ""
    parts.append(f"select {counts} from (select id from auth.users{where}) a "
                 f"full join (select id from public.users{where}) p on p.id = a.id")
print("select sum(joined) from (" + " union all ".join(parts) + ") s;")
PY
}
# The settings the migration's function gives itself.
shape_setup="set enable_hashjoin = off; set enable_sort = off; set max_parallel_workers_per_gather = 2; set jit = off;"
declare -A shape_sql shape_set
shapes=${BENCH_SHAPES:-migration slices1 slices2 slices4 slices8 slices16 slices2_star}
shape_sql[migration]="select * from user_sync.get_user_sync_stats();"; shape_set[migration]=""
for k in 1 2 4 8 16 32; do shape_sql[slices$k]=$(slices $k 0); shape_set[slices$k]=$shape_setup; done
shape_sql[slices2_star]=$(slices 2 1); shape_set[slices2_star]=$shape_setup
timed() { # db setup statement -> ms
  { echo "$2"; echo '\o /dev/null'; echo '\timing on'; echo "$3"; } | sql "$1" | awk '/^Time:/ {s+=$2} END {print s}'
}

echo "| users | shape | median | shape / fastest lower bound |"
echo "|---|---|---|---|"
for n in $sizes; do
  db="check_$n"
  create_supabase_db "$db"
  apply_migrations "$db"
  load_users "$db" "$n" 1000 $((n / 10000))
  for v in $bound_variants; do bound_plan "$db" "$v" >/dev/null; done
  declare -A t=()
  for run in $(seq 0 "$runs"); do   # run 0 warms the cache and is not counted
    for s in $shapes; do
      ms=$(timed "$db" "${shape_set[$s]}" "${shape_sql[$s]}")
      [ "$run" = 0 ] || t[$s]="${t[$s]:-} $ms"
    done
    for v in $bound_variants; do
      ms=$(bound_ms "$db" "$v")
      [ "$run" = 0 ] || t[bound_$v]="${t[bound_$v]:-} $ms"
    done
    echo "$n run $run done" >&2
  done
  args=()
  for s in $shapes; do args+=("$s=${t[$s]}"); done
  for v in $bound_variants; do args+=("bound_$v=${t[bound_$v]}"); done
  python3 - "$n" "${args[@]}" <<'PY'
import statistics, sys
n, pairs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
t = {k: [float(x) for x in v.split()] for k, v in pairs}
bounds = {k: v for k, v in t.items() if k.startswith("bound_")}
best = min(bounds, key=lambda k: statistics.median(bounds[k]))
for k, v in t.items():
    if k.startswith("bound_") and k != best:
        continue
    ratio = statistics.median(x / y for x, y in zip(v, t[best]))
    label = f"lower bound `{best[6:]}`" if k == best else f"`{k}`"
    print(f"| {int(n):,} | {label} | {statistics.median(v):.0f} ms | {ratio:.2f} |")
PY
  sql postgres -c "drop database \"$db\""
done
