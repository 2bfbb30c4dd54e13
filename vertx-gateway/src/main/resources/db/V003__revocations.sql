CREATE TABLE IF NOT EXISTS revocations (
  id          BIGSERIAL PRIMARY KEY,
  kind        TEXT   NOT NULL CHECK (kind IN ('session','subject','role','permission','client','api_token')),
  key         TEXT   NOT NULL,  -- session: the token's sid; subject: user id (sub); role: realm role name
                                -- (as in realm_access.roles); permission: permission name (as in the permissions
                                -- claim); client: client id (azp); api_token: the api_token_id claim
  not_before  BIGINT NOT NULL,  -- epoch MILLISECONDS of the change: tokens of this key with iat*1000 < not_before
                                -- are refused (iat is in seconds; see the equal-second rule below)
  reason      TEXT   NOT NULL,  -- machine-readable: logout, session_ended, user_disabled, user_deleted,
                                -- credentials_reset, permissions_changed, role_deleted, client_disabled,
                                -- client_deleted, client_secret_rotated, api_token_revoked, owner_disabled
  expires_at  BIGINT NOT NULL,  -- epoch ms after which the row can affect no token (not_before + the longest
                                -- token lifespan it can affect, configurable, default 1 h); purged after that
  source      TEXT   NOT NULL,  -- which Keycloak node / event id wrote it (for audit and idempotence)
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS revocations_expires ON revocations (expires_at);
