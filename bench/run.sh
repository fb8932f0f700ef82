#!/usr/bin/env bash
# UserSync benchmarks: the signup trigger's cost, the daily quality check at scale, and the
# batched ghost backfill under signup load. Not part of the test suite.
#
#   bench/run.sh                     full run (about 15 minutes on 2 cores)
#   BENCH_QUICK=1 bench/run.sh       smoke check: 100k users, 5 s pgbench, 1 run
#
# Overrides (environment):
#   BENCH_SIZES="1000000 10000000"   user counts for the quality check
#   BENCH_RUNS=3                     timed runs per figure (the median is reported)
#   BENCH_PGBENCH_SECONDS=30         length of each signup throughput run
#   BENCH_BACKFILL_USERS=1000000     users in the backfill database (10 % of them ghosts)
#   BENCH_OUT=docs/performance.md    where the report goes
#
# Every figure is compared with a baseline measured in the same run, on the same throwaway
# cluster (scripts/pgtmp.sh --durable: fsync and synchronous_commit on). Prints PASS/MISS per
# target and exits 0 unless the benchmark itself failed.
set -euo pipefail

started=$(date +%s)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH

quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
  sizes=${BENCH_SIZES:-100000}
  runs=${BENCH_RUNS:-1}
  pgbench_seconds=${BENCH_PGBENCH_SECONDS:-5}
  backfill_users=${BENCH_BACKFILL_USERS:-100000}
else
  sizes=${BENCH_SIZES:-1000000 10000000}
  runs=${BENCH_RUNS:-3}
  pgbench_seconds=${BENCH_PGBENCH_SECONDS:-30}
  backfill_users=${BENCH_BACKFILL_USERS:-1000000}
fi
out=${BENCH_OUT:-docs/performance.md}
backfill_batch=10000
command_line="bench/run.sh"
for v in BENCH_QUICK BENCH_SIZES BENCH_RUNS BENCH_PGBENCH_SECONDS BENCH_BACKFILL_USERS BENCH_OUT; do
  if [ -n "${!v:-}" ]; then command_line="$v=\"${!v}\" $command_line"; fi
done

work=$(mktemp -d /tmp/usersync-bench.XXXXXX)
pgdir="$work/pg"
results="$work/results.tsv"
: >"$results"
cleanup() {
  local rc=$?
  scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work"
  if [ "$rc" != 0 ]; then echo "bench: FAILED (exit $rc); no report written" >&2; fi
}
trap cleanup EXIT

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
emit() { printf '%s\t%s\n' "$1" "$2" >>"$results"; }
die() { echo "bench: $*" >&2; exit 1; }

conn=$(scripts/pgtmp.sh start "$pgdir" --durable --supabase --owner-pid $$)
export $conn
# shellcheck source=scripts/db.sh
. scripts/db.sh

# shellcheck source=bench/lib.sh
. bench/lib.sh
# Only used to size the backfill's signup load; report.py computes the reported medians.
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
now() { date +%s.%N; }

# Bulk loads write several GB of WAL; a larger max_wal_size keeps checkpoints (and full-page
# writes) out of the load. Every measured step starts right after an explicit CHECKPOINT.
sql postgres -c "alter system set max_wal_size = '8GB'" -c "alter system set checkpoint_timeout = '30min'" \
  -c "select pg_reload_conf()" >/dev/null

# ---------------------------------------------------------------------------------------------
say "machine facts"
emit meta.date "$(date -u '+%Y-%m-%d %H:%M UTC')"
emit meta.command "$command_line"
emit meta.nproc "$(nproc)"
emit meta.memory "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
emit meta.cpu "$( (lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1) || true)"
emit meta.kernel "$(uname -r)"
emit meta.load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
emit meta.pg_version "$(val postgres "select version()")"
emit meta.sizes "$sizes"
emit meta.runs "$runs"
emit meta.pgbench_seconds "$pgbench_seconds"
emit meta.quick "$quick"
while IFS='|' read -r name setting; do
  emit "setting.$name" "$setting"
done < <(psql -X -q -A -t -d postgres -c "
  select name, current_setting(name) from pg_settings
   where name in ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size',
                  'max_wal_size', 'checkpoint_timeout', 'fsync', 'synchronous_commit',
                  'full_page_writes', 'wal_sync_method', 'jit', 'max_parallel_workers_per_gather',
                  'random_page_cost', 'autovacuum')
   order by name")

# ---------------------------------------------------------------------------------------------
# 1. Signup cost of the trigger.
say "1. signup throughput with and without the trigger ($runs x $pgbench_seconds s per arm and mode)"
create_supabase_db signup_plain        # the Supabase stand-in only: no trigger
create_supabase_db signup_trigger
apply_migrations signup_trigger
# Reference: the same schema with the profile trigger of Supabase's own docs ($docs_trigger_function
# in bench/lib.sh). It prices what any inserting PL/pgSQL trigger costs on this machine; no target.
create_supabase_db signup_reference
apply_migrations signup_reference
sql signup_reference -U postgres <<<"$docs_trigger_function"
echo "$signup_statement" >"$work/signup.sql"
# Signups as Supabase Auth makes them: role supabase_auth_admin, extended protocol with prepared
# statements (pgx's default), 2 clients. Each run starts from empty tables and a checkpoint.
signup_tps() {
  local db=$1 mode=$2 opts=""
  sql "$db" -c "truncate auth.users cascade" -c "checkpoint" 2>/dev/null
  [ "$mode" = async ] && opts="-c synchronous_commit=off"
  PGOPTIONS="$opts" pgbench -n -U supabase_auth_admin -M prepared -c 2 -j 2 -T "$pgbench_seconds" \
    -f "$work/signup.sql" "$db" >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out" >&2; die "pgbench failed"; }
  sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/pgbench.out"
}
for run in $(seq 1 "$runs"); do
  # Rotate which arm goes first, so drift on a shared machine does not favour one arm.
  case $((run % 3)) in
    1) arms="plain trigger reference" ;;
    2) arms="trigger reference plain" ;;
    0) arms="reference plain trigger" ;;
  esac
  for mode in durable async; do
    for arm in $arms; do
      tps=$(signup_tps "signup_$arm" "$mode")
      [ -n "$tps" ] || die "no tps from pgbench"
      emit "signup.$mode.$arm.$run" "$tps"
      say "   run $run $mode $arm: $tps tps"
    done
  done
done
sql postgres -c "drop database signup_plain" -c "drop database signup_trigger" -c "drop database signup_reference"
emit meta.load_after_signup "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
# 2. The quality check against its lower bound and against the obvious queries.
# Timing: psql's \timing (client-side wall time of each statement; results are a handful of
# rows). One untimed warm-up round first, then $runs rounds of check / lower bound / obvious.
check_round() { # db -> prints "check_ms temp_files_delta temp_bytes_delta"
  local db=$1
  sql "$db" <<'SQL' | awk '/^Time:/ {t=$2} /^TEMP/ {f=$4-$2; b=$5-$3} END {printf "%s %.0f %.0f\n", t, f, b}'
select pg_sleep(0.2);
select pg_stat_force_next_flush();
select temp_files as f0, temp_bytes as b0 from pg_stat_database where datname = current_database() \gset
set role user_sync_monitor;
\o /dev/null
\timing on
select * from user_sync.run_user_sync_quality_check();
\timing off
\o
reset role;
select pg_stat_force_next_flush();
select temp_files as f1, temp_bytes as b1 from pg_stat_database where datname = current_database() \gset
\echo TEMP :f0 :b0 :f1 :b1
SQL
}
lower_bound_round() { # db -> prints total ms of both counts
  local db=$1
  sql "$db" <<'SQL' | awk '/^Time:/ {s+=$2} END {print s}'
set max_parallel_workers_per_gather = 0;
set enable_seqscan = off;
set enable_bitmapscan = off;
set jit = off;
\o /dev/null
\timing on
select count(id) from auth.users;
select count(id) from public.users;
SQL
}
obvious_round() { # db -> prints "total_ms ghosts_ms orphans_ms counts_ms temp_bytes_delta"
  local db=$1
  sql "$db" <<'SQL' | awk '/^Time:/ {t[++i]=$2} /^TEMP/ {b=$3-$2} END {printf "%s %s %s %s %.0f\n", t[1]+t[2]+t[3]+t[4], t[1], t[2], t[3]+t[4], b}'
select pg_stat_force_next_flush();
select temp_bytes as b0 from pg_stat_database where datname = current_database() \gset
\o /dev/null
\timing on
select count(*) from auth.users a where not exists (select from public.users p where p.id = a.id);
select count(*) from public.users p where not exists (select from auth.users a where a.id = p.id);
select count(*) from auth.users;
select count(*) from public.users;
\timing off
\o
select pg_sleep(0.2);
select pg_stat_force_next_flush();
select temp_bytes as b1 from pg_stat_database where datname = current_database() \gset
\echo TEMP :b0 :b1
SQL
}

for n in $sizes; do
  db="check_$n"
  ghosts=$((n / 1000)); orphans=$((n / 10000))
  say "2. quality check at $n users ($ghosts ghosts, $orphans orphans): loading"
  create_supabase_db "$db"
  apply_migrations "$db"
  t0=$(now)
  load_users "$db" "$n" 1000 "$orphans"
  emit "check.$n.load_s" "$(python3 -c "print(round($(now) - $t0, 1))")"
  emit "check.$n.auth_pkey_mb" "$(val "$db" "select pg_relation_size('auth.users_pkey') / 1048576")"
  emit "check.$n.profiles_pkey_mb" "$(val "$db" "select pg_relation_size('public.users_pkey') / 1048576")"

  # The lower bound must be two non-parallel index-only scans of the primary keys with no heap
  # fetches; anything else would make the comparison meaningless.
  for t in auth.users public.users; do
    plan=$(sql "$db" -A -t -c "set max_parallel_workers_per_gather = 0" -c "set enable_seqscan = off" \
             -c "set enable_bitmapscan = off" -c "set jit = off" \
             -c "explain (analyze, timing off, costs off) select count(id) from $t")
    grep -q "Index Only Scan using users_pkey on users" <<<"$plan" || die "lower bound for $t is not an index-only scan of users_pkey: $plan"
    grep -q "Parallel\|Gather" <<<"$plan" && die "lower bound for $t is parallel: $plan"
    emit "check.$n.heap_fetches.$t" "$(sed -n 's/.*Heap Fetches: \([0-9]*\).*/\1/p' <<<"$plan")"
  done
  observed=$(val "$db" "set role user_sync_monitor; select string_agg(check_name || '=' || observed, '; ' order by check_name) from user_sync.run_user_sync_quality_check()")
  # The check's own plan (nested in its functions), to say whether it ran in parallel.
  plan=$(sql "$db" -A -t -c "load 'auto_explain'" -c "set auto_explain.log_min_duration = 0" \
           -c "set auto_explain.log_nested_statements = on" -c "set auto_explain.log_analyze = on" \
           -c "set auto_explain.log_timing = off" -c "set auto_explain.log_level = notice" \
           -c "set client_min_messages = notice" -c "set role user_sync_monitor" \
           -c "select * from user_sync.run_user_sync_quality_check()" 2>&1 >/dev/null)
  joins=$(grep -c "Merge Full Join" <<<"$plan" || true)
  append=$(grep -q "Parallel Append" <<<"$plan" && echo ", Parallel Append" || true)
  workers=$(grep -o "Workers Launched: [0-9]*" <<<"$plan" | head -1 | sed 's/Workers Launched: //')
  emit "check.$n.plan" "$joins merge full join(s)$append, ${workers:-0} parallel worker(s) launched"
  emit "check.$n.observed" "$observed"
  grep -q "ghost_users=$ghosts;" <<<"$observed" && grep -q "orphaned_profiles=$orphans;" <<<"$observed" \
    || die "the check at $n users reports '$observed', expected $ghosts ghosts and $orphans orphans"

  say "   warm-up round"
  check_round "$db" >/dev/null; lower_bound_round "$db" >/dev/null; obvious_round "$db" >/dev/null
  for run in $(seq 1 "$runs"); do
    read -r ms tf tb < <(check_round "$db")
    [ -n "$ms" ] || die "no timing from the quality check"
    emit "check.$n.check_ms.$run" "$ms"; emit "check.$n.temp_files.$run" "$tf"; emit "check.$n.temp_bytes.$run" "$tb"
    lb=$(lower_bound_round "$db")
    [ -n "$lb" ] || die "no timing from the lower bound"
    emit "check.$n.lower_ms.$run" "$lb"
    read -r ob og oo oc otb < <(obvious_round "$db")
    [ -n "$ob" ] || die "no timing from the obvious queries"
    emit "check.$n.obvious_ms.$run" "$ob"; emit "check.$n.obvious_ghosts_ms.$run" "$og"
    emit "check.$n.obvious_orphans_ms.$run" "$oo"; emit "check.$n.obvious_counts_ms.$run" "$oc"
    emit "check.$n.obvious_temp_bytes.$run" "$otb"
    say "   run $run: check $ms ms (temp files +$tf, +$tb bytes), lower bound $lb ms, obvious $ob ms (temp +$otb bytes)"
  done
  sql postgres -c "drop database \"$db\""
  emit "meta.load_after_check_$n" "$(cut -d' ' -f1-3 /proc/loadavg)"
done

# ---------------------------------------------------------------------------------------------
# 3. Backfill of ghosts while signups run.
bf_ghosts=$((backfill_users / 10))
say "3. backfill of $bf_ghosts ghosts in $backfill_users users: loading"
create_supabase_db backfill
apply_migrations backfill
load_users backfill "$backfill_users" 10 0
sql backfill <<'SQL'
create schema bench;
create table bench.ghost_ids as
  select a.id from auth.users a where not exists (select from public.users p where p.id = a.id);
create table bench.batches (run int, batch int, repaired int, at double precision);
SQL
[ "$(val backfill "select count(*) from bench.ghost_ids")" = "$bf_ghosts" ] || die "backfill database has the wrong number of ghosts"
# Puts the database back to its loaded state: the ghosts' profiles and the signups' rows go.
reset_backfill() {
  sql backfill -c "delete from public.users where id in (select id from bench.ghost_ids)" \
    -c "delete from auth.users where email like '%@example.com'" \
    -c "truncate user_sync.cleanup_audit_log" \
    -c "vacuum (analyze) auth.users" -c "vacuum (analyze) public.users" -c "checkpoint"
}
# The operator's loop: one batch per transaction until a call repairs nothing, each call resuming
# after the last id the previous one repaired (as GhostRepair does for the CLI and the admin API). A DO block with
# COMMIT after each call gives exactly that without client round trips; each batch's end time is
# recorded (same clock as pgbench's log) to find the signups that overlapped the backfill.
batched_backfill() { # run
  sql backfill <<SQL
do \$\$
declare
  n integer;
  b integer := 0;
  after_id uuid;
begin
  insert into bench.batches values ($1, 0, 0, extract(epoch from clock_timestamp()));
  commit;
  loop
    select count(*), coalesce((pg_catalog.array_agg(r.user_id order by r.user_id desc))[1], after_id)
      into n, after_id
      from user_sync.repair_ghost_users($backfill_batch, false, after_id) r;
    b := b + 1;
    insert into bench.batches values ($1, b, n, extract(epoch from clock_timestamp()));
    commit;
    exit when n = 0;
  end loop;
end
\$\$;
SQL
}

# Single statement, no load: the rate the batched loop is compared with (one call repairs at
# most 100000 rows, so this needs <= 100000 ghosts).
if [ "$bf_ghosts" -le 100000 ]; then
  for run in $(seq 1 "$runs"); do
    reset_backfill
    out_single=$(sql backfill -A -t -c '\timing on' -c "select count(*) from user_sync.repair_ghost_users(100000, false)")
    rows=$(sed -n '1p' <<<"$out_single"); ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out_single")
    [ "$rows" = "$bf_ghosts" ] || die "single-statement backfill repaired $rows rows, expected $bf_ghosts"
    emit "backfill.single_ms.$run" "$ms"
    say "   single statement run $run: $rows rows in $ms ms"
  done
  single_s=$(python3 -c "print($(median $(awk -F'\t' '$1 ~ /^backfill.single_ms/ {print $2}' "$results")) / 1000)")
else
  single_s=$(python3 -c "print($bf_ghosts / 30000)")
fi
# pgbench must outlast the backfill: lead-in, a generous allowance for the batched backfill
# under load, and a tail.
lead=3; [ "$quick" = 1 ] && lead=1
load_seconds=$(python3 -c "import math; print(max(10, $lead + math.ceil(4 * $single_s) + 3))")
emit backfill.users "$backfill_users"
emit backfill.ghosts "$bf_ghosts"
emit backfill.batch_size "$backfill_batch"
emit backfill.load_seconds "$load_seconds"

signup_load() { # prefix -> runs pgbench in the background, durable commits, per-transaction log
  pgbench -n -U supabase_auth_admin -M prepared -c 2 -j 2 -T "$load_seconds" -l --log-prefix="$1" \
    -f "$work/signup.sql" backfill >"$1.out" 2>&1
}
for run in $(seq 1 "$runs"); do
  # Baseline: the same signup load, no backfill; the window has the same offset and length as
  # this run's backfill window (known after the backfill run, so it goes second in time order
  # here but is evaluated with that window).
  reset_backfill
  base_start=$(now)
  signup_load "$work/base$run"
  reset_backfill
  bf_launch=$(now)
  signup_load "$work/bf$run" &
  pg_pid=$!
  sleep "$lead"
  batched_backfill "$run"
  wait "$pg_pid" || { cat "$work/bf$run.out" >&2; die "pgbench (signup load) failed"; }
  read -r w0 w1 rows batches < <(val backfill "
    select min(at), max(at), sum(repaired), count(*) filter (where repaired > 0)
      from bench.batches where run = $run" | tr '|' ' ')
  [ "$rows" = "$bf_ghosts" ] || die "batched backfill repaired $rows rows, expected $bf_ghosts"
  emit "backfill.rows.$run" "$rows"
  emit "backfill.batches.$run" "$batches"
  emit "backfill.seconds.$run" "$(python3 -c "print($w1 - $w0)")"
  # Each repairing batch's own duration: flat if every batch resumes where the last one ended.
  read -r bmin bmax < <(val backfill "
    select round(min(d) * 1000), round(max(d) * 1000)
      from (select at - lag(at) over (order by batch) as d, repaired
              from bench.batches where run = $run) s
     where repaired > 0" | tr '|' ' ')
  emit "backfill.batch_ms_min.$run" "$bmin"
  emit "backfill.batch_ms_max.$run" "$bmax"
  python3 bench/signup_latency.py --from "$w0" --to "$w1" --key "backfill.during.$run" "$work"/bf"$run".[0-9]* >>"$results"
  off0=$(python3 -c "print($base_start + ($w0 - $bf_launch))"); off1=$(python3 -c "print($base_start + ($w1 - $bf_launch))")
  python3 bench/signup_latency.py --from "$off0" --to "$off1" --key "backfill.baseline.$run" "$work"/base"$run".[0-9]* >>"$results"
  load_end=$(python3 -c "print($bf_launch + $load_seconds)")
  emit "backfill.covered.$run" "$(python3 -c "print(1 if $w1 <= $load_end else 0)")"
  say "   batched run $run: $rows rows in $batches batches, $(python3 -c "print(round($w1 - $w0, 2))") s"
done
sql postgres -c "drop database backfill"

# ---------------------------------------------------------------------------------------------
emit meta.load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
emit meta.runtime_s "$(( $(date +%s) - started ))"
mkdir -p "$(dirname "$out")"
python3 bench/report.py "$results" "$out"
say "report written to $out ($(( $(date +%s) - started )) s)"
