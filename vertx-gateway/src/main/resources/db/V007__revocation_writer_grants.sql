-- Keycloak's revocation relay writes into `revocations` as the least-privileged role gatehouse_revocation_writer.
-- Where that role already exists (deploy/postgres/init-databases.sh creates it before a gateway first starts), give
-- it exactly what sql/revocation-writer-role.sql grants, since those grants need this table: INSERT on the columns
-- the relay writes, SELECT on id and source only, USAGE on the id sequence. Where it does not exist nothing
-- happens; an operator who creates it later runs sql/revocation-writer-role.sql (docs/operations.md, "A
-- least-privileged user for the relay"). The gateway's user owns the table, so it may grant without being superuser.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_revocation_writer') THEN
    GRANT INSERT (kind, key, not_before, reason, expires_at, source) ON revocations TO gatehouse_revocation_writer;
    GRANT SELECT (id, source) ON revocations TO gatehouse_revocation_writer;
    -- The sequence BIGSERIAL made, by its recorded name rather than the usual revocations_id_seq.
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO gatehouse_revocation_writer',
        pg_get_serial_sequence('revocations', 'id'));
  END IF;
END
$$;
