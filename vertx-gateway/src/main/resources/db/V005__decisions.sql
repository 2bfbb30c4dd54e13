-- The decision audit trail (issue #16), written in batches by each gateway when audit.postgres.enabled is true and
-- searched through GET /gatehouse/admin/decisions. Never a token or a secret: see audit.DecisionRecord.
-- Rows older than audit.postgres.retentionDays are deleted by the gateways (in batches, every hour).
CREATE TABLE IF NOT EXISTS decisions (
  id              bigserial   PRIMARY KEY,
  time            timestamptz NOT NULL,
  request_id      text,
  trace_id        text,
  decision        text        NOT NULL,
  status          integer     NOT NULL,
  reason          text        NOT NULL,
  subject         text,
  username        text,
  client          text,
  credential      text        NOT NULL,
  api_token_id    text,
  method          text        NOT NULL,
  path            text        NOT NULL,
  activity_id     bigint,     -- no foreign key: the record outlives the activity
  permission      text,
  shadow          text,
  upstream_status integer,
  upstream_ms     double precision
);
CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions (time);
CREATE INDEX IF NOT EXISTS decisions_by_subject ON decisions (subject, time);
CREATE INDEX IF NOT EXISTS decisions_by_username ON decisions (username, time);
