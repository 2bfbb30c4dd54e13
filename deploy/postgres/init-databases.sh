#!/usr/bin/env bash
# Runs once, on an empty data directory (the postgres image's /docker-entrypoint-initdb.d convention):
# one database and one owner per component, so Keycloak and the gateway never share credentials.
set -euo pipefail

: "${GATEHOUSE_KEYCLOAK_DB_PASSWORD:?GATEHOUSE_KEYCLOAK_DB_PASSWORD must be set}"
: "${GATEHOUSE_DB_PASSWORD:?GATEHOUSE_DB_PASSWORD must be set}"

# psql variables (:'name') quote the passwords as SQL literals, whatever characters they hold.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v keycloak_password="$GATEHOUSE_KEYCLOAK_DB_PASSWORD" \
  -v gatehouse_password="$GATEHOUSE_DB_PASSWORD" <<'SQL'
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
CREATE ROLE gatehouse LOGIN PASSWORD :'gatehouse_password';
-- The gateway creates and migrates its own tables at start, so it owns its database.
CREATE DATABASE gatehouse OWNER gatehouse;
REVOKE ALL ON DATABASE keycloak FROM PUBLIC;
REVOKE ALL ON DATABASE gatehouse FROM PUBLIC;
SQL
