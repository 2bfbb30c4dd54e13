package dev.gatehouse.gateway.audit;

import java.time.Instant;

/**
 * One authorization decision, as kept in the audit trail. It never holds a token, a cookie, a secret or a query
 * string: for an API token only its public id ({@code api_token_id} claim) is kept, and the path is the canonical one
 * the gateway decided on, without the query.
 *
 * @param time            when the decision was final
 * @param requestId       the client's {@code X-Request-Id} when it sent a sane one, else null
 * @param traceId         the W3C trace id (32 hex digits) of the request, or null without one
 * @param decision        {@code allowed}, {@code denied}, {@code unauthenticated}, {@code unavailable}
 * @param status          what the gateway answered the client (the upstream's status when it was proxied)
 * @param reason          why: the failed check ({@code token_expired}, {@code no_activity}, ...) or, when allowed,
 *                        {@code activity}
 * @param subject         the verified token's {@code sub}; null when no token verified
 * @param username        its {@code preferred_username}
 * @param client          its {@code azp}
 * @param credential      how the credential came: cookie, bearer, api_token, service_account, none
 * @param apiTokenId      the API token's public id, only for API tokens
 * @param method          the request method
 * @param path            the canonical path (no query)
 * @param activityId      the activity that allowed it (allowed only), else null
 * @param permission      one of the caller's permissions linked to that activity (allowed only), else null
 * @param shadow          what the shadow activities would have decided (would_allow, would_deny), null without any
 * @param upstreamStatus  the upstream's status, or null when no upstream answered
 * @param upstreamMillis  time until the upstream's response head (or failure), or null when not proxied
 */
public record DecisionRecord(
    Instant time,
    String requestId,
    String traceId,
    String decision,
    int status,
    String reason,
    String subject,
    String username,
    String client,
    String credential,
    String apiTokenId,
    String method,
    String path,
    Long activityId,
    String permission,
    String shadow,
    Integer upstreamStatus,
    Double upstreamMillis) {

  /** Denials and errors are always kept; allows may be sampled. */
  public boolean alwaysKept() {
    return !"allowed".equals(decision) || status >= 500;
  }
}
