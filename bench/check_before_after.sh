#!/usr/bin/env bash
# The monitor's reads with the current migrations against the previous release's
# (tests/Shared/previous-release), on the same data in one cluster: did giving every function a
# fixed search_path (which keeps next_ghost_ids / next_orphan_ids from being inlined) cost speed?
#
#   bench/check_before_after.sh                 1M users, 3 timed runs (+1 warm-up)
#   BENCH_USERS=10000000 bench/check_before_after.sh
#
# Times (psql \timing, calling the same functions the monitor calls): the quality check, the first ghost
# page, a ghost page after a cursor in the middle of the key space, the first orphan page, and a
# dry-run repair batch. Rounds interleave the two databases. Then the server time per signup with
# each release's triggers (one insert of auth.users a transaction; bench/run.sh sections 1 and 2 measure
# the whole Supabase Auth signup and price each part), alternating the databases in rounds of
# server-side loops, one transaction per signup.
# Then prints the plans of each read in the current database with `explain (analyze, buffers)`
# (auto_explain, nested statements). The two tables replace the "## The monitor's reads and
# signups, previous release vs now" section of docs/performance.md (BENCH_OUT).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-3}
users=${BENCH_USERS:-1000000}
out=${BENCH_OUT:-docs/performance.md}

# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_cluster before-after

create_supabase_db previous_release
for f in tests/Shared/previous-release/*.sql; do
  psql -q -X -v ON_ERROR_STOP=1 --single-transaction -U postgres -d previous_release -f "$f" >/dev/null
done
load_users previous_release "$users" 1000 $((users / 10000))
# The same rows in the current schema: a copy of the loaded database, then the new migrations.
sql postgres -c "create database current_release template previous_release owner postgres"
for f in sql/migrations/202612*.sql; do
  psql -q -X -v ON_ERROR_STOP=1 --single-transaction -U postgres -d current_release -f "$f" >/dev/null
done
sql current_release -c "vacuum (analyze) public.users" -c "checkpoint"
middle=$(val current_release "select user_id from user_sync.check_ghost_users(1, '80000000-0000-0000-0000-000000000000')")

reads=(
  "quality check|select * from user_sync.run_user_sync_quality_check()"
  "first ghost page (50)|select * from user_sync.check_ghost_users(50)"
  "ghost page after a mid cursor (50)|select * from user_sync.check_ghost_users(50, '$middle')"
  "first orphan page (50)|select * from user_sync.check_orphaned_profiles(50)"
  "repair batch, dry run (1000)|select * from user_sync.repair_ghost_users(1000, true, null)"
)
timed() { # db sql -> ms
  { echo '\o /dev/null'; echo '\timing on'; echo "$2;"; } | sql "$1" 2>&1 | awk '/^Time:/ {print $2}'
}
: >"$work/results"
for run in $(seq 0 "$runs"); do
  for read in "${reads[@]}"; do
    label=${read%%|*}; query=${read#*|}
    for db in $([ $((run % 2)) = 0 ] && echo "previous_release current_release" || echo "current_release previous_release"); do
      ms=$(timed "$db" "$query")
      echo "run $run $db $label: $ms ms" >&2
      [ "$run" = 0 ] || echo "$db|$label|$ms" >>"$work/results"
    done
  done
done

python3 - "$work/results" "$users" "$(val postgres 'show server_version')" <<'PY' >"$work/reads.md"
import collections, statistics, sys
path, users, version = sys.argv[1:]
ms = collections.defaultdict(list)
labels = []
for line in open(path):
    db, label, t = line.rstrip("\n").split("|")
    ms[(db, label)].append(float(t))
    if label not in labels:
        labels.append(label)
print("## The monitor's reads and signups, previous release vs now")
print()
print(f"Measured by `bench/check_before_after.sh`: the previous release's migrations (`tests/Shared/previous-release/`) "
      f"and the current ones on the same rows in one cluster (PostgreSQL {version}, {int(users):,} users, 0.1 % ghosts, "
      f"0.01 % orphans), rounds alternating the two databases, median of {len(ms[('current_release', labels[0])])} runs. "
      "What changed for these reads: every function got a fixed `search_path`, so `next_ghost_ids` / `next_orphan_ids` "
      "are no longer inlined into the paging functions, and the trigger check reads the function's mark. The script "
      "also prints every read's plan with `explain (analyze, buffers)`.")
print()
print("| read | previous release | current | current / previous |")
print("|---|---|---|---|")
for label in labels:
    p, c = ms[("previous_release", label)], ms[("current_release", label)]
    ratio = statistics.median(x / y for x, y in zip(c, p))
    print(f"| {label} | {statistics.median(p):.1f} ms | {statistics.median(c):.1f} ms | {ratio:.2f} |")
PY

# Signups: BENCH_SIGNUP_ROUNDS rounds alternating the databases, each a loop of 500 signups.
signup_round() { # db -> seconds for 500 signups
  PGOPTIONS="-c synchronous_commit=off" psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "
    do \$\$
    declare started timestamptz := clock_timestamp();
    begin
      for i in 1..500 loop
        insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at)
        values (gen_random_uuid(), 'authenticated', '', 'b' || gen_random_uuid() || '@bench.example',
                '{\"full_name\": \"Bench User\", \"avatar_url\": \"https://img.example/b.png\"}', now());
        commit;
      end loop;
      raise notice '%', extract(epoch from clock_timestamp() - started);
    end
    \$\$;" 2>&1 | sed -n 's/^NOTICE: *//p'
}
: >"$work/signups"
for round in $(seq 1 "${BENCH_SIGNUP_ROUNDS:-10}"); do
  for db in $([ $((round % 2)) = 0 ] && echo "previous_release current_release" || echo "current_release previous_release"); do
    echo "$db $(signup_round "$db")" >>"$work/signups"
  done
done
python3 - "$work/signups" <<'PY' >>"$work/reads.md"
import collections, statistics, sys
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    db, s = line.split()
    t[db].append(float(s) / 500 * 1e6)
p, c = t["previous_release"], t["current_release"]
print()
print(f"Signups, server time per signup (synchronous_commit = off so the CPU shows; {len(c)} rounds of 500, alternating): "
      f"previous release {statistics.median(p):.1f} µs, now {statistics.median(c):.1f} µs, now / previous "
      f"{statistics.median(x / y for x, y in zip(c, p)):.2f}. The current insert trigger maps every profile column "
      "(created_at, the metadata guards, idempotence) in its one INSERT under a fixed search_path; sections 1 and 2 measure the whole Supabase Auth signup and what each part costs.")
PY
cat "$work/reads.md"
python3 bench/write_section.py "$out" <"$work/reads.md"

echo
echo "Plans in the current database (explain (analyze, buffers) of every nested statement):"
for read in "${reads[@]}"; do
  label=${read%%|*}; query=${read#*|}
  echo
  echo "### $label"
  sql current_release -A -t -c "load 'auto_explain'" -c "set auto_explain.log_min_duration = 0" \
    -c "set auto_explain.log_analyze = on" -c "set auto_explain.log_buffers = on" \
    -c "set auto_explain.log_nested_statements = on" -c "set auto_explain.log_level = notice" \
    -c "set client_min_messages = notice" -c "$query" 2>&1 >/dev/null | grep -v '^\s*$' | sed 's/^psql:[^ ]* //'
done
