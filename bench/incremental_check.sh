#!/usr/bin/env bash
# The incremental check's cost next to the full check's, at 1M and 10M users (docs/incremental-check.md).
#
#   bench/incremental_check.sh                          1M and 10M users, 5 timed rounds (+1 warm-up)
#   BENCH_SIZES=1000000 BENCH_RUNS=3 bench/incremental_check.sh
#
# Per size: one database with all migrations, auth.users loaded as bench/run.sh loads it (0.1 %
# ghosts, 0.01 % orphans, vacuumed), one full run recorded (which sets the incremental check's
# mark), then NEW signups through Supabase Auth's role (the trigger gives them profiles) and
# NEW_GHOSTS signups the trigger does not see, as between two incremental runs. Each round times,
# as user_sync_monitor with psql's \timing, in an order rotated from round to round:
#   - full:        user_sync.run_user_sync_quality_check() (the daily check's pass over both keys)
#   - incremental: user_sync.record_incremental_check() (the mark reset to the full run's before each call)
#   - created_at:  the obvious recent-window query (as postgres), auth users created in the last hour without a
#                  profile; auth.users has no index on created_at, so it reads the whole heap
# The ratio is the median of the per-round ratios full / incremental (and created_at / incremental).
# Prints a markdown section and writes it into BENCH_OUT between the bench markers.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-5}
sizes=${BENCH_SIZES:-"1000000 10000000"}
new_signups=${BENCH_NEW:-1000}
new_ghosts=${BENCH_NEW_GHOSTS:-3}
out=${BENCH_OUT:-docs/incremental-check.md}
started=$(date +%s)

# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_cluster incremental

timed() { # db role sql -> ms
  { echo '\o /dev/null'; echo "set role $2;"; echo '\timing on'; echo "$3;"; } | sql "$1" 2>&1 | awk '/^Time:/ {print $2}'
}
reset_mark="delete from user_sync.monitoring_log where source = 'incremental'"
window="select count(*) from auth.users a where a.created_at > now() - interval '1 hour' and not exists (select from public.users p where p.id = a.id)"
: >"$work/results"
: >"$work/facts"
for users in $sizes; do
  db="inc_$users"
  create_supabase_db "$db"
  apply_migrations "$db"
  load_users "$db" "$users" 1000 $((users / 10000))
  sql "$db" -c "select count(*) from user_sync.record_user_sync_metrics('bench')" >/dev/null
  sql "$db" -c "set role supabase_auth_admin" \
    -c "select count(standin.sign_up('new' || g || '@bench.example')) from generate_series(1, $new_signups) g" >/dev/null
  sql "$db" -c "set session_replication_role = replica" -c "set role supabase_auth_admin" \
    -c "select count(standin.sign_up('newghost' || g || '@bench.example')) from generate_series(1, $new_ghosts) g" >/dev/null
  sql "$db" -c "checkpoint" >/dev/null
  pages=$(val "$db" "select pg_relation_size('auth.users') / current_setting('block_size')::bigint")
  read_rows=$(val "$db" "set role user_sync_monitor; select auth_users || ' rows read, ' || ghost_users || ' ghosts found' from user_sync.record_incremental_check()")
  plan=$(val "$db" "explain select count(*), count(p.id) from auth.users a left join public.users p on p.id = a.id where a.ctid >= '($((pages - 40)),0)'::tid" | tr -s ' ' | paste -sd'|' -)
  echo "$users|$pages|$read_rows|$plan" >>"$work/facts"
  echo "$users users: $pages pages; incremental: $read_rows" >&2
  echo "plan: $plan" >&2
  for run in $(seq 0 "$runs"); do
    case $((run % 3)) in
      0) order="full incremental created_at" ;;
      1) order="incremental created_at full" ;;
      *) order="created_at full incremental" ;;
    esac
    for arm in $order; do
      case $arm in
        full) role=user_sync_monitor query="select * from user_sync.run_user_sync_quality_check()" ;;
        incremental) sql "$db" -c "$reset_mark" >/dev/null; role=user_sync_monitor query="select * from user_sync.record_incremental_check()" ;;
        # As postgres, which the definer functions run as (the monitor's role cannot read auth.users).
        created_at) role=postgres query="$window" ;;
      esac
      ms=$(timed "$db" "$role" "$query")
      echo "$users users, round $run, $arm: $ms ms" >&2
      [ "$run" = 0 ] || echo "$users|$run|$arm|$ms" >>"$work/results"
    done
  done
  sql postgres -c "drop database \"$db\"" >/dev/null
done

python3 - "$work/results" "$work/facts" "$(val postgres 'show server_version')" "$runs" "$new_signups" "$new_ghosts" \
  "$(( ($(date +%s) - started) / 60 ))" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY' >"$work/section.md"
import collections, statistics, sys
results, facts, version, runs, new, ghosts, minutes, load = sys.argv[1:]
ms = collections.defaultdict(dict)
for line in open(results):
    users, run, arm, t = line.rstrip("\n").split("|")
    ms[(int(users), int(run))][arm] = float(t)
info = {}
for line in open(facts):
    users, pages, read, plan = line.rstrip("\n").split("|", 3)
    info[int(users)] = (int(pages), read, plan)
def fmt(t):
    return f"{t / 1000:.2f} s" if t >= 1000 else f"{t:.1f} ms"
print("<!-- bench:incremental_check -->")
print(f"Measured by `bench/incremental_check.sh` on PostgreSQL {version}: median of {runs} rounds after a warm-up, "
      f"arms rotated round by round; {int(new):,} signups and {ghosts} ghosts added after the full run that set the mark. "
      f"Load average at the end {load}; runtime {minutes} min.")
print()
print("| users | full check | incremental check | full / incremental | created_at window (no index) | created_at / incremental | the incremental check read | heap of auth.users |")
print("|---|---|---|---|---|---|---|---|")
for users in sorted({u for u, _ in ms}):
    rounds = [ms[k] for k in sorted(ms) if k[0] == users]
    med = {arm: statistics.median(r[arm] for r in rounds) for arm in ("full", "incremental", "created_at")}
    ratio = statistics.median(r["full"] / r["incremental"] for r in rounds)
    window = statistics.median(r["created_at"] / r["incremental"] for r in rounds)
    lo = min(r["full"] / r["incremental"] for r in rounds)
    hi = max(r["full"] / r["incremental"] for r in rounds)
    pages, read, _ = info[users]
    print(f"| {users:,} | {fmt(med['full'])} | {fmt(med['incremental'])} | {ratio:,.0f}× (rounds {lo:,.0f}–{hi:,.0f}) "
          f"| {fmt(med['created_at'])} | {window:,.0f}× | {read} | {pages:,} pages |")
print()
users = max(info)
print(f"The incremental check's scan at {users:,} users (`explain`): `{info[users][2].split('|')[0].strip()} ...` — "
      + "; ".join(p.strip() for p in info[users][2].split("|")[1:] if "Scan" in p) + ".")
print("<!-- /bench:incremental_check -->")
PY
cat "$work/section.md"
python3 - "$out" "$work/section.md" <<'PY'
import re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read()
pattern = re.compile(r"<!-- bench:incremental_check -->.*?<!-- /bench:incremental_check -->", re.S)
if not pattern.search(text):
    sys.exit(f"{path} has no bench:incremental_check markers")
open(path, "w").write(pattern.sub(lambda _: section, text))
PY
echo "written into $out" >&2
