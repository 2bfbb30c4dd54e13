-- Activities: an HTTP method plus a regex over the whole normalised path, linked to permission names.
CREATE TABLE activities (
  id          bigserial PRIMARY KEY,
  method      text NOT NULL CHECK (method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
  url_regex   text NOT NULL CHECK (length(url_regex) BETWEEN 1 AND 512),
  description text NOT NULL DEFAULT '',
  UNIQUE (method, url_regex)
);

CREATE TABLE activity_permissions (
  activity_id bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
  permission  text   NOT NULL CHECK (length(permission) BETWEEN 1 AND 255),
  PRIMARY KEY (activity_id, permission)
);
CREATE INDEX activity_permissions_by_permission ON activity_permissions (permission);

-- One row, bumped once by every transaction that changes a row of either table (a statement that changes
-- nothing, such as an INSERT ... ON CONFLICT DO NOTHING that skips, leaves it alone). Gateways compare it to the
-- version of the index they hold.
CREATE TABLE activity_index_version (
  singleton              boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version                bigint  NOT NULL,
  changed_by_transaction bigint
);
INSERT INTO activity_index_version (singleton, version) VALUES (true, 0);

CREATE FUNCTION gatehouse_bump_activity_index_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activity_index_version
     SET version = version + 1, changed_by_transaction = txid_current()
   WHERE changed_by_transaction IS DISTINCT FROM txid_current();
  RETURN NULL;
END
$$;

CREATE TRIGGER activities_changed
  AFTER INSERT OR UPDATE OR DELETE ON activities
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_activity_index_version();
CREATE TRIGGER activities_truncated
  AFTER TRUNCATE ON activities
  FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_bump_activity_index_version();
CREATE TRIGGER activity_permissions_changed
  AFTER INSERT OR UPDATE OR DELETE ON activity_permissions
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_activity_index_version();
CREATE TRIGGER activity_permissions_truncated
  AFTER TRUNCATE ON activity_permissions
  FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_bump_activity_index_version();

-- Tell every listening gateway. The payload is only the new version (NOTIFY payloads are capped near 8 KB);
-- it is delivered when the changing transaction commits.
CREATE FUNCTION gatehouse_notify_activity_index_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_activities', NEW.version::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER activity_index_version_changed
  AFTER UPDATE ON activity_index_version
  FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_activity_index_version();
