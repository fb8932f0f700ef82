#!/usr/bin/env bash
# What UserSync's update trigger costs per sign-in. Supabase Auth updates auth.users at every
# sign-in (`set last_sign_in_at = now(), updated_at = now()`), and since on_auth_user_updated has
# no column list and no WHEN clause (either would block Auth's own migrations), every such update
# calls public.handle_user_updated(), which returns at its first comparison.
#
#   bench/signins.sh                          3 runs x 20 s per arm and mode (about 7 minutes)
#   BENCH_RUNS=5 BENCH_SECONDS=30 bench/signins.sh
#
# Arms, one database, same rows, only the enabled trigger differs (toggled as the superuser):
#   without    on_auth_user_updated disabled: the baseline
#   with       UserSync's trigger as the migrations install it
#   previous   the previous release's `after update of email, email_confirmed_at, deleted_at ...
#              when (...)` trigger (a reference: the cheapest filter, but it blocks Auth's DDL)
# pgbench as supabase_auth_admin, 2 clients, -M prepared, one sign-in update of a random existing
# user per transaction; durable commits and synchronous_commit = off. Arms rotate order per run;
# each figure is the median of the per-run ratios to the baseline measured in the same run.
# Replaces the "## Sign-ins" section of docs/performance.md (BENCH_OUT) with its table.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-20}
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
# Users with ids md5(n)::uuid, so pgbench can name a random one without a lookup table.
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
printf '%s\n' "\\set n random(1, $users)" \
  "update auth.users set last_sign_in_at = now(), updated_at = now() where id = md5(:n::text)::uuid;" >"$work/signin.sql"

arm_trigger() { case $1 in with) echo on_auth_user_updated ;; previous) echo usersync_previous_release ;; esac; }
tps() { # arm mode
  local opts="" t
  sql "$db" -c "alter table auth.users disable trigger on_auth_user_updated" \
            -c "alter table auth.users disable trigger usersync_previous_release"
  t=$(arm_trigger "$1")
  [ -n "$t" ] && sql "$db" -c "alter table auth.users enable trigger $t"
  sql "$db" -c "vacuum auth.users" -c "checkpoint"
  [ "$2" = async ] && opts="-c synchronous_commit=off"
  PGOPTIONS="$opts" pgbench -n -U supabase_auth_admin -M prepared -c 2 -j 2 -T "$seconds" -f "$work/signin.sql" "$db" \
    | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p'
}

: >"$work/results"
for run in $(seq 1 "$runs"); do
  case $((run % 3)) in
    1) arms="without with previous" ;;
    2) arms="with previous without" ;;
    0) arms="previous without with" ;;
  esac
  for mode in durable async; do
    for arm in $arms; do
      t=$(tps "$arm" "$mode")
      echo "run $run $mode $arm: $t tps" >&2
      echo "$run $mode $arm $t" >>"$work/results"
    done
  done
done
# The profiles must be untouched: sign-ins change nothing UserSync copies.
[ "$(val "$db" "select count(*) from public.users where updated_at > (select min(last_sign_in_at) from auth.users)")" = 0 ] \
  || { echo "sign-ins touched profiles" >&2; exit 1; }

python3 - "$work/results" "$out" "$runs" "$seconds" "$users" "$(val postgres 'show server_version')" <<'PY'
import collections, re, statistics, sys
path, out, runs, seconds, users, version = sys.argv[1:]
tps = collections.defaultdict(dict)
for line in open(path):
    run, mode, arm, t = line.split()
    tps[(mode, arm)][int(run)] = float(t)
def ratios(mode, arm):
    return [tps[(mode, arm)][r] / tps[(mode, "without")][r] for r in sorted(tps[(mode, arm)])]
rows = []
for mode, label in (("durable", "durable commits"), ("async", "synchronous_commit = off")):
    for r in sorted(tps[(mode, "without")]):
        w, a, p = tps[(mode, "without")][r], tps[(mode, "with")][r], tps[(mode, "previous")][r]
        rows.append(f"| {r} | {label} | {w:,.0f} | {a:,.0f} | {a / w:.2f} | {p:,.0f} | {p / w:.2f} |")
summary = []
for mode, label in (("durable", "durable commits"), ("async", "synchronous_commit = off")):
    rw, rp = ratios(mode, "with"), ratios(mode, "previous")
    summary.append(f"| {label} | {statistics.median(tps[(mode, 'without')].values()):,.0f} tps | "
                   f"{statistics.median(tps[(mode, 'with')].values()):,.0f} tps | **{statistics.median(rw):.2f}** "
                   f"(runs {min(rw):.2f}–{max(rw):.2f}) | {statistics.median(rp):.2f} (runs {min(rp):.2f}–{max(rp):.2f}) |")
section = "\n".join([
    "## Sign-ins",
    "",
    f"Measured by `bench/signins.sh` (PostgreSQL {version}, its own durable cluster, {int(users):,} users). Supabase Auth "
    "updates `auth.users` at every sign-in (`last_sign_in_at`, `updated_at`). `on_auth_user_updated` fires after every "
    "update, with no column list and no WHEN clause (either makes PostgreSQL refuse Auth's `alter table auth.users "
    "alter column ... type`), so each sign-in calls `public.handle_user_updated()`, which compares OLD and NEW and "
    f"returns. pgbench as `supabase_auth_admin`, 2 clients, `-M prepared`, {seconds} s per arm, "
    "`update auth.users set last_sign_in_at = now(), updated_at = now() where id = <random user>` per transaction; "
    f"{runs} runs, arms rotating order; a ratio is the median of the per-run ratios to *without* (the trigger disabled) "
    "measured in the same run. *Previous* is the previous release's `after update of email, email_confirmed_at, "
    "deleted_at ... when (...)` trigger: the WHEN clause filters sign-ins before any function call, which is why it is "
    "cheaper, and why Auth's DDL could not run.",
    "",
    "| commit mode | without trigger | with UserSync's trigger | ratio | previous release's trigger, ratio |",
    "|---|---|---|---|---|",
    *summary,
    "",
    "| run | mode | tps without | tps with | ratio | tps previous | ratio |",
    "|---|---|---|---|---|---|---|",
    *rows,
])
doc = open(out).read()
match = re.search(r"^## Sign-ins\n.*?(?=^## |\Z)", doc, flags=re.S | re.M)
if match:
    doc = doc[:match.start()] + section + "\n\n" + doc[match.end():]
else:
    at = doc.find("\n## Diagnostics")
    doc = (doc[:at] + "\n\n" + section + "\n" + doc[at:]) if at >= 0 else doc.rstrip("\n") + "\n\n" + section + "\n"
open(out, "w").write(doc.replace("\n\n\n", "\n\n"))
print(section)
PY
