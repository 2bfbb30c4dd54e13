package dev.gatehouse.gateway.audit;

import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.ops.DecisionOutcome;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request path's side of the audit trail: three hooks, called on the event loop, that turn what the gateway
 * decided into {@link DecisionRecord}s and hand them to the {@link DecisionRecorder}.
 * <ul>
 *   <li>{@link #refused}: where a refusal (401, 403, 429, 503) is final. Always recorded.</li>
 *   <li>{@link #allowed}: where a request is let through; the record is completed when the response ends, so it
 *       carries the status the client got and what the upstream did. Kept when sampled
 *       ({@code audit.allowSampleRate}) or when the answer was an error (5xx).</li>
 *   <li>{@link #upstreamAnswered}: from the proxy, when the upstream's response head (or a failure) arrived.</li>
 * </ul>
 * Off ({@link #off()}), every hook returns at once.
 */
public final class RequestAudit {
  private static final RequestAudit OFF = new RequestAudit(null, 0);
  private static final int MAX_REQUEST_ID = 128;

  /** Null when off. */
  private final DecisionRecorder recorder;
  private final double allowSampleRate;

  public RequestAudit(DecisionRecorder recorder, double allowSampleRate) {
    this.recorder = recorder;
    this.allowSampleRate = allowSampleRate;
  }

  public static RequestAudit off() {
    return OFF;
  }

  public boolean enabled() {
    return recorder != null;
  }

  /**
   * Hook: the gateway answers {@code status} and lets the request go no further. {@code credential} and
   * {@code token} are null when not known (yet); the token is never read for its string, only its claims.
   * {@code server}: the request's server span, or null.
   */
  public void refused(HttpServerRequest request, Span server, String path, DecisionOutcome outcome, int status,
      String reason, Credential credential, VerifiedToken token, String shadow) {
    if (recorder == null) {
      return;
    }
    recorder.offer(record(request, server, System.currentTimeMillis(), path, outcome.label(), status, reason,
        credential, token, null, shadow, null, null));
  }

  /**
   * Hook: the request was allowed by {@code decision}. Returns what to complete when its response ends
   * ({@link #responseEnded}), or null when nothing is recorded (off).
   */
  public PendingAllow allowed(HttpServerRequest request, Span server, String path, Credential credential,
      VerifiedToken token, Decision decision, String shadow) {
    if (recorder == null) {
      return null;
    }
    boolean sampled = allowSampleRate >= 1 || (allowSampleRate > 0
        && ThreadLocalRandom.current().nextDouble() < allowSampleRate);
    return new PendingAllow(request, server, path, credential, token, decision.decidingActivity(), shadow, sampled);
  }

  /** Hook: the response of an allowed request ended; the record is kept when sampled or when it was a 5xx. */
  public void responseEnded(PendingAllow pending) {
    int status = pending.request.response().getStatusCode();
    if (!pending.sampled && status < 500) {
      return;
    }
    recorder.offer(record(pending.request, pending.server, pending.decidedAt, pending.path,
        DecisionOutcome.ALLOWED.label(), status,
        // No activity decides the caller's own view (/gatehouse/me): every verified caller may use it.
        pending.activity == null ? "self_service" : "activity", pending.credential, pending.token, pending.activity,
        pending.shadow, pending.upstreamStatus <= 0 ? null : pending.upstreamStatus,
        pending.upstreamNanos < 0 ? null : pending.upstreamNanos / 1_000_000.0));
  }

  /** An allowed request whose record waits for its response to end. Confined to the request's event loop. */
  public static final class PendingAllow {
    private final HttpServerRequest request;
    private final Span server;
    private final long decidedAt = System.currentTimeMillis();
    private final String path;
    private final Credential credential;
    private final VerifiedToken token;
    private final Activity activity;
    private final String shadow;
    private final boolean sampled;
    private int upstreamStatus = -1;
    private long upstreamNanos = -1;

    PendingAllow(HttpServerRequest request, Span server, String path, Credential credential, VerifiedToken token,
        Activity activity, String shadow, boolean sampled) {
      this.request = request;
      this.server = server;
      this.path = path;
      this.credential = credential;
      this.token = token;
      this.activity = activity;
      this.shadow = shadow;
      this.sampled = sampled;
    }

    /** Hook: the upstream's status ({@code 0} when it failed or never answered) and the time until its answer. */
    public void upstreamAnswered(int status, long nanos) {
      upstreamStatus = status;
      upstreamNanos = nanos;
    }
  }

  private DecisionRecord record(HttpServerRequest request, Span server, long epochMillis, String path,
      String decision, int status, String reason, Credential credential, VerifiedToken token, Activity activity,
      String shadow, Integer upstreamStatus, Double upstreamMillis) {
    return new DecisionRecord(Instant.ofEpochMilli(epochMillis), requestId(request.getHeader("X-Request-Id")),
        GatewayTracing.traceId(server, request), decision, status, reason,
        token == null ? null : token.subject(),
        token == null ? null : token.username(),
        token == null ? null : token.authorizedParty(),
        CredentialKind.of(credential, token).label(),
        token == null ? null : token.apiTokenId(),
        request.method().name(), path,
        activity == null ? null : activity.id(),
        activity == null || token == null ? null : grantingPermission(activity, token),
        shadow, upstreamStatus, upstreamMillis);
  }

  /** One of the caller's permissions that the activity accepts (the first in name order, so records are stable). */
  static String grantingPermission(Activity activity, VerifiedToken token) {
    // The smaller set is walked and the larger asked: an activity names one or two permissions, a caller dozens.
    Set<String> required = activity.permissions();
    Set<String> held = token.permissions();
    Set<String> walked = required.size() <= held.size() ? required : held;
    Set<String> asked = walked == required ? held : required;
    String found = null;
    for (String permission : walked) {
      if (asked.contains(permission) && (found == null || permission.compareTo(found) < 0)) {
        found = permission;
      }
    }
    return found;
  }

  /** A client's request id is kept only when short and printable ASCII: it is the client's word, not ours. */
  static String requestId(String header) {
    if (header == null || header.isEmpty() || header.length() > MAX_REQUEST_ID) {
      return null;
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
        return null;
      }
    }
    return header;
  }
}
