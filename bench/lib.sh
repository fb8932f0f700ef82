# Helpers shared by the benchmark scripts (source it after exporting scripts/pgtmp.sh's
# PGHOST/PGPORT/PGUSER, and after sourcing scripts/db.sh).

# psql as the superuser, quiet, stopping at the first error; extra arguments pass through.
sql() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
# One value from one query.
val() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# One signup as Supabase Auth writes it (role '' at insert time; the email must be unique because
# of users_email_partial_key). pgbench runs it as supabase_auth_admin, one per transaction.
signup_statement="insert into auth.users (id, aud, role, email, created_at, raw_user_meta_data) values (gen_random_uuid(), 'authenticated', '', 'u' || gen_random_uuid()::text || '@example.com', now(), '{\"full_name\":\"x\"}');"

# The profile trigger function of Supabase's docs (security definer, empty search_path, a plain
# insert of a few columns from NEW; no on conflict, no metadata guards): the reference that prices
# what any inserting PL/pgSQL trigger costs here (bench/run.sh section 1, trigger_variants.sh).
docs_trigger_function="create or replace function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as \$\$
begin
  insert into public.users (id, email, full_name, avatar_url, created_at)
  values (new.id, new.email, new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'avatar_url', new.created_at);
  return new;
end
\$\$;"

# load_users DB N GHOST_EVERY ORPHANS
# N auth.users rows that look like Supabase Auth's (instance id, provider metadata, a
# bcrypt-length password hash), random UUIDs inserted in random order so both primary keys grow
# by random inserts as in production. The trigger is skipped (replica role) and profiles are
# written directly for all but every GHOST_EVERY-th user; ORPHANS profiles get random ids (the
# replica role also skips the foreign key's check). auth.users' secondary indexes are dropped
# for the load and recreated by re-running the idempotent Supabase stand-in, so the final schema
# is exactly the stand-in's. Ends with vacuum (analyze) (index-only scans need no heap fetches)
# and a checkpoint.
load_users() {
  local db=$1 n=$2 ghost_every=$3 orphans=$4
  sql "$db" <<SQL
alter table auth.users drop constraint if exists users_phone_key;
do \$\$
declare r record;
begin
  for r in select indexrelid::regclass as i from pg_catalog.pg_index
            where indrelid = 'auth.users'::regclass and not indisprimary loop
    execute 'drop index ' || r.i;
  end loop;
end
\$\$;
set session_replication_role = replica;
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data,
                        raw_user_meta_data, created_at, updated_at, email_confirmed_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
       'user' || lpad(i::text, 9, '0') || '@bench.example',
       '\$2a\$10\$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01',
       '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', 'User ' || i),
       t, t, t, '', '', '', ''
  from generate_series(1, $n) i,
       lateral (select timestamptz '2023-01-01' + i * interval '1 second' as t) s;
insert into public.users (id, email, email_confirmed_at, full_name, avatar_url, created_at, updated_at)
select a.id, a.email, a.email_confirmed_at, a.raw_user_meta_data ->> 'full_name', null, a.created_at, a.updated_at
  from auth.users a
 where substr(a.email, 5, 9)::bigint % $ghost_every <> 0;
insert into public.users (id, email, created_at, updated_at)
select gen_random_uuid(), 'orphan' || i || '@bench.example', now(), now()
  from generate_series(1, $orphans) i;
reset session_replication_role;
SQL
  sql "$db" -f "$usersync_repo/tests/Shared/supabase/database.sql" \
    -c "alter table auth.users add constraint users_phone_key unique (phone)" 2>&1 | { grep -v NOTICE || true; }
  sql "$db" -c "vacuum (analyze) auth.users" -c "vacuum (analyze) public.users" -c "checkpoint"
}
