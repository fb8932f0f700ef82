#!/usr/bin/env bash
# What a repaired row must cost, next to what the repair costs: instructions per row of the ghost
# repair (user_sync.repair_ghost_users) and of the least work a repair has to do, on the same
# rows. BENCH_FLOOR_USERS users (default 200,000), every tenth a ghost (bench/lib.sh, load_users).
# Each arm runs in a single-user backend (bench/lib.sh, ir_count) of the stopped cluster, in a
# transaction rolled back, once for the first SMALL and once for the first LARGE ghosts
# (BENCH_IR_ROWS, default "1000 5000"); per row = (Ir(LARGE) - Ir(SMALL)) / (LARGE - SMALL), so
# what a session does once cancels out. Instruction counts do not depend on the machine's load.
#
# The arms, each on the first N ghosts by id:
#   repair         user_sync.repair_ghost_users(N, false): find them, insert their mapped profiles
#                  (on conflict do nothing), record the audit row
#   find           user_sync.next_ghost_ids(N, null): the index-only anti-join that finds them
#   insert         find them so, and insert their profiles' id, email, created_at, updated_at from
#                  their auth rows (looked up by primary key), on conflict do nothing
#   insert_plain   the same without on conflict
#   insert_no_fk   the same with the profile table's foreign key to auth.users dropped
#   insert_bare    the same into a copy of public.users without indexes, constraints or triggers
# The floor is the insert arm: no repair can skip finding the ghosts or writing their profiles
# with the primary key and the foreign key the table has; what the repair adds to it is the
# mapping of every profile column, the audit row and the batch's arrays.
#
# Writes the "## The backfill's floor" section of docs/performance.md (BENCH_OUT).
#
#   bench/backfill_floor.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export PATH=/usr/lib/postgresql/15/bin:$PATH
users=${BENCH_FLOOR_USERS:-200000}
out=${BENCH_OUT:-docs/performance.md}
read -r ir_small ir_large <<<"${BENCH_IR_ROWS:-1000 5000}"
ghosts=$((users / 10))
[ "$ghosts" -ge "$ir_large" ] || { echo "BENCH_FLOOR_USERS / 10 must be at least the larger of BENCH_IR_ROWS" >&2; exit 2; }
# shellcheck source=scripts/db.sh
. scripts/db.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_cluster backfill-floor
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
version=$(val postgres 'select version()')

say "loading $users users ($ghosts ghosts)"
create_supabase_db floor
apply_migrations floor
load_users floor "$users" 10 0
sql floor <<'SQL'
create schema bench;
create table bench.ghost_ids as
  select a.id from auth.users a where not exists (select from public.users p where p.id = a.id) order by a.id;
create table bench.bare as select * from public.users with no data;
vacuum (analyze);
checkpoint;
SQL
[ "$(val floor "select count(*) from bench.ghost_ids")" = "$ghosts" ] || { echo "wrong number of ghosts" >&2; exit 1; }

columns="id, email, created_at, updated_at"
# Each ghost's auth row by primary key, as in the repair (offset 0 keeps the lookup a nested
# loop); hash joins off, as the repair sets them, so that the anti-join is planned as there.
select_n="select a.id, a.email, a.created_at, coalesce(a.updated_at, a.created_at) from user_sync.next_ghost_ids(%d, null) g(id) cross join lateral (select * from auth.users u where u.id = g.id offset 0) a"
join_setup="set enable_hashjoin = off"
drop_fk="do \$\$ begin execute (select pg_catalog.format('alter table public.users drop constraint %%I', conname) from pg_catalog.pg_constraint where conrelid = 'public.users'::regclass and contype = 'f' and confrelid = 'auth.users'::regclass); end \$\$"
arms="repair find insert insert_plain insert_no_fk insert_bare"
declare -A arm_sql
arm_sql[repair]="select count(*) from user_sync.repair_ghost_users(%d, false)"
arm_sql[find]="select count(*) from user_sync.next_ghost_ids(%d, null)"
arm_sql[insert]="insert into public.users ($columns) $select_n on conflict (id) do nothing"
arm_sql[insert_plain]="insert into public.users ($columns) $select_n"
arm_sql[insert_no_fk]="$drop_fk
insert into public.users ($columns) $select_n"
arm_sql[insert_bare]="insert into bench.bare ($columns) $select_n"

as_cluster_owner pg_ctl -D "$pgdir/data" -w -t 60 stop >/dev/null
declare -A ir
for arm in $arms; do
  ir[$arm]=$(ir_per_row "$pgdir" floor "$ir_small" "$ir_large" "$arm" "${arm_sql[$arm]}" "$join_setup")
  say "$arm: ${ir[$arm]} instructions per row"
done

python3 - "$users" "$ghosts" "$ir_small" "$ir_large" "$version" "$(valgrind --version)" \
  "${ir[repair]}" "${ir[find]}" "${ir[insert]}" "${ir[insert_plain]}" "${ir[insert_no_fk]}" "${ir[insert_bare]}" \
  "$(date -u '+%Y-%m-%d')" <<'PY' >"$work/floor.md"
import sys
users, ghosts, small, large = (int(x) for x in sys.argv[1:5])
version, valgrind = sys.argv[5].split(" on ")[0], sys.argv[6]
repair, find, insert, plain, no_fk, bare = (int(x) for x in sys.argv[7:13])
floor = insert
print("## The backfill's floor")
print()
print(f"Measured by `bench/backfill_floor.sh` ({sys.argv[13]}): {users:,} users, {ghosts:,} ghosts (every tenth id); callgrind on a single-user backend, sessions of the first "
      f"{small:,} and {large:,} ghosts, each in a transaction rolled back; {version}, {valgrind}.")
print()
print("| arm | what runs, per ghost | instructions per row | of the repair |")
print("|---|---|---|---|")
for name, what, v in [
    ("repair", "`repair_ghost_users(N, false)` as migrated: find, insert the mapped profiles, audit", repair),
    ("find", "`next_ghost_ids(N, null)`: the index-only anti-join that finds them", find),
    ("insert", "find them and insert id, email, created_at, updated_at from their auth rows, `on conflict do nothing`", insert),
    ("insert_plain", "the same without `on conflict`", plain),
    ("insert_no_fk", "the same without the foreign key to auth.users", no_fk),
    ("insert_bare", "the same into a table without indexes, constraints or triggers", bare),
]:
    print(f"| {name} | {what} | {v:,} | {v / repair:.2f} |")
print()
print(f"Floor: the insert arm, what no repair can skip (finding the ghosts, writing their profiles with the table's "
      f"primary key and foreign key). The repair costs {repair / floor:.2f}× it, {repair - floor:+,} instructions a row "
      f"(the mapping of every profile column with the metadata guards, the audit row, the batch's arrays). Of the floor: "
      f"finding {find / floor:.0%}, reading the auth row and writing the row {(bare - find) / floor:.0%}, the primary key "
      f"{(no_fk - bare) / floor:.0%}, the foreign key's check {(plain - no_fk) / floor:.0%}, `on conflict` "
      f"{(insert - plain) / floor:.0%}.")
PY
cat "$work/floor.md"
python3 bench/write_section.py "$out" <"$work/floor.md"
