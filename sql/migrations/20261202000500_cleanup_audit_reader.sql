-- UserSync 11: the monitor reads the cleanup audit log (who repaired what, when, how many).
--
-- The table stays closed (RLS on, no grant): the monitor pages it through this function, newest
-- first, keyset-paged on the identity column (`before_id`: the smallest id of the previous page).
-- Rows carry ids only; no email or name is ever written to the log.

create or replace function user_sync.get_cleanup_audit(max_rows integer default 50, before_id bigint default null)
returns table (id bigint, action text, performed_at timestamptz, performed_by text, application text,
               affected_count integer, affected_ids uuid[], details jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if max_rows is null or max_rows < 1 or max_rows > 1000 then
    raise exception 'max_rows must be between 1 and 1000, got %', coalesce(max_rows::text, 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if before_id is not null and before_id < 1 then
    raise exception 'before_id must be a positive audit id or null, got %', before_id
      using errcode = 'invalid_parameter_value';
  end if;
  return query
    select l.id, l.action, l.performed_at, l.performed_by, l.application, l.affected_count, l.affected_ids, l.details
      from user_sync.cleanup_audit_log l
     where get_cleanup_audit.before_id is null or l.id < get_cleanup_audit.before_id
     order by l.id desc
     limit max_rows;
end
$$;
alter function user_sync.get_cleanup_audit(integer, bigint) owner to postgres;
revoke all on function user_sync.get_cleanup_audit(integer, bigint) from public, anon, authenticated, service_role;
grant execute on function user_sync.get_cleanup_audit(integer, bigint) to user_sync_monitor;
