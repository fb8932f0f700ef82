-- UserSync 10: every UserSync function runs with a fixed search_path.
--
-- Supabase's linter warns (function_search_path_mutable) on any function without one, definer or
-- not: a function that resolves names through the caller's search_path does what the caller's
-- path makes it do. The four helpers that had none used only schema-qualified names and were left
-- without it so PostgreSQL could inline them into their callers; metadata_text and profile_values
-- got theirs in migration 20261202000200. A SET clause keeps a SQL function from being inlined:
-- next_ghost_ids and next_orphan_ids now run as their own function scans, each planned with the
-- cursor as a parameter, whose plans still start both primary-key scans at the cursor (measured
-- against the previous release with bench/check_before_after.sh, plans with `explain (analyze,
-- buffers)`: docs/performance.md).

create or replace function user_sync.next_ghost_ids(max_rows integer, after_id uuid)
returns setof uuid
language sql
stable
set search_path = ''
as $$
  select a.id
    from auth.users a
   where a.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid)
     and (after_id is null or a.id > after_id)
     and not exists (select from public.users p
                      where p.id = a.id
                        and p.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid))
   order by a.id
   limit max_rows
$$;

create or replace function user_sync.next_orphan_ids(max_rows integer, after_id uuid)
returns setof uuid
language sql
stable
set search_path = ''
as $$
  select p.id
    from public.users p
   where p.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid)
     and (after_id is null or p.id > after_id)
     and not exists (select from auth.users a
                      where a.id = p.id
                        and a.id >= coalesce(after_id, '00000000-0000-0000-0000-000000000000'::uuid))
   order by p.id
   limit max_rows
$$;
