-- Live revocation (issue #14): Keycloak nodes insert a row per change that ends access, and notify
-- gatehouse_revocations with the new id in the same transaction. Gateways LISTEN, and after a reconnect or restart
-- read rows with id > the last one they saw. Rows are purged once expires_at has passed. The contract (kinds, keys,
-- millisecond times, the equal-second rule) is in docs/operations.md, "Revocation".
CREATE TABLE IF NOT EXISTS revocations (
  id          BIGSERIAL PRIMARY KEY,
  kind        TEXT   NOT NULL CHECK (kind IN ('session','subject','role','permission','client','api_token')),
  key         TEXT   NOT NULL,
  not_before  BIGINT NOT NULL,
  reason      TEXT   NOT NULL,
  expires_at  BIGINT NOT NULL,
  source      TEXT   NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS revocations_expires ON revocations (expires_at);
