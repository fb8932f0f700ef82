-- The quality check's pass over both keys in eight slices of the key space
-- (migration ..._quality_check_in_eight_slices.sql): every id is counted in exactly one slice,
-- whatever side of a slice boundary it lies on, including the smallest and the largest UUID.
--
-- Runs as the superuser (supabase_admin): only it can switch session_replication_role, which is how
-- orphans are staged here. Ids: on, just below and just above each slice boundary.
begin;
create extension if not exists pgtap with schema extensions;
select plan(4);

create temp table boundary (at uuid, below uuid, above uuid) on commit drop;
insert into boundary
  select (b || '-0000-0000-0000-000000000000')::uuid, (a || '-ffff-ffff-ffff-ffffffffffff')::uuid,
         (b || '-0000-0000-0000-000000000001')::uuid
    from (values ('20000000', '1fffffff'), ('40000000', '3fffffff'), ('60000000', '5fffffff'), ('80000000', '7fffffff'),
                 ('a0000000', '9fffffff'), ('c0000000', 'bfffffff'), ('e0000000', 'dfffffff')) v(b, a);
grant select on boundary to supabase_auth_admin;

-- Users on and just below every boundary, and the smallest and largest UUID, all with profiles.
set local role supabase_auth_admin;
select standin.sign_up('slice-' || id || '@example.com', '{}', now(), null, id)
  from (select at from boundary union all select below from boundary
        union all values ('00000000-0000-0000-0000-000000000000'::uuid), ('ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)) ids(id);
reset role;
-- Ghosts on every boundary and at the smallest UUID; orphans just above every boundary.
delete from public.users where id in (select at from boundary) or id = '00000000-0000-0000-0000-000000000000';
set local session_replication_role = replica;
insert into public.users (id, email) select above, null from boundary;
reset session_replication_role;

select is((select ghost_users from user_sync.get_user_sync_stats()), 8::bigint,
          'a ghost on each slice boundary and at the smallest UUID: 8 ghosts');
select is((select orphaned_profiles from user_sync.get_user_sync_stats()), 7::bigint,
          'an orphan just above each slice boundary: 7 orphans');
select results_eq($$select auth_users, profiles from user_sync.get_user_sync_stats()$$,
                  $$select (select count(*) from auth.users), (select count(*) from public.users)$$,
                  'both counts match count(*) of each table');
select results_eq($$select ghost_users, orphaned_profiles from user_sync.get_user_sync_stats()$$,
                  $$select (select count(*) from auth.users a where not exists (select from public.users p where p.id = a.id)),
                           (select count(*) from public.users p where not exists (select from auth.users a where a.id = p.id))$$,
                  'ghosts and orphans match the anti-joins over the whole tables');

select * from finish();
rollback;
