#!/usr/bin/env bash
# What UserSync's update trigger costs per sign-in. Supabase Auth updates auth.users at every
# sign-in (`set last_sign_in_at = now(), updated_at = now()`), and since on_auth_user_updated has
# no column list and no WHEN clause (either would block Auth's own migrations), every such update
# calls public.handle_user_updated(), which returns at its first comparison.
#
#   bench/signins.sh                          5 runs (about 3 minutes)
#   BENCH_RUNS=7 BENCH_ROUNDS=40 BENCH_CHUNK=500 bench/signins.sh
#
# Arms, one database, same rows, only the enabled trigger differs (toggled as the superuser):
#   without    on_auth_user_updated disabled: the baseline
#   with       UserSync's trigger as the migrations install it
#   previous   the previous release's `after update of email, email_confirmed_at, deleted_at ...
#              when (...)` trigger (a reference: the cheapest filter, but it blocks Auth's DDL)
#   no_set     UserSync's function without its `set search_path = ''` (a reference: what the
#              fixed search_path the linter requires costs; never installed by the migrations)
# A run is one server-side loop (a DO block) that alternates the arms in rounds: each round
# enables one arm's trigger and makes BENCH_CHUNK sign-in updates of random existing users, each
# its own transaction (`update auth.users set last_sign_in_at = now(), updated_at = now() where
# id = ...`, a prepared plan as Auth's driver uses), so every arm sees the same machine load; the
# arms' order rotates per round. Throughput per arm = updates / time spent in that arm's rounds;
# ratio = with / without in the same run; reported: the median over the runs, and the server time
# UserSync adds per sign-in. Durable commits and synchronous_commit = off (CPU only).
# Replaces the "## Sign-ins" section of docs/performance.md (BENCH_OUT) with its table.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-5}
rounds=${BENCH_ROUNDS:-20}
chunk=${BENCH_CHUNK:-200}
users=${BENCH_USERS:-100000}
out=${BENCH_OUT:-docs/performance.md}

work=$(mktemp -d /tmp/usersync-signins.XXXXXX)
pgdir="$work/pg"
trap 'scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
conn=$(scripts/pgtmp.sh start "$pgdir" --durable --supabase --owner-pid $$)
export $conn
# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

db=signins
create_supabase_db "$db"
apply_migrations "$db"
# Users with ids md5(n)::uuid, so the loop can name a random one without a lookup table.
sql "$db" <<SQL
set session_replication_role = replica;
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data,
                        raw_user_meta_data, created_at, updated_at, email_confirmed_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
select '00000000-0000-0000-0000-000000000000', md5(i::text)::uuid, 'authenticated', 'authenticated',
       'user' || i || '@bench.example', '\$2a\$10\$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01',
       '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', 'User ' || i, 'email_verified', true),
       now(), now(), now(), '', '', '', ''
  from generate_series(1, $users) i;
insert into public.users (id, email, email_confirmed_at, full_name, created_at, updated_at)
select id, email, email_confirmed_at, raw_user_meta_data ->> 'full_name', created_at, updated_at from auth.users;
reset session_replication_role;
-- The previous release's trigger, for the reference arm.
create trigger usersync_previous_release
  after update of email, email_confirmed_at, deleted_at on auth.users
  for each row
  when (old.email is distinct from new.email
        or old.email_confirmed_at is distinct from new.email_confirmed_at
        or old.deleted_at is distinct from new.deleted_at)
  execute function public.handle_user_updated();
vacuum (analyze) auth.users;
vacuum (analyze) public.users;
SQL
# The no_set reference: the installed function's definition, renamed and without its SET clause.
val "$db" "select replace(replace(pg_get_functiondef('public.handle_user_updated()'::regprocedure),
             'public.handle_user_updated()', 'public.usersync_bench_no_search_path()'), E' SET search_path TO \'\'\n', E'\n')" \
  | sql "$db"
sql "$db" -c "create trigger usersync_bench_no_search_path after update on auth.users for each row execute function public.usersync_bench_no_search_path()" \
  -c "alter table auth.users disable trigger usersync_bench_no_search_path"
[ "$(val "$db" "select proconfig is null from pg_proc where proname = 'usersync_bench_no_search_path'")" = t ] \
  || { echo "the no_set reference still has a SET clause" >&2; exit 1; }
# run MODE -> "arm updates seconds" per arm, from one interleaved server-side loop.
run() {
  local opts=""
  [ "$1" = async ] && opts="-c synchronous_commit=off"
  PGOPTIONS="$opts" psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" <<SQL
create temp table arm_time (arm text primary key, updates int default 0, seconds float8 default 0);
insert into arm_time (arm) values ('without'), ('with'), ('previous'), ('no_set');
do \$\$
declare
  arms text[] := array['without', 'with', 'previous', 'no_set'];
  cur_arm text;
  target uuid;
  started timestamptz;
begin
  for round in 1..$rounds loop
    for k in 0..3 loop
      cur_arm := arms[1 + (round + k) % 4];
      alter table auth.users disable trigger on_auth_user_updated;
      alter table auth.users disable trigger usersync_previous_release;
      alter table auth.users disable trigger usersync_bench_no_search_path;
      if cur_arm = 'with' then alter table auth.users enable trigger on_auth_user_updated; end if;
      if cur_arm = 'previous' then alter table auth.users enable trigger usersync_previous_release; end if;
      if cur_arm = 'no_set' then alter table auth.users enable trigger usersync_bench_no_search_path; end if;
      commit;
      started := clock_timestamp();
      for i in 1..$chunk loop
        -- The id first: random() in the WHERE clause would make it a volatile qual and a seq scan.
        target := md5((1 + floor(random() * $users))::int::text)::uuid;
        update auth.users set last_sign_in_at = now(), updated_at = now() where id = target;
        commit;
      end loop;
      update arm_time set updates = updates + $chunk,
                          seconds = seconds + extract(epoch from clock_timestamp() - started)
       where arm_time.arm = cur_arm;
      commit;
    end loop;
  end loop;
  alter table auth.users enable trigger on_auth_user_updated;
  alter table auth.users disable trigger usersync_previous_release;
  alter table auth.users disable trigger usersync_bench_no_search_path;
end
\$\$;
select arm || ' ' || updates || ' ' || seconds from arm_time;
SQL
}

: >"$work/results"
for r in $(seq 1 "$runs"); do
  for mode in durable async; do
    run "$mode" | while read -r arm updates secs; do
      echo "run $r $mode $arm: $updates updates in $secs s" >&2
      echo "$r $mode $arm $updates $secs" >>"$work/results"
    done
    sql "$db" -c "vacuum auth.users" -c "checkpoint"
  done
done
# The profiles must be untouched: sign-ins change nothing UserSync copies.
[ "$(val "$db" "select count(*) from public.users where updated_at > (select min(last_sign_in_at) from auth.users)")" = 0 ] \
  || { echo "sign-ins touched profiles" >&2; exit 1; }

python3 - "$work/results" "$runs" "$rounds" "$chunk" "$users" "$(val postgres 'show server_version')" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY' | tee "$work/section.md"
import collections, statistics, sys
path, runs, rounds, chunk, users, version, load = sys.argv[1:]
tps, us = collections.defaultdict(dict), collections.defaultdict(dict)
for line in open(path):
    run, mode, arm, n, secs = line.split()
    tps[(mode, arm)][int(run)] = int(n) / float(secs)
    us[(mode, arm)][int(run)] = float(secs) / int(n) * 1e6
def ratios(mode, arm):
    return [tps[(mode, arm)][r] / tps[(mode, "without")][r] for r in sorted(tps[(mode, arm)])]
rows = []
for mode, label in (("durable", "durable commits"), ("async", "synchronous_commit = off")):
    for r in sorted(tps[(mode, "without")]):
        w, a, p, n = (tps[(mode, arm)][r] for arm in ("without", "with", "previous", "no_set"))
        rows.append(f"| {r} | {label} | {w:,.0f} | {a:,.0f} | {a / w:.2f} | {p:,.0f} | {p / w:.2f} | {n:,.0f} | {n / w:.2f} |")
summary = []
for mode, label in (("durable", "durable commits"), ("async", "synchronous_commit = off")):
    rw, rp, rn = ratios(mode, "with"), ratios(mode, "previous"), ratios(mode, "no_set")
    # Server time added per update: meaningful where the CPU, not the WAL flush, sets the pace.
    added = [us[(mode, "with")][r] - us[(mode, "without")][r] for r in sorted(us[(mode, "with")])]
    summary.append(f"| {label} | {statistics.median(tps[(mode, 'without')].values()):,.0f} /s | "
                   f"{statistics.median(tps[(mode, 'with')].values()):,.0f} /s | **{statistics.median(rw):.2f}** "
                   f"(runs {min(rw):.2f}–{max(rw):.2f}) | "
                   + (f"{statistics.median(added):+.1f} µs" if mode == "async" else "— (the WAL flush dominates)")
                   + f" | {statistics.median(rp):.2f} (runs {min(rp):.2f}–{max(rp):.2f}) "
                   f"| {statistics.median(rn):.2f} (runs {min(rn):.2f}–{max(rn):.2f}) |")
section = "\n".join([
    "## Sign-ins",
    "",
    f"Measured by `bench/signins.sh` (PostgreSQL {version}, its own durable cluster, {int(users):,} users; load average "
    f"{load} at the end, on 2 cores shared with other work, which is why the runs spread). Supabase Auth "
    "updates `auth.users` at every sign-in (`last_sign_in_at`, `updated_at`). `on_auth_user_updated` fires after every "
    "update, with no column list and no WHEN clause (either makes PostgreSQL refuse Auth's `alter table auth.users "
    "alter column ... type`), so each sign-in calls `public.handle_user_updated()`, which compares OLD and NEW and "
    f"returns. Each of the {runs} runs is one server-side loop alternating the arms in {rounds} rounds of {chunk} "
    "sign-in updates (`update auth.users set last_sign_in_at = now(), updated_at = now() where id = <random user>`, "
    "one transaction each, a prepared plan), arms rotating order, so all arms share the machine's load; throughput "
    "per arm is updates over the time spent in its rounds, a ratio is *with* over *without* (the trigger disabled) "
    "in the same run, and the table gives the median of the runs and the server time the trigger adds per update. "
    "*Previous* is the previous release's `after update of email, email_confirmed_at, "
    "deleted_at ... when (...)` trigger: the WHEN clause filters sign-ins before any function call, which is why it is "
    "cheaper, and why Auth's DDL could not run. *No SET* is UserSync's function without its `set search_path = ''` "
    "(never installed): the difference between it and *with* is what entering a function with a SET clause costs, "
    "which the linter requires of every function.",
    "",
    "| commit mode | sign-ins without trigger | with UserSync's trigger | ratio | server time added per sign-in | previous release's trigger, ratio | no SET, ratio |",
    "|---|---|---|---|---|---|---|",
    *summary,
    "",
    "| run | mode | /s without | /s with | ratio | /s previous | ratio | /s no SET | ratio |",
    "|---|---|---|---|---|---|---|---|---|",
    *rows,
])
print(section)
PY
python3 bench/write_section.py "$out" <"$work/section.md"
