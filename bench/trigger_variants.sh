#!/usr/bin/env bash
# Where the triggers' cost per signup goes, one database per variant on one throwaway cluster: the
# arms of bench/run.sh section 2 (bench/lib.sh, signup_arm) plus diagnostic variants that break
# the design on purpose to price one ingredient. Quicker to re-run than bench/run.sh while a
# trigger is being changed. Prints a markdown table.
#
#   bench/trigger_variants.sh                  instructions (callgrind), the whole Supabase Auth signup
#   BENCH_METHOD=loop BENCH_RUNS=5 bench/trigger_variants.sh        µs per signup, one backend
#   BENCH_METHOD=pgbench BENCH_PGBENCH_SECONDS=15 BENCH_MODES="durable async" bench/trigger_variants.sh
#   BENCH_VARIANTS="plain docs ours" bench/trigger_variants.sh      (plain is the baseline: keep it)
#   BENCH_WORKLOAD=bare bench/trigger_variants.sh                   the bare insert instead of the signup
#   BENCH_WORKLOAD=signin bench/trigger_variants.sh                 Supabase Auth's sign-in update
#     (bench/supabase_signin.sql) over 1,000 users each variant's triggers signed up; figures per sign-in
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
method=${BENCH_METHOD:-ir}
runs=${BENCH_RUNS:-3}
seconds=${BENCH_PGBENCH_SECONDS:-15}
modes=${BENCH_MODES:-async}
workload=${BENCH_WORKLOAD:-txn}
signups=${BENCH_SIGNUPS:-3000}
read -r ir_small ir_large <<<"${BENCH_IR_SIGNUPS:-100 600}"
names=${BENCH_VARIANTS:-plain noop docs floor ours_insert ours_before ours ours_no_set ours_nofk}
case $method in ir|loop|pgbench) ;; *) echo "BENCH_METHOD is ir, loop or pgbench" >&2; exit 2 ;; esac
case $workload in txn|bare|signin) ;; *) echo "BENCH_WORKLOAD is txn, bare or signin" >&2; exit 2 ;; esac
[ "$method" = ir ] && runs=1   # instruction counts do not vary from run to run

work=$(mktemp -d /tmp/usersync-variants.XXXXXX)
pgdir="$work/pg"
trap 'scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
if [ "$method" = ir ]; then
  ir_cluster_start "$pgdir" $$
  conn=$ir_conn
else
  conn=$(scripts/pgtmp.sh start "$pgdir" --durable --supabase --owner-pid $$)
fi
export $conn

declare -A describe=(
  [plain]="no trigger"
  [noop]="an insert trigger that does nothing, no update trigger"
  [docs]="the Supabase docs' trigger, no update trigger"
  [floor]="the docs' trigger and a do-nothing update trigger on every update"
  [ours_insert]="UserSync's insert trigger alone"
  [ours_before]="UserSync's migrations before 20261203001000"
  [ours]="UserSync's migrations as they are"
  [ours_no_set]="UserSync's, the functions a signup runs without their SET search_path"
  [ours_nofk]="UserSync's, without the foreign key public.users → auth.users"
)
for name in $names; do
  [ -n "${describe[$name]:-}" ] || { echo "unknown variant $name (known: ${!describe[*]})" >&2; exit 2; }
  case $name in
    ours_nofk) signup_arm "v_$name" ours; sql "v_$name" -c "alter table public.users drop constraint users_id_fkey" ;;
    *) signup_arm "v_$name" "$name" ;;
  esac
  # The bare insert as a procedure too, for the loop and instruction counts.
  sql "v_$name" <<SQL
create or replace procedure bench.bare_signups(n integer) language plpgsql as \$proc\$
begin
  for i in 1..n loop
    $signup_statement
    commit;
  end loop;
end
\$proc\$;
grant execute on procedure bench.bare_signups(integer) to supabase_auth_admin;
SQL
  if [ "$workload" = signin ]; then
    signin_users "v_$name" 1000
    supabase_signin_procedure | sql "v_$name"
  fi
done
procedure=bench.supabase_signups; [ "$workload" = bare ] && procedure=bench.bare_signups
echo "$signup_statement" >"$work/bare.sql"
script="$repo/bench/supabase_signup.sql"; [ "$workload" = bare ] && script="$work/bare.sql"
# Sign-ins: each session starts from a vacuumed table and signs every user in once before what it
# measures (as bench/run.sh section 3 does), and no table is emptied.
reset_sql="truncate auth.users, auth.audit_log_entries cascade"
call="call $procedure(%d)"
pgbench_args=(-f "$script")
if [ "$workload" = signin ]; then
  reset_sql="vacuum auth.users"
  call="call bench.supabase_signins(%d, 1000)"
  pgbench_args=(-f "$repo/bench/supabase_signin.sql" -D users=1000)
fi

measure() { # db mode -> per-signup figure (instructions, µs, or tps)
  local db=$1 mode=$2 sync=on
  [ "$mode" = async ] && sync=off
  case $method in
    ir)
      ir_per_call "$pgdir" "$db" "$ir_small" "$ir_large" \
        "$(printf '%s\n' "$reset_sql" "set role supabase_auth_admin" "set synchronous_commit = off"
           [ "$workload" = signin ] && printf "$call\n" 1000)" \
        "$call" ;;
    loop)
      sql "$db" -c "$reset_sql" -c "checkpoint" 2>/dev/null
      sql "$db" -c "set role supabase_auth_admin" -c "set synchronous_commit = $sync" -c '\timing on' -c "$(printf "$call" "$signups")" \
        | awk -v n="$signups" '/^Time:/ {print $2 * 1000 / n}' ;;
    pgbench)
      sql "$db" -c "$reset_sql" -c "checkpoint" 2>/dev/null
      PGOPTIONS="-c synchronous_commit=$sync" pgbench -n -U supabase_auth_admin -M prepared -c 2 -j 2 -T "$seconds" \
        "${pgbench_args[@]}" "$db" 2>&1 | sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p' ;;
  esac
}

[ "$method" = ir ] && { ir_cluster_stop "$pgdir"; modes=async; }
declare -A got
for run in $(seq 1 "$runs"); do
  all=($names); k=$(( (run - 1) % ${#all[@]} ))
  for mode in $modes; do
    for name in ${all[*]:k} ${all[*]:0:k}; do
      v=$(measure "v_$name" "$mode")
      [ -n "$v" ] || { echo "no figure for $name" >&2; exit 1; }
      got[$mode.$name]="${got[$mode.$name]:-} $v"
      echo "run $run $mode $name $v" >&2
    done
  done
done

case $method in
  ir) unit="instructions per $( [ "$workload" = signin ] && echo sign-in || echo signup) (callgrind, single-user backend)" ;;
  loop) unit="µs per signup (one backend, $signups signups, median of $runs runs)" ;;
  pgbench) unit="tps (pgbench, 2 clients, $seconds s, median of $runs runs)" ;;
esac
echo "Workload: $workload. Figures: $unit."
echo
echo "| variant | mode | figure | added to no trigger | × the docs' added cost |"
echo "|---|---|---|---|---|"
for mode in $modes; do
  for name in $names; do
    python3 - "$name" "${describe[$name]}" "$mode" "$method" "${got[$mode.$name]}" "${got[$mode.plain]:-}" "${got[$mode.docs]:-}" <<'PY'
import statistics, sys
name, desc, mode, method, runs, plain, docs = sys.argv[1:]
m = lambda s: statistics.median(float(x) for x in s.split()) if s.strip() else None
v, p, dc = m(runs), m(plain), m(docs)
if method == "pgbench":   # throughput: the added cost is in time per transaction
    added = (1 / v - 1 / p) * 1e6 if p else None
    docs_added = (1 / dc - 1 / p) * 1e6 if p and dc else None
    figure, added_text = f"{v:,.0f} tps", (f"{added:+.1f} µs" if added is not None else "—")
else:
    added = v - p if p is not None else None
    docs_added = dc - p if p is not None and dc is not None else None
    fmt = "{:,.1f}" if method == "loop" else "{:,.0f}"
    figure = fmt.format(v)
    added_text = ("+" if added >= 0 else "") + fmt.format(added) if added is not None else "—"
times = f"{added / docs_added:.2f}" if added is not None and docs_added else "—"
print(f"| {name}: {desc} | {mode} | {figure} | {added_text} | {times} |")
PY
  done
done
