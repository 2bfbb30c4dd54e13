package dev.gatehouse.gateway.policy;

import java.net.URI;
import java.util.List;

/**
 * A service stored as data: requests whose normalised path is {@code routePrefix} or lies under it go to one of
 * {@code upstreams} (round robin), silent for at most {@code timeoutMillis}. {@code healthCheck} (null: none) takes an
 * upstream out of the rotation while its check fails. {@code revision} is the admin API's ETag; 0 for drafts. With no
 * upstreams the service is {@linkplain #routedByConfiguration() routed by configuration}.
 */
public record Service(String name, String routePrefix, List<URI> upstreams, long timeoutMillis,
    HealthCheck healthCheck, String description, long revision) {

  /** {@code GET path} on each upstream every {@code intervalMillis}; any 2xx answer counts as healthy. */
  public record HealthCheck(String path, long intervalMillis) {}

  public Service {
    upstreams = upstreams == null ? null : List.copyOf(upstreams);
    description = description == null ? "" : description;
  }

  /**
   * True when the service has no upstreams of its own: it owns activities and policy, while a configured route
   * covering its prefix carries the traffic ({@link ServiceRules#validateRouting}).
   */
  public boolean routedByConfiguration() {
    return upstreams != null && upstreams.isEmpty();
  }

  /** The same service at another revision (as stored). */
  public Service withRevision(long newRevision) {
    return new Service(name, routePrefix, upstreams, timeoutMillis, healthCheck, description, newRevision);
  }
}
