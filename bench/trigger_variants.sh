#!/usr/bin/env bash
# Where the signup trigger's cost goes: signup throughput (pgbench, as in bench/run.sh section 1)
# for the migrations' trigger and for variants of it, each in its own database on one throwaway
# cluster. Diagnostic only: the variants are not migrations, and some (no foreign key, no
# search_path) break the design on purpose to price one ingredient. Prints a markdown table.
#
#   bench/trigger_variants.sh                      server-side loop, 5 runs, synchronous_commit = off
#   BENCH_METHOD=pgbench BENCH_RUNS=5 BENCH_PGBENCH_SECONDS=15 BENCH_MODES=async bench/trigger_variants.sh
#   BENCH_VARIANTS="plain current inline" bench/trigger_variants.sh    (plain is the baseline: keep it)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-5}
seconds=${BENCH_PGBENCH_SECONDS:-15}
modes=${BENCH_MODES:-async}

work=$(mktemp -d /tmp/usersync-variants.XXXXXX)
pgdir="$work/pg"
trap 'scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
conn=$(scripts/pgtmp.sh start "$pgdir" --durable --supabase --owner-pid $$)
export $conn
# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

# The profile columns computed inline from NEW: the same values as user_sync.profile_values(new).
inline_body='
  insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
  values (new.id,
          case when new.deleted_at is null then new.email::text end,
          new.email_confirmed_at,
          coalesce(user_sync.metadata_text(new.raw_user_meta_data, '"'full_name'"'),
                   user_sync.metadata_text(new.raw_user_meta_data, '"'name'"')),
          coalesce(user_sync.metadata_text(new.raw_user_meta_data, '"'avatar_url'"'),
                   user_sync.metadata_text(new.raw_user_meta_data, '"'picture'"')),
          coalesce(new.created_at, pg_catalog.now()),
          coalesce(new.updated_at, new.created_at, pg_catalog.now()))
  on conflict (id) do nothing;'
trigger_fn() { # header-options body -> create or replace function statement
  printf 'create or replace function public.handle_new_user() returns trigger language plpgsql %s as $f$\nbegin\n%s\n  return null;\nend\n$f$;\n' "$1" "$2"
}

declare -A describe
names=${BENCH_VARIANTS:-plain current docs inline inline_nofk current_nofk inline_noconflict inline_nopath noop id_only}
wanted=" $names "
variant() { # name description [sql-as-postgres] [sql-as-superuser]
  local name=$1
  describe[$name]=$2
  [[ "$wanted" == *" $name "* ]] || return 0
  create_supabase_db "v_$name"
  [ "$name" = plain ] && return 0
  apply_migrations "v_$name"
  if [ -n "${3:-}" ]; then sql "v_$name" -U postgres <<<"$3"; fi
  if [ -n "${4:-}" ]; then sql "v_$name" <<<"$4"; fi
}
variant plain "no trigger (Supabase stand-in only)"
variant current "migrations as they are"
variant inline "profile columns computed inline from NEW instead of select * from profile_values(new)" \
  "$(trigger_fn "security definer set search_path = ''" "$inline_body")"
variant inline_nofk "inline, and no foreign key public.users → auth.users (diagnostic)" \
  "$(trigger_fn "security definer set search_path = ''" "$inline_body")" \
  "alter table public.users drop constraint users_id_fkey"
variant current_nofk "migrations, without the foreign key (diagnostic)" "" \
  "alter table public.users drop constraint users_id_fkey"
variant inline_nopath "inline, security definer without set search_path (diagnostic)" \
  "$(trigger_fn "security definer" "$inline_body")"
variant noop "trigger function that inserts nothing (security definer, search_path): the cost of firing" \
  "$(trigger_fn "security definer set search_path = ''" "")"
variant id_only "inserts only (id, created_at, updated_at) from NEW, with the foreign key (diagnostic)" \
  "$(trigger_fn "security definer set search_path = ''" "  insert into public.users (id, created_at, updated_at) values (new.id, new.created_at, new.created_at) on conflict (id) do nothing;")"
variant docs "the profile trigger of Supabase's docs (bench/run.sh's reference arm): plain insert of a few columns, no on conflict, no metadata checks" \
  "$docs_trigger_function"
variant inline_noconflict "inline, plain insert without on conflict (diagnostic: a conflict would fail the signup)" \
  "$(trigger_fn "security definer set search_path = ''" "${inline_body/  on conflict (id) do nothing;/;}")"

echo "$signup_statement" >"$work/signup.sql"
# loop (default): one backend runs BENCH_SIGNUPS signups in a DO block with a COMMIT after each,
# as supabase_auth_admin: the server-side cost per signup without client, protocol or pgbench
# CPU, so the variants' differences stand out of a shared machine's noise.
# pgbench: the throughput test of bench/run.sh section 1 (2 clients, BENCH_PGBENCH_SECONDS).
method=${BENCH_METHOD:-loop}
signups=${BENCH_SIGNUPS:-30000}
measure() { # db mode -> tps
  local db=$1 mode=$2 sync=on
  [ "$mode" = async ] && sync=off
  sql "$db" -c "truncate auth.users cascade" -c "checkpoint" 2>/dev/null
  if [ "$method" = pgbench ]; then
    PGOPTIONS="-c synchronous_commit=$sync" pgbench -n -U supabase_auth_admin -M prepared -c 2 -j 2 -T "$seconds" \
      -f "$work/signup.sql" "$db" 2>&1 | sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p'
  else
    sql "$db" <<SQL | awk -v n="$signups" '/^Time:/ {print n / ($2 / 1000)}'
set role supabase_auth_admin;
set synchronous_commit = $sync;
\\timing on
do \$\$ begin for i in 1..$signups loop $signup_statement commit; end loop; end \$\$;
SQL
  fi
}

declare -A tps
for run in $(seq 1 "$runs"); do
  # Rotate the order each run so drift does not favour a variant.
  all=($names); k=$(( (run - 1) % ${#all[@]} ))
  order="${all[*]:k} ${all[*]:0:k}"
  for mode in $modes; do
    for name in $order; do
      t=$(measure "v_$name" "$mode")
      tps[$mode.$name]="${tps[$mode.$name]:-} $t"
      echo "run $run $mode $name $t" >&2
    done
  done
done

median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
if [ "$method" = pgbench ]; then unit="tps, pgbench 2 clients × $seconds s"; else unit="signups/s, one backend, $signups signups"; fi
echo "| variant | mode | median $unit ($runs runs) | µs per signup | added µs | ratio to no trigger | runs |"
echo "|---|---|---|---|---|---|---|"
for mode in $modes; do
  base=$(median ${tps[$mode.plain]})
  for name in $names; do
    m=$(median ${tps[$mode.$name]})
    python3 - "$name" "${describe[$name]}" "$mode" "$m" "$base" "${tps[$mode.$name]}" "$method" <<'PY'
import sys
name, desc, mode, m, base, runs, method = sys.argv[1:]
m, base = float(m), float(base)
# In loop mode one backend does everything, so 1/rate is the time per signup.
us = f"{1e6 / m:.1f}" if method == "loop" else "—"
added = f"{1e6 / m - 1e6 / base:+.1f}" if method == "loop" else "—"
print(f"| {name}: {desc} | {mode} | {m:,.0f} | {us} | {added} | {m / base:.2f} | {' '.join(f'{float(x):,.0f}' for x in runs.split())} |")
PY
  done
done
