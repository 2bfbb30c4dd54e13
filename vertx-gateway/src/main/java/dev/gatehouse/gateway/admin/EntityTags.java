package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ETags of activities and the {@code If-Match} conditions on writes (RFC 9110 section 13.1.1). An activity's ETag is
 * its revision in quotes, a strong validator; {@code If-Match} compares strongly, so a weak tag {@code W/"..."} never
 * matches.
 */
final class EntityTags {
  private EntityTags() {}

  static String of(Activity activity) {
    return of(activity.revision());
  }

  static String of(long revision) {
    return "\"" + revision + "\"";
  }

  /**
   * The condition the {@code If-Match} header fields put on a write: {@link ExpectedRevision#ANY} when there are none
   * or for {@code *}. Throws 400 when the header is not a list of quoted entity tags, and 428 when {@code required}
   * and absent.
   */
  static ExpectedRevision ifMatch(List<String> headerValues, boolean required) {
    if (headerValues.isEmpty()) {
      if (required) {
        throw new AdminRequestException(428, "precondition_required", "A PUT replaces the whole activity, so it must"
            + " say which version it replaces: send If-Match with the ETag from GET"
            + " /gatehouse/admin/activities/{id} (If-Match: * replaces whatever is stored).");
      }
      return ExpectedRevision.ANY;
    }
    String value = String.join(",", headerValues).strip();
    if (value.equals("*")) {
      return ExpectedRevision.ANY;
    }
    Set<Long> revisions = new HashSet<>();
    int i = 0;
    boolean expectTag = true;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
      } else if (c == ',' && !expectTag) {
        expectTag = true;
        i++;
      } else if (expectTag) {
        boolean weak = value.startsWith("W/", i);
        int open = weak ? i + 2 : i;
        int close = open < value.length() && value.charAt(open) == '"' ? value.indexOf('"', open + 1) : -1;
        if (close < 0) {
          throw malformed(value);
        }
        String tag = value.substring(open + 1, close);
        if (!weak && tag.matches("[1-9][0-9]{0,18}")) {
          try {
            revisions.add(Long.parseLong(tag));
          } catch (NumberFormatException ignored) {
            // beyond any revision: can never match
          }
        }
        expectTag = false;
        i = close + 1;
      } else {
        throw malformed(value);
      }
    }
    if (expectTag) {
      throw malformed(value);
    }
    return ExpectedRevision.oneOf(revisions);
  }

  private static AdminRequestException malformed(String value) {
    return AdminRequestException.badRequest("If-Match must be * or a list of quoted ETags such as \"17\", as sent in"
        + " the ETag header; got " + JsonBody.shorten(value) + ".");
  }
}
