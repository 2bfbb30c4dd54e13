package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.audit.DecisionQuery;
import dev.gatehouse.gateway.audit.DecisionRecord;
import dev.gatehouse.gateway.audit.DecisionStore;
import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /gatehouse/admin/decisions?subject=&username=&decision=&since=&until=&limit=}: the stored decision
 * records (audit.postgres.enabled), newest first. Strict like the activities API: unknown or repeated parameters,
 * bad times and out-of-range limits are refused with 400 and a message saying what to send. Without
 * {@code since} the last hour is searched.
 */
public final class DecisionsAdminApi {
  static final List<String> PARAMETERS = List.of("subject", "username", "decision", "since", "until", "limit");
  static final Set<String> DECISIONS = Set.of("allowed", "denied", "unauthenticated", "unavailable");
  static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

  /** Null when decisions are not stored: the endpoint then says how to turn storage on. */
  private final DecisionStore store;

  public DecisionsAdminApi(DecisionStore store) {
    this.store = store;
  }

  void mount(Router router) {
    router.get("/decisions").handler(this::search);
  }

  private void search(RoutingContext ctx) {
    DecisionQuery query;
    try {
      JsonBody.requireNone(ctx);
      query = query(ctx.queryParams(), Instant.now());
    } catch (RuntimeException e) {
      AdminJson.fail(ctx, e instanceof AdminRequestException ? e
          : AdminRequestException.badRequest("The query string cannot be decoded; check its percent-escapes."));
      return;
    }
    if (store == null) {
      ErrorReply.send(ctx.request(), 404, "not_stored", "Decision records are not stored in PostgreSQL on this gateway;"
          + " set audit.postgres.enabled=true (GATEHOUSE_AUDIT_POSTGRES=true) to search them here, or search the"
          + " JSON lines where they are shipped.");
      return;
    }
    store.search(query)
        .onSuccess(records -> AdminJson.ok(ctx, 200, new JsonObject()
            .put("since", query.since().toString()).put("until", query.until().toString())
            .put("decisions", new JsonArray(records.stream().map(DecisionsAdminApi::toJson).toList()))))
        .onFailure(e -> AdminJson.fail(ctx, e));
  }

  static DecisionQuery query(MultiMap parameters, Instant now) {
    for (String name : parameters.names()) {
      if (!PARAMETERS.contains(name)) {
        throw AdminRequestException.badRequest("Unknown query parameter \"" + JsonBody.shorten(name)
            + "\"; this endpoint takes " + String.join(", ", PARAMETERS) + ".");
      }
      if (parameters.getAll(name).size() > 1) {
        throw AdminRequestException.badRequest("Send " + name + " at most once.");
      }
    }
    String decision = text(parameters, "decision");
    if (decision != null && !DECISIONS.contains(decision)) {
      throw AdminRequestException.badRequest("decision must be one of allowed, denied, unauthenticated, unavailable;"
          + " got \"" + JsonBody.shorten(decision) + "\".");
    }
    Instant until = time(parameters, "until", now);
    Instant since = time(parameters, "since", until.minus(DEFAULT_WINDOW));
    if (!since.isBefore(until)) {
      throw AdminRequestException.badRequest("since must be before until (got since " + since + ", until " + until
          + ").");
    }
    int limit = DecisionQuery.DEFAULT_LIMIT;
    String rawLimit = parameters.get("limit");
    if (rawLimit != null) {
      if (!rawLimit.matches("[1-9][0-9]{0,3}") || Integer.parseInt(rawLimit) > DecisionQuery.MAX_LIMIT) {
        throw AdminRequestException.badRequest("limit is a whole number from 1 to " + DecisionQuery.MAX_LIMIT
            + ", got \"" + JsonBody.shorten(rawLimit) + "\".");
      }
      limit = Integer.parseInt(rawLimit);
    }
    return new DecisionQuery(text(parameters, "subject"), text(parameters, "username"), decision, since, until,
        limit);
  }

  private static String text(MultiMap parameters, String name) {
    String value = parameters.get(name);
    if (value == null) {
      return null;
    }
    if (value.isEmpty() || value.length() > 255) {
      throw AdminRequestException.badRequest(name + " must be 1 to 255 characters; leave it out to match any.");
    }
    return value;
  }

  private static Instant time(MultiMap parameters, String name, Instant fallback) {
    String value = parameters.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw AdminRequestException.badRequest(name + " is an ISO-8601 UTC time such as 2026-12-03T14:00:00Z, got \""
          + JsonBody.shorten(value) + "\".");
    }
  }

  static JsonObject toJson(DecisionRecord r) {
    JsonObject json = new JsonObject().put("time", r.time().toString()).put("decision", r.decision())
        .put("status", r.status()).put("reason", r.reason()).put("credential", r.credential())
        .put("method", r.method()).put("path", r.path());
    putIfPresent(json, "requestId", r.requestId());
    putIfPresent(json, "traceId", r.traceId());
    putIfPresent(json, "subject", r.subject());
    putIfPresent(json, "username", r.username());
    putIfPresent(json, "client", r.client());
    putIfPresent(json, "apiTokenId", r.apiTokenId());
    putIfPresent(json, "activityId", r.activityId());
    putIfPresent(json, "permission", r.permission());
    putIfPresent(json, "shadow", r.shadow());
    putIfPresent(json, "upstreamStatus", r.upstreamStatus());
    putIfPresent(json, "upstreamMs", r.upstreamMillis());
    return json;
  }

  private static void putIfPresent(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
