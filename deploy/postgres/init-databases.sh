#!/usr/bin/env bash
# Runs once, on an empty data directory (the postgres image's /docker-entrypoint-initdb.d convention):
# one database and one owner per component, so Keycloak and the gateway never share credentials, and the role
# Keycloak's revocation relay writes into the gateway's database as (gatehouse_revocation_writer).
set -euo pipefail

: "${GATEHOUSE_KEYCLOAK_DB_PASSWORD:?GATEHOUSE_KEYCLOAK_DB_PASSWORD must be set}"
: "${GATEHOUSE_DB_PASSWORD:?GATEHOUSE_DB_PASSWORD must be set}"
: "${GATEHOUSE_REVOCATION_DB_PASSWORD:?GATEHOUSE_REVOCATION_DB_PASSWORD must be set}"

# psql variables (:'name') quote the passwords as SQL literals, whatever characters they hold.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v keycloak_password="$GATEHOUSE_KEYCLOAK_DB_PASSWORD" \
  -v gatehouse_password="$GATEHOUSE_DB_PASSWORD" \
  -v revocation_password="$GATEHOUSE_REVOCATION_DB_PASSWORD" <<'SQL'
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
CREATE ROLE gatehouse LOGIN PASSWORD :'gatehouse_password';
-- The gateway creates and migrates its own tables at start, so it owns its database.
CREATE DATABASE gatehouse OWNER gatehouse;
REVOKE ALL ON DATABASE keycloak FROM PUBLIC;
REVOKE ALL ON DATABASE gatehouse FROM PUBLIC;
-- Keycloak's revocation relay: it may connect to the gateway's database and nothing more yet. The table it writes
-- does not exist before the gateway's first start; the gateway's migration V007__revocation_writer_grants.sql then
-- grants this role exactly what sql/revocation-writer-role.sql would (INSERT into revocations, nothing else).
CREATE ROLE gatehouse_revocation_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION
  PASSWORD :'revocation_password';
GRANT CONNECT ON DATABASE gatehouse TO gatehouse_revocation_writer;
SQL
