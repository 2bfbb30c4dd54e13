package dev.gatehouse.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import java.util.List;
import java.util.Set;

/**
 * The JSON body of {@code POST /activities} (create) and {@code PUT /activities/{id}} (replace), read into an
 * {@link ActivityDefinition} exactly as sent: no trimming, no case folding, no defaults for a replacement.
 */
final class ActivityBody {
  /** The fields of an activity as the API shows it; {@code id} is accepted on PUT when it names the same activity. */
  static final List<String> FIELDS = List.of("id", "method", "urlRegex", "description", "permissions");
  private static final String WHAT = "An activity";

  private ActivityBody() {}

  /** POST: description and permissions may be left out (empty); the id is assigned by the gateway. */
  static ActivityDefinition forCreate(ObjectNode body) {
    JsonFields.requireKnown(body, FIELDS, WHAT);
    if (body.has("id")) {
      throw AdminRequestException.badRequest("\"id\" is assigned by the gateway: leave it out when creating an"
          + " activity.");
    }
    return read(body, false);
  }

  /**
   * PUT replaces the whole activity, so every field is required: a left-out "permissions" would otherwise unlink
   * every permission without anyone having asked for that.
   */
  static ActivityDefinition forReplace(ObjectNode body, long id) {
    JsonFields.requireKnown(body, FIELDS, WHAT);
    JsonNode bodyId = body.get("id");
    if (bodyId != null && !(bodyId.isIntegralNumber() && bodyId.canConvertToLong() && bodyId.longValue() == id)) {
      throw AdminRequestException.badRequest("\"id\" in the body (" + JsonBody.shorten(bodyId.toString())
          + ") is not the id in the path (" + id + "); leave it out or send the same number.");
    }
    return read(body, true);
  }

  private static ActivityDefinition read(ObjectNode body, boolean replacing) {
    String method = JsonFields.string(body, "method", true, "an HTTP method in upper case, one of GET, POST, PUT,"
        + " PATCH, DELETE");
    String urlRegex = JsonFields.string(body, "urlRegex", true, "a regex over the whole normalised path, such as"
        + " \"/api/v1/roles/[^/?#]+\"");
    String description = JsonFields.string(body, "description", replacing, "a text for people (\"\" for none)"
        + (replacing ? "; a PUT replaces the whole activity" : ""));
    Set<String> permissions = JsonFields.permissionNames(body, "permissions", replacing);
    return new ActivityDefinition(method, urlRegex, description, permissions);
  }
}
