-- The PostgreSQL role Keycloak's revocation relay should use to write into the gateways' database: it may add rows
-- to `revocations` (and notify the gateways), and nothing else. It cannot read, change or delete activities,
-- services or existing revocations (docs/operations.md, "Revocation (Keycloak side)").
--
-- Run in the gateways' database as a superuser (or as the database's owner once the role exists), after the gateway
-- has created its tables (its migrations run at start), then give the role a password:
--   psql -d gatehouse -v ON_ERROR_STOP=1 -f revocation-writer-role.sql
--   psql -d gatehouse -c '\password gatehouse_revocation_writer'
-- and configure Keycloak with KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__JDBC_USERNAME=gatehouse_revocation_writer.
-- Running it again changes nothing, and neither does running it where the gateway's migration already granted.
--
-- What the relay's one statement needs (INSERT ... SELECT ... WHERE NOT EXISTS (... source = ?) RETURNING id, then
-- pg_notify with the id):
--   INSERT on the columns it writes (id and created_at come from their defaults),
--   SELECT on `source` (its duplicate check on retries) and `id` (RETURNING, the NOTIFY payload) only,
--   USAGE on the id sequence (nextval; revocations_id_seq unless that name was taken). NOTIFY needs no privilege.
-- Plus CONNECT on the database.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_revocation_writer') THEN
    CREATE ROLE gatehouse_revocation_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;
END
$$;
-- CONNECT: deploy/postgres/init-databases.sh revokes it from PUBLIC.
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO gatehouse_revocation_writer', current_database());
END
$$;
-- The same grants as the gateway's migration V007__revocation_writer_grants.sql, which gives them at the gateway's
-- first start when the role exists by then (as deploy/postgres/init-databases.sh arranges).
GRANT INSERT (kind, key, not_before, reason, expires_at, source) ON revocations TO gatehouse_revocation_writer;
GRANT SELECT (id, source) ON revocations TO gatehouse_revocation_writer;
DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SEQUENCE %s TO gatehouse_revocation_writer',
      pg_get_serial_sequence('revocations', 'id'));
END
$$;
