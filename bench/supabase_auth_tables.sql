-- The Supabase Auth tables an email signup writes besides auth.users and auth.identities
-- (bench/supabase_signup.sql): audit_log_entries and one_time_tokens, with the columns, keys,
-- indexes and RLS that Supabase Auth's own migrations give them (supabase/auth, migrations/:
-- 00_init_auth_schema, 20220614074223_add_ip_address_to_audit_log,
-- 20240427152123_add_one_time_tokens_table, 20240612123726_enable_rls_update_grants). The tests'
-- stand-in leaves them out (UserSync neither reads nor writes them), so the benchmark adds them to
-- its own databases; idempotent, run as supabase_admin after the stand-in.

create table if not exists auth.audit_log_entries (
  instance_id uuid null,
  id uuid not null,
  payload json null,
  created_at timestamptz null,
  ip_address varchar(64) not null default '',
  constraint audit_log_entries_pkey primary key (id)
);
create index if not exists audit_logs_instance_id_idx on auth.audit_log_entries using btree (instance_id);

do $$ begin
  create type auth.one_time_token_type as enum (
    'confirmation_token', 'reauthentication_token', 'recovery_token',
    'email_change_token_new', 'email_change_token_current', 'phone_change_token');
exception
  when duplicate_object then null;
end $$;
create table if not exists auth.one_time_tokens (
  id uuid primary key,
  user_id uuid not null references auth.users on delete cascade,
  token_type auth.one_time_token_type not null,
  token_hash text not null,
  relates_to text not null,
  created_at timestamp without time zone not null default now(),
  updated_at timestamp without time zone not null default now(),
  check (char_length(token_hash) > 0)
);
create index if not exists one_time_tokens_token_hash_hash_idx on auth.one_time_tokens using hash (token_hash);
create index if not exists one_time_tokens_relates_to_hash_idx on auth.one_time_tokens using hash (relates_to);
create unique index if not exists one_time_tokens_user_id_token_type_key on auth.one_time_tokens (user_id, token_type);

do $$
declare t text;
begin
  foreach t in array array['audit_log_entries', 'one_time_tokens'] loop
    execute format('alter table auth.%I owner to supabase_auth_admin', t);
    execute format('alter table auth.%I enable row level security', t);
    execute format('grant all on auth.%I to supabase_auth_admin', t);
    execute format('grant select on auth.%I to postgres with grant option', t);
  end loop;
end $$;
alter type auth.one_time_token_type owner to supabase_auth_admin;
