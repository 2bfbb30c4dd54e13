package dev.gatehouse.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.Service;
import dev.gatehouse.gateway.policy.ServiceRules;
import java.util.List;
import java.util.Set;

/**
 * The JSON body of {@code POST /activities} (create), {@code PUT /activities/{id}} (replace) and each entry of a
 * service sync, read into a {@link Draft} exactly as sent: no trimming, no case folding, no defaults for a
 * replacement. The regex is either {@code urlRegex} (the whole path) or {@code serviceRegex} (relative to the
 * service's route prefix); {@link Draft#resolve} turns the second into the first.
 */
final class ActivityBody {
  /** The fields of an activity as the API shows it; {@code id} is accepted on PUT when it names the same activity. */
  static final List<String> FIELDS = List.of("id", "method", "urlRegex", "serviceRegex", "description",
      "permissions", "service", "shadow");
  /** A sync entry: the service is the one synced, the id is the gateway's. */
  static final List<String> SYNC_FIELDS = List.of("method", "urlRegex", "serviceRegex", "description", "permissions",
      "shadow");
  private static final String WHAT = "An activity";

  /**
   * An activity as sent. {@code service} and {@code shadow} are null when left out: on a PUT that keeps the stored
   * values (so an edit cannot quietly enforce a shadow or detach an activity from its service).
   */
  record Draft(String method, String urlRegex, String serviceRegex, String description, Set<String> permissions,
      String service, Boolean shadow) {

    /** The definition to store; {@code service} is the named service when a {@code serviceRegex} was given. */
    ActivityDefinition resolve(Service owner, String keptService, boolean keptShadow) {
      String regex = urlRegex;
      if (serviceRegex != null) {
        regex = quotedPrefix(owner.routePrefix()) + serviceRegex;
      }
      String linked = service != null ? service : keptService;
      return new ActivityDefinition(method, regex, description, permissions, linked,
          shadow != null ? shadow : keptShadow);
    }

    /** The service whose prefix the regex needs, or null when the regex is whole. */
    String prefixService() {
      return serviceRegex == null ? null : service;
    }
  }

  private ActivityBody() {}

  /** POST: description, permissions, service and shadow may be left out; the id is assigned by the gateway. */
  static Draft forCreate(ObjectNode body) {
    JsonFields.requireKnown(body, FIELDS, WHAT);
    if (body.has("id")) {
      throw AdminRequestException.badRequest("\"id\" is assigned by the gateway: leave it out when creating an"
          + " activity.");
    }
    return read(body, false, null);
  }

  /**
   * PUT replaces the whole activity, so every field is required: a left-out "permissions" would otherwise unlink
   * every permission without anyone having asked for that. Only "service" and "shadow" may be left out (kept).
   */
  static Draft forReplace(ObjectNode body, long id) {
    JsonFields.requireKnown(body, FIELDS, WHAT);
    JsonNode bodyId = body.get("id");
    if (bodyId != null && !(bodyId.isIntegralNumber() && bodyId.canConvertToLong() && bodyId.longValue() == id)) {
      throw AdminRequestException.badRequest("\"id\" in the body (" + JsonBody.shorten(bodyId.toString())
          + ") is not the id in the path (" + id + "); leave it out or send the same number.");
    }
    return read(body, true, null);
  }

  /** One entry of a sync of {@code service}: as a POST, without id and service. */
  static Draft forSync(ObjectNode body, String service, int index) {
    try {
      JsonFields.requireKnown(body, SYNC_FIELDS, "A synced activity");
      return read(body, false, service);
    } catch (AdminRequestException e) {
      throw AdminRequestException.badRequest("\"activities\"[" + index + "]: " + e.getMessage());
    }
  }

  private static Draft read(ObjectNode body, boolean replacing, String syncedService) {
    String method = JsonFields.string(body, "method", true, "an HTTP method in upper case, one of GET, POST, PUT,"
        + " PATCH, DELETE");
    String service = syncedService != null ? syncedService
        : JsonFields.string(body, "service", false, "the name of the service the activity belongs to");
    if (body.has("urlRegex") && body.has("serviceRegex")) {
      throw AdminRequestException.badRequest("Send exactly one of \"urlRegex\" (a regex over the whole normalised"
          + " path, such as \"/api/v1/roles/[^/?#]+\") or \"serviceRegex\" (relative to the service's route prefix,"
          + " with \"service\").");
    }
    String urlRegex = JsonFields.string(body, "urlRegex", !body.has("serviceRegex"), "a regex over the whole"
        + " normalised path, such as \"/api/v1/roles/[^/?#]+\" (or \"serviceRegex\", relative to a service's route"
        + " prefix)");
    String serviceRegex = JsonFields.string(body, "serviceRegex", false, "a regex relative to the service's route"
        + " prefix, such as \"/invoices/[^/?#]+\"");
    if (serviceRegex != null) {
      if (service == null) {
        throw AdminRequestException.badRequest("\"serviceRegex\" is relative to a service's route prefix: name the"
            + " service in \"service\", or send the whole-path regex as \"urlRegex\".");
      }
      if (!serviceRegex.isEmpty() && serviceRegex.charAt(0) != '/' && serviceRegex.charAt(0) != '(') {
        throw AdminRequestException.badRequest("\"serviceRegex\" continues the service's route prefix, so it is"
            + " empty or starts with '/' (or a group such as \"(/.*)?\"), got \"" + JsonBody.shorten(serviceRegex)
            + "\".");
      }
    }
    String description = JsonFields.string(body, "description", replacing, "a text for people (\"\" for none)"
        + (replacing ? "; a PUT replaces the whole activity" : ""));
    Set<String> permissions = JsonFields.permissionNames(body, "permissions", replacing);
    Boolean shadow = JsonFields.bool(body, "shadow", "true to measure the activity without enforcing it");
    if (!replacing && shadow == null) {
      shadow = false;
    }
    return new Draft(method, urlRegex, serviceRegex, description, permissions, service, shadow);
  }

  /** The prefix as a regex matching exactly itself (prefixes may hold '.', '+', '(' and the like). */
  static String quotedPrefix(String prefix) {
    return ServiceRules.quotedPrefix(prefix);
  }
}
