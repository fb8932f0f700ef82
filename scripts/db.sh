#!/usr/bin/env bash
# Database helpers shared by the test runner, the demo and the benchmarks (source this file).
# Expects PGHOST/PGPORT/PGUSER (the superuser) from scripts/pgtmp.sh.

usersync_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# create_supabase_db NAME: a database owned by `postgres` with Supabase's auth schema stand-in.
create_supabase_db() {
  psql -q -v ON_ERROR_STOP=1 -d postgres -c "create database \"$1\" owner postgres" >/dev/null
  psql -q -v ON_ERROR_STOP=1 -d "$1" -f "$usersync_repo/tests/Shared/supabase/database.sql" >/dev/null
}

# apply_migrations NAME: every migration in order, as `postgres`, one transaction each,
# exactly as `supabase db push` runs them.
apply_migrations() {
  local f
  for f in "$usersync_repo"/sql/migrations/*.sql; do
    PGOPTIONS="-c client_min_messages=warning" \
      psql -q -X -v ON_ERROR_STOP=1 --single-transaction -U postgres -d "$1" -f "$f" >/dev/null
  done
}
