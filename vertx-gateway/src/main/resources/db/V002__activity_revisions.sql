-- A revision per activity, for the admin API's ETag / If-Match: every change to the activity row or to its
-- permission links gives it a new revision. One sequence for all activities, so a revision is never reused, not even
-- by another activity: an If-Match copied from elsewhere can never match by accident.
CREATE SEQUENCE activity_revisions;
ALTER TABLE activities ADD COLUMN revision bigint NOT NULL DEFAULT nextval('activity_revisions');

CREATE FUNCTION gatehouse_revise_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := nextval('activity_revisions');
  RETURN NEW;
END
$$;

CREATE TRIGGER activities_revised
  BEFORE UPDATE ON activities
  FOR EACH ROW EXECUTE FUNCTION gatehouse_revise_activity();

-- Statement-level with transition tables: a seed that links thousands of permissions revises each activity once.
CREATE FUNCTION gatehouse_revise_linked_activities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE activities SET revision = nextval('activity_revisions') WHERE id IN (SELECT activity_id FROM linked);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE activities SET revision = nextval('activity_revisions') WHERE id IN (SELECT activity_id FROM unlinked);
  ELSE
    UPDATE activities SET revision = nextval('activity_revisions')
     WHERE id IN (SELECT activity_id FROM linked UNION SELECT activity_id FROM unlinked);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER activity_permissions_linked
  AFTER INSERT ON activity_permissions REFERENCING NEW TABLE AS linked
  FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_revise_linked_activities();
CREATE TRIGGER activity_permissions_unlinked
  AFTER DELETE ON activity_permissions REFERENCING OLD TABLE AS unlinked
  FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_revise_linked_activities();
CREATE TRIGGER activity_permissions_relinked
  AFTER UPDATE ON activity_permissions REFERENCING OLD TABLE AS unlinked NEW TABLE AS linked
  FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_revise_linked_activities();
