-- The write Supabase Auth makes to auth.users at every sign-in, as pgbench runs it (bench/run.sh,
-- as supabase_auth_admin, `-D users=N`; the benchmark's users have ids md5(1..N)::uuid).
--
-- Where it comes from (component: Supabase Auth, supabase/auth; read at commit bc32168e):
--   internal/tokens/service.go, Service.IssueRefreshToken: sets the user's LastSignInAt to now
--     and, in the session's transaction, calls User.UpdateLastSignInAt (the older refresh-token
--     path does the same in internal/models/refresh_token.go, createRefreshToken).
--   internal/models/user.go, User.UpdateLastSignInAt: Connection.UpdateOnly(u, "last_sign_in_at"),
--     which also writes updated_at (internal/storage/dial.go, getExcludedColumns).
-- The rest of that transaction (the session row, the audit row) does not touch auth.users and is
-- left out: this measures what UserSync's update trigger adds to the update itself.
\set n random(1, :users)
update auth.users set last_sign_in_at = now(), updated_at = now() where id = md5(:n::text)::uuid;
