-- Services as data: a route prefix and its upstream(s), stored next to the activities. Changes bump the same
-- activity_index_version, so one NOTIFY on gatehouse_activities makes every gateway reload routes and activities
-- together. The gateway validates each service before storing it and again when loading it; the checks below are
-- the last line only.
CREATE SEQUENCE service_revisions;

CREATE TABLE services (
  name                     text   PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  route_prefix             text   NOT NULL UNIQUE CHECK (length(route_prefix) BETWEEN 1 AND 256),
  upstreams                text[] NOT NULL CHECK (cardinality(upstreams) BETWEEN 1 AND 16),
  timeout_ms               bigint NOT NULL CHECK (timeout_ms BETWEEN 1 AND 600000),
  health_check_path        text,
  health_check_interval_ms bigint,
  description              text   NOT NULL DEFAULT '',
  revision                 bigint NOT NULL DEFAULT nextval('service_revisions'),
  CHECK ((health_check_path IS NULL) = (health_check_interval_ms IS NULL))
);

CREATE FUNCTION gatehouse_revise_service() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := nextval('service_revisions');
  RETURN NEW;
END
$$;

CREATE TRIGGER services_revised
  BEFORE UPDATE ON services
  FOR EACH ROW EXECUTE FUNCTION gatehouse_revise_service();
CREATE TRIGGER services_changed
  AFTER INSERT OR UPDATE OR DELETE ON services
  FOR EACH ROW EXECUTE FUNCTION gatehouse_bump_activity_index_version();
CREATE TRIGGER services_truncated
  AFTER TRUNCATE ON services
  FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_bump_activity_index_version();

-- An activity may belong to a service (deleting a service that still has activities is refused), and may be a
-- shadow: evaluated and measured on every request, never enforced.
ALTER TABLE activities ADD COLUMN service text REFERENCES services (name) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE activities ADD COLUMN shadow boolean NOT NULL DEFAULT false;
CREATE INDEX activities_by_service ON activities (service);
