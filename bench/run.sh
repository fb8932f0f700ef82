#!/usr/bin/env bash
# UserSync benchmarks: what the triggers cost a Supabase Auth signup and sign-in, the trigger's own
# price in microseconds and instructions next to the Supabase docs' trigger, the daily quality
# check against the fastest parallel read of both keys, and the batched ghost backfill under
# signup load. Not part of the test suite.
#
#   bench/run.sh                     full run (about 30 minutes on 2 cores)
#   BENCH_QUICK=1 bench/run.sh       smoke check: 100k users, 5 s pgbench, 1 run
#
# Overrides (environment):
#   BENCH_SIZES="1000000 10000000"   user counts for the quality check
#   BENCH_RUNS=3                     timed runs per figure (the median is reported)
#   BENCH_PGBENCH_SECONDS=15         length of each pgbench throughput run
#   BENCH_LOOP_SIGNUPS=4000          signups per server-side loop (the trigger's price in µs)
#   BENCH_IR_SIGNUPS="50 350"        signups in the two callgrind sessions (instructions per signup)
#   BENCH_SIGNIN_USERS=100000        users in the sign-in databases
#   BENCH_BACKFILL_USERS=1000000     users in the backfill database (10 % of them ghosts)
#   BENCH_OUT=docs/performance.md    where the report goes
#   BENCH_RESULTS=FILE               also keep the raw results (bench/report.py FILE OUT renders them again)
#
# Every figure is compared with a baseline measured in the same run, on the same throwaway
# cluster (scripts/pgtmp.sh --durable: fsync and synchronous_commit on), the arms interleaved
# run by run. Prints PASS/MISS per target and exits 0 unless the benchmark itself failed.
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
  loop_signups=${BENCH_LOOP_SIGNUPS:-1000}
  ir_signups=${BENCH_IR_SIGNUPS:-20 120}
  signin_users=${BENCH_SIGNIN_USERS:-10000}
  ir_check_users=20000
  backfill_users=${BENCH_BACKFILL_USERS:-100000}
else
  sizes=${BENCH_SIZES:-1000000 10000000}
  runs=${BENCH_RUNS:-3}
  pgbench_seconds=${BENCH_PGBENCH_SECONDS:-15}
  loop_signups=${BENCH_LOOP_SIGNUPS:-4000}
  ir_signups=${BENCH_IR_SIGNUPS:-50 350}
  signin_users=${BENCH_SIGNIN_USERS:-100000}
  ir_check_users=200000
  backfill_users=${BENCH_BACKFILL_USERS:-1000000}
fi
out=${BENCH_OUT:-docs/performance.md}
backfill_batch=10000
command_line="bench/run.sh"
for v in BENCH_QUICK BENCH_SIZES BENCH_RUNS BENCH_PGBENCH_SECONDS BENCH_LOOP_SIGNUPS BENCH_IR_SIGNUPS \
         BENCH_SIGNIN_USERS BENCH_BACKFILL_USERS BENCH_OUT; do
  if [ -n "${!v:-}" ]; then command_line="$v=\"${!v}\" $command_line"; fi
done
read -r ir_small ir_large <<<"$ir_signups"
[ -n "${ir_large:-}" ] && [ "$ir_large" -gt "$ir_small" ] || { echo "bench: BENCH_IR_SIGNUPS needs two counts, the second larger" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench: valgrind is needed for the instruction counts (scripts/ensure-deps.sh installs it)" >&2; exit 1; }

work=$(mktemp -d /tmp/usersync-bench.XXXXXX)
pgdir="$work/pg"
irdir="$work/ir"
results="$work/results.tsv"
: >"$results"
cleanup() {
  local rc=$?
  scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true
  scripts/pgtmp.sh stop "$irdir" >/dev/null 2>&1 || true
  rm -rf "$work"
  if [ "$rc" != 0 ]; then echo "bench: FAILED (exit $rc); no report written" >&2; fi
}
trap cleanup EXIT

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
emit() { printf '%s\t%s\n' "$1" "$2" >>"$results"; }
die() { echo "bench: $*" >&2; exit 1; }
load_now() { cut -d' ' -f1-3 /proc/loadavg; }

conn=$(scripts/pgtmp.sh start "$pgdir" --durable --supabase --owner-pid $$)
export $conn
# shellcheck source=scripts/db.sh
. scripts/db.sh

# shellcheck source=bench/lib.sh
. bench/lib.sh
# Only used to size the backfill's signup load; report.py computes the reported medians.
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
now() { date +%s.%N; }
# The arms in a different order each run, so drift on a shared machine favours none of them.
rotate() { # run arm... -> the arms, rotated by run - 1
  local run=$1; shift
  local all=("$@")
  local k=$(( (run - 1) % ${#all[@]} ))
  echo "${all[*]:k} ${all[*]:0:k}"
}

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
emit meta.load_start "$(load_now)"
emit meta.pg_version "$(val postgres "select version()")"
emit meta.valgrind "$(valgrind --version)"
emit meta.sizes "$sizes"
emit meta.runs "$runs"
emit meta.pgbench_seconds "$pgbench_seconds"
emit meta.loop_signups "$loop_signups"
emit meta.ir_signups "$ir_small $ir_large"
emit meta.quick "$quick"
while IFS='|' read -r name setting; do
  emit "setting.$name" "$setting"
done < <(psql -X -q -A -t -d postgres -c "
  select name, current_setting(name) from pg_settings
   where name in ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size',
                  'max_wal_size', 'checkpoint_timeout', 'fsync', 'synchronous_commit',
                  'full_page_writes', 'wal_sync_method', 'jit', 'max_parallel_workers_per_gather',
                  'max_worker_processes', 'random_page_cost', 'autovacuum')
   order by name")

# ---------------------------------------------------------------------------------------------
# 1. Signup throughput: the whole Supabase Auth signup (bench/supabase_signup.sql) and the bare
# insert, without trigger, with UserSync's triggers and with the Supabase docs' trigger.
# The databases of all signup arms (bench/lib.sh, signup_arm); section 2 uses all of them.
signup_arms="plain ours docs"
price_arms="plain noop docs floor ours_insert ours ours_no_set"
for arm in $price_arms; do signup_arm "arm_$arm" "$arm"; done
echo "$signup_statement" >"$work/bare.sql"
# Each run starts from empty tables and a checkpoint.
reset_signups() { sql "$1" -c "truncate auth.users, auth.audit_log_entries cascade" -c "checkpoint" 2>/dev/null; }
# pgbench as Supabase Auth connects: role supabase_auth_admin, extended protocol with prepared
# statements (pgx's default), 2 clients.
pgbench_tps() { # db mode script [pgbench options...] -> tps
  local db=$1 mode=$2 script=$3 opts=""; shift 3
  [ "$mode" = async ] && opts="-c synchronous_commit=off"
  PGOPTIONS="$opts" pgbench -n -U supabase_auth_admin -M prepared -c 2 -j 2 -T "$pgbench_seconds" "$@" \
    -f "$script" "$db" >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out" >&2; die "pgbench failed"; }
  grep -q "number of failed transactions: 0 " "$work/pgbench.out" || { cat "$work/pgbench.out" >&2; die "pgbench transactions failed"; }
  sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/pgbench.out"
}
say "1. signup throughput ($runs x $pgbench_seconds s per arm, workload and mode)"
for run in $(seq 1 "$runs"); do
  for mode in durable async; do
    for workload in txn bare; do
      script="$repo/bench/supabase_signup.sql"; [ "$workload" = bare ] && script="$work/bare.sql"
      for arm in $(rotate "$run" $signup_arms); do
        reset_signups "arm_$arm"
        tps=$(pgbench_tps "arm_$arm" "$mode" "$script")
        [ -n "$tps" ] || die "no tps from pgbench"
        emit "signup.$workload.$mode.$arm.$run" "$tps"
        say "   run $run $mode $workload $arm: $tps tps"
      done
    done
  done
done
emit meta.load_after_signup "$(load_now)"

# ---------------------------------------------------------------------------------------------
# 2. The trigger's own price per signup: the whole signup in one backend (bench.supabase_signups,
# synchronous_commit off so that no commit waits for the disk), as supabase_auth_admin; then the
# same in instructions, counted by callgrind on a single-user backend.
say "2. the trigger's price: $loop_signups signups per server-side loop, $runs runs"
for run in $(seq 1 "$runs"); do
  for arm in $(rotate "$run" $price_arms); do
    reset_signups "arm_$arm"
    ms=$(sql "arm_$arm" -c "set role supabase_auth_admin" -c "set synchronous_commit = off" -c '\timing on' \
           -c "call bench.supabase_signups($loop_signups)" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
    [ -n "$ms" ] || die "no timing from the signup loop"
    emit "price.us.$arm.$run" "$(python3 -c "print($ms * 1000 / $loop_signups)")"
    say "   run $run $arm: $(python3 -c "print(round($ms * 1000 / $loop_signups, 1))") µs per signup"
  done
done
[ "$(val arm_ours "select count(*) from public.users where email_confirmed_at is not null")" = "$loop_signups" ] \
  || die "the signup loop did not leave $loop_signups confirmed profiles in arm_ours"
for arm in $price_arms; do sql postgres -c "drop database arm_$arm"; done
emit meta.load_after_price "$(load_now)"

# Instructions: bench.supabase_signups on a second cluster, one single-user session of each size
# per arm (bench/lib.sh, ir_per_call).
say "   instructions per signup (callgrind, $ir_small and $ir_large signups per arm)"
ir_cluster_start "$irdir" $$
( export $ir_conn; for arm in $price_arms; do signup_arm "ir_$arm" "$arm"; done )
ir_cluster_stop "$irdir"
for arm in $price_arms; do
  ir=$(ir_per_call "$irdir" "ir_$arm" "$ir_small" "$ir_large" \
         "$(printf '%s\n' "truncate auth.users, auth.audit_log_entries cascade" "set role supabase_auth_admin" "set synchronous_commit = off")" \
         "call bench.supabase_signups(%d)") || die "callgrind failed for $arm"
  emit "price.ir.$arm" "$ir"
  say "   $arm: $ir instructions per signup"
done
scripts/pgtmp.sh stop "$irdir"
emit meta.load_after_ir "$(load_now)"

# ---------------------------------------------------------------------------------------------
# 3. Sign-ins: the update of auth.users at every sign-in (bench/supabase_signin.sql), on one
# database of $signin_users users made by signups (so every user has a profile), the update
# triggers switched from run to run (bench/lib.sh, signin_arms / signin_arm_sql): none, UserSync's,
# the previous release's WHEN trigger and UserSync's function without its SET clause.
say "3. sign-ins on $signin_users users ($runs x $pgbench_seconds s per arm and mode)"
emit signin.users "$signin_users"
signin_db() { # db users: the sign-in database
  create_supabase_db "$1"
  apply_migrations "$1"
  signin_users "$1" "$2"
  signin_reference_triggers | sql "$1"
  supabase_signin_procedure | sql "$1"
}
signin_db signin "$signin_users"
[ "$(val signin "select count(*) from public.users")" = "$signin_users" ] || die "sign-in users have no profiles"
for run in $(seq 1 "$runs"); do
  for mode in durable async; do
    for arm in $(rotate "$run" $signin_arms); do
      { signin_arm_sql "$arm"; echo "vacuum (analyze) auth.users;"; echo "checkpoint;"; } | sql signin
      tps=$(pgbench_tps signin "$mode" "$repo/bench/supabase_signin.sql" -D users="$signin_users")
      [ -n "$tps" ] || die "no tps from pgbench"
      emit "signin.$mode.$arm.$run" "$tps"
      say "   run $run $mode $arm: $tps tps"
    done
  done
done
# Sign-ins change nothing UserSync copies: no profile may have been touched.
[ "$(val signin "select count(*) from public.users where updated_at >= (select min(last_sign_in_at) from auth.users)")" = 0 ] \
  || die "sign-ins changed profiles"
sql postgres -c "drop database signin"
# The same update in instructions, per sign-in (bench.supabase_signins on a single-user backend).
say "   instructions per sign-in (callgrind, $ir_small and $ir_large sign-ins per arm, 1,000 users)"
ir_cluster_start "$irdir" $$
( export $ir_conn; signin_db ir_signin 1000 )
ir_cluster_stop "$irdir"
for arm in $signin_arms; do
  # Each session starts from a vacuumed table and signs every user in once before the counted
  # sign-ins, so both sessions of every arm meet the table in the same state (the warm-up is
  # counted in both and cancels out).
  ir=$(ir_per_call "$irdir" ir_signin "$ir_small" "$ir_large" \
         "$(echo "vacuum auth.users"; signin_arm_sql "$arm" | tr -d '\n'; echo
            printf '%s\n' "set role supabase_auth_admin" "set synchronous_commit = off" "call bench.supabase_signins(1000, 1000)")" \
         "call bench.supabase_signins(%d, 1000)") || die "callgrind failed for sign-ins, $arm"
  emit "signin.ir.$arm" "$ir"
  say "   $arm: $ir instructions per sign-in"
done
scripts/pgtmp.sh stop "$irdir"
emit meta.load_after_signin "$(load_now)"

# ---------------------------------------------------------------------------------------------
# 4. The quality check against its lower bound (the fastest of bench/lib.sh's $bound_variants in
# the same run) and against the obvious queries.
# Timing: psql's \timing (client-side wall time of each statement; results are a handful of
# rows). One untimed warm-up round first, then $runs rounds of the check and the bound variants
# (in an order rotated from round to round), then the obvious queries.
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

# The work of the check and of reading both keys, in instructions (callgrind, single-user backend,
# so one process runs every part of a parallel plan): a session running the query once and one
# running it twice; the difference is one warm execution. Only PortalRun (the queries) is counted.
say "4. quality check: instructions of the check and of reading both keys once, $ir_check_users users"
ir_cluster_start "$irdir" $$
( export $ir_conn; create_supabase_db ir_check; apply_migrations ir_check
  load_users ir_check "$ir_check_users" 1000 $((ir_check_users / 10000)) >/dev/null )
ir_cluster_stop "$irdir"
declare -A ir_query=(
  [read]="select (select count(id) from auth.users) + (select count(id) from public.users)"
  [check]="select * from user_sync.get_user_sync_stats()")
for q in read check; do
  for times in 1 2; do
    ir=$({ echo "$bound_common"; for _ in $(seq "$times"); do echo "${ir_query[$q]}"; done; } \
           | ir_count "$irdir" ir_check PortalRun "check.$q.$times") || die "callgrind failed for $q"
    [ -n "$ir" ] || die "no instruction count for $q"
    emit "check.ir.$q.$times" "$ir"
  done
done
emit check.ir.users "$ir_check_users"
emit check.variants "$bound_variants"
for v in $bound_variants; do emit "check.describe.$v" "${bound_describe[$v]}"; done
emit check.ir.profiles "$((ir_check_users - ir_check_users / 1000 + ir_check_users / 10000))"
scripts/pgtmp.sh stop "$irdir"

for n in $sizes; do
  db="check_$n"
  ghosts=$((n / 1000)); orphans=$((n / 10000))
  say "4. quality check at $n users ($ghosts ghosts, $orphans orphans): loading"
  create_supabase_db "$db"
  apply_migrations "$db"
  t0=$(now)
  load_users "$db" "$n" 1000 "$orphans"
  emit "check.$n.load_s" "$(python3 -c "print(round($(now) - $t0, 1))")"
  emit "check.$n.auth_pkey_mb" "$(val "$db" "select pg_relation_size('auth.users_pkey') / 1048576")"
  emit "check.$n.profiles_pkey_mb" "$(val "$db" "select pg_relation_size('public.users_pkey') / 1048576")"

  # Every bound variant must read both keys index-only, with no heap fetch, in the plan it claims.
  for v in $bound_variants; do
    bp=$(bound_plan "$db" "$v") || die "lower bound variant $v"
    emit "check.$n.bound_plan.$v" "$bp"
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
  check_round "$db" >/dev/null; obvious_round "$db" >/dev/null
  for v in $bound_variants; do bound_ms "$db" "$v" >/dev/null; done
  for run in $(seq 1 "$runs"); do
    timings=""
    for step in $(rotate "$run" check $bound_variants); do
      if [ "$step" = check ]; then
        read -r ms tf tb < <(check_round "$db")
        [ -n "$ms" ] || die "no timing from the quality check"
        emit "check.$n.check_ms.$run" "$ms"; emit "check.$n.temp_files.$run" "$tf"; emit "check.$n.temp_bytes.$run" "$tb"
        timings+=" check $ms ms (temp files +$tf, +$tb bytes),"
      else
        lb=$(bound_ms "$db" "$step")
        [ -n "$lb" ] || die "no timing from the lower bound variant $step"
        emit "check.$n.bound.$step.$run" "$lb"
        timings+=" $step $lb ms,"
      fi
    done
    read -r ob og oo oc otb < <(obvious_round "$db")
    [ -n "$ob" ] || die "no timing from the obvious queries"
    emit "check.$n.obvious_ms.$run" "$ob"; emit "check.$n.obvious_ghosts_ms.$run" "$og"
    emit "check.$n.obvious_orphans_ms.$run" "$oo"; emit "check.$n.obvious_counts_ms.$run" "$oc"
    emit "check.$n.obvious_temp_bytes.$run" "$otb"
    say "   run $run:$timings obvious $ob ms (temp +$otb bytes)"
  done
  sql postgres -c "drop database \"$db\""
  emit "meta.load_after_check_$n" "$(load_now)"
done

# ---------------------------------------------------------------------------------------------
# 5. Backfill of ghosts while signups run.
bf_ghosts=$((backfill_users / 10))
say "5. backfill of $bf_ghosts ghosts in $backfill_users users: loading"
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
single_backfill() { # -> ms
  local out rows
  reset_backfill
  out=$(sql backfill -A -t -c '\timing on' -c "select count(*) from user_sync.repair_ghost_users(100000, false)")
  rows=$(sed -n '1p' <<<"$out")
  [ "$rows" = "$bf_ghosts" ] || die "single-statement backfill repaired $rows rows, expected $bf_ghosts"
  sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out"
}
if [ "$bf_ghosts" -le 100000 ]; then
  for run in $(seq 1 "$runs"); do
    ms=$(single_backfill)
    emit "backfill.single_ms.$run" "$ms"
    say "   single statement run $run: $bf_ghosts rows in $ms ms"
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
    -f "$work/bare.sql" backfill >"$1.out" 2>&1
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
emit meta.load_end "$(load_now)"
emit meta.runtime_s "$(( $(date +%s) - started ))"
mkdir -p "$(dirname "$out")"
[ -n "${BENCH_RESULTS:-}" ] && cp "$results" "$BENCH_RESULTS"
python3 bench/report.py "$results" "$out"
say "report written to $out ($(( $(date +%s) - started )) s)"
