-- The PostgreSQL role Keycloak's revocation relay should use to write into the gateways' database: it may add rows
-- to `revocations` (and notify the gateways), and nothing else. It cannot read, change or delete activities,
-- services or existing revocations (docs/operations.md, "Revocation (Keycloak side)").
--
-- Run in the gateways' database as its owner or a superuser, after the gateway has created its tables (its
-- migrations run at start), then give the role a password:
--   psql -d gatehouse -v ON_ERROR_STOP=1 -f revocation-writer-role.sql
--   psql -d gatehouse -c '\password gatehouse_revocation_writer'
-- and configure Keycloak with KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__JDBC_USERNAME=gatehouse_revocation_writer.
-- Running it again changes nothing.
--
-- What the relay's one statement needs (INSERT ... SELECT ... WHERE NOT EXISTS (... source = ?) RETURNING id, then
-- pg_notify with the id):
--   INSERT on the columns it writes (id and created_at come from their defaults),
--   SELECT on `source` (its duplicate check on retries) and `id` (RETURNING, the NOTIFY payload) only,
--   USAGE on the id sequence (nextval). NOTIFY needs no privilege.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_revocation_writer') THEN
    CREATE ROLE gatehouse_revocation_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;
END
$$;
GRANT INSERT (kind, key, not_before, reason, expires_at, source) ON revocations TO gatehouse_revocation_writer;
GRANT SELECT (id, source) ON revocations TO gatehouse_revocation_writer;
GRANT USAGE ON SEQUENCE revocations_id_seq TO gatehouse_revocation_writer;
