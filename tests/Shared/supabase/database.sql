-- Supabase's per-database objects that UserSync touches, as a hosted project has them: schema
-- `auth` with `auth.users` and `auth.identities` in the final shape Supabase Auth's own migrations
-- leave them (column order, types and defaults, constraints, indexes, comments, RLS, grants),
-- Auth's claim functions (auth.uid(), auth.role(), auth.email(), auth.jwt()), the default
-- privileges on `public`, and the `extensions` schema. Auth's other tables (sessions,
-- refresh_tokens, mfa_*, sso_*, flow_state, one_time_tokens, oauth_*) are left out: UserSync
-- neither reads nor writes them and they hold no trigger or key it depends on.
-- Run as supabase_admin in a database owned by `postgres`. Test tree only, never a migration.
-- Idempotent: the benchmarks re-run it after a bulk load to restore the indexes.

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

-- auth.users as Auth's migrations leave it. Facts behind the shape: the first migration declares
-- `id uuid not null unique` beside `primary key (id)` (PostgreSQL keeps only the primary key) and
-- `email varchar(255) unique` (that constraint was later dropped for a partial unique index, so
-- SSO users may share an email); `confirmed_at` was renamed to `email_confirmed_at` and a
-- generated `confirmed_at` added; `phone varchar(15) unique` and `phone_change` were later altered
-- to text (their defaults keep the varchar cast, the unique constraint stays); `email_change_token`
-- was renamed to `email_change_token_new`; is_sso_user, deleted_at and is_anonymous came last.
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
comment on table auth.users is 'Auth: Stores user login data within a secure schema.';
comment on column auth.users.is_sso_user is 'Auth: Set this column to true when the account comes from SSO. These accounts can have duplicate emails.';

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
comment on index auth.users_email_partial_key is 'Auth: A partial unique index that applies only when is_sso_user is false';
create index if not exists users_is_anonymous_idx on auth.users using btree (is_anonymous);

alter table auth.users enable row level security;

-- Supabase grants postgres read, trigger and foreign-key rights on auth.users, nothing more.
revoke all on auth.users from postgres;
grant select on auth.users to postgres with grant option;
grant references, trigger on auth.users to postgres;
grant all on auth.users to supabase_auth_admin;

-- auth.identities: one row per sign-in method of a user, written at signup next to the user.
create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamp with time zone null,
  created_at timestamp with time zone null,
  updated_at timestamp with time zone null,
  email text generated always as (lower((identity_data ->> 'email'::text))) stored,
  id uuid not null default gen_random_uuid(),
  constraint identities_pkey primary key (id),
  constraint identities_provider_id_provider_unique unique (provider_id, provider),
  constraint identities_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade
);
alter table auth.identities owner to supabase_auth_admin;
comment on table auth.identities is 'Auth: Stores identities associated to a user.';
comment on column auth.identities.email is 'Auth: Email is a generated column that references the optional email property in the identity_data';
create index if not exists identities_user_id_idx on auth.identities using btree (user_id);
create index if not exists identities_email_idx on auth.identities using btree (email text_pattern_ops);
comment on index auth.identities_email_idx is 'Auth: Ensures indexed queries on the email column';
alter table auth.identities enable row level security;
revoke all on auth.identities from postgres;
grant select on auth.identities to postgres with grant option;
grant all on auth.identities to supabase_auth_admin;

-- The claims of the request's JWT, as PostgREST sets them (request.jwt.claims; the older
-- request.jwt.claim.* settings first). RLS policies and the self-service profile read these.
create or replace function auth.uid()
returns uuid
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.role()
returns text
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create or replace function auth.email()
returns text
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
create or replace function auth.jwt()
returns jsonb
language sql stable
as $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';

-- What Supabase Auth writes, statement by statement, as helpers for tests, the demo and the
-- benchmarks. Auth's ORM updates only the named columns plus updated_at. Security invoker: call
-- them after `set role supabase_auth_admin`, exactly as the Auth server is that role.
create schema if not exists standin authorization supabase_admin;
grant usage on schema standin to public;

-- Auth's obfuscation for soft deletes: base64url (no padding) of sha256(user id || value).
create or replace function standin.obfuscate(p_id uuid, p_value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(
           pg_catalog.sha256(pg_catalog.convert_to(p_id::text || coalesce(p_value, ''), 'UTF8')), 'base64'), '+/', '-_'), '=')
$$;

-- A signup: one insert of the whole row (role '' at that point), its identity, then the role.
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
declare
  provider text := case when p_email is not null then 'email' when p_phone is not null then 'phone' end;
begin
  insert into auth.users (instance_id, id, aud, role, email, encrypted_password, confirmation_token,
                          recovery_token, email_change_token_new, email_change, raw_app_meta_data,
                          raw_user_meta_data, is_super_admin, created_at, updated_at, phone,
                          is_sso_user, is_anonymous)
  values ('00000000-0000-0000-0000-000000000000', p_id, 'authenticated', '', pg_catalog.lower(p_email), '', '', '', '', '',
          case when provider is null then '{}'::jsonb
               else pg_catalog.jsonb_build_object('provider', provider, 'providers', pg_catalog.jsonb_build_array(provider)) end,
          p_meta, null, p_created_at, p_created_at, p_phone, p_is_sso, p_is_anonymous);
  if provider is not null then
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (p_id::text, p_id,
            pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('sub', p_id::text, 'email', pg_catalog.lower(p_email), 'phone', p_phone)),
            provider, p_created_at, p_created_at, p_created_at);
  end if;
  update auth.users set role = 'authenticated', updated_at = pg_catalog.now() where id = p_id;
  return p_id;
end
$$;
grant execute on function standin.sign_up(text, jsonb, timestamptz, text, uuid, boolean, boolean) to public;

-- A sign-in: Auth stamps last_sign_in_at (and updated_at) on every one.
create or replace function standin.sign_in(p_id uuid)
returns void
language sql
set search_path = ''
as $$
  update auth.users set last_sign_in_at = pg_catalog.now(), updated_at = pg_catalog.now() where id = p_id;
$$;
grant execute on function standin.sign_in(uuid) to public;

-- An email confirmation: the timestamp, then email_verified in the user's metadata.
create or replace function standin.confirm_email(p_id uuid, p_at timestamptz default now())
returns void
language sql
set search_path = ''
as $$
  update auth.users set confirmation_token = '', email_confirmed_at = p_at, updated_at = pg_catalog.now() where id = p_id;
  update auth.users
     set raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'::jsonb,
         updated_at = pg_catalog.now()
   where id = p_id;
$$;
grant execute on function standin.confirm_email(uuid, timestamptz) to public;

-- An email change: the request stores the new address aside; the confirmation moves it into email.
create or replace function standin.change_email(p_id uuid, p_new_email text)
returns void
language sql
set search_path = ''
as $$
  update auth.users
     set email_change = pg_catalog.lower(p_new_email), email_change_token_new = pg_catalog.md5(pg_catalog.random()::text),
         email_change_sent_at = pg_catalog.now(), updated_at = pg_catalog.now()
   where id = p_id;
  update auth.users
     set email = email_change, email_change = '', email_change_token_current = '', email_change_token_new = '',
         email_change_confirm_status = 0, updated_at = pg_catalog.now()
   where id = p_id;
$$;
grant execute on function standin.change_email(uuid, text) to public;

-- auth.updateUser({ data }): keys with a JSON null value are removed, the others merged in.
create or replace function standin.update_metadata(p_id uuid, p_changes jsonb)
returns void
language sql
set search_path = ''
as $$
  update auth.users
     set raw_user_meta_data = pg_catalog.jsonb_strip_nulls(coalesce(raw_user_meta_data, '{}'::jsonb) || p_changes),
         updated_at = pg_catalog.now()
   where id = p_id;
$$;
grant execute on function standin.update_metadata(uuid, jsonb) to public;

-- A soft delete: email, phone and pending changes replaced by their obfuscation, secrets cleared,
-- deleted_at stamped; then the user's and the app's metadata emptied, in two more updates.
create or replace function standin.soft_delete(p_id uuid)
returns void
language sql
set search_path = ''
as $$
  update auth.users
     set email = standin.obfuscate(id, email),
         phone = pg_catalog.left(standin.obfuscate(id, phone), 15),
         encrypted_password = null,
         email_change = standin.obfuscate(id, email_change),
         phone_change = pg_catalog.left(standin.obfuscate(id, phone_change), 15),
         confirmation_token = '', recovery_token = '', email_change_token_current = '',
         email_change_token_new = '', phone_change_token = '',
         deleted_at = pg_catalog.now(), updated_at = pg_catalog.now()
   where id = p_id;
  update auth.users set raw_user_meta_data = '{}'::jsonb, updated_at = pg_catalog.now() where id = p_id;
  update auth.users set raw_app_meta_data = '{}'::jsonb, updated_at = pg_catalog.now() where id = p_id;
  update auth.identities set identity_data = '{}'::jsonb, updated_at = pg_catalog.now() where user_id = p_id;
  update auth.identities set provider_id = standin.obfuscate(user_id, provider || ':' || provider_id) where user_id = p_id;
$$;
grant execute on function standin.soft_delete(uuid) to public;
