package dev.gatehouse.gateway.audit;

import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.ops.DecisionOutcome;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
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
  private static final RequestAudit OFF = new RequestAudit(null, 0, GatewayTracing.off());
  private static final String PENDING = "gatehouse.audit.pending";
  private static final int MAX_REQUEST_ID = 128;

  /** Null when off. */
  private final DecisionRecorder recorder;
  private final double allowSampleRate;
  private final GatewayTracing tracing;

  public RequestAudit(DecisionRecorder recorder, double allowSampleRate, GatewayTracing tracing) {
    this.recorder = recorder;
    this.allowSampleRate = allowSampleRate;
    this.tracing = tracing;
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
   */
  public void refused(RoutingContext ctx, String path, DecisionOutcome outcome, int status, String reason,
      Credential credential, VerifiedToken token) {
    if (recorder == null) {
      return;
    }
    recorder.offer(record(ctx, System.currentTimeMillis(), path, outcome.label(), status, reason, credential, token,
        null, null, null));
  }

  /** Hook: the request was allowed by {@code decision}; recorded when its response ends. */
  public void allowed(RoutingContext ctx, String path, Credential credential, VerifiedToken token, Decision decision) {
    if (recorder == null) {
      return;
    }
    boolean sampled = allowSampleRate >= 1 || (allowSampleRate > 0
        && ThreadLocalRandom.current().nextDouble() < allowSampleRate);
    PendingAllow pending = new PendingAllow(ctx, path, credential, token, decision.decidingActivity(), sampled);
    ctx.put(PENDING, pending);
    ctx.addEndHandler(pending);
  }

  /** Hook: the upstream's status ({@code 0} when it failed or never answered) and the time until its answer. */
  public void upstreamAnswered(RoutingContext ctx, int upstreamStatus, long nanos) {
    if (recorder == null) {
      return;
    }
    PendingAllow pending = ctx.get(PENDING);
    if (pending != null) {
      pending.upstreamStatus = upstreamStatus;
      pending.upstreamNanos = nanos;
    }
  }

  private final class PendingAllow implements Handler<AsyncResult<Void>> {
    private final RoutingContext ctx;
    private final long decidedAt = System.currentTimeMillis();
    private final String path;
    private final Credential credential;
    private final VerifiedToken token;
    private final Activity activity;
    private final boolean sampled;
    private int upstreamStatus = -1;
    private long upstreamNanos = -1;

    PendingAllow(RoutingContext ctx, String path, Credential credential, VerifiedToken token, Activity activity,
        boolean sampled) {
      this.ctx = ctx;
      this.path = path;
      this.credential = credential;
      this.token = token;
      this.activity = activity;
      this.sampled = sampled;
    }

    @Override
    public void handle(AsyncResult<Void> ended) {
      int status = ctx.response().getStatusCode();
      if (!sampled && status < 500) {
        return;
      }
      recorder.offer(record(ctx, decidedAt, path, DecisionOutcome.ALLOWED.label(), status, "activity", credential,
          token, activity, upstreamStatus < 0 ? null : (upstreamStatus == 0 ? null : upstreamStatus),
          upstreamNanos < 0 ? null : upstreamNanos / 1_000_000.0));
    }
  }

  private DecisionRecord record(RoutingContext ctx, long epochMillis, String path, String decision, int status,
      String reason, Credential credential, VerifiedToken token, Activity activity, Integer upstreamStatus,
      Double upstreamMillis) {
    return new DecisionRecord(Instant.ofEpochMilli(epochMillis), requestId(ctx.request().getHeader("X-Request-Id")),
        tracing.traceId(ctx), decision, status, reason,
        token == null ? null : token.subject(),
        token == null ? null : token.username(),
        token == null ? null : token.authorizedParty(),
        CredentialKind.of(credential, token).label(),
        token == null ? null : token.apiTokenId(),
        ctx.request().method().name(), path,
        activity == null ? null : activity.id(),
        activity == null || token == null ? null : grantingPermission(activity, token),
        null, upstreamStatus, upstreamMillis);
  }

  /** One of the caller's permissions that the activity accepts (the first in name order, so records are stable). */
  static String grantingPermission(Activity activity, VerifiedToken token) {
    String found = null;
    for (String permission : token.permissions()) {
      if (activity.permissions().contains(permission) && (found == null || permission.compareTo(found) < 0)) {
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
