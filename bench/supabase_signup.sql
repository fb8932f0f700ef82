-- One email signup as Supabase Auth (github.com/supabase/auth) writes it with mailer
-- auto-confirm on: one transaction, statement by statement, as pgbench runs it (bench/run.sh,
-- as supabase_auth_admin). bench/lib.sh turns the same file into a PL/pgSQL procedure for the
-- server-side loop and the instruction counts, so this file is the only definition.
--
-- Where each statement comes from (component: Supabase Auth; read at commit bc32168e, 2026-08-20):
--   internal/api/signup.go, API.Signup: the transaction; inside it signupNewUser, then
--     models.FindIdentityByIdAndProvider, createNewIdentity, User.RemoveUnconfirmedIdentities,
--     and with Mailer.Autoconfirm models.NewAuditLogEntry(UserSignedUpAction) and User.Confirm.
--   internal/api/signup.go, API.signupNewUser: tx.Create(user) (the insert, role still empty),
--     User.SetRole (the role update), conn.Reload(user) (the select).
--   internal/models/user.go, NewUser / ToUserModel in signup.go: the inserted values (lower-case
--     email, bcrypt hash, user metadata = the signup's `data`, app metadata provider "email").
--   internal/api/external.go, createNewIdentity, and internal/models/identity.go, NewIdentity:
--     the identity row (provider_id = user id, identity_data = sub, email, email_verified,
--     phone_verified plus the signup's `data`).
--   internal/models/user.go, RemoveUnconfirmedIdentities: user metadata := identity data
--     (UpdateUserMetaData), then UpdateAppMetaDataProviders (models.FindProvidersByUser, a
--     select of the providers, then the app-metadata update).
--   internal/models/audit_log_entry.go, NewAuditLogEntry: the audit row (json payload).
--   internal/models/user.go, User.Confirm: confirmation_token and email_confirmed_at, then
--     UpdateUserMetaData(email_verified = true), then models.ClearAllOneTimeTokensForUser
--     (internal/models/one_time_token.go).
--   internal/storage/sql.go, Connection.UpdateOnly, with internal/storage/dial.go,
--     getExcludedColumns: every update writes the named columns plus updated_at.
-- Not in the transaction and not here: the duplicate-email lookup before it (IsDuplicatedEmail),
-- bcrypt (client side), and the login that follows auto-confirm (a second transaction). With
-- auto-confirm off the transaction ends with the confirmation mail's token instead of Confirm.
-- Auth generates the user's id client side; `returning` only hands it (and the email) to the
-- later statements.
begin;
insert into auth.users (instance_id, id, aud, role, email, is_sso_user, encrypted_password,
                        email_confirmed_at, invited_at, phone, phone_confirmed_at, confirmation_token,
                        confirmation_sent_at, recovery_token, recovery_sent_at, email_change_token_current,
                        email_change_token_new, email_change, email_change_sent_at,
                        email_change_confirm_status, phone_change_token, phone_change, phone_change_sent_at,
                        reauthentication_token, reauthentication_sent_at, last_sign_in_at, raw_app_meta_data,
                        raw_user_meta_data, created_at, updated_at, banned_until, deleted_at, is_anonymous)
values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', '',
        'u' || gen_random_uuid()::text || '@example.com', false,
        '$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01', null, null, null, null, '', null,
        '', null, '', '', '', null, 0, '', '', null, '', null, null,
        '{"provider":"email","providers":["email"]}', '{"full_name":"x"}', now(), now(), null, null, false)
returning id, email \gset
update auth.users set role = 'authenticated', updated_at = now() where id = :id;
select * from auth.users where id = :id limit 1;
select * from auth.identities where provider_id = :id::text and provider = 'email' limit 1;
insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
values (gen_random_uuid(), :id::text, :id,
        jsonb_build_object('sub', :id::text, 'email', :email::text, 'email_verified', false,
                           'phone_verified', false, 'full_name', 'x'),
        'email', now(), now(), now());
update auth.users
   set raw_user_meta_data = jsonb_build_object('sub', :id::text, 'email', :email::text, 'email_verified', false,
                                               'phone_verified', false, 'full_name', 'x'),
       updated_at = now()
 where id = :id;
select provider from auth.identities where user_id = :id order by created_at asc;
update auth.users set raw_app_meta_data = '{"provider":"email","providers":["email"]}', updated_at = now() where id = :id;
insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(),
        json_build_object('action', 'user_signedup', 'actor_id', :id::text, 'actor_name', 'x',
                          'actor_username', :email::text, 'actor_via_sso', false, 'log_type', 'team',
                          'traits', json_build_object('provider', 'email')),
        now(), '');
update auth.users set confirmation_token = '', email_confirmed_at = now(), updated_at = now() where id = :id;
update auth.users
   set raw_user_meta_data = jsonb_build_object('sub', :id::text, 'email', :email::text, 'email_verified', true,
                                               'phone_verified', false, 'full_name', 'x'),
       updated_at = now()
 where id = :id;
delete from auth.one_time_tokens where user_id = :id;
commit;
