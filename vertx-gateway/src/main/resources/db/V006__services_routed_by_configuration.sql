-- A service may leave routing to the gateway's configuration: with no upstreams it owns activities and policy
-- (sync, relative regexes, shadow) while a configured route covering its prefix carries the traffic. The gateway
-- checks that such a route exists (admin API, seed, route table); the checks below are the last line only.
ALTER TABLE services DROP CONSTRAINT services_upstreams_check;
ALTER TABLE services ADD CONSTRAINT services_upstreams_check CHECK (cardinality(upstreams) BETWEEN 0 AND 16);
-- Health checks probe stored upstreams; a service without any has nothing to probe.
ALTER TABLE services ADD CONSTRAINT services_health_check_needs_upstreams
  CHECK (health_check_path IS NULL OR cardinality(upstreams) > 0);
