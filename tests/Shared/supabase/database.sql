-- Supabase's per-database objects that UserSync touches: schema `auth` and `auth.users` as
-- Supabase Auth creates them, the default privileges on `public`, and the `extensions` schema.
-- Run as supabase_admin in a database owned by `postgres`. Test tree only, never a migration.

create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;

-- public: Supabase grants everything created there to the API roles.
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on sequences to postgres, anon, authenticated, service_role;

create schema if not exists auth authorization supabase_auth_admin;
grant usage on schema auth to anon, authenticated, service_role;
-- postgres may use the schema but not create in it, nor pass usage on.
grant usage on schema auth to postgres;

create table if not exists auth.users (
  instance_id uuid null,
  id uuid not null,
  aud character varying(255) null,
  role character varying(255) null,
  email character varying(255) null,
  encrypted_password character varying(255) null,
  email_confirmed_at timestamp with time zone null,
  invited_at timestamp with time zone null,
  confirmation_token character varying(255) null,
  confirmation_sent_at timestamp with time zone null,
  recovery_token character varying(255) null,
  recovery_sent_at timestamp with time zone null,
  email_change_token_new character varying(255) null,
  email_change character varying(255) null,
  email_change_sent_at timestamp with time zone null,
  last_sign_in_at timestamp with time zone null,
  raw_app_meta_data jsonb null,
  raw_user_meta_data jsonb null,
  is_super_admin boolean null,
  created_at timestamp with time zone null,
  updated_at timestamp with time zone null,
  phone text null default null::character varying,
  phone_confirmed_at timestamp with time zone null,
  phone_change text null default ''::character varying,
  phone_change_token character varying(255) null default ''::character varying,
  phone_change_sent_at timestamp with time zone null,
  confirmed_at timestamp with time zone generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current character varying(255) null default ''::character varying,
  email_change_confirm_status smallint null default 0,
  banned_until timestamp with time zone null,
  reauthentication_token character varying(255) null default ''::character varying,
  reauthentication_sent_at timestamp with time zone null,
  is_sso_user boolean not null default false,
  deleted_at timestamp with time zone null,
  is_anonymous boolean not null default false,
  constraint users_pkey primary key (id),
  constraint users_phone_key unique (phone),
  constraint users_email_change_confirm_status_check
    check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2)
);
alter table auth.users owner to supabase_auth_admin;

create index if not exists users_instance_id_idx on auth.users using btree (instance_id);
create index if not exists users_instance_id_email_idx on auth.users using btree (instance_id, lower((email)::text));
create unique index if not exists confirmation_token_idx on auth.users using btree (confirmation_token)
  where ((confirmation_token)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists recovery_token_idx on auth.users using btree (recovery_token)
  where ((recovery_token)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists email_change_token_current_idx on auth.users using btree (email_change_token_current)
  where ((email_change_token_current)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists email_change_token_new_idx on auth.users using btree (email_change_token_new)
  where ((email_change_token_new)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists reauthentication_token_idx on auth.users using btree (reauthentication_token)
  where ((reauthentication_token)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists users_email_partial_key on auth.users using btree (email) where (is_sso_user = false);
create index if not exists users_is_anonymous_idx on auth.users using btree (is_anonymous);

alter table auth.users enable row level security;

-- Supabase grants postgres read, trigger and foreign-key rights on auth.users, nothing more.
revoke all on auth.users from postgres;
grant select on auth.users to postgres with grant option;
grant references, trigger on auth.users to postgres;
grant all on auth.users to supabase_auth_admin;

-- What Supabase Auth does at signup, as helpers for tests and the demo. Security invoker:
-- call them after `set role supabase_auth_admin`, exactly as the Auth server is that role.
create schema if not exists standin authorization supabase_admin;
grant usage on schema standin to public;

create or replace function standin.sign_up(
  p_email text,
  p_meta jsonb default '{}'::jsonb,
  p_created_at timestamptz default now(),
  p_phone text default null,
  p_id uuid default gen_random_uuid(),
  p_is_sso boolean default false,
  p_is_anonymous boolean default false)
returns uuid
language plpgsql
set search_path = ''
as $$
begin
  -- GoTrue inserts with an empty role, then sets it in a second statement.
  insert into auth.users (instance_id, id, aud, role, email, encrypted_password, confirmation_token,
                          recovery_token, email_change_token_new, email_change, raw_app_meta_data,
                          raw_user_meta_data, is_super_admin, created_at, updated_at, phone,
                          is_sso_user, is_anonymous)
  values ('00000000-0000-0000-0000-000000000000', p_id, 'authenticated', '', p_email, '', '', '', '', '',
          '{"provider":"email","providers":["email"]}'::jsonb, p_meta, null, p_created_at, p_created_at,
          p_phone, p_is_sso, p_is_anonymous);
  update auth.users set role = 'authenticated' where id = p_id;
  return p_id;
end
$$;
grant execute on function standin.sign_up(text, jsonb, timestamptz, text, uuid, boolean, boolean) to public;

-- A soft delete: GoTrue replaces email and phone with a hash and stamps deleted_at.
create or replace function standin.soft_delete(p_id uuid)
returns void
language sql
set search_path = ''
as $$
  update auth.users
     set email = md5(coalesce(email, '') || id::text),
         phone = null,
         deleted_at = now(),
         updated_at = now()
   where id = p_id;
$$;
grant execute on function standin.soft_delete(uuid) to public;
